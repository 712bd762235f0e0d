import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { ConfigError, ShapeError } from '../../sdk/core/errors';
import { Rng } from '../../sdk/core/rng';
import { ddimSample, guided, linearSchedule, normalTensor, type Denoiser } from '../../sdk/diffusion';

test.before(async () => {
  await ready();
});

/** A conditional toy model ε(x, t, c) = tanh(x·0.3 + c) + t/1000, counting its calls and batch sizes. */
function toy() {
  const batches: number[] = [];
  const model: Denoiser = (x, t, cond) =>
    tf.tidy(() => {
      batches.push(x.shape[0]);
      if (!cond) throw new Error('toy model needs cond');
      return tf.add(tf.tanh(tf.add(tf.mul(x, 0.3), cond)), tf.div(tf.reshape(tf.cast(t, 'float32'), [-1, 1]), 1000));
    });
  return { model, batches };
}

const arr = (x: tf.Tensor) => Array.from(x.dataSync());

test('weight 0 equals the unconditional prediction, weight 1 the conditional one (exactly)', () => {
  const { model } = toy();
  tf.tidy(() => {
    const rng = new Rng(1);
    const x = normalTensor([4, 3], rng);
    const cond = normalTensor([4, 3], rng);
    const nullCond = normalTensor([3], rng); // a learned null embedding
    const t = tf.tensor1d([5, 10, 50, 99], 'int32');
    const uncond = model(x, t, tf.broadcastTo(tf.expandDims(nullCond, 0), [4, 3]));
    const condPred = model(x, t, cond);
    assert.equal(arr(guided(model, { weight: 0, nullCond })(x, t, cond)), arr(uncond));
    assert.equal(arr(guided(model, { weight: 1, nullCond })(x, t, cond)), arr(condPred));
    const w3 = arr(guided(model, { weight: 3, nullCond })(x, t, cond));
    const expected = arr(tf.add(uncond, tf.mul(tf.sub(condPred, uncond), 3)));
    w3.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5));
    assert.equal(arr(guided(model, { weight: 3, nullCond })(x, t)), arr(uncond), 'no cond → unconditional');
  });
});

test('conditional and unconditional halves go through one denoiser call of batch 2B', () => {
  const { model, batches } = toy();
  tf.tidy(() => {
    const x = tf.zeros([5, 2]);
    guided(model, { weight: 2, nullCond: tf.zeros([1, 2]) })(x, tf.zeros([5], 'int32'), tf.ones([5, 2]));
  });
  assert.equal(batches, [10]);
});

test('null condition of shape [D], [1, D] or [B, D] all work and agree; a guided model samples', () => {
  const { model } = toy();
  tf.tidy(() => {
    const x = normalTensor([2, 2], new Rng(2));
    const t = tf.tensor1d([3, 4], 'int32');
    const cond = tf.ones([2, 2]);
    const n = tf.tensor1d([0.2, -0.4]);
    const outs = [n, tf.expandDims(n, 0), tf.stack([n, n])].map((nullCond) => arr(guided(model, { weight: 2, nullCond })(x, t, cond)));
    assert.equal(outs[1], outs[0]);
    assert.equal(outs[2], outs[0]);
    const s = ddimSample(guided(model, { weight: 2, nullCond: n }), x, linearSchedule(100), { steps: 5, cond, progress: false });
    assert.equal(s.shape, [2, 2]);
  });
});

test('errors: bad weight, missing or mis-shaped null condition, misspelled option', () => {
  const { model } = toy();
  tf.tidy(() => {
    assert.throws(
      () => guided(model, { weight: NaN, nullCond: tf.zeros([2]) }),
      (e: unknown) => e instanceof ConfigError,
    );
    assert.throws(
      () => guided(model, { weight: 1 } as never),
      (e: unknown) => e instanceof ConfigError,
    );
    assert.throws(
      () => guided(model, { weight: 1, nullCond: tf.zeros([2]), wieght: 1 } as never),
      (e: unknown) => e instanceof ConfigError && /weight/.test((e as Error).message),
    );
    const g = guided(model, { weight: 1, nullCond: tf.zeros([3]) });
    assert.throws(
      () => g(tf.zeros([2, 2]), tf.zeros([2], 'int32'), tf.zeros([2, 2])),
      (e: unknown) => e instanceof ShapeError,
    );
  });
});

test('no leaks', () => {
  const { model } = toy();
  const nullCond = tf.zeros([2]);
  const x = tf.ones([3, 2]);
  const t = tf.zeros([3], 'int32');
  const before = tf.memory().numTensors;
  tf.dispose([guided(model, { weight: 2, nullCond })(x, t, x), guided(model, { weight: 2, nullCond })(x, t)]);
  assert.is(tf.memory().numTensors, before);
  tf.dispose([nullCond, x, t]);
});

test.run();
