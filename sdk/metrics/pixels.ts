/**
 * Pixel-space measures used beside the protocol's metrics, on plain pixels (n images of p pixels, row-major):
 *   pixelRms(a, b)        √(mean_j (a_j − b_j)²), one image against another (pixels in [−1, 1]: 0 … 2)
 *   meanPixelRms(x, ref, n)  the mean of pixelRms(x_i, ref) over the n images x_i (ref: one image, or n images)
 *   pixelSpread(x, n)     mean over pixels of the standard deviation across the n images (0 for identical images)
 * and `imageDiversity(evaluator, x)`: the protocol's diversity (sdk/metrics/diversity.ts) of one set of images,
 * from the evaluator's layer activations (tensors disposed here).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, describe } from '../core/errors';
import type { Evaluator } from '../models/evaluator';
import { diversity } from './diversity';

function pixels(where: string, x: ArrayLike<number>): ArrayLike<number> {
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number' || x.length === 0) {
    throw new ShapeError(where, { expected: 'a non-empty array of pixel values', received: describe(x) });
  }
  return x;
}

/** Root mean square difference of two images of the same size. */
export function pixelRms(a: ArrayLike<number>, b: ArrayLike<number>): number {
  pixels('pixelRms(a)', a);
  pixels('pixelRms(b)', b);
  if (a.length !== b.length) throw new ShapeError('pixelRms(b)', { expected: `${a.length} pixels (as a)`, received: `${b.length}` });
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return Math.sqrt(s / a.length);
}

/** Mean pixelRms of each of the n images in `x` (n × p values) to `ref`: one image (p values), or n images (pairwise). */
export function meanPixelRms(x: Float32Array, ref: Float32Array, n: number): number {
  const p = pixels('meanPixelRms(x)', x).length / n;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(p))
    throw new ShapeError('meanPixelRms(n)', { expected: `a count dividing ${x.length}`, received: describe(n) });
  if (pixels('meanPixelRms(ref)', ref).length !== p && ref.length !== x.length) {
    throw new ShapeError('meanPixelRms(ref)', { expected: `one image of ${p} pixels or ${n} images`, received: `${ref.length} values` });
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += pixelRms(x.subarray(i * p, (i + 1) * p), ref.length === p ? ref : ref.subarray(i * p, (i + 1) * p));
  return total / n;
}

/** Mean over pixels of the standard deviation across the n images in `x`. */
export function pixelSpread(x: ArrayLike<number>, n: number): number {
  const p = pixels('pixelSpread(x)', x).length / n;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(p))
    throw new ShapeError('pixelSpread(n)', { expected: `a count dividing ${x.length}`, received: describe(n) });
  let total = 0;
  for (let j = 0; j < p; j++) {
    let m = 0;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i * p + j];
      m += v;
      m2 += v * v;
    }
    m /= n;
    total += Math.sqrt(Math.max(0, m2 / n - m * m));
  }
  return total / p;
}

/** The protocol's diversity of one set of images (pixels in [−1, 1]), from the evaluator's layer activations. */
export function imageDiversity(evaluator: Pick<Evaluator, 'features'>, x: Float32Array): number {
  const f = evaluator.features(x, { layers: true });
  try {
    return diversity(f.layers);
  } finally {
    tf.dispose([f.penultimate, f.logits, ...f.layers]);
  }
}
