/** Exponential and logarithmic maps, at the origin and at a point. */
import * as tf from '@tensorflow/tfjs-core';
import { PointLike, artanh, checkCurvature, norm, tanh, toPoint } from './guards';
import { lambdaXRaw } from './lambda-x';
import { mobiusAddRaw } from './mobius-add';
import { project } from './project';

/** Raw expmap0 (no projection). */
export function expmap0Raw(u: tf.Tensor, c: number): tf.Tensor {
  const sc = Math.sqrt(c);
  const n = norm(u);
  return tf.mul(tf.div(tanh(tf.mul(sc, n)), tf.mul(sc, n)), u);
}

/** Raw logmap0 (no checks). */
export function logmap0Raw(y: tf.Tensor, c: number): tf.Tensor {
  const sc = Math.sqrt(c);
  const n = norm(y);
  return tf.mul(tf.div(artanh(tf.mul(sc, n)), tf.mul(sc, n)), y);
}

/**
 * Exponential map at the origin, projected:  expmap0(u) = tanh(√c‖u‖)/√c · u/‖u‖.
 * Note dist0(expmap0(u)) = 2‖u‖ (the metric at 0 is 4× Euclidean).
 */
export function expmap0(u: PointLike, c: number): tf.Tensor {
  checkCurvature('expmap0', c);
  return tf.tidy(() => project(expmap0Raw(toPoint('expmap0(u)', u), c), c));
}

/** Logarithmic map at the origin:  logmap0(y) = artanh(√c‖y‖)/√c · y/‖y‖. */
export function logmap0(y: PointLike, c: number): tf.Tensor {
  checkCurvature('logmap0', c);
  return tf.tidy(() => logmap0Raw(toPoint('logmap0(y)', y), c));
}

/**
 * Exponential map at x, projected:
 *   expmap_x(u) = x ⊕ (tanh(√c λ_x ‖u‖ / 2) · u / (√c‖u‖)).
 */
export function expmap(x: PointLike, u: PointLike, c: number): tf.Tensor {
  checkCurvature('expmap', c);
  return tf.tidy(() => {
    const p = toPoint('expmap(x)', x);
    const v = toPoint('expmap(u)', u);
    const sc = Math.sqrt(c);
    const n = norm(v);
    const second = tf.mul(tf.div(tanh(tf.mul(tf.mul(sc / 2, lambdaXRaw(p, c)), n)), tf.mul(sc, n)), v);
    return project(mobiusAddRaw(p, second, c), c);
  });
}

/**
 * Logarithmic map at x (the tangent vector at x pointing to y):
 *   logmap_x(y) = 2/(√c λ_x) · artanh(√c‖(−x) ⊕ y‖) · ((−x) ⊕ y)/‖(−x) ⊕ y‖.
 */
export function logmap(x: PointLike, y: PointLike, c: number): tf.Tensor {
  checkCurvature('logmap', c);
  return tf.tidy(() => {
    const p = toPoint('logmap(x)', x);
    const sub = mobiusAddRaw(tf.neg(p), toPoint('logmap(y)', y), c); // unprojected, as in dist
    const sc = Math.sqrt(c);
    const n = norm(sub);
    const coef = tf.div(tf.mul(2 / sc, artanh(tf.mul(sc, n))), tf.mul(lambdaXRaw(p, c), n));
    return tf.mul(coef, sub);
  });
}
