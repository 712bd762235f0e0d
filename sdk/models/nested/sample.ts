/**
 * Coarse-to-fine generation: level 1 samples z̃_1 from noise, level l samples z̃_l given z̃_{<l}, level L the
 * image given every latent — DDIM at each level, with classifier-free guidance of scale s_l per level:
 *   ε̃_l = ε_l(· | ∅) + s_l (ε_l(· | z̃_{<l}) − ε_l(· | ∅))     (diffusers' guidance_scale: s = 1 is plain conditional;
 *   the paper's w is s − 1)
 * Every level samples with η = 1 by default (ancestral steps: deterministic DDIM makes the latents stray and leaves
 * some images speckled; see config.ts); `eta` and `latentEta` override the pixel and the latent levels.
 * A level can be held fixed (`fixed[l − 1]`, e.g. the latent of a real image) while finer levels vary.
 * Reports the cost of every level: denoiser evaluations and milliseconds.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError, ValueError, describe } from '../../core/errors';
import { RowRng, mixSeeds } from '../../core/rng';
import { outOfMemory } from '../../core/out-of-memory';
import { progress as startProgress, type Progress } from '../../core/progress';
import { ddimSteps } from '../../diffusion/ddim';
import { checkGuidanceScale, guided } from '../../diffusion/guidance';
import { normalTensor, type Denoiser } from '../../diffusion/denoiser';
import { condLayout } from './config';
import { NestedModel, levelCond, levelDenoiser, oneHotLabels, sigmaTensor } from './model';

export interface GenerateOptions {
  n: number;
  /** Guidance scale per level (length L; 1 = plain conditional, sdk/diffusion/guidance.ts). */
  guidance: readonly number[];
  /** σ² per latent level (length L − 1). */
  sigma2: readonly number[];
  /** DDIM steps of the pixel level and of the latent levels. */
  steps: number;
  latentSteps: number;
  seed: number;
  /**
   * Seed of each level's noise (length L), overriding `seed` level by level: a level re-drawn with a new seed leaves
   * the noise of the others as it was (the live explorer's "re-draw one level").
   */
  levelSeeds?: readonly number[];
  /** η of the pixel level's DDIM (default: the config's sample.eta, 1 = ancestral; 0 = deterministic). */
  eta?: number;
  /** η of the latent levels (default: the config's sample.latentEta, 1 = ancestral; see config.ts). */
  latentEta?: number;
  /**
   * Class of each sample (length n, integers in [0, K)) for a class-conditional model (`config.classes` = K): level 1
   * is conditioned on it and its guidance weight w_1 guides the class. Omitted: samples from the learned null
   * (the unconditional model). An unconditional model refuses labels.
   */
  labels?: readonly number[];
  /** Held latents per latent level (index l − 1): [n, d_l] or [1, d_l]; undefined = sample it. */
  fixed?: (tf.Tensor | undefined)[];
  progress?: boolean;
}

export interface LevelCost {
  level: number;
  evaluations: number;
  ms: number;
}

export interface GenerateResult {
  /** z̃_l per latent level [n, d_l] (index l − 1). */
  latents: tf.Tensor2D[];
  /** Images [n, 32, 32, 1] in [−1, 1]. */
  images: tf.Tensor4D;
  cost: LevelCost[];
}

