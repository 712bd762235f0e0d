/**
 * The forward process q(x_t | x₀) (DDPM eq. 4):  x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε,  ε ~ N(0, I).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, ValueError, describe } from '../core/errors';
import { checkBatch } from './denoiser';
import type { Schedule } from './schedule';

/** One timestep for the whole batch, or one per batch item (array or int tensor [B]). */
export type Timesteps = number | readonly number[] | tf.Tensor;

/**
 * ᾱ_t per batch item as a float32 tensor [B, 1, …, 1] (rank `rank`), gathered from the float64 schedule.
 * Throws ValueError for timesteps outside [0, T) and ShapeError for a wrong count.
 */
export function alphaBarAt(schedule: Schedule, t: Timesteps, batch: number, rank: number): tf.Tensor {
  const where = 'alphaBarAt(t)';
  let ts: number[];
  if (typeof t === 'number') ts = new Array(batch).fill(t);
  else if (t instanceof tf.Tensor) {
    if (t.rank !== 1) throw new ShapeError(where, { expected: `an int tensor [${batch}]`, received: describe(t) });
    ts = Array.from(t.dataSync());
  } else ts = [...t];
  if (ts.length !== batch) throw new ShapeError(where, { expected: `${batch} timesteps (one per batch item)`, received: `${ts.length}` });
  const values = new Float32Array(batch);
  ts.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v >= schedule.T) {
      throw new ValueError(where, { expected: `integer timesteps in [0, ${schedule.T - 1}]`, received: describe(v) });
    }
    values[i] = schedule.alphasCumprod[v];
  });
  return tf.tensor(values, [batch, ...new Array(rank - 1).fill(1)], 'float32');
}

/** x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·noise, with t one timestep or one per item; `noise` has the shape of x₀. */
export function qSample(x0: tf.Tensor, t: Timesteps, noise: tf.Tensor, schedule: Schedule): tf.Tensor {
  checkBatch('qSample(x0)', x0);
  if (!(noise instanceof tf.Tensor) || !tf.util.arraysEqual(noise.shape, x0.shape)) {
    throw new ShapeError('qSample(noise)', {
      expected: `a tensor of the shape of x0, [${x0.shape.join(', ')}]`,
      received: describe(noise),
    });
  }
  return tf.tidy(() => {
    const ab = alphaBarAt(schedule, t, x0.shape[0], x0.rank);
    return tf.add(tf.mul(x0, tf.sqrt(ab)), tf.mul(noise, tf.sqrt(tf.sub(1, ab))));
  });
}
