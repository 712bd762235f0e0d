// The Sum and Mean gradients (sdk/core/grad/overrides.ts): dy broadcast back over the reduced axes,
// divided by the reduced size for Mean, for every axis/keepDims combination, checked against values
// computed here in plain JavaScript.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready, Rng } from '../../sdk/core';
import '../../sdk/core/grad';

const SHAPE = [2, 3, 4];
const AXES: (number | number[] | undefined)[] = [undefined, 0, 1, -1, [0, 2], [1, 2]];

test.before(async () => {
  await ready();
});

for (const op of ['sum', 'mean'] as const) {
  for (const axis of AXES) {
    for (const keepDims of [false, true]) {
      test(`${op} gradient, axis ${JSON.stringify(axis)}, keepDims ${keepDims}`, () => {
        const rng = new Rng(3);
        const x = tf.tensor(rng.normals(24), SHAPE);
        const reduce = (t: tf.Tensor) => (op === 'sum' ? tf.sum(t, axis, keepDims) : tf.mean(t, axis, keepDims));
        const outShape = reduce(x).shape;
        const r = tf.tensor(rng.normals(outShape.reduce((a, b) => a * b, 1)), outShape);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(reduce(t), r)))(x);
        const got = g.dataSync();
        const axes = axis === undefined ? [0, 1, 2] : (Array.isArray(axis) ? axis : [axis]).map((a) => (a + 3) % 3);
        const n = axes.reduce((p, a) => p * SHAPE[a], 1);
        const rv = r.dataSync();
        const keptShape = SHAPE.map((d, i) => (axes.includes(i) ? 1 : d));
        for (let i = 0; i < 24; i++) {
          const idx = [Math.floor(i / 12), Math.floor(i / 4) % 3, i % 4].map((v, k) => (axes.includes(k) ? 0 : v));
          const j = (idx[0] * keptShape[1] + idx[1]) * keptShape[2] + idx[2];
          const want = rv[j] / (op === 'mean' ? n : 1);
          assert.ok(Math.abs(got[i] - want) <= 1e-6 * Math.max(1, Math.abs(want)), `element ${i}: ${got[i]} vs ${want}`);
        }
        tf.dispose([x, r, g]);
      });
    }
  }
}

test('the sum gradient keeps no tensors', () => {
  const x = tf.ones([4, 5]);
  const before = tf.memory().numTensors;
  const g = tf.grad((t: tf.Tensor) => tf.mean(t))(x);
  g.dispose();
  assert.is(tf.memory().numTensors, before);
  x.dispose();
});

test.run();
