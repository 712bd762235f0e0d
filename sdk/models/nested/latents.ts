/**
 * The latent space of one level: standardise each feature dimension (mean, std over split G), then project
 * onto the top d principal directions (SVD of the standardised features = eigenvectors of their correlation
 * matrix, by ml-matrix in float64), scaled so the d latent dimensions have mean variance 1 — σ² is then
 * relative to the signal:
 *   z = ((f − μ) / s) · V_d / √(mean(λ_1…λ_d))
 */
import * as tf from '@tensorflow/tfjs-core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { ShapeError, describe } from '../../core/errors';

export interface LatentSpace {
  /** [W] feature means and standard deviations over split G. */
  readonly mean: tf.Tensor1D;
  readonly std: tf.Tensor1D;
  /** [W, d] principal directions, already divided by the scale. */
  readonly basis: tf.Tensor2D;
  /** Share of the standardised features' variance that the d directions keep. */
  readonly explained: number;
}

/** Fits a level's latent space on features [N, W] (N ≥ 2). */
export function fitLatentSpace(features: tf.Tensor2D, d: number): LatentSpace {
  const [N, W] = features.shape;
  if (N < 2 || d < 1 || d > W)
    throw new ShapeError('fitLatentSpace', { expected: `features [N ≥ 2, W ≥ ${d}]`, received: describe(features) });
  const { mean, std, gram, z } = tf.tidy(() => {
    const m = tf.mean(features, 0);
    const s = tf.add(tf.sqrt(tf.mean(tf.square(tf.sub(features, m)), 0)), 1e-5);
    const zs = tf.div(tf.sub(features, m), s);
    // Fewer samples than dimensions: the eigenvectors of Z Zᵀ (N × N) give those of Zᵀ Z (the SVD's Gram trick).
    const g = N < W ? tf.matMul(zs, zs, false, true) : tf.matMul(zs, zs, true, false);
    return { mean: m as tf.Tensor1D, std: s as tf.Tensor1D, gram: tf.div(g, N - 1) as tf.Tensor2D, z: zs as tf.Tensor2D };
  });
  const evd = new EigenvalueDecomposition(new Matrix(gram.arraySync()), { assumeSymmetric: true });
  gram.dispose();
  const values = evd.realEigenvalues;
  const order = values
    .map((v, i) => [v, i] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, d);
  // Columns of V (W × d), unit norm: directly, or Zᵀu / ‖Zᵀu‖ from the N × N problem.
  const cols = tf.tidy(() => {
    const U = tf.tensor2d(
      order.flatMap(([, col]) => evd.eigenvectorMatrix.getColumn(col)),
      [order.length, values.length],
    );
    const V = N < W ? tf.matMul(z, U, true, true) : tf.transpose(U);
    return tf.div(V, tf.add(tf.norm(V, 'euclidean', 0, true), 1e-12));
  });
  z.dispose();
  const vectors = new Matrix(cols.arraySync() as number[][]);
  cols.dispose();
  const total = values.reduce((a, v) => a + Math.max(v, 0), 0);
  const kept = order.reduce((a, [v]) => a + Math.max(v, 0), 0);
  const scale = Math.sqrt(Math.max(kept / d, 1e-12));
  const B = new Float32Array(W * d);
  order.forEach((_, j) => {
    // Sign convention: the largest-magnitude entry of each direction is positive (deterministic output).
    let big = 0;
    for (let i = 0; i < W; i++) if (Math.abs(vectors.get(i, j)) > Math.abs(big)) big = vectors.get(i, j);
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < W; i++) B[i * d + j] = (sign * vectors.get(i, j)) / scale;
  });
  return { mean, std, basis: tf.tensor2d(B, [W, d]), explained: total > 0 ? kept / total : 0 };
}

/** Features [B, W] → latents [B, d]. */
export function projectLatent(s: LatentSpace, f: tf.Tensor): tf.Tensor2D {
  if (f.rank !== 2 || f.shape[1] !== s.mean.shape[0])
    throw new ShapeError('projectLatent(f)', { expected: `features [B, ${s.mean.shape[0]}]`, received: describe(f) });
  return tf.tidy(() => tf.matMul(tf.div(tf.sub(f, s.mean), s.std), s.basis) as tf.Tensor2D);
}

export function disposeLatentSpace(s: LatentSpace): void {
  tf.dispose([s.mean, s.std, s.basis]);
}
