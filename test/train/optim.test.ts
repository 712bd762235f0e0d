import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { Rng, ConfigError, ValueError, ShapeError } from '../../sdk/core';
import { Params, addParam, disposeParams } from '../../sdk/nn';
import { AdamW, Ema, clipByGlobalNorm, globalNorm, warmupLr, dropCond } from '../../sdk/train';

test.before(async () => {
  await ready();
});

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6) => {
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `${i}: ${a[i]} vs ${b[i]}`);
};

function store(w: number[], b: number[]): Params {
  const p: Params = {};
  addParam(p, 'l.w', [w.length], 'zeros', new Rng(0)).assign(tf.tensor1d(w));
  addParam(p, 'l.b', [b.length], 'zeros', new Rng(0)).assign(tf.tensor1d(b));
  return p;
}

test('AdamW: two steps match the hand-computed update (decay on weights only)', () => {
  const p = store([1, -2], [0.5]);
  const opt = new AdamW(p, { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 });
  const g1 = { 'l.w': tf.tensor1d([0.5, -1]), 'l.b': tf.tensor1d([2]) };
  const g2 = { 'l.w': tf.tensor1d([-0.25, 3]), 'l.b': tf.tensor1d([1]) };
  const lr = 0.01;
  // by hand, in float64
  const ref = (theta: number, gs: number[], decay: boolean) => {
    let m = 0,
      v = 0;
    gs.forEach((g, i) => {
      const t = i + 1;
      m = 0.9 * m + 0.1 * g;
      v = 0.99 * v + 0.01 * g * g;
      const upd = m / (1 - 0.9 ** t) / (Math.sqrt(v / (1 - 0.99 ** t)) + 1e-8) + (decay ? 0.1 * theta : 0);
      theta -= lr * upd;
    });
    return theta;
  };
  opt.step(g1, lr);
  opt.step(g2, lr);
  close(p['l.w'].dataSync(), [ref(1, [0.5, -0.25], true), ref(-2, [-1, 3], true)]);
  close(p['l.b'].dataSync(), [ref(0.5, [2, 1], false)]);
  assert.is(opt.t, 2);
  assert.throws(
    () => new AdamW(p, { beta1: 1 }),
    (e: unknown) => e instanceof ConfigError,
  );
  assert.throws(
    () => new AdamW(p, { betas: [0.9, 0.9] } as never),
    (e: unknown) => e instanceof ConfigError,
  );
  tf.dispose([...Object.values(g1), ...Object.values(g2)]);
  opt.dispose();
  disposeParams(p);
});

test('EMA: θ̄ after n updates with constant θ equals θ + dⁿ(θ̄₀ − θ); warm-up decay', () => {
  const p = store([1, 2], [0]);
  const ema = new Ema(p, 0.9);
  p['l.w'].assign(tf.tensor1d([3, -2]));
  for (let i = 0; i < 5; i++) ema.update();
  close(ema.params['l.w'].dataSync(), [3 + 0.9 ** 5 * (1 - 3), -2 + 0.9 ** 5 * (2 + 2)], 1e-5);
  const w = new Ema(p, 0.999, true);
  assert.is(w.currentDecay(), 0.1);
  assert.throws(
    () => new Ema(p, 1),
    (e: unknown) => e instanceof ConfigError,
  );
  ema.dispose();
  w.dispose();
  disposeParams(p);
});

test('clipping: global norm; scaled to maxNorm when above, untouched when below', () => {
  const g = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([4]) };
  assert.ok(Math.abs(globalNorm(g) - 5) < 1e-6);
  const c = clipByGlobalNorm(g, 1);
  assert.ok(Math.abs(c.norm - 5) < 1e-6);
  close(c.grads.a.dataSync(), [0.6, 0]);
  close(c.grads.b.dataSync(), [0.8]);
  const same = clipByGlobalNorm(g, 10);
  assert.is(same.grads, g);
  assert.throws(
    () => clipByGlobalNorm(g, 0),
    (e: unknown) => e instanceof ValueError,
  );
  const bad = { a: tf.tensor1d([NaN]) };
  assert.throws(
    () => clipByGlobalNorm(bad, 1),
    (e: unknown) => e instanceof ValueError,
  );
  tf.dispose([g.a, g.b, c.grads.a, c.grads.b, bad.a]);
});

test('warm-up: linear to lr, then constant', () => {
  assert.is(warmupLr(1, 4, 0), 0.25);
  assert.is(warmupLr(1, 4, 3), 1);
  assert.is(warmupLr(1, 4, 100), 1);
  assert.is(warmupLr(2, 0, 0), 2);
});

test('condition dropout: rate ≈ p, rows are null or kept, gradient reaches the null embedding', () => {
  const B = 2000;
  const cond = tf.ones([B, 3]);
  const nul = tf.variable(tf.tensor1d([0, 0, 0]));
  const out = dropCond(cond, nul, 0.2, new Rng(1));
  const dropped = tf.sum(tf.equal(tf.sum(out, 1), 0)).dataSync()[0];
  assert.ok(Math.abs(dropped / B - 0.2) < 0.03, `${dropped}`);
  const kept = tf.sum(tf.equal(tf.sum(out, 1), 3)).dataSync()[0];
  assert.is(dropped + kept, B);
  const g = tf.grad((n: tf.Tensor) => tf.sum(dropCond(cond, n, 0.2, new Rng(1))))(nul);
  close(g.dataSync(), [dropped, dropped, dropped]);
  assert.equal(dropCond(cond, nul, 0, new Rng(1)).dataSync(), cond.dataSync());
  assert.throws(
    () => dropCond(cond, nul, 1.5, new Rng(1)),
    (e: unknown) => e instanceof ValueError,
  );
  assert.throws(
    () => dropCond(cond, tf.zeros([4]), 0.1, new Rng(1)),
    (e: unknown) => e instanceof ShapeError,
  );
});

test.run();
