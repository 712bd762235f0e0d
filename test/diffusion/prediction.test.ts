import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { ShapeError, ValueError } from '../../sdk/core/errors';
import { Rng } from '../../sdk/core/rng';
import {
  epsToPrediction,
  linearSchedule,
  normalTensor,
  predictionTarget,
  predictionToEps,
  predictionToX0,
  qSample,
} from '../../sdk/diffusion';

test.before(async () => {
  await ready();
});

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

test('ε ↔ v round-trips over random inputs, for scalar and per-item ᾱ', () => {
  const rng = new Rng(3);
  tf.tidy(() => {
    for (const ab of [0.999, 0.5, 0.01, tf.tensor([0.9, 0.3, 0.05], [3, 1])]) {
      const xt = normalTensor([3, 5], rng);
      const eps = normalTensor([3, 5], rng);
      const v = epsToPrediction(eps, xt, ab, 'v');
      assert.ok(maxDiff(predictionToEps(v, xt, ab, 'v'), eps) < 1e-5);
      assert.ok(maxDiff(predictionToX0(v, xt, ab, 'v'), predictionToX0(eps, xt, ab, 'epsilon')) < 1e-4);
      assert.ok(maxDiff(predictionToEps(eps, xt, ab, 'epsilon'), eps) === 0);
    }
  });
});

test('the v target recovers x₀ and ε from x_t (v = √ᾱ ε − √(1−ᾱ) x₀)', () => {
  const rng = new Rng(4);
  const s = linearSchedule(100);
  tf.tidy(() => {
    const x0 = normalTensor([4, 3], rng);
    const eps = normalTensor([4, 3], rng);
    const t = [0, 10, 50, 99];
    const xt = qSample(x0, t, eps, s);
    const ab = tf.tensor(
      t.map((i) => s.alphasCumprod[i]),
      [4, 1],
    );
    const v = predictionTarget(x0, eps, ab, 'v');
    assert.ok(maxDiff(predictionToX0(v, xt, ab, 'v'), x0) < 1e-5);
    assert.ok(maxDiff(predictionToEps(v, xt, ab, 'v'), eps) < 1e-5);
    assert.ok(maxDiff(predictionToX0(eps, xt, ab, 'epsilon'), x0) < 1e-3); // divides by √ᾱ_99
  });
});

test('qSample known value: x_t = √ᾱ x₀ + √(1−ᾱ) ε', () => {
  const s = linearSchedule(1000);
  tf.tidy(() => {
    const out = qSample(tf.tensor2d([[1, -2]]), 999, tf.tensor2d([[0.5, 0.25]]), s).dataSync();
    const a = s.alphasCumprod[999];
    assert.ok(Math.abs(out[0] - (Math.sqrt(a) + 0.5 * Math.sqrt(1 - a))) < 1e-6);
    assert.ok(Math.abs(out[1] - (-2 * Math.sqrt(a) + 0.25 * Math.sqrt(1 - a))) < 1e-6);
  });
});

test('qSample errors: timestep out of range, wrong counts and shapes', () => {
  const s = linearSchedule(100);
  tf.tidy(() => {
    const x = tf.zeros([2, 3]);
    assert.throws(
      () => qSample(x, 100, tf.zeros([2, 3]), s),
      (e: unknown) => e instanceof ValueError,
    );
    assert.throws(
      () => qSample(x, [1, 2, 3], tf.zeros([2, 3]), s),
      (e: unknown) => e instanceof ShapeError,
    );
    assert.throws(
      () => qSample(x, 1, tf.zeros([2, 4]), s),
      (e: unknown) => e instanceof ShapeError,
    );
    assert.throws(
      () => qSample(tf.zeros([3]), 1, tf.zeros([3]), s),
      (e: unknown) => e instanceof ShapeError,
    );
  });
});

test('no leaks', () => {
  const before = tf.memory().numTensors;
  const rng = new Rng(1);
  const xt = normalTensor([2, 3], rng);
  const p = normalTensor([2, 3], rng);
  for (const kind of ['epsilon', 'v'] as const) {
    tf.dispose([
      predictionToEps(p, xt, 0.5, kind),
      predictionToX0(p, xt, 0.5, kind),
      epsToPrediction(p, xt, 0.5, kind),
      predictionTarget(xt, p, 0.5, kind),
    ]);
  }
  tf.dispose(qSample(xt, [1, 2], p, linearSchedule(100)));
  tf.dispose([xt, p]);
  assert.is(tf.memory().numTensors, before);
});

test.run();
