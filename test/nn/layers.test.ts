import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { Rng, ConfigError, ShapeError } from '../../sdk/core';
import {
  Params,
  initDense,
  dense,
  initConv2d,
  conv2d,
  initNorm,
  groupNorm,
  layerNorm,
  silu,
  sinusoidalEmbedding,
  initTimeMlp,
  timeMlp,
  addParam,
  param,
  paramCount,
  countFlops,
  initUpsample,
  upsample,
  initDownsample,
  downsample,
  initSelfAttention,
  selfAttention,
  disposeParams,
} from '../../sdk/nn';

test.before(async () => {
  await ready();
});

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  assert.is(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `${i}: ${a[i]} vs ${b[i]}`);
};

test('dense: known value y = xW + b', () => {
  const p: Params = {};
  initDense(p, 'fc', 2, 2, new Rng(0));
  p['fc.w'].assign(
    tf.tensor2d([
      [1, 2],
      [3, 4],
    ]),
  );
  p['fc.b'].assign(tf.tensor1d([0.5, -1]));
  const y = dense(
    p,
    'fc',
    tf.tensor2d([
      [1, 1],
      [2, 0],
    ]),
  );
  close(y.dataSync(), [4.5, 5, 2.5, 3]);
  // rank 3 input keeps its leading axes
  assert.equal(dense(p, 'fc', tf.ones([2, 3, 2])).shape, [2, 3, 2]);
  disposeParams(p);
});

test('conv2d: 3×3 same-padding on a delta equals the flipped kernel; 1×1 equals a matmul', () => {
  const p: Params = {};
  initConv2d(p, 'c', 1, 1, 3, new Rng(0));
  const k = Array.from({ length: 9 }, (_, i) => i + 1);
  p['c.w'].assign(tf.tensor4d(k, [3, 3, 1, 1]));
  const x = tf.buffer([1, 5, 5, 1]);
  x.set(1, 0, 2, 2, 0);
  const y = conv2d(p, 'c', x.toTensor());
  const yc = tf.slice(y, [0, 1, 1, 0], [1, 3, 3, 1]).dataSync();
  close(yc, k.slice().reverse());
  initConv2d(p, 'one', 3, 2, 1, new Rng(1));
  const xi = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 3);
  const viaConv = conv2d(p, 'one', xi);
  const viaMat = tf.reshape(tf.add(tf.matMul(tf.reshape(xi, [32, 3]), tf.reshape(p['one.w'], [3, 2])), p['one.b']), [2, 4, 4, 2]);
  close(viaConv.dataSync(), viaMat.dataSync(), 1e-5);
  assert.equal(conv2d(p, 'c', tf.zeros([2, 8, 8, 1]), 2).shape, [2, 4, 4, 1]);
  disposeParams(p);
});

test('groupNorm: each (sample, group) has mean 0 and variance 1 before the affine', () => {
  const p: Params = {};
  initNorm(p, 'n', 8, new Rng(0));
  const x = tf.add(tf.mul(tf.randomNormal([2, 4, 4, 8], 0, 1, 'float32', 1), 3), 5);
  const y = groupNorm(p, 'n', x, 4);
  const g = tf.reshape(y, [2, 16, 4, 2]);
  const { mean, variance } = tf.moments(g, [1, 3]);
  close(mean.dataSync(), new Array(8).fill(0), 1e-4);
  close(variance.dataSync(), new Array(8).fill(1), 1e-3);
  const ln = layerNorm(p, 'n', tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8]]));
  close(tf.moments(ln, -1).mean.dataSync(), [0], 1e-5);
  assert.throws(
    () => groupNorm(p, 'n', x, 3),
    (e: unknown) => e instanceof ConfigError,
  );
  disposeParams(p);
});

test('silu and sinusoidal embedding: known values', () => {
  close(silu(tf.tensor1d([0, 1, -2])).dataSync(), [0, 1 / (1 + Math.exp(-1)), -2 / (1 + Math.exp(2))]);
  const e = sinusoidalEmbedding([0, 3], 4).arraySync();
  close(e[0], [0, 0, 1, 1]);
  // ω = [1, 10000^(-1/2) = 0.01]
  close(e[1], [Math.sin(3), Math.sin(0.03), Math.cos(3), Math.cos(0.03)]);
  assert.throws(
    () => sinusoidalEmbedding([1], 5),
    (err: unknown) => err instanceof ConfigError,
  );
});

