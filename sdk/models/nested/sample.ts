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
import { Rng } from '../../core/rng';
import { ddimSample } from '../../diffusion/ddim';
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

export interface LevelCost { level: number; evaluations: number; ms: number }

export interface GenerateResult {
  /** z̃_l per latent level [n, d_l] (index l − 1). */
  latents: tf.Tensor2D[];
  /** Images [n, 32, 32, 1] in [−1, 1]. */
  images: tf.Tensor4D;
  cost: LevelCost[];
}

function check(m: NestedModel, o: GenerateOptions): void {
  const L = m.config.levels;
  if (!Number.isInteger(o.n) || o.n < 1) throw new ValueError('generate(n)', { expected: 'a positive integer number of samples', received: describe(o.n) });
  if (o.guidance.length !== L) {
    throw new ConfigError('generate(guidance)', { expected: `${L} guidance scales, one per level (coarse to fine)`, received: `${o.guidance.length}: [${o.guidance.join(', ')}]`, hint: `Give one scale per level, e.g. [${Array(L).fill(1.3).join(', ')}].` });
  }
  o.guidance.forEach((s) => checkGuidanceScale('generate(guidance)', s));
  if (o.sigma2.length !== L - 1 || o.sigma2.some((s) => !(s >= 0) || !Number.isFinite(s))) {
    throw new ConfigError('generate(sigma)', { expected: `${L - 1} variances σ² ≥ 0 (one per latent level)`, received: `[${o.sigma2.join(', ')}]` });
  }
  if (o.labels !== undefined) {
    const K = m.config.classes;
    if (K === 0) {
      throw new ConfigError('generate(labels)', { expected: 'a class-conditional model (trained with --classes)', received: 'an unconditional model', hint: 'Leave out the classes, or load a class-conditional checkpoint.' });
    }
    if (o.labels.length !== o.n || o.labels.some((y) => !Number.isInteger(y) || y < 0 || y >= K)) {
      throw new ValueError('generate(labels)', { expected: `${o.n} class labels, integers in [0, ${K})`, received: describe(o.labels) });
    }
  }
  for (const [k, s] of ['steps', 'latentSteps'].map((k) => [k, (o as unknown as Record<string, number>)[k]] as const)) {
    if (!Number.isInteger(s) || s < 1) throw new ValueError(`generate(${k})`, { expected: 'a positive integer', received: describe(s) });
  }
}

/** Runs the chain; the caller owns (and disposes) the returned tensors. */
export function generateNested(m: NestedModel, o: GenerateOptions): GenerateResult {
  check(m, o);
  const c = m.config;
  const L = c.levels;
  const n = o.n;
  const sigma = sigmaTensor(c, n, o.sigma2);
  const latents: tf.Tensor2D[] = [];
  const cost: LevelCost[] = [];
  const rng = new Rng(o.seed);
  try {
    for (let level = 1; level <= L; level++) {
      const t0 = Date.now();
      const pixel = level === L;
      const held = pixel ? undefined : o.fixed?.[level - 1];
      if (held) {
        const d = c.dims[level - 1];
        if (held.rank !== 2 || held.shape[1] !== d || (held.shape[0] !== 1 && held.shape[0] !== n)) {
          throw new ShapeError(`fix(${level})`, { expected: `a latent [1, ${d}] or [${n}, ${d}]`, received: describe(held) });
        }
        latents.push(tf.tidy(() => tf.broadcastTo(held, [n, d]) as tf.Tensor2D));
        cost.push({ level, evaluations: 0, ms: Date.now() - t0 });
        continue;
      }
      const net = m.nets[level - 1];
      const { classWidth, dropWidth } = condLayout(c, level);
      const labels = classWidth > 0 && o.labels ? oneHotLabels(o.labels, classWidth) : undefined;
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
      const out = tf.tidy(() => {
        const xT = normalTensor(shape, new Rng(rng.int(2 ** 31)));
        const eta = pixel ? (o.eta ?? c.sample.eta) : (o.latentEta ?? c.sample.latentEta);
        const y = ddimSample(denoiser, xT, m.schedule, { steps, cond, eta, seed: rng.int(2 ** 31), clipX0: pixel ? 1 : undefined, progress: o.progress ? `nested level ${level}/${L}` : false });
        return pixel ? tf.clipByValue(y, -1, 1) : y;
      });
      tf.dispose([cond, nullCond].filter((t): t is tf.Tensor2D => t !== undefined));
      if (pixel) {
        cost.push({ level, evaluations: n * steps * (guide ? 2 : 1), ms: Date.now() - t0 });
        return { latents, images: out as tf.Tensor4D, cost };
      }
      latents.push(out as tf.Tensor2D);
      cost.push({ level, evaluations: n * steps * (guide ? 2 : 1), ms: Date.now() - t0 });
    }
    throw new Error('unreachable');
  } catch (e) {
    tf.dispose(latents);
    throw e;
  } finally {
    sigma.dispose();
  }
}
