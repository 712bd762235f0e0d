/** Writes a few-shot report as JSON plus a markdown table (both atomically). */
import { writeFileAtomic } from '../../core/atomic';
import { FewShotScores, SCORE_KEYS, meanScores, stdScores } from './metrics-set';

export interface FewShotMethodResult {
  name: string;
  perSeed: { seed: number; seconds: number; perClass: Record<string, FewShotScores>; mean: FewShotScores }[];
  mean: FewShotScores;
  std: FewShotScores;
}

export interface FewShotReport {
  protocol: 'fewshot';
  /** The images scored (the protocol's 'fashion-mnist:T', or 'folder:<dir>'); reports before it lack it. */
  data?: string;
  commit: string;
  backend: string;
  seeds: number[];
  classes: number[];
  inputsPerClass: number;
  outputsPerInput: number;
  /** Generated images per class (inputs × outputs) and reference images per class. */
  n: { generatedPerClass: number; reference: Record<string, number> };
  evaluator: { hash?: string; testAccuracy?: unknown };
  startedAt: string;
  wallSeconds: number;
  methods: FewShotMethodResult[];
}

const HEAD: Record<keyof FewShotScores, string> = {
  fd: 'FD ↓',
  kid: 'KID ↓',
  diversity: 'diversity ↑',
  identity: 'identity ↑',
  recognisability: 'recognisability ↑',
  copyDistance: 'copy dist.',
  blank: 'blank',
};

function cell(k: keyof FewShotScores, mean: number, std: number, seeds: number): string {
  const digits = k === 'fd' ? 2 : 3;
  if (!Number.isFinite(mean)) return '—';
  const m = mean.toFixed(digits);
  return seeds > 1 ? `${m} ± ${std.toFixed(digits)}` : m;
}

/**
 * Methods of several reports (runs split across processes or seeds), in first-seen order. A method found in several
 * reports pools its seeds into one row (mean ± std over all of them); the same method and seed twice is an error.
 */
export function mergeFewShotMethods(reports: readonly FewShotReport[]): { methods: FewShotMethodResult[]; seeds: number[] } {
  const byName = new Map<string, FewShotMethodResult['perSeed']>();
  for (const r of reports) {
    for (const m of r.methods) {
      const have = byName.get(m.name) ?? [];
      for (const p of m.perSeed) {
        if (have.some((h) => h.seed === p.seed)) throw new Error(`mergeFewShotMethods: ${m.name} seed ${p.seed} appears twice`);
        have.push(p);
      }
      byName.set(m.name, have);
    }
  }
  const methods = [...byName].map(([name, perSeed]) => {
    perSeed.sort((a, b) => a.seed - b.seed);
    const means = perSeed.map((p) => p.mean);
    return { name, perSeed, mean: meanScores(means), std: stdScores(means) };
  });
  return { methods, seeds: [...new Set(methods.flatMap((m) => m.perSeed.map((p) => p.seed)))].sort((a, b) => a - b) };
}

/** The markdown table with a header naming commit, backend, seeds, n and wall time. */
export function fewShotMarkdown(r: FewShotReport): string {
  const refs = Object.entries(r.n.reference)
    .map(([c, n]) => `${c}: ${n}`)
    .join(', ');
  const lines = [
    `# Few-shot evaluation`,
    '',
    `${r.data ? `data ${r.data} · ` : ''}commit \`${r.commit}\` · backend ${r.backend} · seeds ${r.seeds.join(', ')} · classes ${r.classes.join(', ')} · ` +
      `${r.inputsPerClass} inputs × ${r.outputsPerInput} outputs = n ${r.n.generatedPerClass} per class · reference n (${refs}) · ` +
      `evaluator ${r.evaluator.hash?.slice(0, 12) ?? '?'} · wall ${r.wallSeconds.toFixed(1)} s · ${r.startedAt}`,
    '',
    `Per-class scores averaged over the classes; mean ± std over seeds.`,
    '',
    `| method | ${SCORE_KEYS.map((k) => HEAD[k]).join(' | ')} |`,
    `|---|${SCORE_KEYS.map(() => '---:').join('|')}|`,
    ...r.methods.map(
      (m) =>
        `| ${m.name}${m.perSeed.length !== r.seeds.length ? ` (seed ${m.perSeed.map((p) => p.seed).join(', ')})` : ''} | ${SCORE_KEYS.map((k) => cell(k, m.mean[k], m.std[k], m.perSeed.length)).join(' | ')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** Writes `<base>.json` and `<base>.md`; returns the two paths. */
export async function writeFewShotReport(base: string, r: FewShotReport): Promise<string[]> {
  const b = base.replace(/\.(json|md)$/, '');
  await writeFileAtomic(`${b}.json`, JSON.stringify(r, null, 2) + '\n');
  await writeFileAtomic(`${b}.md`, fewShotMarkdown(r));
  return [`${b}.json`, `${b}.md`];
}
