import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready, useBackend, Rng } from '../../sdk/core';
import '../../sdk/core/grad';

type Net = (xs: tf.Tensor[]) => tf.Tensor;
interface Case {
  name: string;
  shapes: number[][];
  f: Net;
}

const c4 = (t: tf.Tensor) => t as tf.Tensor4D;
// Every op on the gradient path of a U-Net with group norm, SiLU, self-attention, plus the convs.
const CASES: Case[] = [
  {
    name: 'conv2d s1 same',
    shapes: [
      [2, 8, 8, 3],
      [3, 3, 3, 5],
    ],
    f: ([x, w]) => tf.conv2d(c4(x), c4(w), 1, 'same'),
  },
  {
    name: 'conv2d s1 valid',
    shapes: [
      [2, 8, 8, 3],
      [3, 3, 3, 5],
    ],
    f: ([x, w]) => tf.conv2d(c4(x), c4(w), 1, 'valid'),
  },
  {
    name: 'conv2d s2 same',
    shapes: [
      [2, 8, 8, 3],
      [3, 3, 3, 5],
    ],
    f: ([x, w]) => tf.conv2d(c4(x), c4(w), 2, 'same'),
  },
  {
    name: 'conv2d s2 same odd',
    shapes: [
      [2, 7, 9, 3],
      [3, 3, 3, 4],
    ],
    f: ([x, w]) => tf.conv2d(c4(x), c4(w), 2, 'same'),
  },
  {
    name: 'conv2d s2 valid (crop)',
    shapes: [
      [2, 8, 8, 3],
      [3, 3, 3, 5],
    ],
    f: ([x, w]) => tf.conv2d(c4(x), c4(w), 2, 'valid'),
  },
  {
    name: 'conv2d 1x1 + explicit pad',
    shapes: [
      [2, 5, 5, 4],
      [1, 1, 4, 6],
    ],
    f: ([x, w]) =>
      tf.conv2d(c4(x), c4(w), 1, [
        [0, 0],
        [1, 0],
        [0, 2],
        [0, 0],
      ]),
  },
  {
    name: 'fused conv2d bias relu',
    shapes: [[2, 6, 6, 3], [3, 3, 3, 4], [4]],
    f: ([x, w, b]) => tf.fused.conv2d({ x: c4(x), filter: c4(w), bias: b, strides: 1, pad: 'same', activation: 'relu' }),
  },
  {
    name: 'conv2dTranspose s2',
    shapes: [
      [2, 4, 4, 5],
      [3, 3, 3, 5],
    ],
    f: ([x, w]) => tf.conv2dTranspose(c4(x), c4(w), [2, 8, 8, 3], 2, 'same'),
  },
  {
    name: 'conv2dTranspose s2 valid',
    shapes: [
      [2, 4, 4, 5],
      [3, 3, 3, 5],
    ],
    f: ([x, w]) => tf.conv2dTranspose(c4(x), c4(w), [2, 9, 9, 3], 2, 'valid'),
  },
  {
    name: 'conv2d 5x5 s2 same, odd size',
    shapes: [
      [1, 9, 7, 2],
      [5, 5, 2, 3],
    ],
    f: ([x, w]) => tf.conv2d(c4(x), c4(w), 2, 'same'),
  },
  {
    name: 'conv2d 4x4 s2 valid, big pad',
    shapes: [
      [1, 6, 6, 2],
      [4, 4, 2, 3],
    ],
    f: ([x, w]) => tf.conv2d(c4(x), c4(w), 2, 4),
  },
  { name: 'resizeNearestNeighbor ×2', shapes: [[2, 4, 4, 3]], f: ([x]) => tf.image.resizeNearestNeighbor(c4(x), [8, 8]) },
  {
    name: 'avgPool / maxPool',
    shapes: [[2, 4, 4, 3]],
    f: ([x]) => tf.add(tf.avgPool(c4(x), 2, 2, 'valid'), tf.maxPool(c4(x), 2, 2, 'valid')),
  },
  {
    name: 'dense (fused matMul + bias)',
    shapes: [[4, 6], [6, 5], [5]],
    f: ([x, w, b]) => tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b }),
  },
  {
    name: 'self-attention (batched matMul, softmax)',
    shapes: [
      [2, 6, 4],
      [2, 6, 4],
      [2, 6, 4],
    ],
    f: ([q, k, v]) => tf.matMul(tf.softmax(tf.mul(tf.matMul(q, k, false, true), 0.5)), v),
  },
  {
    name: 'group norm + SiLU',
    shapes: [[2, 4, 4, 6]],
    f: ([x]) => {
      const g = tf.reshape(x, [2, 4, 4, 3, 2]);
      const { mean, variance } = tf.moments(g, [1, 2, 4], true);
      const y = tf.reshape(tf.div(tf.sub(g, mean), tf.sqrt(tf.add(variance, 1e-5))), [2, 4, 4, 6]);
      return tf.mul(y, tf.sigmoid(y));
    },
  },
  {
    name: 'concat slice pad',
    shapes: [[2, 4, 4, 3]],
    f: ([x]) =>
      tf.pad(tf.slice(tf.concat([x, tf.square(x)], 3), [0, 1, 0, 1], [2, 3, 4, 4]), [
        [0, 0],
        [1, 0],
        [0, 1],
        [0, 0],
      ]),
  },
  { name: 'gather (embedding)', shapes: [[5, 3]], f: ([e]) => tf.gather(e, tf.tensor1d([4, 0, 4, 2], 'int32')) },
  { name: 'where(x > 0) (zero-gradient compare)', shapes: [[3, 4]], f: ([x]) => tf.where(tf.greater(x, 0), x, tf.mul(x, 0.1)) },
];

