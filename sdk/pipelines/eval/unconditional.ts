/**
 * The protocol's unconditional run (nested diffusion): for each configuration, n samples per seed, FD and
 * KID of evaluator features against all of T, the sampling cost (denoiser evaluations and seconds per
 * image, split per level), and per latent level how far the sampled latents are from real ones (latent-fd.ts).
 * Writes JSON + markdown with commit, backend, seeds, n and wall time.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../core/backend';
import { checkOptions, ConfigError, ValueError, describe } from '../../core/errors';
import { Rng } from '../../core/rng';
import { writeJsonAtomic, writeFileAtomic } from '../../core/atomic';
import { gitCommit } from '../../core/paths';
import { progress } from '../../core/progress';
import { Evaluator } from '../../models/evaluator';
import { splitT } from '../../data/splits';
import { frechetFromStats, gaussianStats, GaussianStats } from '../../metrics/fd';
import { kernelInceptionDistance } from '../../metrics/kid';
import { recognisability } from '../../metrics/recognisability';
import { NestedModel } from '../../models/nested/model';
import { generateNested } from '../../models/nested/sample';
import { defaultGuidance } from '../../models/nested/config';
import { latentFdPerDim, realLatents } from './latent-fd';

export interface UncondConfig {
  name: string;
  model: NestedModel;
  guidance?: readonly number[];
  sigma2?: readonly number[];
  steps?: number;
  latentSteps?: number;
  /** η of the latent levels (default: the model's sample.latentEta). */
  latentEta?: number;
  /** η of the pixel level (default: the model's sample.eta). */
  eta?: number;
  /**
   * Diagnostic: hold every latent level at the latents of real T images (z_l + σ_l ε, a seeded random subset)
   * and sample only the pixels — what the pixel level makes of a perfect latent chain.
   */
  realLatents?: boolean;
  /**
   * Class-conditional generation (a model trained with --classes): sample i asks for class i mod K (balanced over
   * the K classes, like T), and the row also reports the recognisability of the requested class.
   */
  classes?: boolean;
}

export interface UncondRow {
  name: string;
  levels: number;
  conditioning: string;
  guidance: number[];
  sigma2: number[];
  steps: number;
  /** η of the latent levels (rows written before 2026-11-24 lack it: those used 0). */
  latentEta?: number;
  /** η of the pixel level (rows written before 2026-11-24 lack it: those used 0). */
  eta?: number;
  /** DDIM steps of the latent levels (rows written before 2026-11-24 lack it: those used `steps`). */
  latentSteps?: number;
  n: number;
  fd: { mean: number; std: number; perSeed: number[] };
  kid: { mean: number; std: number; perSeed: number[] };
  evaluationsPerImage: number;
  secondsPerImage: number;
  /** Share of the sampling time of each level (coarse to fine). */
  levelSeconds: number[];
  /** True for a row whose latents were real (UncondConfig.realLatents). */
  realLatents?: boolean;
  /** Conditional rows: the share of images the evaluator assigns to the requested class (mean over seeds). */
  recognisability?: number;
  /** Per latent level: FD / d_l of the sampled latents against real T latents with the same σ (see latent-fd.ts); mean over seeds. */
  latentFd?: number[];
}

export interface UncondReport {
  commit: string;
  backend: string;
  seeds: number[];
  n: number;
  reference: string;
  rows: UncondRow[];
  wallSeconds: number;
  startedAt: string;
  /** Set by scripts/merge-reports.ts: how many runs (processes) the rows come from. */
  mergedRuns?: number;
}

export interface UncondEvalOptions {
  configs: UncondConfig[];
  n?: number;
  seeds?: number[];
  batch?: number;
  evaluator?: Evaluator;
  /** Reference statistics and features (default: all of T), and the images for the latent check. */
  reference?: { stats: GaussianStats; features: { data: Float32Array; rows: number; cols: number }; name: string; images?: Float32Array };
  out?: string;
}

const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
const std = (a: number[]) => (a.length < 2 ? 0 : Math.sqrt(a.reduce((s, x) => s + (x - mean(a)) ** 2, 0) / (a.length - 1)));

/** Features and Gaussian statistics of all T images (the reference of every unconditional score). */
export function referenceOfT(ev: Evaluator): NonNullable<UncondEvalOptions['reference']> {
  const t = splitT({ size: 32, fallback: 'embedded' });
  const features = ev.embed(t.images);
  return { features, stats: gaussianStats(features), name: `${t.name} (${t.n} images)`, images: t.images };
}

/**
 * Generates n images of one configuration in batches; returns pixels, every latent level's samples and cost.
 * With `real` (latents of real images per level, each [N ≥ n, d_l]), every latent level is held at n of its rows
 * (a seeded random subset) and only the pixels are sampled.
 */
