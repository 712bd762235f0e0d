/**
 * Identities over 1,000 random points per curvature c ∈ {0.1, 1, 2}, dimension 8, hyperbolic radii
 * dist0 ∈ [0.05, 2] (1.4 for the triple sums of the gyration test), so that sums of two (three) points stay
 * below maxRadius(2) = 4.39 and no projection interferes. Tolerances, float32: point identities
 * 2e-5/√c absolute (5e-5/√c for composed maps); norms and distances 1e-4 relative (3e-4 for dist along
 * geodesics, where artanh near 1 amplifies rounding).
 */
import * as tf from '@tensorflow/tfjs-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ready } from '../../sdk/core/backend';
import { Rng } from '../../sdk/core/rng';
import * as H from '../../sdk/hyperbolic';
import { maxAbsDiff, randomPoints, randomVectors, take } from './helpers';

const N = 1000;
const D = 8;
const CS = [0.1, 1, 2];
const REPORT = process.env.HYPNEST_REPORT_ERRORS === '1';

test.before(async () => {
  await ready();
});

/** Runs body with three fresh random point sets for each c (all tensors freed afterwards). */
function forEachC(name: string, body: (c: number, x: tf.Tensor, y: tf.Tensor, z: tf.Tensor, rng: Rng) => void, rMax = 2): void {
  test(name, () => {
    CS.forEach((c, i) => {
      const rng = new Rng(100 + i);
      const [x, y, z] = [
        randomPoints(N, D, c, rng, 0.05, rMax),
        randomPoints(N, D, c, rng, 0.05, rMax),
        randomPoints(N, D, c, rng, 0.05, rMax),
      ];
      const before = tf.memory().numTensors;
      body(c, x, y, z, rng);
      assert.is(tf.memory().numTensors, before, `${name} leaked at c = ${c}`);
      tf.dispose([x, y, z]);
    });
  });
}

function within(err: number, tol: number, what: string): void {
  if (REPORT) console.log(`${what}: max error ${err.toExponential(2)} (tol ${tol})`);
  assert.ok(err <= tol, `${what}: max error ${err} > ${tol}`);
}

/** max over points of |a − b| / (|b| + floor). */
function maxRel(a: tf.Tensor, b: tf.Tensor, floor = 1e-3): number {
  const r = tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(a, b)), tf.add(tf.abs(b), floor))));
  tf.dispose([a, b]);
  return take(r)[0];
}

forEachC('left cancellation: (−x) ⊕ (x ⊕ y) = y', (c, x, y) => {
  const err = maxAbsDiff(
    tf.tidy(() => H.mobiusAdd(tf.neg(x), H.mobiusAdd(x, y, c), c)),
    tf.clone(y),
  );
  within(err, 2e-5 / Math.sqrt(c), `left cancellation c=${c}`);
});

forEachC('x ⊕ x = 2 ⊗ x (n-fold addition = scalar multiple)', (c, x) => {
  within(maxAbsDiff(H.mobiusAdd(x, x, c), H.mobiusScalarMul(2, x, c)), 2e-5 / Math.sqrt(c), `x⊕x c=${c}`);
});

forEachC('exp∘log = id at the origin and at a point; log∘exp = id', (c, x, y, _z, rng) => {
  within(
    maxAbsDiff(
      tf.tidy(() => H.expmap0(H.logmap0(x, c), c)),
      tf.clone(x),
    ),
    2e-5 / Math.sqrt(c),
    `expmap0∘logmap0 c=${c}`,
  );
  const u = tf.tidy(() => tf.mul(randomVectors(N, D, rng), 0.3 / Math.sqrt(c)));
  within(
    maxRel(
      tf.tidy(() => H.logmap0(H.expmap0(u, c), c)),
      tf.clone(u),
    ),
    1e-4,
    `logmap0∘expmap0 c=${c}`,
  );
  u.dispose();
  within(
    maxAbsDiff(
      tf.tidy(() => H.expmap(x, H.logmap(x, y, c), c)),
      tf.clone(y),
    ),
    5e-5 / Math.sqrt(c),
    `expmap_x∘logmap_x c=${c}`,
  );
});