test('resampling and attention shapes; flops counted', () => {
  const p: Params = {};
  const rng = new Rng(2);
  initDownsample(p, 'd', 4, rng);
  initUpsample(p, 'u', 4, rng);
  initSelfAttention(p, 'a', 4, rng);
  const x = tf.randomNormal([2, 8, 8, 4]) as tf.Tensor4D;
  assert.equal(downsample(p, 'd', x).shape, [2, 4, 4, 4]);
  assert.equal(upsample(p, 'u', x).shape, [2, 16, 16, 4]);
  assert.equal(selfAttention(p, 'a', tf.randomNormal([2, 5, 4]) as tf.Tensor3D, 2).shape, [2, 5, 4]);
  const f = countFlops(() => tf.dispose(downsample(p, 'd', x)));
  assert.is(f, 2 * 2 * 4 * 4 * 9 * 4 * 4);
  disposeParams(p);
});

test('parameter store: stable names, counts, errors', () => {
  const p: Params = {};
  const rng = new Rng(0);
  addParam(p, 'a.w', [3, 4], 'he', rng);
  addParam(p, 'a.b', [4], 'zeros', rng);
  assert.is(paramCount(p), 16);
  assert.throws(
    () => addParam(p, 'a.w', [1], 'zeros', rng),
    (e: unknown) => e instanceof ConfigError,
  );
  assert.throws(
    () => param(p, 'b.w'),
    (e: unknown) => e instanceof ConfigError && /b\.w/.test((e as Error).message),
  );
  assert.throws(
    () => dense(p, 'a', tf.ones([2, 5])),
    (e: unknown) => e instanceof Error,
  );
  initConv2d(p, 'c', 2, 2, 3, rng);
  assert.throws(
    () => conv2d(p, 'c', tf.ones([1, 4, 4, 3])),
    (e: unknown) => e instanceof ShapeError,
  );
  // same seed → same values
  const q: Params = {};
  addParam(q, 'a.w', [3, 4], 'he', new Rng(0));
  close(q['a.w'].dataSync(), p['a.w'].dataSync(), 0);
  disposeParams(p);
  disposeParams(q);
});

test('layers do not leak', () => {
  const p: Params = {};
  const rng = new Rng(0);
  initConv2d(p, 'c', 4, 4, 3, rng);
  initNorm(p, 'n', 4, rng);
  initUpsample(p, 'u', 4, rng);
  const x = tf.randomNormal([1, 4, 4, 4]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) tf.dispose([conv2d(p, 'c', x), groupNorm(p, 'n', x, 2), upsample(p, 'u', x as tf.Tensor4D)]);
  assert.is(tf.memory().numTensors, before);
  x.dispose();
  disposeParams(p);
});

test('timeMlp: one shared timestep (run on one row, broadcast) equals the same timestep given row by row', () => {
  const p: Params = {};
  initTimeMlp(p, 'time', 16, 24, new Rng(3));
  const shared = timeMlp(p, 'time', tf.fill([5], 417, 'int32'));
  const rows = tf.concat(Array.from({ length: 5 }, () => timeMlp(p, 'time', [417])));
  const mixed = timeMlp(p, 'time', tf.tensor1d([417, 3, 417, 999, 417], 'int32'));
  assert.equal(shared.shape, [5, 24]);
  const d = tf.max(tf.abs(tf.sub(shared, rows))).dataSync()[0];
  assert.ok(d < 1e-6, `shared vs row by row: ${d}`);
  // rows with different timesteps take the per-row path: row 1 differs from row 0
  assert.ok(tf.max(tf.abs(tf.sub(tf.slice(mixed, [0, 0], [1, 24]), tf.slice(mixed, [1, 0], [1, 24])))).dataSync()[0] > 1e-3);
  tf.dispose([shared, rows, mixed, ...Object.values(p)]);
});

test.run();
