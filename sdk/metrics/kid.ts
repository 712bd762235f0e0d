/**
 * Kernel Inception Distance with our evaluator: the unbiased MMD² estimate with the cubic polynomial kernel
 *   k(x, y) = (xᵀy / d + 1)³
 *   MMD²ᵤ = Σ_{i≠j} k(xᵢ,xⱼ) / (m(m−1)) + Σ_{i≠j} k(yᵢ,yⱼ) / (n(n−1)) − 2 Σ_{i,j} k(xᵢ,yⱼ) / (mn)
 * Optionally over random subsets (without replacement, seeded) to report mean ± std.
 */
import { ShapeError, checkOptions } from '../core/errors';
import { Rng } from '../core/rng';
import { FeatureMatrix, FeaturesLike, checkCompatible, toFeatureMatrix } from './features';

export interface KidOptions {
  /** Number of random subsets; 0 or undefined uses the full sets once. */
  subsets?: number;
  /** Rows drawn from each set per subset (default: min(m, n, 1000)). */
  subsetSize?: number;
  /** Seed of the subset draws (default 0). */
  seed?: number;
}

export interface KidResult {
  mean: number;
  /** Standard deviation over subsets (0 for a single full-set estimate). */
  std: number;
  /** The estimate of each subset. */
  values: number[];
}

function kernelSum(x: FeatureMatrix, xi: number[], y: FeatureMatrix, yi: number[], skipDiagonal: boolean): number {
  const d = x.cols;
  let sum = 0;
  for (let a = 0; a < xi.length; a++) {
    const ox = xi[a] * d;
    for (let b = skipDiagonal ? a + 1 : 0; b < yi.length; b++) {
      const oy = yi[b] * d;
      let dot = 0;
      for (let k = 0; k < d; k++) dot += x.data[ox + k] * y.data[oy + k];
      const v = dot / d + 1;
      sum += v * v * v;
    }
  }
  // For the within-set sums we visited only a < b; the kernel is symmetric.
  return skipDiagonal ? 2 * sum : sum;
}

/** Unbiased MMD² between the rows `xi` of x and the rows `yi` of y. */
export function mmdUnbiased(x: FeatureMatrix, xi: number[], y: FeatureMatrix, yi: number[]): number {
  const m = xi.length;
  const n = yi.length;
  const kxx = kernelSum(x, xi, x, xi, true) / (m * (m - 1));
  const kyy = kernelSum(y, yi, y, yi, true) / (n * (n - 1));
  const kxy = kernelSum(x, xi, y, yi, false) / (m * n);
  return kxx + kyy - 2 * kxy;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** KID between two feature sets (rows are samples); may be slightly negative when the sets match. */
export function kernelInceptionDistance(a: FeaturesLike, b: FeaturesLike, options: KidOptions = {}): KidResult {
  checkOptions('kernelInceptionDistance(options)', options, ['subsets', 'subsetSize', 'seed']);
  const x = toFeatureMatrix(a, 'kernelInceptionDistance(a)');
  const y = toFeatureMatrix(b, 'kernelInceptionDistance(b)');
  checkCompatible('kernelInceptionDistance(a, b)', x, y);
  if (x.rows < 2 || y.rows < 2) {
    throw new ShapeError('kernelInceptionDistance(a, b)', { expected: 'at least 2 samples per set', received: `${x.rows} and ${y.rows}` });
  }
  if (!options.subsets) {
    const v = mmdUnbiased(x, range(x.rows), y, range(y.rows));
    return { mean: v, std: 0, values: [v] };
  }
  const size = options.subsetSize ?? Math.min(x.rows, y.rows, 1000);
  if (size < 2 || size > Math.min(x.rows, y.rows)) {
    throw new ShapeError('kernelInceptionDistance(options.subsetSize)', {
      expected: `an integer in [2, ${Math.min(x.rows, y.rows)}]`,
      received: String(size),
    });
  }
  const rng = new Rng(options.seed ?? 0);
  const values: number[] = [];
  for (let s = 0; s < options.subsets; s++) {
    const xi = rng.shuffle(range(x.rows)).slice(0, size);
    const yi = rng.shuffle(range(y.rows)).slice(0, size);
    values.push(mmdUnbiased(x, xi, y, yi));
  }
  const mu = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mu) ** 2, 0) / Math.max(values.length - 1, 1));
  return { mean: mu, std: sd, values };
}
