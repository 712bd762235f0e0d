/**
 * Samplers against the exact ε-model of Gaussian data N(μ, s²I) (gaussian-model.ts): inversion round trips,
 * sample statistics, ε/v equivalence, generators, SDEdit and seeding.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { Rng } from '../../sdk/core/rng';
import {
  ddimInvert,
  ddimSample,
  ddimSteps,
  ddpmSample,
  epsToPrediction,
  normalTensor,
  respace,
  scaledLinearSchedule,
  sdEdit,
  stochasticEncode,
  type Denoiser,
} from '../../sdk/diffusion';
import { gaussianEps, predictedMoments } from './gaussian-model';

const MU = [0.5, -0.3];
const S = 0.5;
const schedule = scaledLinearSchedule(1000);
const model = gaussianEps(schedule, MU, S);

test.before(async () => {
  await ready();
});

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const data = (n: number, seed: number) => tf.tidy(() => tf.add(tf.mul(normalTensor([n, 2], new Rng(seed)), S), tf.tensor1d(MU)));

/** Column means and standard deviations of [n, 2]. */
function stats(x: tf.Tensor): { mean: number[]; std: number[] } {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, 0);
    return { mean: Array.from(mean.dataSync()), std: Array.from(tf.sqrt(variance).dataSync()) };
  });
}
/** Sample mean/std of [n, 2] against expected values (n = 2000: standard errors ≈ 0.011 and 0.008). */
function assertMoments(x: tf.Tensor, expected: { mean: number[]; std: number[] }, label: string, tol = { mean: 0.04, std: 0.03 }) {
  const { mean, std } = stats(x);
  mean.forEach((m, i) => assert.ok(Math.abs(m - expected.mean[i]) < tol.mean, `${label}: mean ${mean} vs ${expected.mean}`));
  std.forEach((s, i) => assert.ok(Math.abs(s - expected.std[i]) < tol.std, `${label}: std ${std} vs ${expected.std}`));
}
/** The closed-form sampler moments for both dimensions. */
function predicted(steps: number, opts: { eta: number; lastToOne?: boolean; from?: number; m0: number[]; v0: number }) {
  const ts = respace(schedule, steps).timesteps;
  const per = MU.map((mu, i) => predictedMoments(schedule, ts, { ...opts, m0: opts.m0[i], mu, s: S }));
  return { mean: per.map((p) => p.mean), std: per.map((p) => p.std) };
}

test('DDIM inversion (η = 0) then DDIM sampling recovers x₀ to ≤ 1e-3', () => {
  const x0 = data(256, 1);
  const errs: number[] = [];
  for (const refine of [0, 2]) {
    const xT = ddimInvert(model, x0, schedule, { steps: 50, refine, progress: false });
    const back = ddimSample(model, xT, schedule, { steps: 50, progress: false });
    errs.push(maxDiff(back, x0));
    tf.dispose([xT, back]);
  }
  assert.ok(errs[1] <= 1e-3, `refine 2: max error ${errs[1]}`);
  assert.ok(errs[0] > errs[1], `refinement helps: ${errs}`);
  x0.dispose();
});

test('inversion maps data to ≈ N(0, I) (√ᾱ_981 μ ≈ 0.04, std ≈ 1)', () => {
  const xT = ddimInvert(model, data(2000, 2), schedule, { steps: 50, progress: false });
  const { mean, std } = stats(xT);
  mean.forEach((m) => assert.ok(Math.abs(m) < 0.1, `mean ${mean}`));
  std.forEach((s) => assert.ok(Math.abs(s - 1) < 0.05, `std ${std}`));
  xT.dispose();
});

test('DDIM (η = 0, 1) and DDPM sample moments match their closed form; many steps reach the data mean/std', () => {
  const xT = normalTensor([2000, 2], new Rng(5));
  const cases = [
    ['DDIM η=0', 50, { eta: 0 }, () => ddimSample(model, xT, schedule, { steps: 50, progress: false })],
    ['DDIM η=1', 50, { eta: 1 }, () => ddimSample(model, xT, schedule, { steps: 50, eta: 1, seed: 1, progress: false })],
    ['DDPM', 100, { eta: 1, lastToOne: true }, () => ddpmSample(model, xT, schedule, { steps: 100, seed: 1, progress: false })],
  ] as const;
  for (const [label, steps, opts, run] of cases) {
    const x = run();
    assertMoments(x, predicted(steps, { ...opts, m0: [0, 0], v0: 1 }), label);
    x.dispose();
  }
  const x = ddimSample(model, xT, schedule, { steps: 250, progress: false });
  assertMoments(x, { mean: MU, std: [S, S] }, 'DDIM η=0, 250 steps vs the data');
  tf.dispose([x, xT]);
});

