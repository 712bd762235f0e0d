// Leaks: every terminal call, repeated (200 times by default, HYPNEST_LEAK_REPS overrides), leaves no tensor
// behind; the wasm heap growth is reported (and written to out/reliability/leaks.json).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import '../../sdk/core/grad';
import { Rng } from '../../sdk/core/rng';
import { ddimSample } from '../../sdk/diffusion/ddim';
import { ddimInvert } from '../../sdk/diffusion/inversion';
import { decodeCodes, stochasticCode } from '../../sdk/models/hypdae/generate';
import { perturbCodes } from '../../sdk/models/hypdae/edits';
import { encodeSemantic } from '../../sdk/models/hypdae/stage1';
import { toBall, disposeStage2 } from '../../sdk/models/hypdae/stage2';
import { Evaluator } from '../../sdk/models/evaluator';
import { frechetDistance } from '../../sdk/metrics/fd';
import { disposeParams } from '../../sdk/nn/params';
import { expectNoLeaks, leakReports, formatLeakReport } from './leaks';
import { randomImages, tinyStage1, tinyStage2, tinyUNet } from './tiny-models';

const REPS = Number(process.env.HYPNEST_LEAK_REPS ?? 200);

test.before(async () => {
  await ready();
});

test.after(() => {
  const dir = path.join(__dirname, '..', '..', 'out', 'reliability');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'leaks.json'), JSON.stringify(leakReports(), null, 1) + '\n');
  fs.writeFileSync(
    path.join(dir, 'leaks.md'),
    leakReports()
      .map((r) => `- ${formatLeakReport(r)}`)
      .join('\n') + '\n',
  );
});

test('expectNoLeaks catches a call that leaves one tensor behind (the helper can fail)', async () => {
  const kept: tf.Tensor[] = [];
  let failed = false;
  try {
    await expectNoLeaks(
      'leaky',
      () => {
        kept.push(tf.ones([2]));
        return tf.zeros([1]);
      },
      5,
      { print: false },
    );
  } catch (e) {
    failed = /1 tensors leaked|5 tensors leaked/.test((e as Error).message);
  }
  tf.dispose(kept);
  assert.ok(failed, 'a leak of one tensor per call is reported');
  // and an async call whose returned tensors are disposed by the helper passes
  await expectNoLeaks('async, returns an object of tensors', async () => ({ a: tf.ones([3]), b: [tf.zeros([2])], n: 1 }), 20, {
    print: false,
  });
});

test('diffusion: ddimSample (η = 0 and η = 0.5) and ddimInvert on a tiny U-Net', async () => {
  const { net, denoiser, schedule } = tinyUNet(0);
  const x = randomImages(1, 8, 1);
  await expectNoLeaks('ddimSample η=0, 3 steps', () => ddimSample(denoiser, x, schedule, { steps: 3, progress: false }), REPS);
  await expectNoLeaks(
    'ddimSample η=0.5, 3 steps',
    () => ddimSample(denoiser, x, schedule, { steps: 3, eta: 0.5, seed: 1, progress: false }),
    REPS,
  );
  await expectNoLeaks('ddimInvert, 3 steps, refine 2', () => ddimInvert(denoiser, x, schedule, { steps: 3, progress: false }), REPS);
  x.dispose();
  disposeParams(net.params);
});

test('HypDAE (tiny): decodeCodes, stochasticCode (invert, encode), perturbCodes', async () => {
  const s1 = tinyStage1(0);
  const s2 = tinyStage2(0);
  const x = randomImages(1, 32, 2);
  const z = encodeSemantic(s1, x);
  const h = toBall(s2, z);
  await expectNoLeaks('hypdae decodeCodes, 2 steps, guidance 2', () => decodeCodes(s1, z, { steps: 2, guidance: 2, seed: 3 }), REPS);
  await expectNoLeaks('hypdae stochasticCode invert, 2 steps', () => stochasticCode(s1, x, z, { steps: 2 }), REPS);
  await expectNoLeaks(
    'hypdae stochasticCode encode',
    () => stochasticCode(s1, x, z, { method: 'encode', strength: 0.5, steps: 4, seed: 1 }),
    REPS,
  );
  await expectNoLeaks('hypdae perturbCodes', () => perturbCodes(s2, h, { radius: 3, distance: 1, seed: 5 }), REPS);
  tf.dispose([x, z, h]);
  disposeParams(s1.params);
  disposeStage2(s2);
});

test('metrics: evaluator features and embed (shipped evaluator), FD on tensor inputs', async () => {
  const ev = await Evaluator.load();
  const imgs = randomImages(3, 28, 4);
  await expectNoLeaks('Evaluator.features (3 images)', () => ev.features(imgs), REPS);
  await expectNoLeaks('Evaluator.features with layers, batches of 2', () => ev.features(imgs, { layers: true, batchSize: 2 }), REPS);
  await expectNoLeaks('Evaluator.embed', () => ev.embed(imgs), REPS);
  const rng = new Rng(6);
  const a = tf.tensor2d(rng.normals(40 * 16), [40, 16]);
  const b = tf.tensor2d(rng.normals(40 * 16), [40, 16]);
  // FD itself is float64 JavaScript (ml-matrix); what touches tensors is reading tensor inputs
  await expectNoLeaks('frechetDistance (tensors 40×16)', () => frechetDistance(a, b), REPS);
  tf.dispose([imgs, a, b]);
  ev.dispose();
});

test.run();
