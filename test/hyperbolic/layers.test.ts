/** Layers: shared interface, Euclidean twins, limits, finite-difference gradient checks, a training step. */
import * as tf from '@tensorflow/tfjs-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ready } from '../../sdk/core/backend';
import { Rng } from '../../sdk/core/rng';
import * as H from '../../sdk/hyperbolic';
import { close, maxAbsDiff, randomPoints, randomVectors, take } from './helpers';

test.before(async () => {
  await ready();
});

test('twins share the interface and the variable names (checkpoint keys)', () => {
  const pairs: [H.Layer, H.Layer][] = [
    [new H.MobiusLinear({ inFeatures: 4, outFeatures: 3, c: 1 }), new H.EuclideanLinear({ inFeatures: 4, outFeatures: 3 })],
    [new H.HyperbolicMLR({ inFeatures: 4, numClasses: 5, c: 1 }), new H.EuclideanMLR({ inFeatures: 4, numClasses: 5 })],
    [new H.ToPoincare({ c: 1 }), new H.ToEuclidean()],
  ];
  for (const [h, e] of pairs) {
    const hv = h.variables();
    const ev = e.variables();
    assert.equal(Object.keys(hv), Object.keys(ev));
    for (const k of Object.keys(hv)) assert.equal(hv[k].shape, ev[k].shape, k);
    const x = tf.tidy(() => tf.mul(randomVectors(6, 4, new Rng(1)), 0.1));
    const [a, b] = [h.apply(x), e.apply(x)];
    assert.equal(a.shape, b.shape);
    tf.dispose([x, a, b]);
    h.dispose();
    e.dispose();
  }
  assert.equal(Object.keys(new H.MobiusLinear({ inFeatures: 2, outFeatures: 2, c: 1, bias: false }).variables()), ['weight']);
  const cfg = new H.MobiusLinear({ inFeatures: 2, outFeatures: 3, c: 0.5 }).config;
  assert.equal(cfg, { bias: true, seed: 0, inFeatures: 2, outFeatures: 3, c: 0.5 });
  assert.ok(Object.isFrozen(cfg));
});

test('same seed, same weights; different seed, different weights', () => {
  const a = new H.MobiusLinear({ inFeatures: 4, outFeatures: 3, c: 1, seed: 3 });
  const b = new H.MobiusLinear({ inFeatures: 4, outFeatures: 3, c: 1, seed: 3 });
  const d = new H.MobiusLinear({ inFeatures: 4, outFeatures: 3, c: 1, seed: 4 });
  assert.is(maxAbsDiff(tf.clone(a.variables().weight), tf.clone(b.variables().weight)), 0);
  assert.ok(maxAbsDiff(tf.clone(a.variables().weight), tf.clone(d.variables().weight)) > 0.01);
  [a, b, d].forEach((l) => l.dispose());
});

test('leading dimensions: [2, 3, d] in, [2, 3, out] out, equal to the flattened batch', () => {
  const layers: H.Layer[] = [
    new H.MobiusLinear({ inFeatures: 4, outFeatures: 3, c: 1 }),
    new H.HyperbolicMLR({ inFeatures: 4, numClasses: 5, c: 1 }),
  ];
  const x = randomPoints(6, 4, 1, new Rng(2));
  for (const l of layers) {
    const y3 = l.apply(tf.reshape(x, [2, 3, 4]));
    assert.equal(y3.shape.slice(0, 2), [2, 3]);
    assert.ok(maxAbsDiff(tf.reshape(y3, [6, -1]), l.apply(x)) < 1e-6);
    l.dispose();
  }
  x.dispose();
});

test('ToPoincare: expmap0, clipping to Euclidean norm r, projection', () => {
  const big = [[30, 40]];
  close(new H.ToPoincare({ c: 1 }).apply(big), [0.5976, 0.7968], 0, 1e-5, 'projected');
  const clipped = new H.ToPoincare({ c: 1, clipR: 1 }).apply(big); // clip to [0.6, 0.8], then expmap0
  close(clipped, [0.6 * Math.tanh(1), 0.8 * Math.tanh(1)], 0, 1e-5, 'clipped');
  close(new H.ToEuclidean({ clipR: 1 }).apply(big), [0.6, 0.8], 0, 1e-6, 'euclidean clip');
  close(new H.ToEuclidean().apply([[3, 4]]), [3, 4], 0, 0, 'identity');
});

