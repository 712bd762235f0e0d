/**
 * End to end: a small MLP denoiser trained here with diffusionLoss + Adam on a 2-D mixture of four Gaussians
 * samples that mixture; an untrained one does not. Distances are biased MMD² with an RBF kernel of bandwidth
 * h = 0.5 between 500 samples and 500 target points (two independent target draws give ≈ 0.005).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { Rng } from '../../sdk/core/rng';
import { ddimSample, ddpmSample, diffusionLoss, linearSchedule, normalTensor } from '../../sdk/diffusion';
import { makeMlp, mmd2, sampleMixture, type Mlp } from './mixture-model';

const T = 100;
const STEPS = 1000;
const THRESHOLD = 0.02;
const H = 0.5;
const schedule = linearSchedule(T);
let trained: Mlp;
let untrained: Mlp;
let lossFirst = 0;
let lossLast = 0;

test.before(async () => {
  await ready();
  const rng = new Rng(1);
  trained = makeMlp(T, rng);
  untrained = makeMlp(T, new Rng(2));
  const opt = tf.train.adam(2e-3);
  const t0 = Date.now();
  const losses: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const x0 = tf.tensor2d(sampleMixture(256, rng), [256, 2]);
    const loss = opt.minimize(() => diffusionLoss(trained.denoiser, x0, { schedule, rng }), true, trained.variables)!;
    if (i < 50 || i >= STEPS - 50) losses.push(loss.dataSync()[0]);
    tf.dispose([loss, x0]);
  }
  opt.dispose();
  lossFirst = losses.slice(0, 50).reduce((a, b) => a + b) / 50;
  lossLast = losses.slice(50).reduce((a, b) => a + b) / 50;
  if (process.env.HYPNEST_TEST_VERBOSE) console.log(`trained ${STEPS} steps in ${Date.now() - t0} ms, loss ${lossFirst} → ${lossLast}`);
});

test.after(() => {
  trained.dispose();
  untrained.dispose();
});

test('training lowers the loss', () => {
  assert.ok(lossLast < 0.75 * lossFirst, `${lossFirst} → ${lossLast}`);
});

test(`trained denoiser samples the mixture (MMD² < ${THRESHOLD}), an untrained one does not`, () => {
  const target = sampleMixture(500, new Rng(7));
  const xT = normalTensor([500, 2], new Rng(9));
  const dist: Record<string, number> = {};
  for (const [name, m] of [
    ['trained', trained],
    ['untrained', untrained],
  ] as const) {
    for (const [sampler, run] of [
      ['ddim', () => ddimSample(m.denoiser, xT, schedule, { steps: 50, progress: false })],
      ['ddpm', () => ddpmSample(m.denoiser, xT, schedule, { seed: 3, progress: false })],
    ] as const) {
      const x = run();
      dist[`${name} ${sampler}`] = mmd2(x.dataSync() as Float32Array, target, H);
      x.dispose();
    }
  }
  xT.dispose();
  if (process.env.HYPNEST_TEST_VERBOSE) console.log('MMD²', dist, 'baseline', mmd2(sampleMixture(500, new Rng(8)), target, H));
  assert.ok(dist['trained ddim'] < THRESHOLD && dist['trained ddpm'] < THRESHOLD, JSON.stringify(dist));
  assert.ok(dist['untrained ddim'] > 5 * THRESHOLD && dist['untrained ddpm'] > 5 * THRESHOLD, JSON.stringify(dist));
});

test('the loss helper is deterministic under a seed and reaches every variable', () => {
  const x0 = tf.tensor2d(sampleMixture(32, new Rng(3)), [32, 2]);
  const a = diffusionLoss(trained.denoiser, x0, { schedule, seed: 5, prediction: 'v' });
  const b = diffusionLoss(trained.denoiser, x0, { schedule, seed: 5, prediction: 'v' });
  assert.is(a.dataSync()[0], b.dataSync()[0]);
  const { grads } = tf.variableGrads(() => diffusionLoss(trained.denoiser, x0, { schedule, seed: 5 }), trained.variables);
  assert.is(Object.keys(grads).length, trained.variables.length);
  Object.values(grads).forEach((g) => assert.ok(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]) > 0));
  tf.dispose([x0, a, b, ...Object.values(grads)]);
});

test.run();
