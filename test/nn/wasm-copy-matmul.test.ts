// The wasm kernels the U-Net's speed depends on (sdk/core/grad/wasm-matmul.ts, wasm-copies.ts, against the cpu backend.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready, useBackend, Rng } from '../../sdk/core';
import '../../sdk/core/grad';

test.before(async () => {
  await ready();
});

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** f on wasm and on cpu with the same random inputs; returns both outputs (flattened, with shapes). */
async function both(shapes: number[][], f: (xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[], seed = 1) {
  const go = () => {
    const rng = new Rng(seed);
    const xs = shapes.map((s) => tf.tensor(rng.normals(s.reduce((a, b) => a * b, 1)), s));
    const ys = [f(xs)].flat();
    const out = ys.map((y) => ({ shape: y.shape, data: y.dataSync().slice() }));
    tf.dispose([...xs, ...ys]);
    return out;
  };
  const w = go();
  await useBackend('cpu');
  try {
    return { w, c: go() };
  } finally {
    await useBackend('wasm');
  }
}

const MATMULS: [number[], number[], boolean, boolean][] = [
  [[5, 7], [7, 3], false, false],
  [[5, 7], [3, 7], false, true],
  [[7, 5], [7, 3], true, false],
  [[7, 50], [7, 3], true, false],
  [[7, 5], [3, 7], true, true],
  [[4, 5, 7], [4, 7, 3], false, false],
  [[4, 5, 7], [4, 3, 7], false, true],
  [[4, 7, 5], [4, 7, 3], true, false],
  [[4, 7, 5], [4, 3, 7], true, true],
  [[1, 5, 7], [4, 7, 3], false, false],
  [[2, 2, 5, 7], [2, 2, 7, 3], false, false],
  [[4, 5, 7], [7, 3], false, false],
  [[300, 40], [300, 24], true, false],
];

test('BatchMatMul on wasm: every transpose combination, batched and broadcast, equals cpu', async () => {
  for (const [sa, sb, ta, tb] of MATMULS) {
    const { w, c } = await both([sa, sb], ([a, b]) => tf.matMul(a, b, ta, tb));
    assert.equal(w[0].shape, c[0].shape, JSON.stringify([sa, sb, ta, tb]));
    assert.ok(maxAbs(w[0].data, c[0].data) < 1e-4, `${JSON.stringify([sa, sb, ta, tb])}: ${maxAbs(w[0].data, c[0].data)}`);
  }
});

test('Slice, split along any axis, unstack on wasm equal cpu', async () => {
  const cases: [string, number[], (xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]][] = [
    ['slice inner channels', [2, 3, 4, 6], ([x]) => tf.slice(x, [0, 1, 0, 2], [2, 2, 4, 3])],
    ['slice rows (contiguous)', [5, 4, 3], ([x]) => tf.slice(x, [1, 0, 0], [3, 4, 3])],
    ['slice rank 5', [2, 3, 2, 4, 5], ([x]) => tf.slice(x, [1, 1, 0, 1, 2], [1, 2, 2, 3, 3])],
    ['slice 1-D', [40], ([x]) => tf.slice(x, [7], [33])],
    ['split channels [5, 3]', [2, 4, 4, 8], ([x]) => tf.split(x, [5, 3], 3)],
    ['split batch in 3', [6, 2, 3], ([x]) => tf.split(x, 3, 0)],
    ['unstack axis 0', [3, 2, 4], ([x]) => tf.unstack(x, 0)],
    ['unstack axis 1', [2, 3, 4], ([x]) => tf.unstack(x, 1)],
    [
      'concat gradient (a split)',
      [2, 3, 3, 5],
      ([x]) => tf.grad((y: tf.Tensor) => tf.sum(tf.mul(tf.concat([y, tf.square(y)], 3), tf.range(0, 10, 1, 'float32'))))(x),
    ],
  ];
  for (const [name, shape, f] of cases) {
    const { w, c } = await both([shape], f);
    assert.is(w.length, c.length, name);
    w.forEach((o, i) => {
      assert.equal(o.shape, c[i].shape, name);
      assert.ok(maxAbs(o.data, c[i].data) < 1e-5, name);
    });
  }
});

test('Identity shares the buffer: a clone survives disposing its source, and vice versa; no leak', () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor([1, 2, 3]);
  const y = tf.clone(x);
  x.dispose();
  assert.equal(Array.from(y.dataSync()), [1, 2, 3]);
  const z = tf.clone(y);
  y.dispose();
  assert.equal(Array.from(z.dataSync()), [1, 2, 3]);
  z.dispose();
  assert.is(tf.memory().numTensors, before);
  // a variable assigned from a clone keeps its value after the clone is gone
  const v = tf.variable(tf.zeros([2]));
  const src = tf.tensor([4, 5]);
  const c = tf.clone(src);
  v.assign(c);
  tf.dispose([src, c]);
  assert.equal(Array.from(v.dataSync()), [4, 5]);
  v.dispose();
});

test('Tile on wasm: every rank 1–4, repeats on any axes (none, one, several), float32 and int32, equals cpu', async () => {
  const cases: [number[], number[]][] = [
    [[5], [3]],
    [
      [1, 7],
      [6, 1],
    ],
    [
      [3, 4],
      [1, 1],
    ],
    [
      [3, 4],
      [2, 3],
    ],
    [
      [2, 1, 3],
      [1, 4, 2],
    ],
    [
      [2, 3, 1, 2],
      [3, 1, 2, 1],
    ],
    [
      [1, 128],
      [256, 1],
    ],
  ];
  for (const [shape, reps] of cases) {
    const { w, c } = await both([shape], ([x]) => [tf.tile(x, reps), tf.tile(tf.cast(tf.mul(x, 10), 'int32'), reps)]);
    for (let i = 0; i < 2; i++) {
      assert.equal(w[i].shape, c[i].shape, JSON.stringify([shape, reps]));
      assert.equal(Array.from(w[i].data), Array.from(c[i].data), JSON.stringify([shape, reps, i]));
    }
  }
});

test.run();
