import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../../sdk/core/backend';
import '../../../sdk/core';
import { Rng } from '../../../sdk/core/rng';
import { ConfigError } from '../../../sdk/core/errors';
import { firstValue, randomImages } from '../../helpers/tensors';
import {
  HYPDAE_TINY,
  hypdaeConfig,
  formatHypdaeConfig,
  createStage1,
  stage1Denoiser,
  stage1Loss,
  stage1With,
  scaledAugment,
  augmentBatch,
} from '../../../sdk/models/hypdae';
import { stage1WorkerLoss } from '../../../sdk/models/hypdae/worker-loss';

const tiny = (prediction?: 'epsilon' | 'v') => hypdaeConfig({ ...HYPDAE_TINY, stage1: { ...HYPDAE_TINY.stage1, prediction } });
const images = randomImages;
const value = firstValue;

test.before(async () => {
  await ready();
});

test("stage1.prediction: absent by default and when 'epsilon' (old checkpoints keep matching), 'v' kept and printed, others refused", () => {
  assert.not.ok('prediction' in hypdaeConfig().stage1);
  assert.not.ok('prediction' in tiny('epsilon').stage1);
  assert.equal(JSON.stringify(tiny('epsilon').stage1), JSON.stringify(tiny().stage1));
  assert.is(tiny('v').stage1.prediction, 'v');
  assert.match(formatHypdaeConfig(tiny('v')), /v-prediction/);
  assert.not.match(formatHypdaeConfig(tiny()), /prediction/);
  assert.throws(
    () => hypdaeConfig({ stage1: { prediction: 'x0' as never } }),
    (e: Error) => e instanceof ConfigError && /prediction/.test(e.message),
  );
});

test("a 'v' stage I's denoiser still returns ε: √(1−ᾱ)·x_t + √ᾱ·(the U-Net's output)", () => {
  const eps = createStage1(tiny());
  const v = stage1With(tiny('v'), eps.params);
  const x = images(3, 1);
  const z = tf.randomNormal([3, eps.config.stage1.codeDim], 0, 1, 'float32', 2);
  const ts = [0, 50, 99];
  const t = tf.tensor1d(ts, 'int32');
  const raw = stage1Denoiser(eps)(x, t, z);
  const got = stage1Denoiser(v)(x, t, z);
  const ab = tf.tensor(
    ts.map((k) => eps.schedule.alphasCumprod[k]),
    [3, 1, 1, 1],
  );
  const want = tf.add(tf.mul(x, tf.sqrt(tf.sub(1, ab))), tf.mul(raw, tf.sqrt(ab)));
  assert.ok(value(tf.max(tf.abs(tf.sub(got, want)))) < 1e-4);
  assert.ok(value(tf.mean(tf.abs(tf.sub(got, raw)))) > 1e-2, "the 'v' denoiser converts the U-Net's output");
  tf.dispose([x, z, t, raw, got, ab, want]);
  for (const p of Object.values(eps.params)) p.dispose();
});

test("stage1.prediction 'v' changes the training loss (same weights, batch and draws), on the main thread and in workers", () => {
  const eps = createStage1(tiny());
  const v = stage1With(tiny('v'), eps.params);
  const x = images(4, 3);
  const batch = { x, xAug: x };
  const le = value(stage1Loss(eps, batch, new Rng(5)));
  const lv = value(stage1Loss(v, batch, new Rng(5)));
  assert.ok(Math.abs(le - lv) > 1e-3, `epsilon ${le} vs v ${lv}`);
  const lw = value(stage1WorkerLoss(eps.params, batch, { step: 0, lr: 0, rng: new Rng(5), init: v.config, shard: 0 }));
  assert.ok(Math.abs(lw - lv) < 1e-6, `worker ${lw} vs main ${lv}`);
  x.dispose();
  for (const p of Object.values(eps.params)) p.dispose();
});

test('scaledAugment: 1 is the default augmentation, 0 leaves the image as it is, out of [0, 1] is refused', () => {
  assert.equal(scaledAugment(1), hypdaeConfig().stage1.augment);
  assert.equal(scaledAugment(0.5).rotate, hypdaeConfig().stage1.augment.rotate / 2);
  const x = images(3, 4).dataSync() as Float32Array;
  const none = augmentBatch(x, 3, scaledAugment(0), new Rng(1));
  const full = augmentBatch(x, 3, scaledAugment(1), new Rng(1));
  const diff = (y: Float32Array) => y.reduce((s, v, i) => Math.max(s, Math.abs(v - x[i])), 0);
  assert.ok(diff(none) < 1e-5, `k = 0 changed the image by ${diff(none)}`);
  assert.ok(diff(full) > 0.1);
  assert.throws(
    () => scaledAugment(1.5),
    (e: Error) => e instanceof ConfigError,
  );
});

test.run();
