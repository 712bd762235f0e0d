import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, tf } from '../../sdk/core/backend';
import { Rng } from '../../sdk/core/rng';
import { ShapeError } from '../../sdk/core/errors';
import { copyDistance, diversity, identity, layerDistances, recognisability } from '../../sdk/metrics';

test.before(async () => {
  await ready();
});

test('diversity of identical images is 0, of different images positive', () => {
  const rng = new Rng(2);
  const one = rng.normals(5 * 5 * 3);
  const same = tf.tensor4d(Array.from({ length: 6 }, () => Array.from(one)).flat(), [6, 5, 5, 3]);
  const dense = tf.tensor2d(Array.from({ length: 6 }, () => [1, 2, 3]).flat(), [6, 3]);
  assert.ok(diversity([same, dense]) < 1e-6);
  const varied = tf.tensor4d(rng.normals(6 * 5 * 5 * 3), [6, 5, 5, 3]);
  assert.ok(diversity([varied]) > 0.5);
  tf.dispose([same, dense, varied]);
});

test('layer distance matches the definition (1/P) Σ_p ‖â_p − b̂_p‖² and is scale invariant', () => {
  // two images, 2 positions, 2 channels
  const a = [
    [3, 4],
    [1, 0],
  ];
  const b = [
    [0, 2],
    [0, -5],
  ];
  const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
  const expected = a.map((p, i) => unit(p).reduce((s, x, k) => s + (x - unit(b[i])[k]) ** 2, 0)).reduce((s, x) => s + x, 0) / 2;
  const t = tf.tensor3d([a, b]);
  const scaled = tf.tensor3d([a.map((p) => p.map((x) => 10 * x)), b]);
  const before = tf.memory().numTensors;
  const d = layerDistances(t);
  assert.is(tf.memory().numTensors, before);
  assert.ok(Math.abs(d[1] - expected) < 1e-6 && Math.abs(d[2] - expected) < 1e-6 && d[0] === 0);
  assert.ok(Math.abs(layerDistances(scaled)[1] - expected) < 1e-6);
  tf.dispose([t, scaled]);
});

test('diversity rejects layers of different batch sizes', () => {
  const a = tf.zeros([3, 2]);
  const b = tf.zeros([4, 2]);
  assert.throws(
    () => diversity([a, b]),
    (e: unknown) => e instanceof ShapeError,
  );
  assert.throws(
    () => diversity([]),
    (e: unknown) => e instanceof ShapeError,
  );
  tf.dispose([a, b]);
});

test('identity: cosine of paired rows', () => {
  assert.ok(
    Math.abs(
      identity(
        [
          [1, 0],
          [1, 1],
        ],
        [
          [2, 0],
          [0, 1],
        ],
      ) -
        (1 + Math.SQRT1_2) / 2,
    ) < 1e-12,
  );
  assert.throws(
    () =>
      identity(
        [[1, 0]],
        [
          [1, 0],
          [0, 1],
        ],
      ),
    (e: unknown) => e instanceof ShapeError,
  );
});

test('recognisability from labels or logits', () => {
  assert.is(recognisability(Int32Array.from([2, 2, 1, 2]), 2), 0.75);
  assert.is(
    recognisability(
      [
        [0, 0, 5],
        [9, 0, 1],
      ],
      [2, 1],
    ),
    0.5,
  );
  assert.throws(
    () => recognisability([1, 2], [1, 2, 3]),
    (e: unknown) => e instanceof ShapeError,
  );
});

test('copy distance: mean pixel L2, 0 for copies', () => {
  assert.is(
    copyDistance(
      [
        [0, 0],
        [1, 1],
      ],
      [
        [0, 0],
        [1, 1],
      ],
    ),
    0,
  );
  assert.ok(
    Math.abs(
      copyDistance(
        [
          [3, 4],
          [1, 1],
        ],
        [
          [0, 0],
          [1, 1],
        ],
      ) - 2.5,
    ) < 1e-12,
  );
});

test.run();
