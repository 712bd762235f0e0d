/**
 * DDIM sampling (Song, Meng & Ermon 2021).
 *
 * One step from τ_i to τ_{i−1} (eq. 12), with ᾱ = ᾱ_{τ_i}, ᾱ' = ᾱ_{τ_{i−1}}:
 *   x̂₀ = (x_t − √(1−ᾱ)·ε_θ(x_t, τ_i)) / √ᾱ                                  ("predicted x₀")
 *   x_{t−1} = √ᾱ'·x̂₀ + √(1 − ᾱ' − σ²)·ε_θ(x_t, τ_i) + σ·z,   z ~ N(0, I)   ("direction to x_t" + noise)
 * with (eq. 16)  σ = η·√((1−ᾱ')/(1−ᾱ))·√(1 − ᾱ/ᾱ').
 * η = 0 is the deterministic DDIM (an ODE solver); η = 1 is DDPM's ancestral sampler on the respaced steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError, describe } from '../core/errors';
import { callDenoiser, normalTensor, type Denoiser } from './denoiser';
import { predictionToEps, predictionToX0 } from './prediction';
import { COMMON_KEYS, resolveSampler, runSteps, type Resolved, type SamplerOptions, type SamplerStep } from './sampler-options';
import type { Schedule } from './schedule';
import { reverseLoop } from './step-loop';

export interface DdimOptions extends SamplerOptions {
  /** η of eq. 16 (default 0: deterministic). */
  eta?: number;
  /** Start at this step index instead of the top (steps − 1): x must then be at noise level τ_startIndex. */
  startIndex?: number;
}

const KEYS = [...COMMON_KEYS, 'eta', 'startIndex'];

/** x̂₀ and ε at x_t for timestep t, from any prediction kind; with clipping, ε is re-derived from the clipped x̂₀. */
export function denoise(denoiser: Denoiser, x: tf.Tensor, t: number, alphaBar: number, r: Resolved): { x0: tf.Tensor; eps: tf.Tensor } {
  return tf.tidy(() => {
    const pred = callDenoiser(denoiser, x, t, r.cond);
    let x0 = predictionToX0(pred, x, alphaBar, r.prediction);
    let eps = predictionToEps(pred, x, alphaBar, r.prediction);
    if (r.clipX0 !== undefined) {
      x0 = tf.clipByValue(x0, -r.clipX0, r.clipX0);
      eps = tf.div(tf.sub(x, tf.mul(x0, Math.sqrt(alphaBar))), Math.sqrt(1 - alphaBar));
    }
    return { x0, eps };
  });
}

/**
 * Generator variant: yields every step {t, index, x, x0}; the tensors are valid until the next iteration
 * (clone or read them to keep them). Options are validated at the call, before the first step.
 */
export function ddimSteps(denoiser: Denoiser, x: tf.Tensor, schedule: Schedule, options: DdimOptions = {}): Generator<SamplerStep> {
  const r = resolveSampler('ddimSample', x, schedule, options, KEYS, 50);
  const eta = options.eta ?? 0;
  if (typeof eta !== 'number' || !(eta >= 0) || !Number.isFinite(eta)) {
    throw new ValueError('ddimSample(options.eta)', { expected: 'a finite number ≥ 0', received: describe(eta) });
  }
  const { plan } = r;
  const start = options.startIndex ?? plan.steps - 1;
  if (!Number.isInteger(start) || start < 0 || start >= plan.steps) {
    throw new ValueError('ddimSample(options.startIndex)', { expected: `an integer in [0, ${plan.steps - 1}]`, received: describe(start) });
  }
  return ddimLoop(denoiser, x, r, eta, start);
}

function ddimLoop(denoiser: Denoiser, x: tf.Tensor, r: Resolved, eta: number, start: number): Generator<SamplerStep> {
  const { plan } = r;
  return reverseLoop(x, plan.timesteps, start, (i, input) => {
    const a = plan.alphasCumprod[i];
    const ap = plan.alphasCumprodPrev[i];
    const sigma = eta * Math.sqrt((1 - ap) / (1 - a)) * Math.sqrt(Math.max(0, 1 - a / ap)); // eq. 16
    const { x0, eps } = denoise(denoiser, input, plan.timesteps[i], a, r);
    // eq. 12: √ᾱ'·x̂₀ + √(1 − ᾱ' − σ²)·ε + σ·z
    let xPrev = tf.add(tf.mul(x0, Math.sqrt(ap)), tf.mul(eps, Math.sqrt(Math.max(0, 1 - ap - sigma * sigma))));
    if (sigma > 0) xPrev = tf.add(xPrev, tf.mul(normalTensor(input.shape, r.rng), sigma));
    return { xPrev, x0 };
  });
}

/** DDIM sampler `(model, x_T, schedule, options) → x₀`; the result is owned by the caller, x_T is not disposed. */
export function ddimSample(denoiser: Denoiser, x: tf.Tensor, schedule: Schedule, options: DdimOptions = {}): tf.Tensor {
  const gen = ddimSteps(denoiser, x, schedule, options);
  const total = (options.startIndex ?? (options.steps ?? Math.min(50, schedule.T)) - 1) + 1;
  return runSteps(gen, 'DDIM sampling', total, options.progress);
}
