import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ready } from '../../sdk/core/backend';
import { Rng } from '../../sdk/core/rng';
import { ConfigError, ShapeError } from '../../sdk/core/errors';
import { kernelInceptionDistance, mmdUnbiased, toFeatureMatrix } from '../../sdk/metrics';

test.before(async () => {
  await ready();
});

function gauss(rng: Rng, n: number, d: number, shift: number) {
  return { rows: n, cols: d, data: Float64Array.from({ length: n * d }, () => rng.normal() + shift) };
}

test('KID matches a brute-force evaluation of the unbiased estimator', () => {
  const x = [
    [1, 0],
    [0, 1],
    [1, 1],
  ];
  const y = [
    [0, 0],
    [2, 1],
  ];
  const k = (a: number[], b: number[]) => ((a[0] * b[0] + a[1] * b[1]) / 2 + 1) ** 3;
  let kxx = 0,
    kyy = 0,
    kxy = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) if (i !== j) kxx += k(x[i], x[j]);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) if (i !== j) kyy += k(y[i], y[j]);
  for (const a of x) for (const b of y) kxy += k(a, b);
  const expected = kxx / 6 + kyy / 2 - (2 * kxy) / 6;
  assert.ok(Math.abs(kernelInceptionDistance(x, y).mean - expected) < 1e-12);
});

test('KID of two halves of one distribution ≈ 0, of shifted distributions clearly positive', () => {
  const rng = new Rng(11);
  const a = gauss(rng, 400, 8, 0);
  const b = gauss(rng, 400, 8, 0);
  const c = gauss(rng, 400, 8, 1);
  const same = kernelInceptionDistance(a, b).mean;
  const diff = kernelInceptionDistance(a, c).mean;
  assert.ok(Math.abs(same) < 0.05, `same ${same}`);
  assert.ok(diff > 20 * Math.abs(same) && diff > 0.5, `diff ${diff} same ${same}`);
});

test('KID with subsets reports mean ± std and is seeded', () => {
  const rng = new Rng(5);
  const a = gauss(rng, 200, 4, 0);
  const b = gauss(rng, 150, 4, 0.5);
  const r1 = kernelInceptionDistance(a, b, { subsets: 5, subsetSize: 100, seed: 1 });
  const r2 = kernelInceptionDistance(a, b, { subsets: 5, subsetSize: 100, seed: 1 });
  assert.is(r1.values.length, 5);
  assert.equal(r1.values, r2.values);
  assert.ok(r1.std > 0);
  const full = mmdUnbiased(toFeatureMatrix(a), [...Array(200).keys()], toFeatureMatrix(b), [...Array(150).keys()]);
  assert.ok(Math.abs(r1.mean - full) < 4 * r1.std + 0.05);
});

test('KID rejects bad options and shapes', () => {
  assert.throws(
    () => kernelInceptionDistance([[1], [2]], [[1], [2]], { subset: 3 } as never),
    (e: unknown) => e instanceof ConfigError,
  );
  assert.throws(
    () => kernelInceptionDistance([[1], [2]], [[1], [2]], { subsets: 2, subsetSize: 5 }),
    (e: unknown) => e instanceof ShapeError,
  );
  assert.throws(
    () =>
      kernelInceptionDistance(
        [
          [1, 2],
          [2, 3],
        ],
        [[1], [2]],
      ),
    (e: unknown) => e instanceof ShapeError,
  );
});

test.run();