function check(m: NestedModel, o: GenerateOptions): void {
  const L = m.config.levels;
  if (!Number.isInteger(o.n) || o.n < 1)
    throw new ValueError('generate(n)', { expected: 'a positive integer number of samples', received: describe(o.n) });
  if (o.guidance.length !== L) {
    throw new ConfigError('generate(guidance)', {
      expected: `${L} guidance scales, one per level (coarse to fine)`,
      received: `${o.guidance.length}: [${o.guidance.join(', ')}]`,
      hint: `Give one scale per level, e.g. [${Array(L).fill(1.3).join(', ')}].`,
    });
  }
  o.guidance.forEach((s) => checkGuidanceScale('generate(guidance)', s));
  if (o.sigma2.length !== L - 1 || o.sigma2.some((s) => !(s >= 0) || !Number.isFinite(s))) {
    throw new ConfigError('generate(sigma)', {
      expected: `${L - 1} variances σ² ≥ 0 (one per latent level)`,
      received: `[${o.sigma2.join(', ')}]`,
    });
  }
  if (o.labels !== undefined) {
    const K = m.config.classes;
    if (K === 0) {
      throw new ConfigError('generate(labels)', {
        expected: 'a class-conditional model (trained with --classes)',
        received: 'an unconditional model',
        hint: 'Leave out the classes, or load a class-conditional checkpoint.',
      });
    }
    if (o.labels.length !== o.n || o.labels.some((y) => !Number.isInteger(y) || y < 0 || y >= K)) {
      throw new ValueError('generate(labels)', { expected: `${o.n} class labels, integers in [0, ${K})`, received: describe(o.labels) });
    }
  }
  if (o.levelSeeds !== undefined && (o.levelSeeds.length !== L || o.levelSeeds.some((v) => !Number.isInteger(v)))) {
    throw new ValueError('generate(levelSeeds)', { expected: `${L} integer seeds, one per level`, received: describe(o.levelSeeds) });
  }
  for (const [k, s] of ['steps', 'latentSteps'].map((k) => [k, (o as unknown as Record<string, number>)[k]] as const)) {
    if (!Number.isInteger(s) || s < 1 || s > m.schedule.T) {
      throw new ValueError(`generate(${k})`, {
        expected: `a positive integer number of DDIM steps ≤ ${m.schedule.T} (the schedule's T)`,
        received: describe(s),
        hint: `Use at most ${m.schedule.T} steps.`,
      });
    }
  }
}

/**
 * Rows per batch: peak memory is set by the pixel level's U-Net activations on one batch, not by n (measured in
 * test/reliability/memory.test.ts: L = 5, n = 2,000 stays under 1.5 GB; 128 rows run about as fast as 2,000 at once).
 */
export const NESTED_BATCH = 128;

/**
 * Runs the chain on n samples in batches of `batch` rows (default NESTED_BATCH); the caller owns (and disposes) the
 * returned tensors. Sample i's noise comes from its own streams (seed, level, i) (RowRng), so the images do not
 * depend on the batch size: generate(2000) gives the same first 16 images as generate(16).
 */
export function generateNested(m: NestedModel, o: GenerateOptions & { batch?: number }): GenerateResult {
  check(m, o);
  const B = o.batch ?? NESTED_BATCH;
  if (!Number.isInteger(B) || B < 1)
    throw new ValueError('generate(batch)', { expected: 'a positive integer number of rows per batch', received: describe(B) });
  const L = m.config.levels;
  const cost: LevelCost[] = Array.from({ length: L }, (_, i) => ({ level: i + 1, evaluations: 0, ms: 0 }));
  const latentParts: tf.Tensor2D[][] = Array.from({ length: L - 1 }, () => []);
  const imageParts: tf.Tensor4D[] = [];
  const perBatch = Array.from({ length: L }, (_, i) => (o.fixed?.[i] && i < L - 1 ? 0 : i === L - 1 ? o.steps : o.latentSteps)).reduce(
    (a, b) => a + b,
    0,
  );
  const bar = o.progress ? startProgress(`nested L = ${L}, n = ${o.n}`, Math.ceil(o.n / B) * perBatch) : undefined;
  try {
    for (let from = 0; from < o.n; from += B) {
      const g = chain(m, o, from, Math.min(B, o.n - from), bar);
      g.latents.forEach((z, i) => latentParts[i].push(z));
      imageParts.push(g.images);
      g.cost.forEach((c, i) => {
        cost[i].evaluations += c.evaluations;
        cost[i].ms += c.ms;
      });
    }
    const join = <T extends tf.Tensor>(parts: T[]): T => (parts.length === 1 ? parts[0].clone() : tf.concat(parts)) as T;
    return { latents: latentParts.map((p) => join(p)), images: join(imageParts), cost };
  } catch (e) {
    throw outOfMemory('nested.generate(n)', e, `Generate fewer rows per batch (generate(n) runs ${B} at a time) or free memory.`);
  } finally {
    bar?.done();
    tf.dispose([...imageParts, ...latentParts.flat()]);
  }
}