forEachC('dist is symmetric and satisfies the triangle inequality', (c, x, y, z) => {
  within(maxRel(H.dist(x, y, c), H.dist(y, x, c)), 1e-4, `symmetry c=${c}`);
  const slack = tf.tidy(() => tf.max(tf.sub(H.dist(x, z, c), tf.add(H.dist(x, y, c), H.dist(y, z, c)))));
  within(Math.max(0, take(slack)[0]), 1e-4 / Math.sqrt(c), `triangle c=${c}`);
});

forEachC('dist(x, geodesic(t, x, y)) = t · dist(x, y)', (c, x, y, _z, rng) => {
  const t = tf.tensor(
    Float32Array.from({ length: N }, () => rng.next()),
    [N, 1],
  );
  const lhs = tf.tidy(() => H.dist(x, H.geodesic(t, x, y, c), c));
  const rhs = tf.tidy(() => tf.mul(tf.squeeze(t, [-1]), H.dist(x, y, c)));
  within(maxRel(lhs, rhs, 1e-2), 3e-4, `geodesic c=${c}`);
  t.dispose();
});

forEachC('mobiusMatvec(sI, x) = mobiusScalarMul(s, x)', (c, x, _y, _z, rng) => {
  for (const s of [0.3, -1.7, 2.5 * rng.next()]) {
    const sI = tf.tidy(() => tf.mul(tf.eye(D), s));
    within(maxAbsDiff(H.mobiusMatvec(sI, x, c), H.mobiusScalarMul(s, x, c)), 2e-5 / Math.sqrt(c), `matvec sI c=${c} s=${s.toFixed(2)}`);
    sI.dispose();
  }
});

forEachC('parallel transport preserves the Riemannian norm λ‖v‖', (c, x, y, _z, rng) => {
  const v = randomVectors(N, D, rng);
  const lhs = tf.tidy(() => tf.mul(H.lambdaX(y, c, false), tf.norm(H.parallelTransport(x, y, v, c), 'euclidean', -1)));
  const rhs = tf.tidy(() => tf.mul(H.lambdaX(x, c, false), tf.norm(v, 'euclidean', -1)));
  within(maxRel(lhs, rhs), 1e-4, `parallel transport c=${c}`);
  v.dispose();
});

forEachC(
  'gyration: closed form = ⊖(u ⊕ v) ⊕ (u ⊕ (v ⊕ w)), and it preserves ‖w‖',
  (c, x, y, z) => {
    const lhs = H.gyration(x, y, z, c);
    const rhs = tf.tidy(() => H.mobiusAdd(tf.neg(H.mobiusAdd(x, y, c)), H.mobiusAdd(x, H.mobiusAdd(y, z, c), c), c));
    const n = tf.tidy(() => [tf.norm(lhs, 'euclidean', -1), tf.norm(z, 'euclidean', -1)]);
    within(maxAbsDiff(lhs, rhs), 5e-5 / Math.sqrt(c), `gyration c=${c}`);
    within(maxRel(n[0], n[1]), 1e-4, `gyration norm c=${c}`);
  },
  1.4,
);

forEachC('gyromidpoint of two points is the geodesic midpoint; of copies, the point', (c, x, y) => {
  const mid = tf.tidy(() => H.gyromidpoint(tf.stack([x, y], 1), c));
  within(maxAbsDiff(mid, H.geodesic(0.5, x, y, c)), 5e-5 / Math.sqrt(c), `midpoint c=${c}`);
  within(
    maxAbsDiff(
      tf.tidy(() => H.gyromidpoint(tf.stack([x, x, x], 1), c)),
      tf.clone(x),
    ),
    2e-5 / Math.sqrt(c),
    `midpoint copies c=${c}`,
  );
});

test.run();
