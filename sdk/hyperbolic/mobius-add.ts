/** Möbius addition and negation on the Poincaré ball. */
import * as tf from '@tensorflow/tfjs-core';
import { MIN_NORM, PointLike, checkCurvature, dot, sqNorm, toPoint } from './guards';
import { project } from './project';

/**
 * Raw Möbius addition (no projection, no checks); `eps` is added to the denominator.
 *   x ⊕ y = ((1 + 2c⟨x,y⟩ + c‖y‖²) x + (1 − c‖x‖²) y) / (1 + 2c⟨x,y⟩ + c²‖x‖²‖y‖²)
 */
export function mobiusAddRaw(x: tf.Tensor, y: tf.Tensor, c: number, eps = 0): tf.Tensor {
  const x2 = sqNorm(x);
  const y2 = sqNorm(y);
  const xy = dot(x, y);
  const twoCxy = tf.mul(2 * c, xy);
  const num = tf.add(tf.mul(tf.add(tf.add(1, twoCxy), tf.mul(c, y2)), x), tf.mul(tf.sub(1, tf.mul(c, x2)), y));
  let den = tf.add(tf.add(1, twoCxy), tf.mul(c * c, tf.mul(x2, y2)));
  if (eps) den = tf.add(den, eps);
  return tf.div(num, tf.maximum(den, MIN_NORM));
}

/**
 * Möbius addition x ⊕ y (not commutative), broadcast over leading dimensions, projected back into the ball.
 *   x ⊕ y = ((1 + 2c⟨x,y⟩ + c‖y‖²) x + (1 − c‖x‖²) y) / (1 + 2c⟨x,y⟩ + c²‖x‖²‖y‖²)
 */
export function mobiusAdd(x: PointLike, y: PointLike, c: number): tf.Tensor {
  checkCurvature('mobiusAdd', c);
  return tf.tidy(() => project(mobiusAddRaw(toPoint('mobiusAdd(x)', x), toPoint('mobiusAdd(y)', y), c), c));
}

/** Möbius subtraction (−x) ⊕ y, the "difference" from x to y used by dist and logmap. */
export function mobiusSub(y: PointLike, x: PointLike, c: number): tf.Tensor {
  checkCurvature('mobiusSub', c);
  return tf.tidy(() => project(mobiusAddRaw(tf.neg(toPoint('mobiusSub(x)', x)), toPoint('mobiusSub(y)', y), c), c));
}
