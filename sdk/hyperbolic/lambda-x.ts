/** The conformal factor of the Poincaré ball. */
import * as tf from '@tensorflow/tfjs-core';
import { MIN_NORM, PointLike, checkCurvature, sqNorm, toPoint } from './guards';

/** Raw λ_x (keepdim, no checks). */
export function lambdaXRaw(x: tf.Tensor, c: number): tf.Tensor {
  return tf.div(2, tf.maximum(tf.sub(1, tf.mul(c, sqNorm(x))), MIN_NORM));
}

/**
 * Conformal factor λ_x = 2 / (1 − c‖x‖²): the metric at x is λ_x² times the Euclidean one.
 * Returns shape [..., 1] (keepdim) so it broadcasts against points; pass keepdim = false for [...].
 */
export function lambdaX(x: PointLike, c: number, keepdim = true): tf.Tensor {
  checkCurvature('lambdaX', c);
  return tf.tidy(() => {
    const l = lambdaXRaw(toPoint('lambdaX(x)', x), c);
    return keepdim ? l : tf.squeeze(l, [-1]);
  });
}
