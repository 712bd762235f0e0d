/**
 * Numerical guards shared by every Poincaré-ball op (float32-safe), and input conversion.
 * Guards live inside the ops, never in callers (geoopt's habit).
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertFinite } from '../core/finite';
import { ShapeError, ValueError, describe } from '../core/errors';
// Side effect: registers tfjs-core's gradients (absent from its CommonJS build) so every op here differentiates.
import '../core/grad';

/** A tensor or a (nested) number array; the last axis holds the coordinates. */
export type PointLike = tf.Tensor | number[] | number[][] | number[][][] | number[][][][];
/** A scalar given as a number, or a tensor broadcastable against `[..., 1]`. */
export type ScalarLike = number | tf.Tensor;

/** Smallest norm used in divisions (geoopt: 1e-15); applied to squared norms as 1e-30, still a normal float32. */
export const MIN_NORM = 1e-15;
/** tanh(±15) is already ±1 in float32; larger arguments only risk overflow in gradients. */
export const TANH_CLAMP = 15;
/** artanh argument bound: 1 − 1e-7 rounds to 1 in float32, so use 1 − 1e-6 (= 0.99999899). */
export const ARTANH_CLAMP = 1 - 1e-6;
/** float32 projection margin: points keep ‖x‖ ≤ (1 − BALL_EPS)/√c. */
export const BALL_EPS = 4e-3;

/** Throws ValueError unless c is a finite number > 0. */
export function checkCurvature(where: string, c: number): void {
  if (typeof c !== 'number' || !Number.isFinite(c) || c <= 0) {
    throw new ValueError(`${where}(c)`, {
      expected: 'a curvature c > 0 (a finite number; the ball has radius 1/√c)',
      received: describe(c),
      hint: 'Pass c explicitly, e.g. 1.',
    });
  }
}

function hasNaN(a: unknown): boolean {
  if (typeof a === 'number') return !Number.isFinite(a);
  if (Array.isArray(a)) return a.some(hasNaN);
  return false;
}

/**
 * Converts a point-like input to a float32 tensor of rank ≥ 1 (arrays are checked for NaN/∞ here;
 * tensors are checked only by the edit functions, since that needs a read-back).
 * Call inside tf.tidy: a converted array is a new tensor.
 */
export function toPoint(where: string, x: PointLike): tf.Tensor {
  if (x instanceof tf.Tensor) {
    if (x.rank < 1) throw new ShapeError(where, { expected: 'a tensor of rank ≥ 1 (last axis = coordinates)', received: describe(x) });
    return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
  }
  if (!Array.isArray(x)) throw new ShapeError(where, { expected: 'a tf.Tensor or a nested number array', received: describe(x) });
  if (hasNaN(x))
    throw new ValueError(where, {
      expected: 'finite coordinates',
      received: 'an array containing NaN or ±Infinity',
      hint: 'Check the upstream computation.',
    });
  return tf.tensor(x as number[], undefined, 'float32');
}

/** A scalar (number or tensor) ready to broadcast against `[..., 1]`. */
export function toScalar(where: string, r: ScalarLike): tf.Tensor {
  if (typeof r === 'number') {
    if (!Number.isFinite(r)) throw new ValueError(where, { expected: 'a finite number', received: describe(r) });
    return tf.scalar(r);
  }
  if (r instanceof tf.Tensor) return r.dtype === 'float32' ? r : tf.cast(r, 'float32');
  throw new ShapeError(where, { expected: 'a number or a tf.Tensor', received: describe(r) });
}

/** Throws ValueError if a tensor holds NaN or ±∞ (reads one boolean back). */
export function checkFinite(where: string, x: tf.Tensor): void {
  assertFinite(where, x, 'finite coordinates', 'Check the upstream computation.');
}

/** Σ x² over the last axis, keepdim. */
export function sqNorm(x: tf.Tensor): tf.Tensor {
  return tf.sum(tf.square(x), -1, true);
}

/** ‖x‖ over the last axis, keepdim, ≥ MIN_NORM; its gradient at x = 0 is 0, not NaN. */
export function norm(x: tf.Tensor): tf.Tensor {
  return tf.sqrt(tf.maximum(sqNorm(x), MIN_NORM * MIN_NORM));
}

/** ⟨x, y⟩ over the last axis, keepdim. */
export function dot(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.sum(tf.mul(x, y), -1, true);
}

/** tanh with its argument clamped to ±15. */
export function tanh(x: tf.Tensor): tf.Tensor {
  return tf.tanh(tf.clipByValue(x, -TANH_CLAMP, TANH_CLAMP));
}

/** artanh(x) = ½(log1p(x) − log1p(−x)), argument clamped to ±(1 − 1e-6). */
export function artanh(x: tf.Tensor): tf.Tensor {
  const z = tf.clipByValue(x, -ARTANH_CLAMP, ARTANH_CLAMP);
  return tf.mul(0.5, tf.sub(tf.log1p(z), tf.log1p(tf.neg(z))));
}