export function sampleConfig(
  cfg: UncondConfig,
  n: number,
  seed: number,
  batch: number,
  tick?: (k: number) => void,
  real?: Float32Array[],
): { pixels: Float32Array; latents: Float32Array[]; evaluations: number; levelMs: number[] } {
  const c = cfg.model.config;
  const pick = real ? new Rng(seed ^ 0x0ac1e).shuffle(Array.from({ length: real[0].length / c.dims[0] }, (_, i) => i)) : [];
  if (real && pick.length < n)
    throw new ValueError('sampleConfig(real)', { expected: `at least ${n} real latents per level`, received: `${pick.length}` });
  const rows = (l: number, i: number, m: number) => {
    const d = c.dims[l];
    const out = new Float32Array(m * d);
    for (let k = 0; k < m; k++) out.set(real![l].subarray(pick[i + k] * d, (pick[i + k] + 1) * d), k * d);
    return tf.tensor2d(out, [m, d]);
  };
  const pixels = new Float32Array(n * 1024);
  const latents = c.dims.map((d) => new Float32Array(n * d));
  const levelMs = Array(c.levels).fill(0);
  let evaluations = 0;
  for (let i = 0; i < n; i += batch) {
    const m = Math.min(batch, n - i);
    const fixed = real ? c.dims.map((_, l) => rows(l, i, m)) : undefined;
    const g = generateNested(cfg.model, {
      ...(fixed ? { fixed } : {}),
      ...(cfg.classes ? { labels: requestedClasses(c.classes, m, i) } : {}),
      n: m,
      seed: seed * 1_000_003 + i,
      guidance: cfg.guidance ?? defaultGuidance(c.levels),
      sigma2: cfg.sigma2 ?? Array(c.levels - 1).fill(c.sample.sigma2),
      steps: cfg.steps ?? c.sample.steps,
      latentSteps: cfg.latentSteps ?? c.sample.latentSteps,
      ...(cfg.latentEta !== undefined ? { latentEta: cfg.latentEta } : {}),
      ...(cfg.eta !== undefined ? { eta: cfg.eta } : {}),
    });
    if (fixed) tf.dispose(fixed);
    pixels.set(g.images.dataSync() as Float32Array, i * 1024);
    g.latents.forEach((z, l) => latents[l].set(z.dataSync() as Float32Array, i * c.dims[l]));
    tf.dispose([g.images, ...g.latents]);
    g.cost.forEach((x, k) => {
      levelMs[k] += x.ms;
      evaluations += x.evaluations;
    });
    tick?.(m);
  }
  return { pixels, latents, evaluations, levelMs };
}

/** The classes asked for by a conditional row: sample i (counted from `offset`) asks for class i mod K. */
export function requestedClasses(K: number, n: number, offset = 0): number[] {
  return Array.from({ length: n }, (_, k) => (offset + k) % K);
}

export async function runUnconditionalEval(o: UncondEvalOptions): Promise<UncondReport> {
  checkOptions('runUnconditionalEval(options)', o, ['configs', 'n', 'seeds', 'batch', 'evaluator', 'reference', 'out']);
  if (!Array.isArray(o.configs) || !o.configs.length)
    throw new ConfigError('runUnconditionalEval(configs)', {
      expected: 'a non-empty list of configurations',
      received: describe(o.configs),
    });
  const backend = await ready();
  const t0 = Date.now();
  const startedAt = new Date().toISOString();
  const { n = 2000, seeds = [0], batch = 100 } = o;
  const ev = o.evaluator ?? (await Evaluator.load());
  const ref = o.reference ?? referenceOfT(ev);
  const bar = progress('eval unconditional', o.configs.length * seeds.length * n);
  const rows: UncondRow[] = [];
  try {
    for (const cfg of o.configs) {
      const c = cfg.model.config;
      const fds: number[] = [];
      const kids: number[] = [];
      let evals = 0;
      let ms = 0;
      const levelMs = Array(c.levels).fill(0);
      const sigma2 = [...(cfg.sigma2 ?? Array(c.levels - 1).fill(c.sample.sigma2))];
      const real = c.levels > 1 && ref.images ? realLatents(cfg.model, ref.images, sigma2) : undefined;
      if (cfg.classes && c.classes === 0) {
        throw new ConfigError(`runUnconditionalEval(${cfg.name})`, {
          expected: 'a class-conditional model for a conditional row',
          received: 'an unconditional model',
          hint: 'Train one with `hypnest train nested --levels L --classes`.',
        });
      }
      let recog = 0;
      if (cfg.realLatents && !real)
        throw new ConfigError(`runUnconditionalEval(${cfg.name})`, {
          expected: 'a model with latent levels and reference images (the default reference has them)',
          received: `L = ${c.levels}, reference images ${ref.images ? 'given' : 'missing'}`,
        });
      const latentFd = Array(c.levels - 1).fill(0);
      for (const seed of seeds) {
        const s = sampleConfig(cfg, n, seed, batch, (k) => bar.tick(k, { config: cfg.name }), cfg.realLatents ? real : undefined);
        evals += s.evaluations;
        s.levelMs.forEach((x, k) => {
          levelMs[k] += x;
          ms += x;
        });
        const f = ev.embed(s.pixels);
        fds.push(frechetFromStats(gaussianStats(f), ref.stats));
        kids.push(kernelInceptionDistance(f, ref.features).mean);
        if (cfg.classes) recog += recognisability(ev.classify(s.pixels), requestedClasses(c.classes, n)) / seeds.length;
        if (real && !cfg.realLatents) latentFdPerDim(cfg.model, s.latents, real).forEach((v, l) => (latentFd[l] += v / seeds.length));
      }
      const total = n * seeds.length;
      rows.push({
        name: cfg.name,
        levels: c.levels,
        conditioning: `${c.conditioning}${c.classes ? ' + class' : ''}`,
        guidance: [...(cfg.guidance ?? defaultGuidance(c.levels))],
        sigma2,
        steps: cfg.steps ?? c.sample.steps,
        latentEta: cfg.latentEta ?? c.sample.latentEta,
        eta: cfg.eta ?? c.sample.eta,
        latentSteps: cfg.latentSteps ?? c.sample.latentSteps,
        n,
        fd: { mean: mean(fds), std: std(fds), perSeed: fds },
        kid: { mean: mean(kids), std: std(kids), perSeed: kids },
        evaluationsPerImage: evals / total,
        secondsPerImage: ms / 1000 / total,
        levelSeconds: levelMs.map((x) => x / 1000 / total),
        ...(real && !cfg.realLatents ? { latentFd } : {}),
        ...(cfg.realLatents ? { realLatents: true } : {}),
        ...(cfg.classes ? { recognisability: recog } : {}),
      });
    }
  } finally {
    bar.done();
  }
  const report: UncondReport = {
    commit: gitCommit(),
    backend: backend.chosen,
    seeds,
    n,
    reference: ref.name,
    rows,
    wallSeconds: (Date.now() - t0) / 1000,
    startedAt,
  };
  if (o.out) {
    await writeJsonAtomic(o.out + '.json', report);
    await writeFileAtomic(o.out + '.md', unconditionalMarkdown(report));
  }
  return report;
}

