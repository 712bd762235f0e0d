/** HypDAE edits (perturb, interpolate), random directions, the hyperbolic mean and the PoincareBall binding. */
import * as tf from '@tensorflow/tfjs-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ready } from '../../sdk/core/backend';
import { Rng } from '../../sdk/core/rng';
import * as H from '../../sdk/hyperbolic';
import { close, maxAbsDiff, randomPoints, take } from './helpers';

test.before(async () => {
  await ready();
});

test('randomUnitTangent: unit norms, seeded, shape [...lead, dim]', () => {
  const u = H.randomUnitTangent([4, 5], 16, 7);
  assert.equal(u.shape, [4, 5, 16]);
  close(
    tf.tidy(() => tf.norm(u, 'euclidean', -1)),
    Array(20).fill(1),
    1e-6,
    0,
    'norms',
  );
  assert.is(maxAbsDiff(u, H.randomUnitTangent([4, 5], 16, 7)), 0, 'same seed');
  assert.ok(maxAbsDiff(H.randomUnitTangent(3, 4, 1), H.randomUnitTangent(3, 4, 2)) > 0.1, 'different seeds');
  const rng = new Rng(3);
  assert.ok(maxAbsDiff(H.randomUnitTangent(3, 4, rng), H.randomUnitTangent(3, 4, rng)) > 0.1, 'an Rng advances');
  close(H.dist0(H.randomAtRadius(10, 5, 2.5, 2, 1), 2), Array(10).fill(2.5), 0, 1e-5, 'randomAtRadius');
});

for (const c of [0.1, 1, 2]) {
  test(`perturb (c=${c}): lands at radius R, at step d from s before rescaling, seeded`, () => {
    const R = 0.8 * H.maxRadius(c); // near the boundary, as HypDAE uses it
    const s = tf.tidy(() => H.rescale(R, randomPoints(50, 16, c, new Rng(5)), c));
    for (const d of [0, 0.5, 3]) {
      const p = H.perturb(s, d, R, c, { seed: 11 });
      assert.equal(p.shape, [50, 16]);
      close(H.dist0(p, c), Array(50).fill(R), 0, 1e-3, `radius d=${d}`);
      // the same seed gives the same edit; the step length d, measured before rescaling, grows the edit
      assert.is(maxAbsDiff(p, H.perturb(s, d, R, c, { seed: 11 })), 0, 'seeded');
    }
    const e = H.randomAtRadius(50, 16, R, c, 11); // the random targets perturb draws for seed 11
    const g = tf.tidy(() => H.geodesic(tf.div(1.5, H.dist(s, e, c, true)), s, e, c));
    // two codes near the boundary are ~2R apart: float32 resolves their distance to ~1e-3/√c
    close(H.dist(s, g, c), Array(50).fill(1.5), 2e-3 / Math.sqrt(c), 2e-3, 'step length along the geodesic');
    assert.ok(maxAbsDiff(H.rescale(R, g, c), H.perturb(s, 1.5, R, c, { seed: 11 })) < 1e-4, 'perturb = rescale(R, γ)');
    const d0 = take(tf.tidy(() => tf.max(H.dist(s, H.perturb(s, 0.5, R, c, { seed: 11 }), c))))[0];
    const d3 = take(tf.tidy(() => tf.min(H.dist(s, H.perturb(s, 3, R, c, { seed: 11 }), c))))[0];
    assert.ok(d0 < 1.1 && d3 > d0, `larger steps move farther: ${d0} vs ${d3}`);
    tf.dispose([s, e]);
  });
}

test('interpolate: endpoints, fixed radius, list of fractions', () => {
  const c = 1;
  const R = 4;
  const a = H.rescale(R, [0.3, -0.2, 0.1], c);
  const b = H.rescale(R, [-0.1, 0.4, 0.2], c);
  const path = H.interpolate(a, b, [0, 0.25, 0.5, 1], R, c);
  assert.equal(path.shape, [4, 3]);
  close(H.dist0(path, c), [R, R, R, R], 0, 1e-4, 'radius');
  const [p0, , , p1] = tf.unstack(path);
  const errs = [maxAbsDiff(p0, tf.clone(a)), maxAbsDiff(p1, tf.clone(b))];
  // t = 1 goes through a ⊕ ((−a) ⊕ b) at radius 4, where float32 rounding is amplified ~1/(1 − ‖x‖²) ≈ 14×
  assert.ok(errs[0] < 1e-5 && errs[1] < 1e-4, `endpoints: ${errs}`);
  const single = H.interpolate(a, b, 0.5, R, c);
  assert.equal(single.shape, [3]);
  tf.dispose([a, b, path, single]);
});

test('gyromidpoint: weights select, symmetric points average to the origin, batch dims', () => {
  const c = 1;
  close(
    H.gyromidpoint(
      [
        [0.3, 0.1],
        [-0.2, 0.5],
      ],
      c,
      [1, 0],
    ),
    [0.3, 0.1],
    1e-6,
    1e-5,
    'weight [1, 0]',
  );
  close(
    H.gyromidpoint(
      [
        [0.3, 0.1],
        [-0.3, -0.1],
      ],
      c,
    ),
    [0, 0],
    1e-6,
    0,
    'symmetric',
  );
  const xs = randomPoints(12, 4, c, new Rng(2));
  const m = H.gyromidpoint(tf.reshape(xs, [2, 2, 3, 4]), c);
  assert.equal(m.shape, [2, 2, 4]);
  // each group of 3 points is averaged on its own
  const first = tf.tidy(() => H.gyromidpoint(tf.slice(xs, [3, 0], [3, 4]), c));
  assert.ok(
    maxAbsDiff(
      first,
      tf.tidy(() => tf.reshape(tf.slice(m, [0, 1, 0], [1, 1, 4]), [4])),
    ) < 1e-6,
    'batched = per group',
  );
  tf.dispose([xs, m]);
  assert.is(H.einsteinMidpoint, H.gyromidpoint);
});

test('PoincareBall binds c', () => {
  const ball = new H.PoincareBall(2);
  assert.is(ball.c, 2);
  assert.is(ball.maxRadius, H.maxRadius(2));
  assert.is(String(ball), 'PoincareBall(c=2)');
  const x = [0.1, 0.2];
  const y = [0.3, -0.1];
  assert.is(maxAbsDiff(ball.dist(x, y), H.dist(x, y, 2)), 0);
  assert.is(maxAbsDiff(ball.geodesic(0.3, x, y), H.geodesic(0.3, x, y, 2)), 0);
  assert.is(maxAbsDiff(ball.expmap0(x), H.expmap0(x, 2)), 0);
  assert.is(maxAbsDiff(ball.perturb(x, 1, 2, { seed: 1 }), H.perturb(x, 1, 2, 2, { seed: 1 })), 0);
});

test.run();
