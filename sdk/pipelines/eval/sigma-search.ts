/**
 * Greedy per-level search of the latent noise σ²_l (the paper names hand-tuning σ_l as its limitation):
 * start from σ² = start at every latent level; for l = 1 … L−1 (coarse to fine) try each candidate at level l
 * with the levels already searched at their best and the others at `start`, keep the value with the lowest FD.
 * Possible without retraining because the networks take σ as an input (see models/nested/config.ts).
 */
import { Evaluator } from '../../models/evaluator';
import { frechetFromStats, gaussianStats } from '../../metrics/fd';
import { NestedModel } from '../../models/nested/model';
import { defaultGuidance } from '../../models/nested/config';
import { progress } from '../../core/progress';
import { referenceOfT, sampleConfig } from './unconditional';

export interface SigmaTrial {
  level: number;
  sigma2: number[];
  fd: number;
}
export interface SigmaSearchResult {
  best: number[];
  bestFd: number;
  trials: SigmaTrial[];
  n: number;
}

export async function sigmaSearch(
  model: NestedModel,
  o: { candidates?: number[]; start?: number; n?: number; seed?: number; guidance?: number[]; steps?: number; evaluator?: Evaluator } = {},
): Promise<SigmaSearchResult> {
  const L = model.config.levels;
  const candidates = o.candidates ?? [0, 0.25, 0.5, 1];
  const n = o.n ?? 500;
  const ev = o.evaluator ?? (await Evaluator.load());
  const ref = referenceOfT(ev);
  const cur = Array(L - 1).fill(o.start ?? model.config.sample.sigma2);
  const trials: SigmaTrial[] = [];
  const cache = new Map<string, number>();
  const bar = progress('σ search', (L - 1) * candidates.length);
  const score = (s: number[]): number => {
    const key = s.join(',');
    if (!cache.has(key)) {
      const g = sampleConfig(
        { name: 'σ', model, sigma2: s, guidance: o.guidance ?? defaultGuidance(L), steps: o.steps, latentSteps: o.steps },
        n,
        o.seed ?? 0,
        100,
      );
      cache.set(key, frechetFromStats(gaussianStats(ev.embed(g.pixels)), ref.stats));
    }
    return cache.get(key)!;
  };
  try {
    for (let l = 0; l < L - 1; l++) {
      let best = { v: cur[l], fd: Infinity };
      for (const v of candidates) {
        const s = cur.map((x, k) => (k === l ? v : x));
        const fd = score(s);
        trials.push({ level: l + 1, sigma2: s, fd });
        if (fd < best.fd) best = { v, fd };
        bar.tick(1, { level: l + 1, fd: fd.toFixed(2) });
      }
      cur[l] = best.v;
    }
  } finally {
    bar.done();
  }
  return { best: cur, bestFd: score(cur), trials, n };
}
