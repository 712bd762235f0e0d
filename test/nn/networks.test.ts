import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { ConfigError, ShapeError } from '../../sdk/core';
import {
  createUNet,
  unetConfig,
  formatUNetConfig,
  unetFlops,
  createMlpDenoiser,
  createTransformer,
  transformerConfig,
  mlpDenoiserConfig,
  disposeParams,
  FASHION_UNET,
  paramCount,
} from '../../sdk/nn';

test.before(async () => {
  await ready();
});

const tiny = { imageSize: 8, channels: 8, channelMults: [1, 2], blocksPerLevel: 1 as const, heads: 2, groups: 4, condDim: 3 };

test('U-Net: output has the shape of x; cond and null cond give different outputs', () => {
  const net = createUNet({ ...tiny, inChannels: 2, outChannels: 2 }, 1);
  // zero-initialised convs hide the condition at init: perturb every parameter
  Object.values(net.params).forEach((v, i) => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.05, 'float32', i))));
  const x = tf.randomNormal([3, 8, 8, 2], 0, 1, 'float32', 1);
  const t = tf.tensor1d([0, 10, 999], 'int32');
  const c = tf.randomNormal([3, 3], 0, 1, 'float32', 2);
  const y1 = net.apply(x, t, c);
  const y0 = net.apply(x, t);
  assert.equal(y1.shape, [3, 8, 8, 2]);
  assert.ok(tf.max(tf.abs(tf.sub(y1, y0))).dataSync()[0] > 1e-4);
  assert.ok(net.params['down.0.res.0.conv1.w'] && net.params['mid.attn.attn.qkv.w'] && net.params['cond.null']);
  assert.is(net.paramCount(), paramCount(net.params));
  disposeParams(net.params);
});

test("U-Net condMode 'scale': the code scales every block (zero-initialised), no cond.proj; it changes the output", () => {
  const net = createUNet({ ...tiny, condMode: 'scale' }, 1);
  assert.not.ok(net.params['cond.proj.w']);
  assert.ok(net.params['down.0.res.0.cond.w'] && net.params['mid.res.1.cond.w'] && net.params['cond.null']);
  assert.is(tf.max(tf.abs(net.params['up.0.res.1.cond.w'])).dataSync()[0], 0);
  Object.values(net.params).forEach((v, i) => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.05, 'float32', i))));
  const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 1);
  const c = tf.randomNormal([2, 3], 0, 1, 'float32', 2);
  const [y1, y0] = [net.apply(x, [3, 500], c), net.apply(x, [3, 500])];
  assert.ok(tf.max(tf.abs(tf.sub(y1, y0))).dataSync()[0] > 1e-4);
  const w = net.params['mid.res.0.cond.w'] as tf.Variable;
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(net.apply(x, [3, 500], c))) as tf.Scalar, [w]);
  assert.ok(tf.max(tf.abs(grads[w.name])).dataSync()[0] > 0, 'the gradient reaches the block scale');
  tf.dispose([value, grads[w.name]]);
  assert.ok(formatUNetConfig(net.config).includes('cond 3 (scale)'));
  assert.throws(
    () => unetConfig({ condMode: 'mul' as 'add' }),
    (e: unknown) => e instanceof ConfigError && /'add' or 'scale'/.test(String(e)),
  );
  tf.dispose([x, c, y1, y0]);
  disposeParams(net.params);
});

test('U-Net: a fresh net outputs zeros (zero-initialised output conv); same seed, same params', () => {
  const a = createUNet(tiny, 7);
  const b = createUNet(tiny, 7);
  const y = a.apply(tf.ones([1, 8, 8, 1]), [5], tf.ones([1, 3]));
  assert.is(tf.max(tf.abs(y)).dataSync()[0], 0);
  for (const k of Object.keys(a.params)) assert.equal(a.params[k].dataSync(), b.params[k].dataSync(), k);
  disposeParams(a.params);
  disposeParams(b.params);
});

