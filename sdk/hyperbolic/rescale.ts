/** Moving a point along its ray to a given hyperbolic radius. */
import * as tf from '@tensorflow/tfjs-core';
import { PointLike, checkCurvature, checkFinite, norm, toPoint } from './guards';
import { checkRadius, project } from './project';

/** Raw rescale (R already checked): x/‖x‖ · tanh(√c R/2)/√c, projected. */
export function rescaleRaw(R: number, x: tf.Tensor, c: number): tf.Tensor {
  const sc = Math.sqrt(c);
  return project(tf.mul(tf.div(x, norm(x)), Math.tanh((sc * R) / 2) / sc), c);
}

/**
 * Moves x along the ray from the origin to hyperbolic radius R:
 *   rescale(R, x) = (R / dist0(x)) ⊗ x = tanh(√c R/2)/√c · x/‖x‖,  so dist0(rescale(R, x)) = R.
 * Throws ValueError unless 0 < R ≤ maxRadius(c) and x is finite; the origin stays at the origin.
 */
export function rescale(R: number, x: PointLike, c: number): tf.Tensor {
  checkCurvature('rescale', c);
  checkRadius('rescale(R)', R, c);
  return tf.tidy(() => {
    const p = toPoint('rescale(x)', x);
    checkFinite('rescale(x)', p);
    return rescaleRaw(R, p, c);
  });
}
