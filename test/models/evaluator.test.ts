import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ready, tf } from '../../sdk/core/backend';
import { CheckpointError, ConfigError, ShapeError } from '../../sdk/core/errors';
import { Rng } from '../../sdk/core/rng';
import { Evaluator, evaluatorConfig, trainEvaluator } from '../../sdk/models/evaluator';

test.before(async () => {
  await ready();
});

const images = (n: number, seed = 1) => new Rng(seed).normals(n * 784).map((v) => Math.tanh(v));

test('features: shapes of penultimate, logits and the four layers; no leaks', () => {
  const ev = Evaluator.init({}, 0);
  const before = tf.memory().numTensors;
  const f = ev.features(images(5), { layers: true, batchSize: 2 });
  assert.equal(f.penultimate.shape, [5, 128]);
  assert.equal(f.logits.shape, [5, 10]);
  assert.equal(
    f.layers.map((l) => l.shape),
    [
      [5, 28, 28, 32],
      [5, 14, 14, 64],
      [5, 7, 7, 64],
      [5, 128],
    ],
  );
  tf.dispose([f.penultimate, f.logits, ...f.layers]);
  ev.classify(images(3));
  assert.is(tf.memory().numTensors, before);
  ev.dispose();
});

test('batching does not change features; 32×32 padded input equals its 28×28 centre', () => {
  const ev = Evaluator.init({}, 0);
  const x = images(4);
  const a = ev.embed(x);
  const b = ev.features(x, { batchSize: 3 });
  const bd = b.penultimate.dataSync();
  for (let i = 0; i < a.data.length; i++) assert.ok(Math.abs(a.data[i] - bd[i]) < 1e-4);
  tf.dispose([b.penultimate, b.logits]);
  const padded = new Float32Array(4 * 1024).fill(-1);
  for (let n = 0; n < 4; n++)
    for (let r = 0; r < 28; r++) padded.set(x.subarray(n * 784 + r * 28, n * 784 + r * 28 + 28), n * 1024 + (r + 2) * 32 + 2);
  const c = ev.embed(padded);
  for (let i = 0; i < a.data.length; i++) assert.ok(Math.abs(a.data[i] - c.data[i]) < 1e-5);
  ev.dispose();
});

test('bad images, bad config and a missing checkpoint are typed errors', async () => {
  const ev = Evaluator.init({}, 0);
  assert.throws(
    () => ev.features(new Float32Array(100)),
    (e: unknown) => e instanceof ShapeError,
  );
  const rgb = tf.zeros([2, 28, 28, 3]);
  assert.throws(
    () => ev.features(rgb),
    (e: unknown) => e instanceof ShapeError,
  );
  rgb.dispose();
  ev.dispose();
  assert.throws(
    () => evaluatorConfig({ dropout: 1.5 }),
    (e: unknown) => e instanceof ConfigError,
  );
  assert.throws(
    () => evaluatorConfig({ hiden: 3 } as never),
    (e: unknown) => e instanceof ConfigError,
  );
  try {
    await Evaluator.load('/nonexistent/evaluator');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, CheckpointError);
  }
});

test('a few training steps lower the loss on a separable toy task; save → load round-trips', async () => {
  // class 0: dark images, class 1: bright images
  const n = 128;
  const rng = new Rng(4);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  const imgs = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) for (let k = 0; k < 784; k++) imgs[i * 784 + k] = Math.tanh(0.3 * rng.normal() + (labels[i] ? 0.5 : -0.5));
  const { evaluator: ev, history } = await trainEvaluator({
    train: { images: imgs, labels },
    config: { channels: [4, 4, 4], hidden: 8, classes: 2 },
    epochs: 3,
    batchSize: 32,
    seed: 1,
  });
  assert.ok(history[2].loss < history[0].loss, JSON.stringify(history));
  assert.ok(ev.accuracy(imgs, labels) > 0.9);
  const base = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'evaluator-')), 'ev');
  await ev.save(base, { note: 'test' });
  const back = await Evaluator.load(base);
  assert.equal(back.config, ev.config);
  assert.equal(Array.from(back.classify(imgs)), Array.from(ev.classify(imgs)));
  assert.is(back.meta.note, 'test');
  ev.dispose();
  back.dispose();
});

test.run();