/** Rows [from, from + n) of the chain: every level on this batch. */
function chain(m: NestedModel, o: GenerateOptions, from: number, n: number, bar: Progress | undefined): GenerateResult {
  const c = m.config;
  const L = c.levels;
  const sigma = sigmaTensor(c, n, o.sigma2);
  const latents: tf.Tensor2D[] = [];
  const cost: LevelCost[] = [];
  try {
    for (let level = 1; level <= L; level++) {
      const t0 = Date.now();
      const pixel = level === L;
      const held = pixel ? undefined : o.fixed?.[level - 1];
      if (held) {
        const d = c.dims[level - 1];
        if (held.rank !== 2 || held.shape[1] !== d || (held.shape[0] !== 1 && held.shape[0] !== o.n)) {
          throw new ShapeError(`fix(${level})`, { expected: `a latent [1, ${d}] or [${o.n}, ${d}]`, received: describe(held) });
        }
        latents.push(
          tf.tidy(() => (held.shape[0] === 1 ? tf.broadcastTo(held, [n, d]) : tf.slice(held, [from, 0], [n, d])) as tf.Tensor2D),
        );
        cost.push({ level, evaluations: 0, ms: Date.now() - t0 });
        continue;
      }
      const net = m.nets[level - 1];
      const { classWidth, dropWidth } = condLayout(c, level);
      const labels = classWidth > 0 && o.labels ? oneHotLabels(o.labels.slice(from, from + n), classWidth) : undefined;
      const cond = levelCond(c, net, level, latents, sigma, false, labels);
      labels?.dispose();
      const w = o.guidance[level - 1];
      // Nothing to guide at a level without a condition, or at a class level sampled without labels (null = null).
      const guide = cond !== undefined && dropWidth > 0 && (classWidth === 0 || labels !== undefined) && w !== 1;
      let denoiser: Denoiser = levelDenoiser(c, net, level, m.spaces);
      let nullCond: tf.Tensor | undefined;
      if (guide) {
        nullCond = levelCond(c, net, level, latents, sigma, true);
        denoiser = guided(denoiser, { weight: w, nullCond: nullCond! });
      }
      const shape = pixel ? [n, c.unet.imageSize ?? 32, c.unet.imageSize ?? 32, 1] : [n, c.dims[level - 1]];
      const steps = pixel ? o.steps : o.latentSteps;
      const seed = o.levelSeeds?.[level - 1] ?? o.seed;
      let out: tf.Tensor;
      try {
        out = tf.tidy(() => {
          const xT = normalTensor(shape, new RowRng(mixSeeds(seed, level, 0), from, n));
          const eta = pixel ? (o.eta ?? c.sample.eta) : (o.latentEta ?? c.sample.latentEta);
          let y: tf.Tensor | undefined;
          for (const st of ddimSteps(denoiser, xT, m.schedule, {
            steps,
            cond,
            eta,
            rng: new RowRng(mixSeeds(seed, level, 1), from, n),
            clipX0: pixel ? 1 : undefined,
          })) {
            bar?.tick(1, { level });
            if (st.index === 0) y = pixel ? tf.clipByValue(st.x, -1, 1) : st.x.clone();
          }
          return y!;
        });
      } finally {
        tf.dispose([cond, nullCond].filter((t): t is tf.Tensor2D => t !== undefined));
      }
      cost.push({ level, evaluations: n * steps * (guide ? 2 : 1), ms: Date.now() - t0 });
      if (pixel) return { latents, images: out as tf.Tensor4D, cost };
      latents.push(out as tf.Tensor2D);
    }
    throw new Error('unreachable');
  } catch (e) {
    tf.dispose(latents);
    throw e;
  } finally {
    sigma.dispose();
  }
}
