/** HypDAE's edits of a code on the ball: perturbation at fixed radius and interpolation at fixed radius. */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ValueError, checkOptions, describe } from '../core/errors';
import { Rng } from '../core/rng';
import { MIN_NORM, PointLike, artanh, checkCurvature, checkFinite, norm, toPoint } from './guards';
import { geodesic } from './geodesic';
import { mobiusAddRaw } from './mobius-add';
import { checkRadius } from './project';
import { randomAtRadiusRaw } from './random';
import { rescaleRaw } from './rescale';

export interface PerturbOptions {
  /** Step toward these codes (broadcast against `code`) instead of random ones. */
  toward?: PointLike;
  /** Seed (or Rng) for the random targets, drawn uniformly on the sphere of radius R. */
  seed?: number | Rng;
}

/**
 * HypDAE perturbation (reference-values row 16): from the code s, step a hyperbolic distance d along the
 * geodesic toward a target e (given, or random at radius R), then push the result back to radius R:
 *   g = γ_{s→e}(d / dist(s, e)),   result = rescale(R, g).
 * The larger d, the more the edit departs from s (d ≈ 0: s itself, rescaled to R).
 */
export function perturb(code: PointLike, distance: number, radius: number, c: number, options: PerturbOptions = {}): tf.Tensor {
  checkCurvature('perturb', c);
  checkOptions('perturb(options)', options, ['toward', 'seed']);
  checkRadius('perturb(radius)', radius, c);
  if (typeof distance !== 'number' || !Number.isFinite(distance) || distance < 0) {
    throw new ValueError('perturb(distance)', { expected: 'a finite hyperbolic step length d ≥ 0', received: describe(distance) });
  }
  if (options.toward === undefined && options.seed === undefined) {
    throw new ConfigError('perturb(options)', {
      expected: "either 'toward' (target codes) or 'seed' (for random targets)",
      received: 'neither',
      hint: 'Pass { seed: 0 } for a reproducible random edit.',
    });
  }
  return perturbRaw(code, distance, radius, c, options);
}

/** perturb with distance, radius, c and options already checked by the caller (the codes are still checked). */
export function perturbRaw(code: PointLike, distance: number, radius: number, c: number, options: PerturbOptions): tf.Tensor {
  return tf.tidy(() => {
    const s = toPoint('perturb(code)', code);
    checkFinite('perturb(code)', s);
    const dim = s.shape[s.rank - 1];
    const e =
      options.toward !== undefined
        ? toPoint('perturb(toward)', options.toward)
        : randomAtRadiusRaw(s.shape.slice(0, -1), dim, radius, c, options.seed as number | Rng);
    if (options.toward !== undefined) checkFinite('perturb(toward)', e);
    const sc = Math.sqrt(c);
    const dse = tf.mul(2 / sc, artanh(tf.mul(sc, norm(mobiusAddRaw(tf.neg(s), e, c)))));
    const t = tf.div(distance, tf.maximum(dse, MIN_NORM));
    return rescaleRaw(radius, geodesic(t, s, e, c), c);
  });
}

/**
 * Interpolation between two codes along their geodesic, kept at hyperbolic radius R:
 *   interpolate(a, b, t) = rescale(R, γ_{a→b}(t)).
 * t may be a number (result [..., d]) or a list of fractions (result [len(t), ..., d]).
 */
export function interpolate(a: PointLike, b: PointLike, t: number | number[], radius: number, c: number): tf.Tensor {
  checkCurvature('interpolate', c);
  checkRadius('interpolate(radius)', radius, c);
  const ts = typeof t === 'number' ? [t] : t;
  if (!Array.isArray(ts) || ts.length === 0 || ts.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
    throw new ValueError('interpolate(t)', { expected: 'a finite fraction or a non-empty list of them', received: describe(t) });
  }
  return interpolateRaw(a, b, t, radius, c);
}

/** interpolate with t, radius and c already checked by the caller (the codes are still checked). */
export function interpolateRaw(a: PointLike, b: PointLike, t: number | number[], radius: number, c: number): tf.Tensor {
  const ts = typeof t === 'number' ? [t] : t;
  return tf.tidy(() => {
    const pa = toPoint('interpolate(a)', a);
    const pb = toPoint('interpolate(b)', b);
    checkFinite('interpolate(a)', pa);
    checkFinite('interpolate(b)', pb);
    const outs = ts.map((v) => rescaleRaw(radius, geodesic(v, pa, pb, c), c));
    return typeof t === 'number' ? outs[0] : tf.stack(outs);
  });
}