test('HyperbolicMLR → EuclideanMLR as c → 0 (same variables)', () => {
  const h = new H.HyperbolicMLR({ inFeatures: 3, numClasses: 4, c: 1e-6, seed: 5 });
  const e = new H.EuclideanMLR({ inFeatures: 3, numClasses: 4, seed: 5 });
  const x = tf.tidy(() => tf.mul(randomVectors(8, 3, new Rng(3)), 0.5));
  const [a, b] = [h.apply(x), e.apply(x)];
  const scale = take(tf.max(tf.abs(b)))[0];
  assert.ok(maxAbsDiff(a, b) < 1e-3 * scale, 'limit');
  tf.dispose(x);
  h.dispose();
  e.dispose();
});

test('EuclideanLinear: y = x Wᵀ + b', () => {
  const l = new H.EuclideanLinear({ inFeatures: 2, outFeatures: 2 });
  l.variables().weight.assign(
    tf.tensor2d([
      [1, 2],
      [3, 4],
    ]),
  );
  l.variables().bias.assign(tf.tensor1d([0.5, -1]));
  close(l.apply([[1, -1]]), [-0.5, -2], 1e-6, 0);
  l.dispose();
});

/** Central finite difference of loss wrt a few entries of one variable vs variableGrads (float32: h = 1e-2, 2% tol). */
function gradCheck(layer: H.Layer, x: tf.Tensor, name: string): void {
  const loss = () => tf.sum(tf.square(layer.apply(x))) as tf.Scalar;
  const v = layer.variables()[name];
  const { value, grads } = tf.variableGrads(loss, [v]);
  const g = take(grads[v.name]);
  value.dispose();
  const base = Float32Array.from(v.dataSync());
  const h = 1e-2;
  for (const i of [0, 1, base.length - 1]) {
    const at = (delta: number) => {
      const w = Float32Array.from(base);
      w[i] += delta;
      v.assign(tf.tensor(w, v.shape));
      return take(loss())[0];
    };
    const fd = (at(h) - at(-h)) / (2 * h);
    v.assign(tf.tensor(base, v.shape));
    assert.ok(Math.abs(fd - g[i]) <= 0.02 * Math.abs(fd) + 2e-3, `${name}[${i}]: finite difference ${fd} vs gradient ${g[i]}`);
  }
}

test('gradients agree with finite differences (MobiusLinear, HyperbolicMLR)', () => {
  const x = randomPoints(5, 3, 1, new Rng(9), 0.5, 3);
  const lin = new H.MobiusLinear({ inFeatures: 3, outFeatures: 2, c: 1, seed: 2 });
  lin.variables().bias.assign(tf.tensor1d([0.3, -0.2]));
  gradCheck(lin, x, 'weight');
  gradCheck(lin, x, 'bias');
  const mlr = new H.HyperbolicMLR({ inFeatures: 3, numClasses: 3, c: 1, seed: 2 });
  gradCheck(mlr, x, 'a');
  gradCheck(mlr, x, 'p');
  tf.dispose(x);
  lin.dispose();
  mlr.dispose();
});

test('a few SGD steps reduce a hyperbolic classification loss', () => {
  const rng = new Rng(4);
  const toBall = new H.ToPoincare({ c: 1, clipR: 2 });
  const lin = new H.MobiusLinear({ inFeatures: 4, outFeatures: 4, c: 1, seed: 1 });
  const mlr = new H.HyperbolicMLR({ inFeatures: 4, numClasses: 3, c: 1, seed: 1 });
  const x = randomVectors(30, 4, rng);
  const labels = tf.tidy(() => tf.oneHot(tf.argMax(tf.slice(x, [0, 0], [30, 3]), 1), 3)); // learnable labels
  const vars = [...Object.values(lin.variables()), ...Object.values(mlr.variables())];
  const loss = () => tf.losses.softmaxCrossEntropy(labels, mlr.apply(lin.apply(toBall.apply(x)))) as tf.Scalar;
  const first = take(loss())[0];
  const opt = tf.train.sgd(0.05);
  for (let i = 0; i < 30; i++) tf.dispose(opt.minimize(loss, true, vars) ?? []);
  const last = take(loss())[0];
  assert.ok(last < first * 0.9, `loss ${first} → ${last}`);
  opt.dispose();
  tf.dispose([x, labels]);
  lin.dispose();
  mlr.dispose();
});

test.run();
