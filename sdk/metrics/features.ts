/**
 * Feature matrices: n rows (images) × d columns (features), held in float64 for the statistics.
 * Every metric accepts a `FeaturesLike` — a tensor [n, ...], `number[][]`, or `{ data, rows, cols }`
 * over a Float32Array/Float64Array in row-major order — and converts it once with `toFeatureMatrix`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, ValueError, describe } from '../core/errors';

export interface FeatureMatrix {
  rows: number;
  cols: number;
  /** Row-major, length rows × cols. */
  data: Float64Array;
}

export type FeaturesLike = tf.Tensor | number[][] | { rows: number; cols: number; data: ArrayLike<number> };

function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

/** Converts any accepted feature input to a float64 matrix; rejects ragged, empty or non-finite input. */
export function toFeatureMatrix(x: FeaturesLike, where = 'features'): FeatureMatrix {
  let out: FeatureMatrix;
  if (isTensor(x)) {
    if (x.rank < 2) throw new ShapeError(where, { expected: 'a tensor of rank ≥ 2 ([n, d] or [n, h, w, c])', received: describe(x) });
    out = { rows: x.shape[0], cols: x.size / Math.max(x.shape[0], 1), data: Float64Array.from(x.dataSync()) };
  } else if (Array.isArray(x)) {
    const rows = x.length;
    const cols = rows ? x[0].length : 0;
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      if (!Array.isArray(x[i]) || x[i].length !== cols) {
        throw new ShapeError(where, { expected: `rows of equal length ${cols}`, received: `row ${i} is ${describe(x[i])}` });
      }
      for (let j = 0; j < cols; j++) data[i * cols + j] = x[i][j];
    }
    out = { rows, cols, data };
  } else if (x && typeof x === 'object' && 'data' in x && 'rows' in x && 'cols' in x) {
    if (x.data.length !== x.rows * x.cols) {
      throw new ShapeError(where, { expected: `data of length rows × cols = ${x.rows * x.cols}`, received: describe(x.data) });
    }
    out = { rows: x.rows, cols: x.cols, data: x.data instanceof Float64Array ? x.data : Float64Array.from(x.data) };
  } else {
    throw new ShapeError(where, { expected: 'a tensor, number[][] or { data, rows, cols }', received: describe(x) });
  }
  if (out.rows < 1 || out.cols < 1)
    throw new ShapeError(where, { expected: 'at least one row and one column', received: `${out.rows} × ${out.cols}` });
  for (let i = 0; i < out.data.length; i++) {
    if (!Number.isFinite(out.data[i])) {
      throw new ValueError(where, {
        expected: 'finite values',
        received: `${out.data[i]} at row ${Math.floor(i / out.cols)}`,
        hint: 'Check the generator output for NaN.',
      });
    }
  }
  return out;
}

/** Throws ShapeError unless both matrices have the same number of columns (and rows, if `sameRows`). */
export function checkCompatible(where: string, a: FeatureMatrix, b: FeatureMatrix, sameRows = false): void {
  if (a.cols !== b.cols) throw new ShapeError(where, { expected: `the same feature dimension`, received: `${a.cols} and ${b.cols}` });
  if (sameRows && a.rows !== b.rows) {
    throw new ShapeError(where, {
      expected: 'the same number of rows (row i of one pairs with row i of the other)',
      received: `${a.rows} and ${b.rows}`,
    });
  }
}

/** Column means μ (length d). */
export function mean(m: FeatureMatrix): Float64Array {
  const mu = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) mu[j] += m.data[i * m.cols + j];
  for (let j = 0; j < m.cols; j++) mu[j] /= m.rows;
  return mu;
}

/** Unbiased covariance Σ = (X − μ)ᵀ(X − μ) / (n − 1), as a d × d row-major array (n = 1 gives zeros). */
export function covariance(m: FeatureMatrix, mu = mean(m)): Float64Array {
  const d = m.cols;
  const cov = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < d; j++) centred[j] = m.data[i * d + j] - mu[j];
    for (let j = 0; j < d; j++) {
      const cj = centred[j];
      if (cj === 0) continue;
      const row = j * d;
      for (let k = j; k < d; k++) cov[row + k] += cj * centred[k];
    }
  }
  const denom = Math.max(m.rows - 1, 1);
  for (let j = 0; j < d; j++) {
    for (let k = j; k < d; k++) {
      const v = cov[j * d + k] / denom;
      cov[j * d + k] = v;
      cov[k * d + j] = v;
    }
  }
  return cov;
}