/** Gradients of Σ f(xs)·r for fixed random r, on the current backend, as plain arrays. */
function grads(c: Case, seed: number): Float32Array[] {
  const rng = new Rng(seed);
  return tf
    .tidy(() => {
      const xs = c.shapes.map((s) => tf.tensor(rng.normals(s.reduce((a, b) => a * b, 1)), s));
      const out = c.f(xs);
      const r = tf.tensor(rng.normals(out.size), out.shape);
      return tf.grads((...ys: tf.Tensor[]) => tf.sum(tf.mul(c.f(ys), r)))(xs);
    })
    .map((g) => {
      const d = g.dataSync() as Float32Array;
      g.dispose();
      return d;
    });
}

function relErr(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 1e-12;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

test.before(async () => {
  await ready();
});
test.after(async () => {
  await useBackend('wasm');
});

for (const c of CASES) {
  test(`wasm gradient equals cpu gradient: ${c.name}`, async () => {
    await useBackend('cpu');
    const ref = grads(c, 7);
    await useBackend('wasm');
    const got = grads(c, 7);
    assert.is(got.length, ref.length);
    for (let i = 0; i < ref.length; i++) {
      assert.is(got[i].length, ref[i].length);
      const e = relErr(got[i], ref[i]);
      assert.ok(e <= 1e-4, `${c.name} input ${i}: relative error ${e}`);
    }
  });
}

test('Conv2DBackpropFilter on wasm: known value (all-ones input, 1×1 output)', async () => {
  await useBackend('wasm');
  // x = 1 everywhere (3×3×1), w 3×3 valid → one output; dL/dw = Σ dy·x = 1 for every tap.
  const g = tf.tidy(() =>
    tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(tf.ones([1, 3, 3, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid')))(
      tf.zeros([3, 3, 1, 1]),
    ),
  );
  assert.equal(Array.from(g.dataSync()), new Array(9).fill(1));
  g.dispose();
});

test('no leaks: tensors and wasm buffers are freed by the supplied kernels', async () => {
  await useBackend('wasm');
  const run = () => grads(CASES[2], 1).length + grads(CASES[14], 1).length;
  run();
  const before = tf.memory().numTensors;
  const buffers = tf.engine().backend.numDataIds();
  run();
  assert.is(tf.memory().numTensors, before);
  assert.is(tf.engine().backend.numDataIds(), buffers);
});

test('error case: NCHW filter gradient is refused on wasm with a clear message', async () => {
  await useBackend('wasm');
  assert.throws(
    () =>
      tf.tidy(() => {
        const x = tf.ones([1, 2, 4, 4]);
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: tf.ones([1, 2, 4, 4]) }, {
          strides: 1,
          pad: 'same',
          dataFormat: 'NCHW',
          filterShape: [3, 3, 2, 2],
        } as unknown as tf.NamedAttrMap);
      }),
    /only NHWC/,
  );
});

test('a tiny conv net trains on wasm: loss falls ≥ 10× in 60 Adam steps', async () => {
  await useBackend('wasm');
  const rng = new Rng(3);
  // Target: a fixed random conv net's output; the student has the same architecture.
  const make = (scale: number) => ({
    w1: tf.variable(
      tf.tensor(
        rng.normals(3 * 3 * 1 * 4).map((v) => v * scale),
        [3, 3, 1, 4],
      ),
    ),
    w2: tf.variable(
      tf.tensor(
        rng.normals(3 * 3 * 4 * 4).map((v) => v * scale),
        [3, 3, 4, 4],
      ),
    ),
    wd: tf.variable(
      tf.tensor(
        rng.normals(4 * 4 * 4 * 2).map((v) => v * scale),
        [64, 2],
      ),
    ),
  });
  const net = (p: ReturnType<typeof make>, x: tf.Tensor4D) =>
    tf.tidy(() => {
      const h1 = tf.relu(tf.conv2d(x, p.w1 as tf.Tensor4D, 1, 'same'));
      const h2 = tf.relu(tf.conv2d(h1, p.w2 as tf.Tensor4D, 2, 'same'));
      return tf.matMul(tf.reshape(h2, [x.shape[0], 64]), p.wd as tf.Tensor2D);
    });
  const teacher = make(0.5);
  const student = make(0.3);
  const x = tf.tensor(rng.normals(16 * 8 * 8), [16, 8, 8, 1]) as tf.Tensor4D;
  const y = net(teacher, x);
  const opt = tf.train.adam(0.02);
  const loss = () => tf.losses.meanSquaredError(y, net(student, x)) as tf.Scalar;
  const first = tf.tidy(() => loss().dataSync()[0]);
  for (let i = 0; i < 60; i++)
    tf.tidy(() => {
      opt.minimize(loss);
    });
  const last = tf.tidy(() => loss().dataSync()[0]);
  assert.ok(last < first / 10, `loss ${first} → ${last}`);
  opt.dispose();
  tf.dispose([x, y, ...Object.values(teacher), ...Object.values(student)]);
});

test.run();
