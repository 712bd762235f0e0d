/**
 * Deterministic DDIM inversion (image → noise): the mirrored loop of DDIM with η = 0.
 *
 * DDIM's step from τ_i down to τ_{i−1} (eq. 12, σ = 0) is  x' = √ᾱ'·(x − √(1−ᾱ)·ε)/√ᾱ + √(1−ᾱ')·ε  with
 * ε = ε_θ(x, τ_i). Solving it for x gives the inversion step from level ᾱ' up to ᾱ:
 *   x = √ᾱ·(x' − √(1−ᾱ')·ε)/√ᾱ' + √(1−ᾱ)·ε,   ε = ε_θ(x, τ_i).
 * ε depends on the unknown x: the first guess evaluates it at x' (Song et al.; diffusers' DDIMInverseScheduler),
 * and each of `refine` fixed-point iterations re-evaluates ε at the current x (one extra denoiser call each),
 * which makes DDIM(inversion(x₀)) reproduce x₀ to float precision when the iteration converges.
 * The loop starts at the noise level ᾱ_prev of step 0 (ᾱ[0], see respace.ts), where DDIM sampling ends.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError, describe } from '../core/errors';
import { callDenoiser, type Denoiser } from './denoiser';
import { predictionToEps } from './prediction';
import { resolveSampler, runSteps, type Resolved, type SamplerOptions, type SamplerStep } from './sampler-options';
import type { Schedule } from './schedule';

export interface InversionOptions extends Omit<SamplerOptions, 'seed' | 'rng' | 'clipX0'> {
  /** Fixed-point iterations per step (default 2; 0 = the classic one-call inversion). */
  refine?: number;
}

const KEYS = ['steps', 'offset', 'prediction', 'cond', 'progress', 'refine'];

/** Generator variant: yields {t, index, x, x0} for index = 0 … steps−1 (tensors valid until the next iteration). */
export function ddimInversionSteps(
  denoiser: Denoiser,
  x0: tf.Tensor,
  schedule: Schedule,
  options: InversionOptions = {},
): Generator<SamplerStep> {
  const r = resolveSampler('ddimInvert', x0, schedule, { ...options, seed: 0 }, [...KEYS, 'seed'], 50);
  const refine = options.refine ?? 2;
  if (!Number.isInteger(refine) || refine < 0)
    throw new ValueError('ddimInvert(options.refine)', { expected: 'an integer ≥ 0', received: describe(refine) });
  return inversionLoop(denoiser, x0, r, refine);
}

function* inversionLoop(denoiser: Denoiser, x: tf.Tensor, r: Resolved, refine: number): Generator<SamplerStep> {
  const { plan } = r;
  let owned: tf.Tensor[] = [];
  let cur = x;
  try {
    for (let i = 0; i < plan.steps; i++) {
      const a = plan.alphasCumprod[i];
      const ap = plan.alphasCumprodPrev[i];
      const t = plan.timesteps[i];
      const from = cur;
      const next = tf.tidy(() => {
        const x0Of = (eps: tf.Tensor) => tf.div(tf.sub(from, tf.mul(eps, Math.sqrt(1 - ap))), Math.sqrt(ap));
        const up = (eps: tf.Tensor) => tf.add(tf.mul(x0Of(eps), Math.sqrt(a)), tf.mul(eps, Math.sqrt(1 - a)));
        const epsAt = (at: tf.Tensor) => predictionToEps(callDenoiser(denoiser, at, t, r.cond), at, a, r.prediction);
        let eps = epsAt(from);
        let xNew = up(eps);
        for (let k = 0; k < refine; k++) {
          eps = epsAt(xNew);
          xNew = up(eps);
        }
        return { xNew, x0: x0Of(eps) };
      });
      tf.dispose(owned);
      owned = [next.xNew, next.x0];
      cur = next.xNew;
      yield { t, index: i, x: next.xNew, x0: next.x0 };
    }
  } finally {
    tf.dispose(owned);
  }
}

/** DDIM inversion `(model, x₀, schedule, options) → x_T`; DDIM sampling (η = 0, same steps) maps it back to x₀. */
export function ddimInvert(denoiser: Denoiser, x0: tf.Tensor, schedule: Schedule, options: InversionOptions = {}): tf.Tensor {
  const gen = ddimInversionSteps(denoiser, x0, schedule, options);
  return runSteps(gen, 'DDIM inversion', options.steps ?? Math.min(50, schedule.T), options.progress);
}
