/**
 * Benchmark of `nested.levels(5).generate(16)` with the default settings on the shipped checkpoint
 * (assets/nested/L5), plus one row per level (its share of the same call), two other guidance settings, and the L = 1
 * call for the sampling-cost ratio. One warm-up call (loads the checkpoint), then the median of REPS calls.
 * Env: HYPNEST_BENCH_REPS (default 3). Run: npx tsx bench/nested.bench.ts
 */
import * as fs from 'fs';
import { ready } from '../sdk/core/backend';
import { assetPath } from '../sdk/core/paths';
import { FAST, nested } from '../sdk/fluent/nested';
import { threadVariants } from './threads';

/** scripts/bench.mjs also runs this file with HYPNEST_NATIVE=0 for the wasm column (the default call only). */
export const wasmPass = true;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `peer: false`: no row of that name in bench/nested_peer.py on purpose (scripts/bench.mjs does not warn). */
interface Row {
  name: string;
  ms: number;
  note?: string;
  peer?: boolean;
}

export default async function run(): Promise<Row[]> {
  const report = await ready();
  process.env.HYPNEST_PROGRESS = '0';
  const reps = Number(process.env.HYPNEST_BENCH_REPS ?? 3);
  const rows: Row[] = [];
  const v = threadVariants().at(-1)!; // the default: all cores with the native kernels, 1 thread on wasm
  v.apply();
  // L = 5 with the defaults (guidance [2, 2, 2, 2, 1]: none at the pixel level, one U-Net call per step; 40 latent and
  // 20 pixel DDIM steps); L = 5 with the evaluation's tuned guidance, also none at the pixels; L = 5 with the earlier
  // default, guidance decaying to 1.1 at the pixels (two U-Net calls per step), 20 steps everywhere; L = 1.
  // Then both at 10 pixel steps (the evaluation's rows: L = 5 with 20 latent steps against L = 1), and the defaults and
  // that pair on 128 images: on 16 the latent MLPs' fixed cost per call weighs more than on the evaluation's batches.
  // nested.fast(): the 128-wide latent MLPs' checkpoint at 10 pixel / 20 latent steps, against L = 1 at 10 steps.
  const variants: { L: number; cfg?: number[]; steps?: number; latentSteps?: number; n?: number; fast?: boolean }[] = [
    { L: 5 },
    { L: 5, cfg: [3, 2.5, 2, 1.5, 1], latentSteps: 40 },
    { L: 5, cfg: [1.5, 1.4, 1.3, 1.2, 1.1], latentSteps: 20 },
    { L: 1 },
    { L: 5, steps: 10, latentSteps: 20 },
    { L: 1, steps: 10 },
    { L: 5, n: 128 },
    { L: 1, n: 128 },
    { L: 5, steps: 10, latentSteps: 20, n: 128 },
    { L: 5, steps: 10, latentSteps: 10, n: 128 },
    { L: 1, steps: 10, n: 128 },
    { L: 5, fast: true },
    { L: 5, fast: true, n: 128 },
  ];
  const wasm = process.env.HYPNEST_BENCH_PASS === 'wasm';
  for (const { L, cfg, steps, latentSteps, n = 16, fast } of wasm ? variants.slice(0, 1) : variants) {
    const peer = L === 5 && !cfg && !steps && !latentSteps && !fast && n === 16 ? undefined : false; // bench/nested_peer.py: the default call only
    const stepsPart = steps || latentSteps ? `.steps(${steps ?? 20}${latentSteps ? `, ${latentSteps}` : ''})` : '';
    const name = `nested.levels(${L})${fast ? '.fast()' : ''}${cfg ? `.cfg([${cfg.join(', ')}])` : ''}${stepsPart}.generate(${n})${v.suffix}`;
    const run = `L${L}${fast ? `-mlp${FAST.mlp.width}x${FAST.mlp.depth}` : ''}`;
    if (!fs.existsSync(assetPath('nested', run, 'nested.json'))) {
      const cmd = `npx hypnest train nested --levels ${L}${fast ? ` --mlp-width ${FAST.mlp.width} --mlp-depth ${FAST.mlp.depth}` : ''}`;
      rows.push({ name, ms: NaN, peer, note: `no shipped checkpoint assets/nested/${run} (run ${cmd})` });
      continue;
    }
    const levels = nested.levels(L).fast(fast ?? false);
    const guided = cfg ? levels.cfg(cfg) : levels;
    const b = steps || latentSteps ? guided.steps(steps ?? 20, latentSteps) : guided;
    await b.trace(n);
    const totals: number[] = [];
    const perLevel: number[][] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      const t = await b.seed(i + 1).trace(n);
      totals.push(performance.now() - t0);
      perLevel.push(t.levels.map((l) => l.ms));
    }
    const note = `${n} images, ${cfg || steps || latentSteps ? 'other settings as named' : fast ? 'fast(): 128-wide latent MLPs, 10 pixel / 20 latent steps' : 'default settings'}, ${report.chosen}: ${v.label}, median of ${reps}`;
    rows.push({ name, ms: median(totals), note, peer });
    if (L > 1)
      for (let l = 0; l < L; l++)
        rows.push({
          name: `  level ${l + 1}/${L}${l === L - 1 ? ' (pixels)' : ''}`,
          ms: median(perLevel.map((p) => p[l])),
          note: 'share of the call above',
          peer: false,
        });
  }
  await nested.dispose();
  return rows;
}

if (require.main === module) run().then((r) => console.table(r));
