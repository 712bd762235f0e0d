/**
 * Test helper: the exact ε-denoiser for data x₀ ~ N(μ, s²I). Then x_t ~ N(√ᾱ μ, (ᾱ s² + 1 − ᾱ) I) and
 *   ε*(x_t) = E[ε | x_t] = √(1−ᾱ)·(x_t − √ᾱ μ)/(ᾱ s² + 1 − ᾱ).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser, Schedule } from '../../sdk/diffusion';

export function gaussianEps(schedule: Schedule, mu: number[], s: number): Denoiser {
  return (x, t) =>
    tf.tidy(() => {
      const ab = tf.reshape(tf.gather(tf.tensor1d(Float32Array.from(schedule.alphasCumprod)), t), [x.shape[0], 1]);
      const num = tf.mul(tf.sqrt(tf.sub(1, ab)), tf.sub(x, tf.mul(tf.sqrt(ab), tf.tensor1d(mu))));
      return tf.div(num, tf.add(tf.mul(ab, s * s), tf.sub(1, ab)));
    });
}

/**
 * Exact mean and std (per dimension) of what a sampler produces from this model, in float64.
 * Every step is affine in x_t: x' − √ᾱ'μ = k·(x − √ᾱμ) + σz with
 *   k = (√(ᾱᾱ')·s² + √(1 − ᾱ' − σ²)·√(1 − ᾱ)) / (ᾱs² + 1 − ᾱ),  σ from DDIM eq. 16,
 * so mean and variance follow in closed form (DDIM with η; DDPM = η 1 with ᾱ' = 1 and σ = 0 at the last step).
 * Starts at step `from` with x ~ N(m0, v0) per dimension.
 */
export function predictedMoments(
  schedule: Schedule,
  timesteps: readonly number[],
  opts: { eta: number; lastToOne?: boolean; from?: number; m0: number; v0: number; mu: number; s: number },
): { mean: number; std: number } {
  const ac = schedule.alphasCumprod;
  const s2 = opts.s * opts.s;
  const from = opts.from ?? timesteps.length - 1;
  let dev = opts.m0 - Math.sqrt(ac[timesteps[from]]) * opts.mu;
  let v = opts.v0;
  let apLast = ac[0];
  for (let i = from; i >= 0; i--) {
    const a = ac[timesteps[i]];
    const ap = i > 0 ? ac[timesteps[i - 1]] : opts.lastToOne ? 1 : ac[0];
    const sig = i === 0 && opts.lastToOne ? 0 : opts.eta * Math.sqrt((1 - ap) / (1 - a)) * Math.sqrt(1 - a / ap);
    const k = (Math.sqrt(a * ap) * s2 + Math.sqrt(Math.max(0, 1 - ap - sig * sig)) * Math.sqrt(1 - a)) / (a * s2 + 1 - a);
    dev *= k;
    v = k * k * v + sig * sig;
    apLast = ap;
  }
  return { mean: Math.sqrt(apLast) * opts.mu + dev, std: Math.sqrt(v) };
}
