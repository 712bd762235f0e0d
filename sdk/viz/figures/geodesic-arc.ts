/**
 * Geodesics of the Poincaré disk as exact Euclidean shapes.
 *
 * In the unit disk (c = 1) the geodesic through x and y is either a diameter (x, y and 0 collinear) or an arc
 * of the circle orthogonal to the unit circle. That circle's centre m and radius ρ satisfy
 *   ‖x − m‖² = ρ²,  ‖y − m‖² = ρ²,  ‖m‖² = ρ² + 1  (orthogonality),
 * which subtract to the linear system 2⟨x, m⟩ = ‖x‖² + 1, 2⟨y, m⟩ = ‖y‖² + 1.
 * For curvature c the disk has radius 1/√c: points are scaled by √c, solved in the unit disk, scaled back.
 */
import { ShapeError, ValueError, describe } from '../../core/errors';
import { checkCurvature } from './ball-math';

export interface OrthogonalCircle {
  center: [number, number];
  radius: number;
}

/** Below this |det| (relative to the point norms) x, y and 0 count as collinear: the geodesic is a diameter. */
const COLLINEAR_TOL = 1e-9;

/** Validates a 2-D point of the disk of radius 1/√c and returns it scaled by √c (into the unit disk). */
function check2d(where: string, p: readonly number[], sc: number): number[] {
  if (!Array.isArray(p) || p.length !== 2 || !p.every(Number.isFinite)) {
    throw new ShapeError(where, { expected: 'a point [x, y] of two finite numbers', received: describe(p) });
  }
  const q = [p[0] * sc, p[1] * sc];
  if (q[0] * q[0] + q[1] * q[1] >= 1) {
    throw new ValueError(where, {
      expected: `a point strictly inside the disk (norm < 1/√c = ${1 / sc})`,
      received: `norm ${Math.hypot(p[0], p[1])}`,
    });
  }
  return q;
}

/**
 * The circle orthogonal to the unit circle through x and y (unit disk, c = 1), or null when x, y and the
 * origin are collinear (then the geodesic is a straight segment along a diameter).
 */
export function orthogonalCircle(x: readonly number[], y: readonly number[]): OrthogonalCircle | null {
  const det = x[0] * y[1] - x[1] * y[0];
  const scale = Math.max(Math.hypot(x[0], x[1]) * Math.hypot(y[0], y[1]), 1e-300);
  if (Math.abs(det) <= COLLINEAR_TOL * scale) return null;
  const bx = (x[0] * x[0] + x[1] * x[1] + 1) / 2;
  const by = (y[0] * y[0] + y[1] * y[1] + 1) / 2;
  // Cramer's rule for [x; y] m = [bx; by].
  const m: [number, number] = [(bx * y[1] - by * x[1]) / det, (x[0] * by - y[0] * bx) / det];
  return { center: m, radius: Math.sqrt(m[0] * m[0] + m[1] * m[1] - 1) };
}

/**
 * Polyline of `nPoints` points along the hyperbolic geodesic from x to y, lying exactly on the orthogonal
 * circle (or on the diameter), evenly spaced in angle around the circle's centre; the first point is x and
 * the last is y. The inner arc spans less than π around its centre, so the shorter angular way is the one
 * inside the disk.
 */
export function geodesicArc(x: readonly number[], y: readonly number[], nPoints = 64, c = 1): number[][] {
  checkCurvature('geodesicArc', c);
  if (!Number.isInteger(nPoints) || nPoints < 2) {
    throw new ValueError('geodesicArc(nPoints)', { expected: 'an integer ≥ 2', received: describe(nPoints) });
  }
  const sc = Math.sqrt(c);
  const xs = check2d('geodesicArc(x)', x, sc);
  const ys = check2d('geodesicArc(y)', y, sc);
  const circle = orthogonalCircle(xs, ys);
  const out: number[][] = [];
  if (circle === null) {
    for (let i = 0; i < nPoints; i++) {
      const t = i / (nPoints - 1);
      out.push([(xs[0] + t * (ys[0] - xs[0])) / sc, (xs[1] + t * (ys[1] - xs[1])) / sc]);
    }
  } else {
    const [mx, my] = circle.center;
    const a0 = Math.atan2(xs[1] - my, xs[0] - mx);
    let da = Math.atan2(ys[1] - my, ys[0] - mx) - a0;
    if (da > Math.PI) da -= 2 * Math.PI;
    if (da < -Math.PI) da += 2 * Math.PI;
    for (let i = 0; i < nPoints; i++) {
      const a = a0 + (da * i) / (nPoints - 1);
      out.push([(mx + circle.radius * Math.cos(a)) / sc, (my + circle.radius * Math.sin(a)) / sc]);
    }
  }
  // Exact endpoints (the trigonometric round trip is off by ~1e-16).
  out[0] = [x[0], x[1]];
  out[nPoints - 1] = [y[0], y[1]];
  return out;
}