test('a v-prediction model gives the same DDIM samples as its ε-model', () => {
  const ab = tf.tensor1d(Float32Array.from(schedule.alphasCumprod));
  const vModel: Denoiser = (x, t) => tf.tidy(() => epsToPrediction(model(x, t), x, tf.reshape(tf.gather(ab, t), [-1, 1]), 'v'));
  const xT = normalTensor([64, 2], new Rng(6));
  const a = ddimSample(model, xT, schedule, { steps: 20, progress: false });
  const b = ddimSample(vModel, xT, schedule, { steps: 20, prediction: 'v', progress: false });
  assert.ok(maxDiff(a, b) < 1e-4, `max diff ${maxDiff(a, b)}`);
  tf.dispose([ab, xT, a, b]);
});

test('generator yields every step top-down with x̂₀; its last x is the sampler output', () => {
  const xT = normalTensor([8, 2], new Rng(7));
  const ts: number[] = [];
  let lastX: number[] = [];
  let lastX0Err = Infinity;
  for (const step of ddimSteps(model, xT, schedule, { steps: 10 })) {
    ts.push(step.t);
    lastX = Array.from(step.x.dataSync());
    lastX0Err = maxDiff(step.x0, step.x);
  }
  assert.equal(ts, [901, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
  assert.ok(lastX0Err < 0.05, 'at the last step x̂₀ ≈ x');
  const out = ddimSample(model, xT, schedule, { steps: 10, progress: false });
  assert.equal(Array.from(out.dataSync()), lastX);
  tf.dispose([xT, out]);
});

test('SDEdit: moments match the closed form; small strength stays near the input, strength 1 ≈ the data', () => {
  const far = tf.fill([2000, 2], 3);
  const enc = stochasticEncode(far, schedule, { strength: 0.4, steps: 50, seed: 1 });
  assert.is(enc.startIndex, 19);
  assert.is(enc.timestep, 381);
  enc.x.dispose();
  const near = sdEdit(model, far, schedule, { strength: 0.1, steps: 50, seed: 1, progress: false });
  const full = sdEdit(model, far, schedule, { strength: 1, steps: 50, seed: 1, progress: false });
  const a = schedule.alphasCumprod[981];
  const a5 = schedule.alphasCumprod[81];
  assertMoments(near, predicted(50, { eta: 0, from: 4, m0: [3 * Math.sqrt(a5), 3 * Math.sqrt(a5)], v0: 1 - a5 }), 'SDEdit 0.1');
  assertMoments(full, predicted(50, { eta: 0, m0: [3 * Math.sqrt(a), 3 * Math.sqrt(a)], v0: 1 - a }), 'SDEdit 1');
  assert.ok(
    stats(near).mean.every((m) => m > 2),
    `strength 0.1 stays near the input 3: ${stats(near).mean}`,
  );
  // Strength 1 nearly forgets the input (√ᾱ_981 · 3 ≈ 0.23 of it survives the noising, ≈ 0.1 reaches the output).
  assertMoments(full, { mean: MU, std: [S, S] }, 'strength 1 ≈ data', { mean: 0.15, std: 0.04 });
  tf.dispose([far, near, full]);
});

test('same seed → bit-identical samples; another seed → different ones', () => {
  const xT = normalTensor([16, 2], new Rng(8));
  const run = (seed: number) => {
    const x = ddpmSample(model, xT, schedule, { steps: 20, seed, progress: false });
    const v = Array.from(x.dataSync());
    x.dispose();
    return v;
  };
  assert.equal(run(11), run(11));
  assert.not.equal(run(11), run(12));
  const e1 = sdEdit(model, xT, schedule, { strength: 0.5, steps: 20, eta: 1, seed: 3, progress: false });
  const e2 = sdEdit(model, xT, schedule, { strength: 0.5, steps: 20, eta: 1, seed: 3, progress: false });
  assert.equal(Array.from(e1.dataSync()), Array.from(e2.dataSync()));
  tf.dispose([xT, e1, e2]);
});

test.run();