test('U-Net: config validation, printing, FLOPs of the shipped config', () => {
  assert.throws(
    () => unetConfig({ imageSize: 30 }),
    (e: unknown) => e instanceof ConfigError && /multiple of 4/.test((e as Error).message),
  );
  assert.throws(
    () => unetConfig({ channels: 30 }),
    (e: unknown) => e instanceof ConfigError,
  );
  assert.throws(
    () => unetConfig({ chanels: 32 } as never),
    (e: unknown) => e instanceof ConfigError && /channels/.test((e as Error).message),
  );
  assert.throws(
    () => unetConfig({ blocksPerLevel: 4 as never }),
    (e: unknown) => e instanceof ConfigError,
  );
  const c = unetConfig(FASHION_UNET);
  assert.ok(Object.isFrozen(c));
  assert.is(formatUNetConfig(c), 'unet 32×32×1→1 ch 32×[1,2,2] blocks 1 attn 4 heads cond 0 groups 8');
  const net = createUNet(c, 0);
  const gf = unetFlops(net) / 1e9;
  assert.ok(gf > 0.4 && gf < 0.6, `${gf} GFLOP`);
  disposeParams(net.params);
});

test('U-Net: shape errors name the argument', () => {
  const net = createUNet(tiny, 0);
  assert.throws(
    () => net.apply(tf.ones([1, 16, 16, 1]), [0]),
    (e: unknown) => e instanceof ShapeError && /unet\(x\)/.test((e as Error).message),
  );
  assert.throws(
    () => net.apply(tf.ones([1, 8, 8, 1]), [0], tf.ones([1, 4])),
    (e: unknown) => e instanceof ShapeError && /cond/.test((e as Error).message),
  );
  assert.throws(
    () => net.apply(tf.ones([2, 8, 8, 1]), [0]),
    (e: unknown) => e instanceof ShapeError,
  );
  disposeParams(net.params);
});

test('MLP denoiser and transformer: output shapes, validation', () => {
  const m = createMlpDenoiser({ dim: 5, width: 16, depth: 2, condDim: 2 }, 0);
  assert.equal(m.apply(tf.ones([4, 5]), [1, 2, 3, 4], tf.ones([4, 2])).shape, [4, 5]);
  assert.equal(m.apply(tf.ones([4, 5]), [1, 2, 3, 4]).shape, [4, 5]);
  const tr = createTransformer({ tokens: 6, dim: 3, width: 16, depth: 2, heads: 4 }, 0);
  tr.params['out.fc.w'].assign(tf.randomNormal([16, 3], 0, 0.1, 'float32', 1));
  const y = tr.apply(tf.randomNormal([2, 6, 3]), [0, 500]);
  assert.equal(y.shape, [2, 6, 3]);
  assert.ok(Number.isFinite(tf.sum(y).dataSync()[0]));
  assert.throws(
    () => transformerConfig({ width: 18, heads: 4 }),
    (e: unknown) => e instanceof ConfigError,
  );
  assert.throws(
    () => mlpDenoiserConfig({ depth: 0 }),
    (e: unknown) => e instanceof ConfigError,
  );
  assert.throws(
    () => tr.apply(tf.ones([2, 5, 3]), [0, 1]),
    (e: unknown) => e instanceof ShapeError,
  );
  disposeParams(m.params);
  disposeParams(tr.params);
});

test('networks do not leak', () => {
  const net = createUNet(tiny, 0);
  const m = createMlpDenoiser({ dim: 4, width: 8 }, 0);
  const tr = createTransformer({ tokens: 4, dim: 2, width: 8, heads: 2 }, 0);
  const [x, c, v, s] = [tf.ones([2, 8, 8, 1]), tf.ones([2, 3]), tf.ones([2, 4]), tf.ones([2, 4, 2])];
  const before = tf.memory().numTensors;
  tf.dispose([net.apply(x, [1, 2], c), net.apply(x, [1, 2]), m.apply(v, [1, 2]), tr.apply(s, [1, 2])]);
  assert.is(tf.memory().numTensors, before);
  tf.dispose([x, c, v, s]);
  [net.params, m.params, tr.params].forEach(disposeParams);
});

test.run();
