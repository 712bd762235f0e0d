/** Möbius scalar multiplication. */
import * as tf from '@tensorflow/tfjs-core';
import { PointLike, ScalarLike, artanh, checkCurvature, norm, tanh, toPoint, toScalar } from './guards';
import { project } from './project';

/** Raw r ⊗ x (no projection): tanh(r · artanh(√c‖x‖))/√c · x/‖x‖. */
export function mobiusScalarMulRaw(r: tf.Tensor | number, x: tf.Tensor, c: number): tf.Tensor {
  const sc = Math.sqrt(c);
  const n = norm(x);
  const scaled = tanh(tf.mul(r, artanh(tf.mul(sc, n))));
  return tf.mul(tf.div(scaled, tf.mul(sc, n)), x);
}

/**
 * Möbius scalar multiplication, projected:  r ⊗ x = tanh(r · artanh(√c‖x‖))/√c · x/‖x‖.
 * r is a number or a tensor broadcastable against `[..., 1]`. dist0(r ⊗ x) = |r| · dist0(x).
 */
export function mobiusScalarMul(r: ScalarLike, x: PointLike, c: number): tf.Tensor {
  checkCurvature('mobiusScalarMul', c);
  return tf.tidy(() => project(mobiusScalarMulRaw(toScalar('mobiusScalarMul(r)', r), toPoint('mobiusScalarMul(x)', x), c), c));
}
