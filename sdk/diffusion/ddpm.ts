/**
 * DDPM ancestral sampling (Ho, Jain & Abbeel 2020), on all T steps or a respaced subset.
 *
 * From τ_i to τ_{i−1}, with ᾱ = ᾱ_{τ_i}, ᾱ' = ᾱ_{τ_{i−1}} (ᾱ' = 1 at the last step), α = ᾱ/ᾱ', β = 1 − α:
 *   posterior mean (eq. 7)    μ̃ = √ᾱ'·β/(1−ᾱ) · x̂₀ + √α·(1−ᾱ')/(1−ᾱ) · x_t
 *   posterior variance (eq. 7) β̃ = (1−ᾱ')/(1−ᾱ) · β      ('small', default; 'large' uses σ² = β, §3.2)
 *   x_{t−1} = μ̃ + σ·z,  z ~ N(0, I), and no noise at the last step (Algorithm 2), which returns x̂₀.
 * With ε-prediction μ̃ equals eq. 11, 1/√α·(x_t − β/√(1−ᾱ)·ε).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, describe } from '../core/errors';
import { normalTensor, type Denoiser } from './denoiser';
import { denoise } from './ddim';
import { COMMON_KEYS, resolveSampler, runSteps, type Resolved, type SamplerOptions, type SamplerStep } from './sampler-options';
import type { Schedule } from './schedule';
import { reverseLoop } from './step-loop';

export interface DdpmOptions extends SamplerOptions {
  /** σ² = β̃ ('small', default) or β ('large'). */
  variance?: 'small' | 'large';
}

/** Generator variant (tensors valid until the next iteration); options validated at the call. */
export function ddpmSteps(denoiser: Denoiser, x: tf.Tensor, schedule: Schedule, options: DdpmOptions = {}): Generator<SamplerStep> {
  const r = resolveSampler('ddpmSample', x, schedule, options, [...COMMON_KEYS, 'variance'], schedule?.T ?? 1);
  const variance = options.variance ?? 'small';
  if (variance !== 'small' && variance !== 'large') {
    throw new ConfigError('ddpmSample(options.variance)', { expected: "'small' or 'large'", received: describe(variance) });
  }
  return ddpmLoop(denoiser, x, r, variance);
}

function ddpmLoop(denoiser: Denoiser, x: tf.Tensor, r: Resolved, variance: 'small' | 'large'): Generator<SamplerStep> {
  const { plan } = r;
  return reverseLoop(x, plan.timesteps, plan.steps - 1, (i, input) => {
    const a = plan.alphasCumprod[i];
    const ap = i === 0 ? 1 : plan.alphasCumprodPrev[i];
    const alpha = a / ap;
    const beta = 1 - alpha;
    const cX0 = (Math.sqrt(ap) * beta) / (1 - a);
    const cXt = (Math.sqrt(alpha) * (1 - ap)) / (1 - a);
    const sigma = i === 0 ? 0 : Math.sqrt(variance === 'small' ? ((1 - ap) / (1 - a)) * beta : beta);
    const { x0 } = denoise(denoiser, input, plan.timesteps[i], a, r);
    let xPrev = tf.add(tf.mul(x0, cX0), tf.mul(input, cXt)); // eq. 7 mean
    if (sigma > 0) xPrev = tf.add(xPrev, tf.mul(normalTensor(input.shape, r.rng), sigma));
    return { xPrev, x0 };
  });
}

/** DDPM sampler `(model, x_T, schedule, options) → x₀` (default: all T steps); result owned by the caller. */
export function ddpmSample(denoiser: Denoiser, x: tf.Tensor, schedule: Schedule, options: DdpmOptions = {}): tf.Tensor {
  const gen = ddpmSteps(denoiser, x, schedule, options);
  return runSteps(gen, 'DDPM sampling', options.steps ?? schedule.T, options.progress);
}
