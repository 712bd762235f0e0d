import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { ConfigError, ShapeError, ValueError } from '../../sdk/core/errors';
import { setProgressSink } from '../../sdk/core/progress';
import { Rng } from '../../sdk/core/rng';
import {
  ddimInversionSteps,
  ddimInvert,
  ddimSample,
  ddimSteps,
  ddpmSample,
  ddpmSteps,
  diffusionLoss,
  linearSchedule,
  normalTensor,
  sdEdit,
  sdEditSteps,
  stochasticEncode,
  type Denoiser,
} from '../../sdk/diffusion';
import { gaussianEps } from './gaussian-model';

const schedule = linearSchedule(100);
const model = gaussianEps(schedule, [0, 0], 1);

test.before(async () => {
  await ready();
});

const is = (type: Function, re?: RegExp) => (e: unknown) => e instanceof type && (!re || re.test((e as Error).message));

test('sampler option errors are typed and thrown at the call (generators too)', () => {
  tf.tidy(() => {
    const x = tf.zeros([2, 2]);
    assert.throws(() => ddimSample(model, x, schedule, { steps: 101 }), is(ValueError, /at most 100 steps/));
    assert.throws(() => ddimSteps(model, x, schedule, { steps: 101 }), is(ValueError));
    assert.throws(() => ddpmSteps(model, x, schedule, { steps: 0 }), is(ValueError));
    assert.throws(() => ddimInversionSteps(model, x, schedule, { steps: 1000 }), is(ValueError));
    assert.throws(() => ddimSample(model, x, schedule, { eta: -1 }), is(ValueError, /eta/));
    assert.throws(() => ddimSample(model, x, schedule, { startIndex: 50, steps: 50 }), is(ValueError, /startIndex/));
    assert.throws(() => ddimSample(model, x, schedule, { prediction: 'x0' as 'v' }), is(ConfigError, /'epsilon' or 'v'/));
    assert.throws(() => ddimSample(model, x, schedule, { step: 10 } as never), is(ConfigError, /Did you mean 'steps'/));
    assert.throws(() => ddimSample(model, x, schedule, { clipX0: 0 }), is(ValueError));
    assert.throws(() => ddpmSample(model, x, schedule, { variance: 'huge' as 'small' }), is(ConfigError));
    assert.throws(() => ddimInvert(model, x, schedule, { refine: -1 }), is(ValueError));
    assert.throws(() => ddimInvert(model, x, schedule, { eta: 1 } as never), is(ConfigError));
    assert.throws(() => ddimSample(model, x, {} as never), is(ConfigError, /Schedule/));
  });
});

test('shape errors: no batch axis, cond batch mismatch, a denoiser returning the wrong shape', () => {
  tf.tidy(() => {
    assert.throws(() => ddimSample(model, tf.zeros([2]), schedule), is(ShapeError, /batch axis/));
    assert.throws(() => ddimSample(model, tf.zeros([2, 2], 'int32'), schedule), is(ShapeError));
    assert.throws(() => ddimSample(model, tf.zeros([2, 2]), schedule, { cond: tf.zeros([3, 4]) }), is(ShapeError, /\[2, …\]/));
    const bad: Denoiser = (x) => tf.zeros([x.shape[0], 3]);
    assert.throws(() => ddimSample(bad, tf.zeros([2, 2]), schedule, { steps: 5, progress: false }), is(ShapeError, /denoiser/));
  });
});

test('strength errors: outside (0, 1], or too small for one step', () => {
  tf.tidy(() => {
    const x = tf.zeros([2, 2]);
    for (const strength of [0, -0.5, 1.5, NaN]) {
      assert.throws(() => stochasticEncode(x, schedule, { strength }), is(ValueError, /strength/));
      assert.throws(() => sdEdit(model, x, schedule, { strength }), is(ValueError, /strength/));
    }
    assert.throws(() => sdEditSteps(model, x, schedule, { strength: 0.01, steps: 50 }), is(ValueError, /at least one step/));
    assert.throws(() => stochasticEncode(x, schedule, { strength: 0.5, steps: 200 }), is(ValueError));
  });
});

test('loss errors: missing schedule, timestep out of range, bad prediction, bad noise shape', () => {
  tf.tidy(() => {
    const x = tf.zeros([2, 2]);
    assert.throws(() => diffusionLoss(model, x, {} as never), is(ConfigError, /schedule/));
    assert.throws(() => diffusionLoss(model, x, { schedule, t: [0, 100] }), is(ValueError));
    assert.throws(() => diffusionLoss(model, x, { schedule, prediction: 'x' as 'v' }), is(ConfigError));
    assert.throws(() => diffusionLoss(model, x, { schedule, noise: tf.zeros([2, 3]) }), is(ConfigError));
  });
});

test('progress: one tick per step, then done', () => {
  const log: string[] = [];
  const env = process.env.HYPNEST_PROGRESS;
  delete process.env.HYPNEST_PROGRESS; // the test runner sets it to 0, which silences every sink
  setProgressSink({
    start: (label, total) => (log.push(`${label}/${total}`), { tick: () => void log.push('tick'), done: () => void log.push('done') }),
  });
  try {
    tf.dispose(ddimSample(model, tf.zeros([1, 2]), schedule, { steps: 3 }));
  } finally {
    setProgressSink(undefined);
    if (env !== undefined) process.env.HYPNEST_PROGRESS = env;
  }
  assert.equal(log, ['DDIM sampling/3', 'tick', 'tick', 'tick', 'done']);
});

test('no leaks: plain samplers return one tensor; generators run out, broken off or failing leave none', () => {
  const x = normalTensor([4, 2], new Rng(1));
  const before = tf.memory().numTensors;
  const opts = { steps: 10, seed: 1, progress: false } as const;
  for (const run of [
    () => ddimSample(model, x, schedule, { ...opts, eta: 0.5, clipX0: 3 }),
    () => ddpmSample(model, x, schedule, { ...opts, variance: 'large' }),
    () => ddimInvert(model, x, schedule, { steps: 10, progress: false }),
    () => sdEdit(model, x, schedule, { ...opts, strength: 0.5 }),
    () => stochasticEncode(x, schedule, { strength: 0.5, seed: 1 }).x,
    () => diffusionLoss(model, x, { schedule, seed: 1, prediction: 'v' }),
  ]) {
    const out = run();
    assert.is(tf.memory().numTensors, before + 1);
    out.dispose();
  }
  for (const gen of [
    ddimSteps(model, x, schedule, opts),
    ddpmSteps(model, x, schedule, opts),
    sdEditSteps(model, x, schedule, { ...opts, strength: 1 }),
  ]) {
    let n = 0;
    for (const step of gen) {
      assert.ok(step.x.shape[0] === 4);
      if (++n === 4) break;
    }
  }
  assert.is(tf.memory().numTensors, before);
  for (const gen of [ddimSteps(model, x, schedule, opts), ddimInversionSteps(model, x, schedule, opts)]) for (const _ of gen);
  assert.is(tf.memory().numTensors, before);
  let calls = 0;
  const failing: Denoiser = (xt, t) => {
    if (++calls === 3) throw new Error('boom');
    return model(xt, t);
  };
  assert.throws(() => ddimSample(failing, x, schedule, opts), /boom/);
  assert.is(tf.memory().numTensors, before);
  x.dispose();
});

test.run();
