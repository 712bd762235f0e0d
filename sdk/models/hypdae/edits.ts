/**
 * Edits of stage-II codes, in the space stage II was trained in.
 * Hyperbolic (Poincaré ball, curvature c; radius = dist0):
 *   perturb      rescale(R, γ_{h→e}(d / dist(h, e))), e random at radius R   (sdk/hyperbolic perturb)
 *   interpolate  rescale(R, γ_{a→b}(t))
 *   fuse         gyromidpoint of k codes (the hyperbolic mean of k references)
 *   radius       dist0(h) = 2/√c · artanh(√c ‖h‖)
 * Euclidean twin (radius = ‖h‖): the same recipes with straight lines and the arithmetic mean:
 *   perturb h' = R · g/‖g‖, g = h + d · (e − h)/‖e − h‖;  interpolate R · n((1−t) a + t b);  fuse mean.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../core/rng';
import { ShapeError, ValueError, describe } from '../../core/errors';
import { perturb, interpolate } from '../../hyperbolic/edits';
import { gyromidpoint } from '../../hyperbolic/midpoint';
import { dist0 } from '../../hyperbolic/dist';
import { rescaleRaw } from '../../hyperbolic/rescale';
import { maxRadius } from '../../hyperbolic/project';
import { randomUnitTangent } from '../../hyperbolic/random';
import type { Stage2 } from './stage2';

const isHyp = (s: Stage2): boolean => s.config.stage2.space === 'hyperbolic';

function unit(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.maximum(tf.norm(x, 'euclidean', -1, true), 1e-12));
}

function checkR(where: string, s: Stage2, R: number): void {
  const max = isHyp(s) ? maxRadius(s.config.stage2.c) : Infinity;
  if (typeof R !== 'number' || !(R > 0) || R > max * (1 + 1e-12)) {
    const why = max === Infinity
      ? 'The Euclidean twin accepts any positive radius.'
      : `R is the hyperbolic distance from the origin; beyond ${max.toFixed(4)} the point's Euclidean norm rounds to the ball's edge in float32 and distances there are meaningless. Radii near 6 keep instance detail, near 3 keep only the category.`;
    throw new ValueError(where, { expected: `a radius 0 < R ≤ ${max === Infinity ? '∞' : max.toFixed(4)}`, received: describe(R), hint: why });
  }
}

/** Radius of each code: dist0 on the ball, ‖h‖ in the Euclidean twin. [B, d] → [B]. */
export function codeRadii(s: Stage2, h: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => (isHyp(s) ? dist0(h, s.config.stage2.c) : tf.norm(h, 'euclidean', -1)) as tf.Tensor1D);
}

/** Codes h [B, d] each moved a distance `distance` toward a random code at radius R, then put at radius R. */
export function perturbCodes(s: Stage2, h: tf.Tensor, o: { radius: number; distance: number; seed: number }): tf.Tensor2D {
  checkR('perturbCodes(radius)', s, o.radius);
  if (!(o.distance >= 0)) throw new ValueError('perturbCodes(distance)', { expected: 'a distance ≥ 0', received: describe(o.distance) });
  if (isHyp(s)) return perturb(h, o.distance, o.radius, s.config.stage2.c, { seed: o.seed }) as tf.Tensor2D;
  return tf.tidy(() => {
    const e = tf.mul(randomUnitTangent(h.shape.slice(0, -1), h.shape[h.rank - 1], new Rng(o.seed)), o.radius);
    const g = tf.add(h, tf.mul(unit(tf.sub(e, h)), o.distance));
    return tf.mul(unit(g), o.radius) as tf.Tensor2D;
  });
}

/**
 * The 'auto' perturbation (the fluent API's and the few-shot methods' default): the code is first put at radius R,
 * then stepped a fixed length toward a random code at radius R, then put back at R:
 *   ball   d = AUTO_STEP = 4.9 hyperbolic units, whatever R
 *   twin   d = EUCLIDEAN_STEP · R
 * In the ball the turn of the code's direction depends only on δ = R − d (checked numerically, dim 16): R = 6.2,
 * 5.5, 4.5, 3.0 turn it by ≈ 9°, 31°, 77°, 89° (a random target in 16 dimensions sits ≈ 90° away). A step of fixed
 * hyperbolic length is a small, instance-level change near the boundary, where the ball is wide, and a
 * category-level one nearer the centre: the radius is the knob of the hierarchy. The Euclidean twin has no such
 * knob: its step turns the code by ≈ 31° at every radius, the hyperbolic turn at the default R = 5.5, so the two
 * spaces are compared at equal edit size there.
 */
export const AUTO_STEP = 4.9;
export const EUCLIDEAN_STEP = 0.53;

/** The 'auto' step length at radius R (hyperbolic distance in the ball, ‖·‖ in the twin). */
export function autoPerturbDistance(space: 'hyperbolic' | 'euclidean', radius: number): number {
  return space === 'hyperbolic' ? AUTO_STEP : EUCLIDEAN_STEP * radius;
}

/** Codes h [B, d] put at radius R (dist0 in the ball, ‖h‖ in the twin), direction kept. */
export function rescaleCodes(s: Stage2, h: tf.Tensor, radius: number): tf.Tensor2D {
  checkR('rescaleCodes(radius)', s, radius);
  return tf.tidy(() => (isHyp(s) ? rescaleRaw(radius, h, s.config.stage2.c) : tf.mul(unit(h), radius)) as tf.Tensor2D);
}

/** perturbCodes with the 'auto' recipe above: rescale to R, step autoPerturbDistance(R) toward a random code at R. */
export function perturbCodesAuto(s: Stage2, h: tf.Tensor, o: { radius: number; seed: number }): tf.Tensor2D {
  return tf.tidy(() => perturbCodes(s, rescaleCodes(s, h, o.radius), { radius: o.radius, distance: autoPerturbDistance(s.config.stage2.space, o.radius), seed: o.seed }));
}

/** Interpolation between codes a and b (same shape) at fraction t, kept at radius R. */
export function interpolateCodes(s: Stage2, a: tf.Tensor, b: tf.Tensor, t: number, radius: number): tf.Tensor2D {
  checkR('interpolateCodes(radius)', s, radius);
  if (isHyp(s)) return interpolate(a, b, t, radius, s.config.stage2.c) as tf.Tensor2D;
  return tf.tidy(() => tf.mul(unit(tf.add(tf.mul(a, 1 - t), tf.mul(b, t))), radius) as tf.Tensor2D);
}

/** The mean of k codes [k, d] → [1, d]: gyromidpoint on the ball, arithmetic mean in the twin. */
export function fuseCodes(s: Stage2, hs: tf.Tensor): tf.Tensor2D {
  if (hs.rank !== 2 || hs.shape[0] < 1) throw new ShapeError('fuseCodes(hs)', { expected: 'k codes [k, d]', received: describe(hs) });
  return tf.tidy(() => tf.reshape(isHyp(s) ? gyromidpoint(hs, s.config.stage2.c) : tf.mean(hs, 0), [1, -1]) as tf.Tensor2D);
}
