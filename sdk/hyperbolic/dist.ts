/** Geodesic distance on the Poincaré ball. */
import * as tf from '@tensorflow/tfjs-core';
import { PointLike, artanh, checkCurvature, norm, toPoint } from './guards';
import { mobiusAddRaw } from './mobius-add';

function finish(n: tf.Tensor, c: number, keepdim: boolean): tf.Tensor {
  const sc = Math.sqrt(c);
  const d = tf.mul(2 / sc, artanh(tf.mul(sc, n)));
  return keepdim ? d : tf.squeeze(d, [-1]);
}

/**
 * Geodesic distance  dist(x, y) = 2/√c · artanh(√c‖(−x) ⊕ y‖), symmetric.
 * Shape: the broadcast leading dimensions ([...]), or [..., 1] with keepdim.
 */
export function dist(x: PointLike, y: PointLike, c: number, keepdim = false): tf.Tensor {
  checkCurvature('dist', c);
  return tf.tidy(() => finish(norm(mobiusAddRaw(tf.neg(toPoint('dist(x)', x)), toPoint('dist(y)', y), c)), c, keepdim));
}

/** Distance from the origin (the hyperbolic radius):  dist0(x) = 2/√c · artanh(√c‖x‖). */
export function dist0(x: PointLike, c: number, keepdim = false): tf.Tensor {
  checkCurvature('dist0', c);
  return tf.tidy(() => finish(norm(toPoint('dist0(x)', x)), c, keepdim));
}
