/** Points along geodesics. */
import * as tf from '@tensorflow/tfjs-core';
import { PointLike, ScalarLike, checkCurvature, toPoint, toScalar } from './guards';
import { mobiusAddRaw } from './mobius-add';
import { mobiusScalarMulRaw } from './mobius-scalar-mul';
import { project } from './project';

/**
 * The point at fraction t of the geodesic from x (t = 0) to y (t = 1), projected:
 *   γ(t) = x ⊕ (t ⊗ ((−x) ⊕ y)),  so dist(x, γ(t)) = |t| · dist(x, y).
 * t is a number or a tensor broadcastable against `[..., 1]` (t outside [0, 1] extrapolates).
 */
export function geodesic(t: ScalarLike, x: PointLike, y: PointLike, c: number): tf.Tensor {
  checkCurvature('geodesic', c);
  return tf.tidy(() => {
    const p = toPoint('geodesic(x)', x);
    // No projection in between: (−x) ⊕ y of two boundary points has norm ≈ 1 − 1e-5, still exact enough
    // in float32, and projecting it would cap dist(x, y) at ln 499 (reference-values row 16).
    const diff = mobiusAddRaw(tf.neg(p), toPoint('geodesic(y)', y), c);
    const step = mobiusScalarMulRaw(toScalar('geodesic(t)', t), diff, c);
    return project(mobiusAddRaw(p, step, c), c);
  });
}
