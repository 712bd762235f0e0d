/**
 * Fréchet distance between Gaussian fits of two feature sets (the FID recipe, with our evaluator):
 *   FD = ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½)
 * The cross term uses the symmetric form (Σ₁^½ Σ₂ Σ₁^½)^½, whose trace equals tr((Σ₁Σ₂)^½) but is
 * computed by symmetric eigendecompositions only (no complex round-off). Float64 throughout.
 */
import { Matrix } from 'ml-matrix';
import { ShapeError } from '../core/errors';
import { FeaturesLike, checkCompatible, covariance, mean, toFeatureMatrix } from './features';
import { sqrtmPsd, traceSqrtmPsd } from './sqrtm';

export interface GaussianStats {
  mu: Float64Array;
  /** d × d row-major covariance. */
  sigma: Float64Array;
  /** Number of samples it was fitted on. */
  n: number;
}

/** Mean and unbiased covariance of a feature set. */
export function gaussianStats(features: FeaturesLike): GaussianStats {
  const m = toFeatureMatrix(features, 'gaussianStats(features)');
  const mu = mean(m);
  return { mu, sigma: covariance(m, mu), n: m.rows };
}

/** FD between two Gaussians given by their statistics. */
export function frechetFromStats(a: Pick<GaussianStats, 'mu' | 'sigma'>, b: Pick<GaussianStats, 'mu' | 'sigma'>): number {
  const d = a.mu.length;
  if (b.mu.length !== d || a.sigma.length !== d * d || b.sigma.length !== d * d) {
    throw new ShapeError('frechetFromStats(a, b)', {
      expected: `means of length d and d × d covariances (d = ${d})`,
      received: `μ₂ of length ${b.mu.length}, Σ sizes ${a.sigma.length} and ${b.sigma.length}`,
    });
  }
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (a.mu[i] - b.mu[i]) ** 2;
  let trace = 0;
  for (let i = 0; i < d; i++) trace += a.sigma[i * d + i] + b.sigma[i * d + i];
  const s1 = sqrtmPsd(a.sigma, d);
  const inner = s1.mmul(Matrix.from1DArray(d, d, b.sigma)).mmul(s1);
  const cross = traceSqrtmPsd(inner, d);
  // Clamp: FD ≥ 0 in exact arithmetic; round-off can leave −1e-12.
  return Math.max(meanTerm + trace - 2 * cross, 0);
}

/** FD between the Gaussian fits of two feature sets (rows are samples). */
export function frechetDistance(a: FeaturesLike, b: FeaturesLike): number {
  const ma = toFeatureMatrix(a, 'frechetDistance(a)');
  const mb = toFeatureMatrix(b, 'frechetDistance(b)');
  checkCompatible('frechetDistance(a, b)', ma, mb);
  if (ma.rows < 2 || mb.rows < 2) {
    throw new ShapeError('frechetDistance(a, b)', {
      expected: 'at least 2 samples per set (a covariance needs them)',
      received: `${ma.rows} and ${mb.rows}`,
    });
  }
  return frechetFromStats(gaussianStats(ma), gaussianStats(mb));
}
