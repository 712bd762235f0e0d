/**
 * Poincaré-ball formulas in plain JavaScript float64, for figures only (viz never imports the tensor library).
 * Conventions as in reference-values.md (geoopt's PoincareBall with k = −c):
 *   x ⊕ y = ((1 + 2c⟨x,y⟩ + c‖y‖²)x + (1 − c‖x‖²)y) / (1 + 2c⟨x,y⟩ + c²‖x‖²‖y‖²)
 *   dist(x, y) = 2/√c · artanh(√c‖(−x) ⊕ y‖),  dist0(x) = 2/√c · artanh(√c‖x‖)
 *   expmap0(u) = tanh(√c‖u‖)/√c · u/‖u‖,       logmap0(y) = artanh(√c‖y‖)/√c · y/‖y‖
 */
import { ValueError, describe } from '../../core/errors';

/** Largest √c‖x‖ fed to artanh, so points on (or numerically beyond) the boundary give a finite radius. */
const MAX_SCALED_NORM = 1 - 1e-15;

export function dot(x: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

export function norm(x: readonly number[]): number {
  return Math.sqrt(dot(x, x));
}

/** artanh(z) = ½ ln((1 + z)/(1 − z)), with z clamped below 1. */
export function artanh(z: number): number {
  const zc = Math.min(z, MAX_SCALED_NORM);
  return 0.5 * Math.log((1 + zc) / (1 - zc));
}

export function checkCurvature(where: string, c: number): void {
  if (!(c > 0) || !Number.isFinite(c)) {
    throw new ValueError(`${where}(c)`, { expected: 'a finite curvature c > 0', received: describe(c) });
  }
}

/** Hyperbolic radius of a Euclidean norm: R = 2/√c · artanh(√c r). */
export function hyperbolicRadius(euclideanNorm: number, c = 1): number {
  const sc = Math.sqrt(c);
  return (2 / sc) * artanh(sc * euclideanNorm);
}

/** Euclidean norm at hyperbolic radius R: r = tanh(√c R / 2)/√c (inverse of hyperbolicRadius). */
export function euclideanRadius(R: number, c = 1): number {
  const sc = Math.sqrt(c);
  return Math.tanh((sc * R) / 2) / sc;
}

/** dist0(x) = 2/√c · artanh(√c‖x‖). */
export function dist0(x: readonly number[], c = 1): number {
  return hyperbolicRadius(norm(x), c);
}

/** Möbius addition x ⊕ y (formula in the file header). */
export function mobiusAdd(x: readonly number[], y: readonly number[], c = 1): number[] {
  const xy = dot(x, y);
  const x2 = dot(x, x);
  const y2 = dot(y, y);
  const a = 1 + 2 * c * xy + c * y2;
  const b = 1 - c * x2;
  const den = 1 + 2 * c * xy + c * c * x2 * y2;
  return x.map((xi, i) => (a * xi + b * y[i]) / den);
}

/** dist(x, y) = 2/√c · artanh(√c‖(−x) ⊕ y‖). */
export function dist(x: readonly number[], y: readonly number[], c = 1): number {
  return hyperbolicRadius(
    norm(
      mobiusAdd(
        x.map((v) => -v),
        y,
        c,
      ),
    ),
    c,
  );
}

/** Pairwise hyperbolic distance matrix D[i][j] = dist(points[i], points[j]) (symmetric, zero diagonal). */
export function distanceMatrix(points: readonly (readonly number[])[], c = 1): number[][] {
  const n = points.length;
  const D = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) D[i][j] = D[j][i] = dist(points[i], points[j], c);
  }
  return D;
}

/** expmap0(u) = tanh(√c‖u‖)/√c · u/‖u‖ (0 maps to 0). */
export function expmap0(u: readonly number[], c = 1): number[] {
  const n = norm(u);
  if (n === 0) return u.map(() => 0);
  const sc = Math.sqrt(c);
  const f = Math.tanh(sc * n) / (sc * n);
  return u.map((v) => v * f);
}

/** logmap0(y) = artanh(√c‖y‖)/√c · y/‖y‖ (0 maps to 0). */
export function logmap0(y: readonly number[], c = 1): number[] {
  const n = norm(y);
  if (n === 0) return y.map(() => 0);
  const sc = Math.sqrt(c);
  const f = artanh(sc * n) / (sc * n);
  return y.map((v) => v * f);
}
