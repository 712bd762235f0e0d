/** Hyperbolic mean of k points (for fusing several reference codes). */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, describe } from '../core/errors';
import { PointLike, checkCurvature, toPoint } from './guards';
import { lambdaXRaw } from './lambda-x';
import { mobiusScalarMulRaw } from './mobius-scalar-mul';
import { project } from './project';

/**
 * Weighted gyromidpoint (Ungar) of k points along axis −2 of xs [..., k, d] → [..., d]:
 *   m = ½ ⊗ ( Σᵢ wᵢ λᵢ xᵢ / Σᵢ wᵢ (λᵢ − 1) ),   λᵢ = λ_{xᵢ} = 2/(1 − c‖xᵢ‖²).
 * It is the Einstein midpoint computed in the Poincaré model: the mean of two points is their geodesic
 * midpoint, and the mean of k copies of x is x. Weights (length k, default equal) need not sum to 1.
 */
export function gyromidpoint(xs: PointLike, c: number, weights?: number[] | tf.Tensor): tf.Tensor {
  checkCurvature('gyromidpoint', c);
  return tf.tidy(() => {
    const p = toPoint('gyromidpoint(xs)', xs);
    if (p.rank < 2)
      throw new ShapeError('gyromidpoint(xs)', { expected: 'points [..., k, d] (the k points along axis −2)', received: describe(p) });
    const k = p.shape[p.rank - 2];
    const w = weights === undefined ? tf.ones([k, 1]) : tf.reshape(weights instanceof tf.Tensor ? weights : tf.tensor1d(weights), [-1, 1]);
    if (w.shape[0] !== k)
      throw new ShapeError('gyromidpoint(weights)', { expected: `${k} weights (one per point)`, received: describe(weights) });
    const lam = lambdaXRaw(p, c); // [..., k, 1]
    const num = tf.sum(tf.mul(tf.mul(w, lam), p), -2);
    const den = tf.sum(tf.mul(w, tf.sub(lam, 1)), -2);
    const safeDen = tf.where(tf.less(tf.abs(den), 1e-10), tf.fill(den.shape, 1e-10), den);
    const twoMean = tf.div(num, safeDen);
    return project(mobiusScalarMulRaw(0.5, twoMean, c), c);
  });
}

/** Alias: the Einstein midpoint, computed as the Poincaré gyromidpoint (they are the same point). */
export const einsteinMidpoint = gyromidpoint;
