/** Mean, standard deviation (population), minimum and maximum of a list of numbers (e.g. the radii of a class's codes). */
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