export function unconditionalMarkdown(r: UncondReport): string {
  // rows merged from several runs saw different machine loads: their seconds are not comparable
  const merged = (r.mergedRuns ?? 1) > 1;
  const one = merged ? undefined : r.rows.find((x) => x.levels === 1);
  // ± std only where the row ran several seeds (merged reports mix one- and two-seed rows)
  const f = (x: { mean: number; std: number; perSeed?: number[] }, d = 2) =>
    `${x.mean.toFixed(d)}${(x.perSeed?.length ?? r.seeds.length) > 1 ? ` ± ${x.std.toFixed(d)}` : ''}`;
  const recog = r.rows.some((x) => x.recognisability !== undefined);
  const lines = [
    `Unconditional run · commit \`${r.commit}\` · backend ${r.backend} · seeds ${r.seeds.join(', ')} · n ${r.n} per seed · reference ${r.reference} · wall ${r.wallSeconds.toFixed(0)} s · ${r.startedAt}`,
    '',
    `| configuration | L | cond. | guidance | σ² | latent η | pixel η | FD ↓ | KID ↓ |${recog ? ' recog. ↑ |' : ''}${one ? ' FD / FD(L=1) | cost / cost(L=1) |' : ''} evals/img | s/img | s/img per level | latent FD/d per level ↓ |`,
    `|---|---:|---|---|---|---:|---:|---:|---:|${recog ? '---:|' : ''}${one ? '---:|---:|' : ''}---:|---:|---|---|`,
    ...r.rows.map(
      (x) =>
        `| ${x.name} | ${x.levels} | ${x.conditioning} | [${x.guidance.join(', ')}] | [${x.sigma2.join(', ')}] | ${x.realLatents ? 'real latents' : x.levels > 1 ? (x.latentEta ?? 0) : '—'} | ${x.eta ?? 0} | ${f(x.fd)} | ${f(x.kid, 3)} |` +
        `${recog ? ` ${x.recognisability?.toFixed(3) ?? '—'} |` : ''}` +
        `${one ? ` ${(x.fd.mean / one.fd.mean).toFixed(2)} | ${(x.secondsPerImage / one.secondsPerImage).toFixed(2)}× |` : ''}` +
        ` ${x.evaluationsPerImage.toFixed(0)} | ${x.secondsPerImage.toFixed(3)} | ${x.levelSeconds.map((s) => s.toFixed(3)).join(' / ')} | ${x.latentFd?.map((v) => v.toFixed(3)).join(' / ') ?? '—'} |`,
    ),
  ];
  if (r.rows.some((x) => x.latentFd))
    lines.push(
      '',
      "Latent FD/d: per latent level, the Fréchet distance between the sampled latents and real T latents given the same σ, divided by the level's width d (0 = a perfect match; latent dimensions have variance ≈ 1).",
    );
  if (one) lines.push('', 'Cost is measured wall time per image in this run (s/img), relative to the L = 1 row.');
  if (merged)
    lines.push(
      '',
      `Rows merged from ${r.mergedRuns} runs that ran side by side under different loads: compare FD, KID and evaluations per image across rows, but not seconds (for those, \`npm run bench -- --only nested\`).`,
    );
  return lines.join('\n') + '\n';
}
