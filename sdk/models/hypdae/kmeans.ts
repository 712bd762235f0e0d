/**
 * k-means (Lloyd's algorithm with k-means++ seeding, Arthur & Vassilvitskii 2007) on plain arrays, seeded.
 * Used for HypDAE's pseudo-labels: clusters of stage-I codes stand in for class labels in stage II.
 */
import { Rng } from '../../core/rng';
import { ConfigError, ShapeError, describe } from '../../core/errors';

export interface KMeansResult {
  /** Cluster of each row. */
  labels: Int32Array;
  /** k × d centroids, row-major. */
  centroids: Float32Array;
  /** Sum of squared distances of rows to their centroid. */
  inertia: number;
  iterations: number;
}

function sqDist(x: Float32Array, i: number, c: Float32Array, j: number, d: number): number {
  let s = 0;
  for (let q = 0; q < d; q++) {
    const v = x[i * d + q] - c[j * d + q];
    s += v * v;
  }
  return s;
}

/** Clusters the n rows of x (n × d, row-major) into k groups. */
export function kmeans(x: Float32Array, n: number, d: number, k: number, opts: { seed?: number; iterations?: number } = {}): KMeansResult {
  if (n * d !== x.length || n < 1) throw new ShapeError('kmeans(x)', { expected: `n·d = ${n}·${d} values`, received: describe(x) });
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new ConfigError('kmeans(k)', { expected: `an integer in [1, ${n}]`, received: describe(k) });
  const rng = new Rng(opts.seed ?? 0);
  const maxIter = opts.iterations ?? 50;
  const c = new Float32Array(k * d);
  const best = new Float64Array(n).fill(Infinity);
  // k-means++: each next centroid drawn with probability ∝ squared distance to the nearest chosen one.
  let pick = rng.int(n);
  for (let j = 0; j < k; j++) {
    c.set(x.subarray(pick * d, (pick + 1) * d), j * d);
    let total = 0;
    for (let i = 0; i < n; i++) {
      best[i] = Math.min(best[i], sqDist(x, i, c, j, d));
      total += best[i];
    }
    let r = rng.next() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++)
      if ((r -= best[i]) <= 0) {
        pick = i;
        break;
      }
  }
  const labels = new Int32Array(n);
  let inertia = 0;
  let it = 0;
  for (; it < maxIter; it++) {
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let bj = 0;
      let bd = Infinity;
      for (let j = 0; j < k; j++) {
        const dd = sqDist(x, i, c, j, d);
        if (dd < bd) {
          bd = dd;
          bj = j;
        }
      }
      if (labels[i] !== bj || it === 0) changed++;
      labels[i] = bj;
      inertia += bd;
    }
    const sums = new Float64Array(k * d);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      counts[labels[i]]++;
      for (let q = 0; q < d; q++) sums[labels[i] * d + q] += x[i * d + q];
    }
    for (let j = 0; j < k; j++) {
      if (counts[j] === 0) {
        // an empty cluster restarts at a random row
        const r = rng.int(n);
        c.set(x.subarray(r * d, (r + 1) * d), j * d);
        continue;
      }
      for (let q = 0; q < d; q++) c[j * d + q] = sums[j * d + q] / counts[j];
    }
    if (changed === 0) break;
  }
  return { labels, centroids: c, inertia, iterations: it + 1 };
}
