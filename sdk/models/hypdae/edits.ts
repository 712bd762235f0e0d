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
import { perturbRaw, interpolateRaw } from '../../hyperbolic/edits';
import { gyromidpoint } from '../../hyperbolic/midpoint';
import { dist0 } from '../../hyperbolic/dist';
import { rescaleRaw } from '../../hyperbolic/rescale';
import { checkRadius } from '../../hyperbolic/project';
import { randomUnitTangent } from '../../hyperbolic/random';
import type { Stage2 } from './stage2';

const isHyp = (s: Stage2): boolean => s.config.stage2.space === 'hyperbolic';

function unit(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.maximum(tf.norm(x, 'euclidean', -1, true), 1e-12));
}

/**
 * The radius check of the code edits (hyperbolic/project's checkRadius, one wording): 0 < R ≤ maxRadius(c) in the
 * ball, R > 0 in the Euclidean twin. Each exported edit below calls it once; the pipeline calls it once per request
 * and then the unchecked steps (`*Unchecked`).
 */
export function checkCodeRadius(where: string, s: Stage2, R: number): void {
  const advice = 'Radii near 6 keep instance detail, near 3 only the category.';
  if (isHyp(s)) checkRadius(where, R, s.config.stage2.c, advice);
  else checkRadius(where, R, undefined, 'The Euclidean twin accepts any positive radius.', 'euclidean');
}

/** Radius of each code: dist0 on the ball, ‖h‖ in the Euclidean twin. [B, d] → [B]. */
export function codeRadii(s: Stage2, h: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => (isHyp(s) ? dist0(h, s.config.stage2.c) : tf.norm(h, 'euclidean', -1)) as tf.Tensor1D);
}

export interface PerturbCodesOptions {
  radius: number;
  distance: number;
  seed: number;
  /**
   * Targets [B, d] in the same space (e.g. codes of real training images); each is first put at radius R. Default:
   * random targets at R (seeded). The HypDAE authors' evaluation steps toward codes of real images.
   */
  toward?: tf.Tensor;
}

function checkToward(where: string, h: tf.Tensor, toward: tf.Tensor | undefined): void {
  if (toward !== undefined && (toward.rank !== h.rank || toward.shape.some((n, i) => n !== h.shape[i]))) {
    throw new ShapeError(where, { expected: `target codes of the codes' shape [${h.shape}]`, received: describe(toward) });
  }
}

/** Codes h [B, d] each moved a distance `distance` toward a target code at radius R (random, or `toward`), then put at radius R. */
export function perturbCodes(s: Stage2, h: tf.Tensor, o: PerturbCodesOptions): tf.Tensor2D {
  checkCodeRadius('perturbCodes(radius)', s, o.radius);
  return perturbCodesUnchecked(s, h, o);
}

/** perturbCodes with the radius already checked (checkCodeRadius) by the caller. */
export function perturbCodesUnchecked(s: Stage2, h: tf.Tensor, o: PerturbCodesOptions): tf.Tensor2D {
  if (!(o.distance >= 0)) throw new ValueError('perturbCodes(distance)', { expected: 'a distance ≥ 0', received: describe(o.distance) });
  checkToward('perturbCodes(toward)', h, o.toward);
  if (isHyp(s)) {
    return tf.tidy(
      () =>
        perturbRaw(
          h,
          o.distance,
          o.radius,
          s.config.stage2.c,
          o.toward ? { toward: rescaleCodesUnchecked(s, o.toward, o.radius) } : { seed: o.seed },
        ) as tf.Tensor2D,
    );
  }
  return tf.tidy(() => {
    const e = o.toward
      ? rescaleCodesUnchecked(s, o.toward, o.radius)
      : tf.mul(randomUnitTangent(h.shape.slice(0, -1), h.shape[h.rank - 1], new Rng(o.seed)), o.radius);
    const g = tf.add(h, tf.mul(unit(tf.sub(e, h)), o.distance));
    return tf.mul(unit(g), o.radius) as tf.Tensor2D;
  });
}

/**
 * The 'auto' perturbation (the fluent API's and the few-shot methods' default): the code is first put at radius R,
 * then stepped toward a target code (also put at R), then put back at R:
 *   ball   d = AUTO_STEP = 4.9 hyperbolic units, whatever R
 *   twin   d = the straight step that turns a code toward a target at a right angle by autoTurn(R), the ball's turn
 * In the ball, toward a random target (≈ 90° away in 16 dimensions), R = 6.2, 5.5, 4.5, 3.0 turn the code by ≈ 8°,
 * 31°, 77°, 90°: a step of fixed hyperbolic length is a small, instance-level change near the boundary, where the
 * ball is wide, and a category-level one nearer the centre. Toward a target θ away the turn also depends on θ: near
 * the boundary the step nearly reaches targets a few degrees away and barely moves toward far ones (R = 6.2: 5° → 4.9°,
 * 90° → 8°); nearer the centre it reaches any target. The twin's straight step turns by autoTurn(R) toward a
 * right-angle target too, so the two spaces make edits of equal size at every R; but its turn hardly depends on θ
 * (≈ 29–32° for 5°–90° at R = 5.5). What differs is how the geometry treats near and far targets.
 */
export const AUTO_STEP = 4.9;

/** 2-D Möbius addition on the unit-curvature disk. */
function mobiusAdd2(a: [number, number], b: [number, number]): [number, number] {
  const ab = a[0] * b[0] + a[1] * b[1];
  const aa = a[0] ** 2 + a[1] ** 2;
  const bb = b[0] ** 2 + b[1] ** 2;
  const den = 1 + 2 * ab + aa * bb;
  return [((1 + 2 * ab + bb) * a[0] + (1 - aa) * b[0]) / den, ((1 + 2 * ab + bb) * a[1] + (1 - aa) * b[1]) / den];
}

