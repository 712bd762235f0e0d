/**
 * Spherical interpolation of noise maps (Diff-AE's interpolation of stochastic codes x_T):
 *   slerp(a, b, t) = sin((1 − t)θ)/sin θ · a + sin(tθ)/sin θ · b,   θ = arccos(⟨a, b⟩ / (‖a‖‖b‖)),
 * per row of the batch. Gaussian noise lives near a sphere, where a straight line would cut through low-norm noise
 * the model never saw. Nearly parallel rows (sin θ < 1e-6) fall back to the straight line.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, ValueError, describe } from '../core/errors';

export function slerp(a: tf.Tensor, b: tf.Tensor, t: number): tf.Tensor {
  if (a.rank < 1 || a.shape.some((n, i) => n !== b.shape[i]) || a.rank !== b.rank)
    throw new ShapeError('slerp(b)', { expected: `a tensor of a's shape [${a.shape}]`, received: describe(b) });
  if (typeof t !== 'number' || !Number.isFinite(t))
    throw new ValueError('slerp(t)', { expected: 'a finite fraction', received: describe(t) });
  return tf.tidy(() => {
    const B = a.shape[0];
    const fa = tf.reshape(a, [B, -1]);
    const fb = tf.reshape(b, [B, -1]);
    const cos = tf.div(tf.sum(tf.mul(fa, fb), 1, true), tf.mul(tf.norm(fa, 'euclidean', 1, true), tf.norm(fb, 'euclidean', 1, true)));
    const theta = tf.acos(tf.clipByValue(cos, -1, 1));
    const sin = tf.sin(theta);
    const safe = tf.greater(sin, 1e-6);
    const wa = tf.where(safe, tf.div(tf.sin(tf.mul(theta, 1 - t)), tf.maximum(sin, 1e-6)), tf.fill(sin.shape, 1 - t));
    const wb = tf.where(safe, tf.div(tf.sin(tf.mul(theta, t)), tf.maximum(sin, 1e-6)), tf.fill(sin.shape, t));
    return tf.reshape(tf.add(tf.mul(fa, wa), tf.mul(fb, wb)), a.shape);
  });
}
