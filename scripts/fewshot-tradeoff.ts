/**
 * Compares few-shot methods at equal diversity: for each seed, each method family's (diversity, FD) points over its
 * radii form a curve (linear between measured radii); the FD of one family is read off another's curve at the same
 * diversity. Prints, per seed, hyperbolic vs euclidean, augment vs hyperbolic, and hyperbolic-real vs hyperbolic.
 *   npx tsx scripts/fewshot-tradeoff.ts assets/hypdae/eval-fewshot.json assets/hypdae/eval-fewshot-seeds.json
 */
import * as fs from 'fs';
import type { FewShotReport } from '../sdk/pipelines/eval/report';

type Point = { diversity: number; fd: number; name: string };

function points(reports: FewShotReport[], seed: number, family: string): Point[] {
  const out = new Map<string, Point>();
  for (const r of reports) {
    for (const m of r.methods) {
      if (m.name.split('@')[0] !== family) continue;
      for (const p of m.perSeed) if (p.seed === seed) out.set(m.name, { diversity: p.mean.diversity, fd: p.mean.fd, name: m.name });
    }
  }
  return [...out.values()].sort((a, b) => a.diversity - b.diversity);
}

/** FD on the curve at diversity d (linear between the two measured points around it), or undefined outside it. */
function fdAt(curve: Point[], d: number): number | undefined {
  for (let i = 0; i + 1 < curve.length; i++) {
    const [a, b] = [curve[i], curve[i + 1]];
    if (a.diversity <= d && d <= b.diversity) return a.fd + ((b.fd - a.fd) * (d - a.diversity)) / (b.diversity - a.diversity);
  }
  return undefined;
}

function main(): void {
  const files = process.argv.slice(2);
  if (!files.length) throw new Error('usage: fewshot-tradeoff.ts <report.json>...');
  const reports = files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as FewShotReport);
  const seeds = [...new Set(reports.flatMap((r) => r.methods.flatMap((m) => m.perSeed.map((p) => p.seed))))].sort((a, b) => a - b);
  const line = (p: Point, other: string, v: number | undefined) =>
    `  ${p.name}: FD ${p.fd.toFixed(2)} at diversity ${p.diversity.toFixed(4)}; ${other} at equal diversity ${v === undefined ? 'outside its curve' : `${v.toFixed(2)} (ratio ${(p.fd / v).toFixed(3)})`}`;
  for (const seed of seeds) {
    console.log(`seed ${seed}`);
    const hyp = points(reports, seed, 'hyperbolic');
    const euc = points(reports, seed, 'euclidean');
    for (const p of hyp) console.log(line(p, 'euclidean', fdAt(euc, p.diversity)));
    for (const p of points(reports, seed, 'augment')) console.log(line(p, 'hyperbolic', fdAt(hyp, p.diversity)));
    for (const p of points(reports, seed, 'hyperbolic-real')) console.log(line(p, 'hyperbolic (pseudo-labels)', fdAt(hyp, p.diversity)));
  }
}

main();
