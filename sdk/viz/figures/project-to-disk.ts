/**
 * Projection of ball points of any dimension onto the 2-D Poincaré disk, in plain JS float64.
 *
 * 'pca':    v = logmap0(x) (tangent space at 0), then origin-anchored PCA: the top two eigenvectors
 *           e₁, e₂ of the second-moment matrix M = (1/n) Σ v vᵀ (not centred, so the principal plane passes
 *           through 0 and radii are kept for points near it), then x₂ = expmap0([⟨v,e₁⟩, ⟨v,e₂⟩]).
 *           dist0(x₂) = 2‖P v‖ ≤ dist0(x): radii are exact for points in the principal plane and shrink by the
 *           fraction of ‖v‖ off that plane otherwise (see `projectionInfo(...).explained`).
 * 'first2': keeps the first two coordinates (cheap; radii shrink by the dropped coordinates).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { ConfigError, ShapeError, describe } from '../../core/errors';
import { checkCurvature, expmap0, logmap0 } from './ball-math';

export type DiskProjection = 'pca' | 'first2';

export interface ProjectionInfo {
  /** Points in the disk, each [x, y]. */
  points: number[][];
  /** For 'pca': the two tangent-space directions (unit vectors of length D); for 'first2': e₁, e₂. */
  basis: [number[], number[]];
  /** Fraction of Σ‖v‖² (tangent second moment) kept by the projection, in [0, 1]. */
  explained: number;
}

function checkPoints(points: readonly (readonly number[])[]): number {
  if (!Array.isArray(points) || points.length === 0 || !Array.isArray(points[0])) {
    throw new ShapeError('projectToDisk(points)', { expected: 'a non-empty array of points (number[][])', received: describe(points) });
  }
  const d = points[0].length;
  points.forEach((p, i) => {
    if (p.length !== d || !p.every(Number.isFinite)) {
      throw new ShapeError(`projectToDisk(points[${i}])`, { expected: `${d} finite numbers`, received: describe(p) });
    }
  });
  if (d < 2) throw new ShapeError('projectToDisk(points)', { expected: 'points of dimension ≥ 2', received: `dimension ${d}` });
  return d;
}

/** Unit vector whose largest-magnitude component is positive (a deterministic sign for eigenvectors). */
function canonicalSign(v: number[]): number[] {
  let k = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[k])) k = i;
  return v[k] < 0 ? v.map((a) => -a) : v;
}

/** Top two eigenvectors (descending eigenvalue) of the symmetric second-moment matrix of `vs`. */
function principalPlane(vs: number[][], d: number): [number[], number[]] {
  const M = Matrix.zeros(d, d);
  for (const v of vs) {
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) M.set(i, j, M.get(i, j) + v[i] * v[j]);
  }
  const evd = new EigenvalueDecomposition(M, { assumeSymmetric: true });
  const order = evd.realEigenvalues
    .map((l, i) => [l, i])
    .sort((a, b) => b[0] - a[0])
    .map((p) => p[1]);
  const V = evd.eigenvectorMatrix;
  return [canonicalSign(V.getColumn(order[0])), canonicalSign(V.getColumn(order[1]))];
}

/** Projection with diagnostics (basis and explained second moment); see the file header for the maths. */
export function projectionInfo(points: readonly (readonly number[])[], method: DiskProjection = 'pca', c = 1): ProjectionInfo {
  checkCurvature('projectToDisk', c);
  const d = checkPoints(points);
  if (method !== 'pca' && method !== 'first2') {
    throw new ConfigError('projectToDisk(method)', { expected: "'pca' or 'first2'", received: describe(method) });
  }
  const vs = points.map((p) => logmap0(p, c));
  let basis: [number[], number[]];
  if (method === 'first2' || d === 2) {
    const e = (k: number) => Array.from({ length: d }, (_, i) => (i === k ? 1 : 0));
    basis = [e(0), e(1)];
  } else {
    basis = principalPlane(vs, d);
  }
  let total = 0;
  let kept = 0;
  const out = vs.map((v, n) => {
    const u = [basis[0].reduce((s, b, i) => s + b * v[i], 0), basis[1].reduce((s, b, i) => s + b * v[i], 0)];
    total += v.reduce((s, a) => s + a * a, 0);
    kept += u[0] * u[0] + u[1] * u[1];
    return method === 'first2' ? [points[n][0], points[n][1]] : expmap0(u, c);
  });
  return { points: out, basis, explained: total > 0 ? kept / total : 1 };
}

/**
 * Points of any dimension D ≥ 2 in the Poincaré ball → points [x, y] in the Poincaré disk (same c).
 * 'pca' (default) preserves hyperbolic radii of points lying in a 2-D plane through the origin exactly and
 * approximately otherwise; 'first2' keeps the first two coordinates.
 */
export function projectToDisk(points: readonly (readonly number[])[], method: DiskProjection = 'pca', c = 1): number[][] {
  return projectionInfo(points, method, c).points;
}

/**
 * Disk positions that keep each point's true hyperbolic radius: the direction from the PCA projection
 * (projectToDisk), the distance from the centre tanh(√c R/2)/√c for the given radius R = dist0 of the point.
 * `points` of any dimension, `radii` one per point (e.g. `.embed()`'s `radius`).
 */
export function diskLayout(points: readonly (readonly number[])[], radii: readonly number[], c = 1): number[][] {
  if (!Array.isArray(radii) || radii.length !== points.length || !radii.every((r) => Number.isFinite(r) && r >= 0)) {
    throw new ShapeError('diskLayout(radii)', { expected: `${points.length} finite radii ≥ 0 (one per point)`, received: describe(radii) });
  }
  const sc = Math.sqrt(c);
  return projectToDisk(points, 'pca', c).map(([x, y], i) => {
    const a = Math.atan2(y, x);
    const r = Math.tanh((sc * radii[i]) / 2) / sc;
    return [r * Math.cos(a), r * Math.sin(a)];
  });
}
