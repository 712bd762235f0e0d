/**
 * Small summaries of plain numbers: `summarise` (mean, population standard deviation, minimum and maximum of a list,
 * e.g. the radii of a class's codes) and `cosine` (the cosine similarity of two vectors).
 */
import { ShapeError, describe } from '../core/errors';

export interface Summary {
  mean: number;
  std: number;
  min: number;
  max: number;
  n: number;
}

export function summarise(values: ArrayLike<number>): Summary {
  const xs = Array.from(values ?? []);
  if (xs.length === 0 || !xs.every(Number.isFinite)) {
    throw new ShapeError('summarise(values)', { expected: 'a non-empty list of finite numbers', received: describe(values) });
  }
  const mean = xs.reduce((a, v) => a + v, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, v) => a + (v - mean) ** 2, 0) / xs.length);
  return { mean, std, min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

/** Cosine similarity a·b / (‖a‖ ‖b‖) of two vectors of the same length (NaN when one is all zeros). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (!a || !b || a.length !== b.length || a.length === 0) {
    throw new ShapeError('cosine(a, b)', {
      expected: 'two non-empty vectors of the same length',
      received: `${describe(a)} and ${describe(b)}`,
    });
  }
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < a.length; j++) {
    d += a[j] * b[j];
    na += a[j] * a[j];
    nb += b[j] * b[j];
  }
  return d / Math.sqrt(na * nb);
}