/** Turn (radians) of the ball's auto step (c = 1) from a code at radius R toward a target at R and a right angle. */
export function autoTurn(radius: number): number {
  const r = Math.tanh(radius / 2);
  const u = mobiusAdd2([-r, 0], [0, r]);
  const s = Math.tanh(AUTO_STEP / 2) / Math.hypot(u[0], u[1]);
  const p = mobiusAdd2([r, 0], [s * u[0], s * u[1]]);
  return Math.atan2(p[1], p[0]);
}

/**
 * The 'auto' step length at radius R: AUTO_STEP in the ball; in the twin (‖·‖ units) the straight step that turns a
 * code at norm R by autoTurn(turnRadius) toward a target at norm R and a right angle: √2 R sin θ / (sin θ + cos θ).
 * `turnRadius` (default R) is the ball radius whose turn the twin mirrors (the few-shot methods pass the hyperbolic R).
 */
export function autoPerturbDistance(space: 'hyperbolic' | 'euclidean', radius: number, turnRadius = radius): number {
  if (space === 'hyperbolic') return AUTO_STEP;
  const th = autoTurn(turnRadius);
  return (Math.SQRT2 * radius * Math.sin(th)) / (Math.sin(th) + Math.cos(th));
}

/** Codes h [B, d] put at radius R (dist0 in the ball, ‖h‖ in the twin), direction kept. */
export function rescaleCodes(s: Stage2, h: tf.Tensor, radius: number): tf.Tensor2D {
  checkCodeRadius('rescaleCodes(radius)', s, radius);
  return rescaleCodesUnchecked(s, h, radius);
}

function rescaleCodesUnchecked(s: Stage2, h: tf.Tensor, radius: number): tf.Tensor2D {
  return tf.tidy(() => (isHyp(s) ? rescaleRaw(radius, h, s.config.stage2.c) : tf.mul(unit(h), radius)) as tf.Tensor2D);
}

/** perturbCodes with the 'auto' recipe above: rescale to R, step autoPerturbDistance(R) toward the target at R. */
export function perturbCodesAuto(s: Stage2, h: tf.Tensor, o: AutoPerturbOptions): tf.Tensor2D {
  checkCodeRadius('perturbCodes(radius)', s, o.radius);
  return perturbCodesAutoUnchecked(s, h, o);
}

export interface AutoPerturbOptions {
  radius: number;
  seed: number;
  toward?: tf.Tensor;
  turnRadius?: number;
}

/** perturbCodesAuto with the radius already checked (checkCodeRadius) by the caller. */
export function perturbCodesAutoUnchecked(s: Stage2, h: tf.Tensor, o: AutoPerturbOptions): tf.Tensor2D {
  const distance = autoPerturbDistance(s.config.stage2.space, o.radius, o.turnRadius);
  return tf.tidy(() =>
    perturbCodesUnchecked(s, rescaleCodesUnchecked(s, h, o.radius), { radius: o.radius, distance, seed: o.seed, toward: o.toward }),
  );
}

/**
 * How far each code turned toward its target, as a fraction of the way: ∠(h, moved) / ∠(h, target), in [0, 1], with
 * angles between directions from the origin (the ball's and the twin's edits keep the radius, so they only turn a
 * code). 1 when the target lies in the code's direction. [B, d] ×3 → [B]. The spatial map of a code (outside the
 * ball) follows its perturbation by this fraction.
 */
export function towardFraction(h: tf.Tensor, moved: tf.Tensor, target: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const angle = (a: tf.Tensor, b: tf.Tensor) => tf.acos(tf.clipByValue(tf.sum(tf.mul(unit(a), unit(b)), -1), -1, 1));
    const whole = angle(h, target);
    const f = tf.div(angle(h, moved), tf.maximum(whole, 1e-6));
    return tf.where(tf.less(whole, 1e-6), tf.onesLike(f), tf.clipByValue(f, 0, 1)) as tf.Tensor1D;
  });
}

/** Interpolation between codes a and b (same shape) at fraction t, kept at radius R. */
export function interpolateCodes(s: Stage2, a: tf.Tensor, b: tf.Tensor, t: number, radius: number): tf.Tensor2D {
  checkCodeRadius('interpolateCodes(radius)', s, radius);
  return interpolateCodesUnchecked(s, a, b, t, radius);
}

/** interpolateCodes with the radius already checked (checkCodeRadius) by the caller. */
export function interpolateCodesUnchecked(s: Stage2, a: tf.Tensor, b: tf.Tensor, t: number, radius: number): tf.Tensor2D {
  if (isHyp(s)) return interpolateRaw(a, b, t, radius, s.config.stage2.c) as tf.Tensor2D;
  return tf.tidy(() => tf.mul(unit(tf.add(tf.mul(a, 1 - t), tf.mul(b, t))), radius) as tf.Tensor2D);
}

/** The mean of k codes [k, d] → [1, d]: gyromidpoint on the ball, arithmetic mean in the twin. */
export function fuseCodes(s: Stage2, hs: tf.Tensor): tf.Tensor2D {
  if (hs.rank !== 2 || hs.shape[0] < 1) throw new ShapeError('fuseCodes(hs)', { expected: 'k codes [k, d]', received: describe(hs) });
  return tf.tidy(() => tf.reshape(isHyp(s) ? gyromidpoint(hs, s.config.stage2.c) : tf.mean(hs, 0), [1, -1]) as tf.Tensor2D);
}
