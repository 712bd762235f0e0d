/** The fluent builder: immutability, laziness (nothing runs before a terminal await), eager argument checks. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { CheckpointError, ConfigError, DataError, ShapeError, ValueError } from '../../sdk/core/errors';
import { hyp, hypCacheInfo } from '../../sdk/fluent';
import { rejectsTyped } from '../helpers/expect-error';
import { blobs, throwsTyped, tinyHypdae } from './hyp-fixture';

const img = () => blobs(1);
const nowhere = path.join(os.tmpdir(), 'hypnest-no-such-checkpoints');

test.before(async () => {
  await ready();
});

test('every method returns a new builder and leaves the original as it was', () => {
  const a = hyp.encode(img());
  const before = JSON.stringify(a.plan);
  const b = a.perturb(5.5, { seed: 3 });
  const c = b.interpolate(img(), 0.25).strength(0.5).steps(7).guidance(1.5).seed(9);
  assert.is.not(a, b);
  assert.is.not(b, c);
  assert.is(JSON.stringify(a.plan), before);
  assert.is(a.plan.edits.length, 0);
  assert.is(b.plan.edits.length, 1);
  assert.is(c.plan.edits.length, 2);
  assert.is(b.plan.strength, undefined);
  assert.equal([c.plan.strength, c.plan.steps, c.plan.guidance, c.plan.seed], [0.5, 7, 1.5, 9]);
  assert.ok(Object.isFrozen(a) && Object.isFrozen(a.plan) && Object.isFrozen(c.plan.edits) && Object.isFrozen(c.plan.edits[0]));
  try {
    (a.plan as { seed: number }).seed = 4;
  } catch {
    /* strict mode throws */
  }
  assert.is(a.plan.seed, 0);
  assert.match(
    String(c),
    /^hyp\.encode\(1 image \(pixels\)\)\.perturb\(5\.5, distance auto, toward auto, seed 3\)\.interpolate\(1 image \(pixels\), 0\.25\)\.strength\(0\.5\)\.steps\(7\)\.guidance\(1\.5\)\.seed\(9\)$/,
  );
});

test("the builder owns a copy of the pixels: changing or disposing the caller's data does not reach it", async () => {
  const px = img();
  const t = tf.tensor4d(px, [1, 32, 32, 1]);
  const fromArray = hyp.encode(px);
  const fromTensor = hyp.encode(t);
  px.fill(0.5);
  t.dispose();
  const a = await fromArray.plan.source.load();
  const b = await fromTensor.plan.source.load();
  assert.equal(Array.from(a), Array.from(img()));
  assert.equal(Array.from(b), Array.from(img()));
  a.fill(0); // a fresh array every time
  assert.equal(Array.from(await fromArray.plan.source.load()), Array.from(img()));
});

test('laziness: building a chain loads nothing and makes no tensors; a bad checkpoint folder fails only at the terminal call', async () => {
  const loads = hypCacheInfo().loads;
  const tensors = tf.memory().numTensors;
  const far = hyp.from({ dir: nowhere });
  const chain = far.fewShot(blobs(4), { shots: 2, perOutput: 3 }).perturb(5.5).interpolate(far.encode(img()), 0.5).strength(0.8).seed(2);
  const missingFile = far.encode(path.join(nowhere, 'no-such-image.png')).perturb(4);
  assert.is(hypCacheInfo().loads, loads);
  assert.is(tf.memory().numTensors, tensors);
  await rejectsTyped(() => chain.sample(), CheckpointError, nowhere, 'npx hypnest train hypdae');
  await rejectsTyped(() => chain.embed(), CheckpointError, 'stage1');
  await rejectsTyped(() => missingFile.sample(2), CheckpointError, 'npx hypnest train hypdae --stage 1');
  await rejectsTyped(
    () =>
      hyp
        .from({ dir: nowhere, space: 'euclidean', stage1: path.join(nowhere, 'x') })
        .encode(img())
        .perturb(2)
        .embed(),
    CheckpointError,
  );
  assert.is(tf.memory().numTensors, tensors);
});

