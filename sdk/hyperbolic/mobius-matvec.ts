/** Möbius matrix–vector multiplication. */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, describe } from '../core/errors';
import { PointLike, artanh, checkCurvature, norm, tanh, toPoint } from './guards';
import { project } from './project';

/** x [..., n] times Mᵀ (M is [m, n]) → [..., m]. */
export function matvec(m: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const n = x.shape[x.rank - 1];
  const lead = x.shape.slice(0, -1);
  const flat = tf.reshape(x, [-1, n]);
  return tf.reshape(tf.matMul(flat, m, false, true), [...lead, m.shape[0]]);
}

/**
 * Möbius matrix–vector product, projected:
 *   M ⊗ x = tanh(‖Mx‖/‖x‖ · artanh(√c‖x‖))/√c · Mx/‖Mx‖   (= expmap0(M · logmap0(x)))
 * M is [m, n] (a number array or tensor); x is [..., n]; the result is [..., m] (0 where Mx = 0).
 */
export function mobiusMatvec(m: PointLike, x: PointLike, c: number): tf.Tensor {
  checkCurvature('mobiusMatvec', c);
  return tf.tidy(() => {
    const mat = toPoint('mobiusMatvec(m)', m);
    const p = toPoint('mobiusMatvec(x)', x);
    if (mat.rank !== 2 || mat.shape[1] !== p.shape[p.rank - 1]) {
      throw new ShapeError('mobiusMatvec(m)', {
        expected: `a matrix [m, ${p.shape[p.rank - 1]}] (columns = coordinates of x)`,
        received: describe(mat),
      });
    }
    const sc = Math.sqrt(c);
    const xn = norm(p);
    const mx = matvec(mat, p);
    const mxn = norm(mx);
    const scale = tanh(tf.mul(tf.div(mxn, xn), artanh(tf.mul(sc, xn))));
    // mx/mxn is 0 when Mx = 0 (norm is clamped), so no special case is needed.
    return project(tf.mul(tf.div(scale, tf.mul(sc, mxn)), mx), c);
  });
}
