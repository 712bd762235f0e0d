/**
 * The reverse-process driver shared by the samplers: for i = start, start − 1, …, 0 it computes
 * (x_{τ_{i−1}}, x̂₀) = step(i, x_{τ_i}) inside tf.tidy and yields {t: τ_i, index: i, x, x0}.
 * Each yielded pair is disposed when the next one is made (or when the generator ends); x_T is never disposed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SamplerStep } from './sampler-options';

/** One reverse step at index i: the new state x_{τ_{i−1}} and the x̂₀ predicted on the way. */
export type ReverseStep = (i: number, x: tf.Tensor) => { xPrev: tf.Tensor; x0: tf.Tensor };

export function* reverseLoop(x: tf.Tensor, timesteps: ArrayLike<number>, start: number, step: ReverseStep): Generator<SamplerStep> {
  let owned: tf.Tensor[] = [];
  let cur = x;
  try {
    for (let i = start; i >= 0; i--) {
      const input = cur;
      const next = tf.tidy(() => step(i, input));
      tf.dispose(owned);
      owned = [next.xPrev, next.x0];
      cur = next.xPrev;
      yield { t: timesteps[i], index: i, x: next.xPrev, x0: next.x0 };
    }
  } finally {
    tf.dispose(owned);
  }
}
