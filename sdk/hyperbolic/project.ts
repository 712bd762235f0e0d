/** Projection into the float32-safe ball, and the largest radius it can represent. */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError, describe } from '../core/errors';
import { BALL_EPS, PointLike, checkCurvature, norm, toPoint } from './guards';

/** maxRadius(1) = 2·artanh(1 − 4e-3) = ln 499 ≈ 6.2126 (reference-values row 1). */
export const MAX_RADIUS_F32 = Math.log((2 - BALL_EPS) / BALL_EPS);

/**
 * Largest hyperbolic radius (distance from the origin) a float32 point can have after projection:
 * maxRadius(c) = 2/√c · artanh(1 − 4e-3) = ln(499)/√c.
 */
export function maxRadius(c: number): number {
  checkCurvature('maxRadius', c);
  return MAX_RADIUS_F32 / Math.sqrt(c);
}

/**
 * project(x, c) = x · min(1, (1 − 4e-3)/(√c‖x‖)): pulls points back inside ‖x‖ ≤ (1 − 4e-3)/√c.
 */
export function project(x: PointLike, c: number): tf.Tensor {
  checkCurvature('project', c);
  return tf.tidy(() => {
    const p = toPoint('project(x)', x);
    const maxNorm = (1 - BALL_EPS) / Math.sqrt(c);
    const n = norm(p);
    // A multiplicative form instead of tf.where: the factor is exactly 1 inside the ball, and it broadcasts
    // [..., 1] against [..., d] without materialising a full-size condition tensor (≈15× faster on wasm).
    return tf.mul(p, tf.minimum(1, tf.div(maxNorm, n)));
  });
}

/**
 * The one radius check of the SDK (one wording everywhere): throws ValueError unless 0 < R ≤ maxRadius(c).
 * `c` is the curvature of the ball, or `undefined` while it is not known yet (a fluent builder: its checkpoint's limit is
 * checked at the terminal call); `space: 'euclidean'` is the Euclidean twin (radius = ‖h‖, no upper limit).
 * `advice` ends the hint. Every public entry that takes a radius calls this once; the steps behind it trust it.
 */
export function checkRadius(where: string, R: unknown, c: number | undefined, advice = '', space: 'ball' | 'euclidean' = 'ball'): void {
  const max = space === 'euclidean' ? Infinity : c === undefined ? MAX_RADIUS_F32 : maxRadius(c);
  const limit =
    space === 'euclidean'
      ? '∞ (‖h‖ in the Euclidean twin)'
      : c === undefined
        ? `maxRadius(c) of the checkpoint (ln 499/√c, the float32 limit: ${MAX_RADIUS_F32.toFixed(4)} for c = 1; checked when it runs)`
        : `maxRadius(c) = ${max.toFixed(4)} (c = ${c}; ln 499/√c, the float32 limit)`;
  const tooFar = typeof R === 'number' && c !== undefined && R > max * (1 + 1e-12);
  if (typeof R !== 'number' || Number.isNaN(R) || R <= 0 || R === Infinity || tooFar) {
    throw new ValueError(where, {
      expected: `a radius 0 < R ${space === 'euclidean' ? '<' : '≤'} ${limit}`,
      received: describe(R),
      hint: tooFar
        ? `float32 projection keeps ‖x‖ ≤ (1 − 4e-3)/√c, so no point lies farther than ln(499)/√c from the origin; use R ≤ ${max.toFixed(4)}.${advice ? ` ${advice}` : ''}`
        : `A radius must be a positive finite number (the origin has no direction to rescale along).${advice ? ` ${advice}` : ''}`,
    });
  }
}