test('images: 32×32 or 28×28 (padded with −1), one channel, finite, in [−1, 1]', async () => {
  const small = new Float32Array(784).fill(0.25);
  const px = await hyp.encode(small).plan.source.load();
  assert.is(px.length, 1024);
  assert.is(px[0], -1); // border
  assert.is(px[2 * 32 + 2], 0.25); // first pixel of the 28×28, at (2, 2)
  assert.is(px[29 * 32 + 29], 0.25);
  assert.is(px[30 * 32 + 30], -1);
  const tensors = tf.memory().numTensors;
  tf.tidy(() => {
    for (const shape of [
      [32, 32],
      [32, 32, 1],
      [1, 32, 32],
      [1, 32, 32, 1],
      [28, 28, 1],
    ]) {
      const n = shape.reduce((a, b) => a * b, 1);
      assert.is(hyp.encode(tf.zeros(shape)).plan.source.count, 1, `shape [${shape}]`);
      assert.is(hyp.encode({ data: new Float32Array(n), shape }).plan.source.count, 1);
    }
    throwsTyped(() => hyp.encode(tf.zeros([32, 32, 3])), ShapeError, /one channel/, /rgbToGrayscale/);
    assert.is(hyp.fewShot(tf.zeros([3, 32, 32])).plan.source.count, 3);
  });
  assert.is(tf.memory().numTensors, tensors);
  throwsTyped(() => hyp.encode(new Float32Array(3 * 1024)), ShapeError, /3 images/);
  throwsTyped(() => hyp.encode(new Float32Array(500)), ShapeError);
  throwsTyped(() => hyp.encode(new Float32Array(1024).fill(NaN)), ValueError, /NaN/);
  throwsTyped(() => hyp.encode(new Float32Array(1024).fill(200)), ValueError, /127\.5/);
  throwsTyped(() => hyp.encode(42 as never), ShapeError);
  throwsTyped(() => hyp.fewShot([], {}), ShapeError);
  throwsTyped(() => hyp.fewShot(blobs(3), { shots: 2 }), ShapeError, /dividing the 3 images/);
  assert.is(hyp.fewShot({ images: new Float32Array(5 * 784), count: 5, side: 28 }).plan.source.count, 5);
});

test('arguments are checked at the call, with typed errors; unknown options suggest the nearest', async () => {
  const b = hyp.encode(img());
  throwsTyped(() => b.perturb(0), ValueError, /ln 499/);
  throwsTyped(() => b.perturb(-1), ValueError);
  throwsTyped(() => b.perturb(NaN), ValueError);
  throwsTyped(() => b.perturb(5, { distanse: 2 } as never), ConfigError, /Did you mean 'distance'/);
  throwsTyped(() => b.perturb(5, { distance: -1 }), ValueError);
  throwsTyped(() => b.perturb(5, { seed: 1.5 }), ValueError);
  throwsTyped(() => b.interpolate(img(), NaN), ValueError);
  throwsTyped(() => b.interpolate(img(), 0.5, { raduis: 3 } as never), ConfigError, /radius/);
  throwsTyped(() => b.interpolate(b.perturb(3), 0.5), ConfigError, /unedited/);
  throwsTyped(() => b.interpolate(hyp.from({ dir: nowhere }).encode(img()), 0.5), ConfigError, /same hyp/);
  throwsTyped(() => hyp.fewShot(blobs(4), { shots: 2 }).interpolate(hyp.fewShot(blobs(3)), 0.5), ConfigError, /1 or 2 groups/);
  throwsTyped(() => b.strength(0), ValueError);
  throwsTyped(() => b.strength(1.5), ValueError);
  throwsTyped(() => b.steps(0), ValueError);
  throwsTyped(() => b.steps(2.5), ValueError);
  throwsTyped(() => b.guidance(Infinity), ValueError);
  throwsTyped(() => b.seed(-1), ValueError);
  throwsTyped(() => hyp.fewShot(blobs(2), { shot: 2 } as never), ConfigError, /Did you mean 'shots'/);
  throwsTyped(() => hyp.from({ space: 'spherical' as never }), ConfigError);
  throwsTyped(() => hyp.from({ dri: 'x' } as never), ConfigError, /Did you mean 'dir'/);
  // terminal calls never throw synchronously: they reject
  const p = b.sample(0);
  assert.instance(p, Promise);
  await rejectsTyped(() => p, ValueError, 'sample(n)');
  await rejectsTyped(() => b.embed(-2), ValueError, 'embed(n)');
});

test('a missing image file is a DataError at the terminal call (after the checkpoints load)', async () => {
  const h = hyp.from({ dir: await tinyHypdae() });
  const b = h.encode(path.join(nowhere, 'shoe.png'));
  await rejectsTyped(() => b.sample(1), DataError, 'shoe.png');
  h.dispose();
});

test.run();
