import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ready } from '../../sdk/core/backend';
import { Rng } from '../../sdk/core/rng';
import { ShapeError, ValueError } from '../../sdk/core/errors';
import { frechetDistance, frechetFromStats, gaussianStats, sqrtmPsd } from '../../sdk/metrics';

test.before(async () => {
  await ready();
});

/** n samples of N(mu, L Lᵀ) as { data, rows, cols }. */
function sample(rng: Rng, n: number, mu: number[], L: number[][]) {
  const d = mu.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: d }, () => rng.normal());
    for (let j = 0; j < d; j++) data[i * d + j] = mu[j] + L[j].reduce((s, l, k) => s + l * z[k], 0);
  }
  return { data, rows: n, cols: d };
}

test('FD of a feature set with itself is ≈ 0', () => {
  const x = sample(
    new Rng(1),
    300,
    [1, -2, 0.5, 3],
    [
      [1, 0, 0, 0],
      [0.5, 1, 0, 0],
      [0, 0.3, 2, 0],
      [0.1, 0, 0, 0.2],
    ],
  );
  assert.ok(frechetDistance(x, x) < 1e-8, String(frechetDistance(x, x)));
});

test('FD between diagonal Gaussians matches ‖Δμ‖² + Σ(√a − √b)²', () => {
  const a = { mu: Float64Array.from([0, 1, 2]), sigma: Float64Array.from([4, 0, 0, 0, 1, 0, 0, 0, 9]) };
  const b = { mu: Float64Array.from([1, 1, 0]), sigma: Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 0.25]) };
  const expected = 1 + 0 + 4 + (2 - 1) ** 2 + 0 + (3 - 0.5) ** 2;
  assert.ok(Math.abs(frechetFromStats(a, b) - expected) < 1e-10);
});

test('FD with a rotated (non-diagonal) covariance matches the closed form', () => {
  // Σ₁ = I, Σ₂ = R diag(4, 1/4) Rᵀ: tr(Σ₁ + Σ₂ − 2 Σ₂^½) = 2 + 4.25 − 2(2 + 0.5) = 1.25, plus ‖Δμ‖² = 2.
  const t = 0.7;
  const [c, s] = [Math.cos(t), Math.sin(t)];
  const s2 = [4 * c * c + 0.25 * s * s, (4 - 0.25) * c * s, (4 - 0.25) * c * s, 4 * s * s + 0.25 * c * c];
  const a = { mu: Float64Array.from([0, 0]), sigma: Float64Array.from([1, 0, 0, 1]) };
  const b = { mu: Float64Array.from([1, -1]), sigma: Float64Array.from(s2) };
  assert.ok(Math.abs(frechetFromStats(a, b) - 3.25) < 1e-10);
  // and FD is symmetric
  assert.ok(Math.abs(frechetFromStats(b, a) - 3.25) < 1e-10);
});

test('FD from samples approaches the closed form of the generating Gaussians', () => {
  const rng = new Rng(7);
  const x = sample(
    rng,
    20000,
    [0, 0],
    [
      [1, 0],
      [0, 1],
    ],
  );
  const y = sample(
    rng,
    20000,
    [1, 0],
    [
      [2, 0],
      [0, 0.5],
    ],
  );
  const expected = 1 + (1 - 2) ** 2 + (1 - 0.5) ** 2;
  assert.ok(Math.abs(frechetDistance(x, y) - expected) < 0.05, String(frechetDistance(x, y)));
});

test('sqrtmPsd squares back to the matrix and clamps tiny negative eigenvalues', () => {
  const rng = new Rng(3);
  const d = 6;
  const x = sample(
    rng,
    4,
    new Array(d).fill(0),
    Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))),
  );
  const { sigma } = gaussianStats(x); // rank 3: eigenvalues ≈ 0 (possibly −1e-17)
  const r = sqrtmPsd(sigma, d);
  const back = r.mmul(r).to1DArray();
  for (let i = 0; i < d * d; i++) assert.ok(Math.abs(back[i] - sigma[i]) < 1e-8);
  assert.ok(r.to1DArray().every(Number.isFinite));
});

test('FD accepts number[][] and tensors alike', () => {
  const rows = [
    [0, 1],
    [1, 0],
    [2, 2],
    [0.5, -1],
  ];
  const other = [
    [1, 1],
    [0, 0],
    [3, 1],
    [1, 2],
  ];
  const { tf } = require('../../sdk/core/backend');
  const ta = tf.tensor2d(rows);
  const tb = tf.tensor2d(other);
  assert.ok(Math.abs(frechetDistance(rows, other) - frechetDistance(ta, tb)) < 1e-5);
  tf.dispose([ta, tb]);
});

test('FD rejects mismatched dimensions, single samples and NaN', () => {
  assert.throws(
    () =>
      frechetDistance(
        [
          [1, 2],
          [3, 4],
        ],
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ),
    (e: unknown) => e instanceof ShapeError,
  );
  assert.throws(
    () =>
      frechetDistance(
        [[1, 2]],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    (e: unknown) => e instanceof ShapeError,
  );
  assert.throws(
    () =>
      frechetDistance(
        [
          [1, NaN],
          [3, 4],
        ],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    (e: unknown) => e instanceof ValueError,
  );
});

test.run();
