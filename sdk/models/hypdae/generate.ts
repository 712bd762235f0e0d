/**
 * Stage I's decoding paths (Diff-AE):
 *   stochastic code  x_T = DDIM-invert(x₀ | z)              (deterministic; DDIM(x_T | z) ≈ x₀)
 *                    or x_τ = √ᾱ_τ x₀ + √(1−ᾱ_τ) ε at strength s (stochastic encoding)
 *   decode           x₀ = DDIM(x_T | z') with classifier-free guidance ε̃ = ε_∅ + w (ε_z' − ε_∅)
 * Fresh noise x_T ~ N(0, I) (seeded) gives new images of code z'; that is the generation path once
 * stage II has edited the code.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../core/rng';
import { ConfigError, ShapeError, checkOptions, describe } from '../../core/errors';
import { ddimSample } from '../../diffusion/ddim';
import { ddimInvert } from '../../diffusion/inversion';
import { stochasticEncode } from '../../diffusion/sdedit';
import { checkGuidanceScale, guided } from '../../diffusion/guidance';
import { normalTensor, type Denoiser } from '../../diffusion/denoiser';
import { Stage1, asImages, encodeSemantic, nullCode, stage1Denoiser } from './stage1';

export interface DecodeOptions {
  /** DDIM steps (default config.sample.steps). */
  steps?: number;
  /** Guidance scale w (default config.sample.guidance; 1 = plain conditional, sdk/diffusion/guidance.ts). */
  guidance?: number;
  /** DDIM η (default config.sample.eta). */
  eta?: number;
  /** Starting noise x_T [B, 32, 32, 1] (e.g. from `stochasticCode`); else fresh noise from `seed`. */
  noise?: tf.Tensor;
  seed?: number;
  /** Start at this respaced step (stochastic encoding's startIndex). */
  startIndex?: number;
  /** Show a progress bar (default false). */
  progress?: boolean;
}

/** Stage I's denoiser with classifier-free guidance of weight w (w = 1: plain conditional). */
export function guidedDenoiser(s: Stage1, w: number): Denoiser {
  const d = stage1Denoiser(s);
  return w === 1 ? d : guided(d, { weight: w, nullCond: nullCode(s) });
}

/** Images [B, 32, 32, 1] in [−1, 1] decoded from codes z [B, codeDim]. */
export function decodeCodes(s: Stage1, z: tf.Tensor, options: DecodeOptions = {}): tf.Tensor4D {
  checkOptions('decodeCodes(options)', options, ['steps', 'guidance', 'eta', 'noise', 'seed', 'startIndex', 'progress']);
  const codeDim = s.config.stage1.codeDim;
  if (z.rank !== 2 || z.shape[1] !== codeDim)
    throw new ShapeError('decodeCodes(z)', { expected: `codes [B, ${codeDim}]`, received: describe(z) });
  const B = z.shape[0];
  const S = s.unet.imageSize;
  const steps = options.steps ?? s.config.sample.steps;
  const w = options.guidance ?? s.config.sample.guidance;
  checkGuidanceScale('decodeCodes(options.guidance)', w);
  return tf.tidy(() => {
    const xT = options.noise
      ? asImages('decodeCodes(options.noise)', options.noise, S)
      : normalTensor([B, S, S, 1], new Rng(options.seed ?? 0));
    if (xT.shape[0] !== B)
      throw new ShapeError('decodeCodes(options.noise)', { expected: `${B} images (one per code)`, received: describe(options.noise) });
    const out = ddimSample(guidedDenoiser(s, w), xT, s.schedule, {
      steps,
      cond: z,
      eta: options.eta ?? s.config.sample.eta,
      seed: options.seed ?? 0,
      clipX0: 1,
      startIndex: options.startIndex,
      progress: options.progress ?? false,
    });
    return tf.clipByValue(out, -1, 1) as tf.Tensor4D;
  });
}

export interface StochasticCodeOptions {
  /** 'invert' (DDIM inversion, deterministic) or 'encode' (forward noising at `strength`). */
  method?: 'invert' | 'encode';
  strength?: number;
  steps?: number;
  seed?: number;
}

/** The stochastic code of images x given their semantic codes z: { noise, startIndex } for `decodeCodes`. */
export function stochasticCode(
  s: Stage1,
  x: tf.Tensor,
  z: tf.Tensor,
  options: StochasticCodeOptions = {},
): { noise: tf.Tensor4D; startIndex?: number } {
  checkOptions('stochasticCode(options)', options, ['method', 'strength', 'steps', 'seed']);
  const steps = options.steps ?? s.config.sample.steps;
  const method = options.method ?? 'invert';
  const x0 = asImages('stochasticCode(x)', x, s.unet.imageSize);
  if (method === 'invert') {
    const noise = ddimInvert(stage1Denoiser(s), x0, s.schedule, { steps, cond: z, progress: false }) as tf.Tensor4D;
    return { noise };
  }
  if (method !== 'encode')
    throw new ConfigError('stochasticCode(options.method)', { expected: "'invert' or 'encode'", received: describe(method) });
  const enc = stochasticEncode(x0, s.schedule, { strength: options.strength ?? 0.5, steps, seed: options.seed ?? 0 });
  return { noise: enc.x as tf.Tensor4D, startIndex: enc.startIndex };
}

/** Autoencoding x → (z, x_T) → x̂ (no guidance): the reconstruction that stage I is judged by. */
export function reconstruct(s: Stage1, x: tf.Tensor, options: { steps?: number } = {}): tf.Tensor4D {
  const z = encodeSemantic(s, x);
  const { noise } = stochasticCode(s, x, z, { steps: options.steps });
  const out = decodeCodes(s, z, { noise, guidance: 1, eta: 0, steps: options.steps });
  tf.dispose([z, noise]);
  return out;
}
