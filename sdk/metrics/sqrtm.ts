/**
 * Symmetric positive semi-definite matrix square root: A^½ = V diag(√max(λ, 0)) Vᵀ for A = V diag(λ) Vᵀ.
 * Tiny negative eigenvalues (round-off of a PSD matrix) are clamped to 0. Float64 throughout.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { ShapeError } from '../core/errors';

/** (A + Aᵀ)/2 of a d × d row-major array, as an ml-matrix Matrix. */
export function symmetrise(a: Float64Array | Matrix, d: number): Matrix {
  const m = a instanceof Matrix ? a : Matrix.from1DArray(d, d, a);
  if (m.rows !== d || m.columns !== d)
    throw new ShapeError('symmetrise(a)', { expected: `a ${d} × ${d} matrix`, received: `${m.rows} × ${m.columns}` });
  const s = new Matrix(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) s.set(i, j, 0.5 * (m.get(i, j) + m.get(j, i)));
  return s;
}

/** Eigenvalues of a symmetric matrix, negatives clamped to 0. */
export function psdEigenvalues(a: Matrix): number[] {
  return new EigenvalueDecomposition(a, { assumeSymmetric: true }).realEigenvalues.map((l) => Math.max(l, 0));
}

/** A^½ of a symmetric PSD d × d matrix (row-major array or Matrix). */
export function sqrtmPsd(a: Float64Array | Matrix, d: number): Matrix {
  const s = symmetrise(a, d);
  const evd = new EigenvalueDecomposition(s, { assumeSymmetric: true });
  const v = evd.eigenvectorMatrix;
  const roots = evd.realEigenvalues.map((l) => Math.sqrt(Math.max(l, 0)));
  const vs = v.clone();
  for (let j = 0; j < d; j++) for (let i = 0; i < d; i++) vs.set(i, j, vs.get(i, j) * roots[j]);
  return vs.mmul(v.transpose());
}

/** tr(A^½) of a symmetric PSD matrix = Σ √max(λᵢ, 0). */
export function traceSqrtmPsd(a: Float64Array | Matrix, d: number): number {
  return psdEigenvalues(symmetrise(a, d)).reduce((s, l) => s + Math.sqrt(l), 0);
}
