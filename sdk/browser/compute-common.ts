/** What the widgets' computations share (tensor work only, no DOM): the image check and the plane of a disk. */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError, describe } from '../core/errors';

export const SIDE = 32;

/** A 32 × 32 image in [−1, 1] as the widgets pass it (one Float32Array). */
export function checkImage(where: string, x: Float32Array): void {
  if (!(x instanceof Float32Array) || x.length !== SIDE * SIDE) {
    throw new ValueError(where, { expected: `a Float32Array of ${SIDE * SIDE} pixels in [−1, 1] (32 × 32)`, received: describe(x) });
  }
}

/**
 * The plane of the drawn disk, rows [u₁, u₂] of [2, d]: u₁ = h/‖h‖, u₂ = the unit part of `other` orthogonal to u₁
 * (Gram–Schmidt). Geodesics between points of a plane through the origin stay in it, so coordinates ⟨p, u₁⟩, ⟨p, u₂⟩
 * draw such points and their geodesics exactly.
 */
export function diskPlane(h: tf.Tensor2D, other: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const u1 = tf.div(h, tf.norm(h));
    const o = tf.sub(other, tf.mul(tf.sum(tf.mul(other, u1)), u1));
    const u2 = tf.div(o, tf.maximum(tf.norm(o), 1e-12));
    return tf.concat([u1, u2]) as tf.Tensor2D;
  });
}

/** Plane coordinates [[x, y], …] of points [k, d]. */
export function planeCoords(points: tf.Tensor2D, plane: tf.Tensor2D): number[][] {
  return tf.tidy(() => tf.matMul(points, plane, false, true).arraySync() as number[][]);
}
