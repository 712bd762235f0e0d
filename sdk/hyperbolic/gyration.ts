/** Gyration and parallel transport. */
import * as tf from '@tensorflow/tfjs-core';
import { MIN_NORM, PointLike, checkCurvature, dot, sqNorm, toPoint } from './guards';
import { lambdaXRaw } from './lambda-x';

/** Raw gyr[u, v]w (no checks). */
export function gyrationRaw(u: tf.Tensor, v: tf.Tensor, w: tf.Tensor, c: number): tf.Tensor {
  const u2 = sqNorm(u);
  const v2 = sqNorm(v);
  const uv = dot(u, v);
  const uw = dot(u, w);
  const vw = dot(v, w);
  const c2 = c * c;
  // a = −c²⟨u,w⟩‖v‖² + c⟨v,w⟩ + 2c²⟨u,v⟩⟨v,w⟩;  b = −c²⟨v,w⟩‖u‖² − c⟨u,w⟩
  const a = tf.add(tf.add(tf.mul(-c2, tf.mul(uw, v2)), tf.mul(c, vw)), tf.mul(2 * c2, tf.mul(uv, vw)));
  const b = tf.sub(tf.mul(-c2, tf.mul(vw, u2)), tf.mul(c, uw));
  const d = tf.add(tf.add(1, tf.mul(2 * c, uv)), tf.mul(c2, tf.mul(u2, v2)));
  return tf.add(w, tf.div(tf.mul(2, tf.add(tf.mul(a, u), tf.mul(b, v))), tf.maximum(d, MIN_NORM)));
}

/**
 * Gyration gyr[u, v]w = ⊖(u ⊕ v) ⊕ (u ⊕ (v ⊕ w)), in closed form (geoopt, k = −c):
 *   gyr[u,v]w = w + 2(a u + b v)/d,  a = −c²⟨u,w⟩‖v‖² + c⟨v,w⟩ + 2c²⟨u,v⟩⟨v,w⟩,
 *   b = −c²⟨v,w⟩‖u‖² − c⟨u,w⟩,  d = 1 + 2c⟨u,v⟩ + c²‖u‖²‖v‖².
 * It is linear in w and preserves the Euclidean norm ‖w‖.
 */
export function gyration(u: PointLike, v: PointLike, w: PointLike, c: number): tf.Tensor {
  checkCurvature('gyration', c);
  return tf.tidy(() => gyrationRaw(toPoint('gyration(u)', u), toPoint('gyration(v)', v), toPoint('gyration(w)', w), c));
}

/**
 * Parallel transport of the tangent vector v from x to y along the geodesic:
 *   PT_{x→y}(v) = gyr[y, −x] v · λ_x / λ_y.   It preserves the Riemannian norm λ‖v‖.
 */
export function parallelTransport(x: PointLike, y: PointLike, v: PointLike, c: number): tf.Tensor {
  checkCurvature('parallelTransport', c);
  return tf.tidy(() => {
    const px = toPoint('parallelTransport(x)', x);
    const py = toPoint('parallelTransport(y)', y);
    const g = gyrationRaw(py, tf.neg(px), toPoint('parallelTransport(v)', v), c);
    return tf.mul(g, tf.div(lambdaXRaw(px, c), lambdaXRaw(py, c)));
  });
}
