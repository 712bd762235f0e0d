/**
 * The `augment` baseline: each output is its input under a seeded random horizontal flip (p = ½), an integer
 * shift in [−maxShift, maxShift]² and an elastic warp (α, σ) — classic data augmentation as a "generator".
 */
import { checkOptions } from '../../core/errors';
import { Rng } from '../../core/rng';
import { FewShotMethod } from '../eval/method';
import { elasticField, warpImage } from './warp';

export interface AugmentOptions {
  /** Probability of a left–right flip (default 0.5). */
  flipProbability?: number;
  /** Largest shift in pixels (default 2). */
  maxShift?: number;
  /** Elastic displacement scale (default 34, as Simard et al.; 0 disables the warp). */
  alpha?: number;
  /** Smoothness σ of the displacement field in pixels (default 4). */
  sigma?: number;
}

/** One augmented copy of an image. */
export function augmentImage(img: Float32Array, side: number, rng: Rng, o: Required<AugmentOptions>): Float32Array {
  const flip = rng.next() < o.flipProbability;
  const shiftR = rng.int(2 * o.maxShift + 1) - o.maxShift;
  const shiftC = rng.int(2 * o.maxShift + 1) - o.maxShift;
  const warp = o.alpha > 0;
  return warpImage(img, side, {
    flip,
    shiftR,
    shiftC,
    dr: warp ? elasticField(rng, side, o.alpha, o.sigma) : undefined,
    dc: warp ? elasticField(rng, side, o.alpha, o.sigma) : undefined,
  });
}

/** Builds the augment method; same request seed, same outputs. */
export function augmentMethod(options: AugmentOptions = {}): FewShotMethod {
  checkOptions('augmentMethod(options)', options, ['flipProbability', 'maxShift', 'alpha', 'sigma']);
  const o: Required<AugmentOptions> = { flipProbability: 0.5, maxShift: 2, alpha: 34, sigma: 4, ...options };
  return ({ inputs, count, side, outputsPerInput, seed }) => {
    const rng = new Rng(seed);
    const p = side * side;
    const out = new Float32Array(count * outputsPerInput * p);
    for (let i = 0; i < count; i++) {
      const src = inputs.subarray(i * p, (i + 1) * p);
      for (let k = 0; k < outputsPerInput; k++) out.set(augmentImage(src, side, rng, o), (i * outputsPerInput + k) * p);
    }
    return out;
  };
}
