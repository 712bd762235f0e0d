/** HypDAE few-shot methods (stochastic, hyperbolic@R, hyperbolic-real@R, euclidean@R) on tiny trained checkpoints. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { CheckpointError, ConfigError, ValueError } from '../../sdk/core/errors';
import { Rng } from '../../sdk/core/rng';
import { Evaluator } from '../../sdk/models/evaluator';
import { FewShotData, FewShotRequest, fewShotMethodNames, runFewShotEval } from '../../sdk/pipelines/eval';
import {
  AUTO_STEP,
  autoPerturbDistance,
  autoTurn,
  euclideanRadiusRatio,
  hypdaeMethod,
  hypdaeMethodNames,
  parseHypdaeMethod,
  recentre,
  registerHypdaeMethods,
} from '../../sdk/pipelines/eval/hypdae-methods';
import { rejectsTyped } from '../helpers/expect-error';
import { blobs, throwsTyped, tinyHypdae } from '../fluent/hyp-fixture';

let dir: string;
test.before(async () => {
  await ready();
  dir = await tinyHypdae();
});

/** count 28×28 inputs cropped from the blobs (as the protocol's data, side 28). */
const request = (seed: number, count = 2, m = 3): FewShotRequest => ({
  inputs: recentre(blobs(count), count, 32, 28),
  count,
  side: 28,
  outputsPerInput: m,
  classId: 7,
  seed,
  runSeed: seed,
});
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

test('names: kind[@value] with defaults; typos suggest the nearest kind', () => {
  assert.equal(parseHypdaeMethod('hyperbolic'), { kind: 'hyperbolic', value: 5.5 });
  assert.equal(parseHypdaeMethod('hyperbolic@3.0'), { kind: 'hyperbolic', value: 3 });
  assert.equal(parseHypdaeMethod('hyperbolic-real@4.5'), { kind: 'hyperbolic-real', value: 4.5 });
  assert.equal(parseHypdaeMethod('euclidean@6.2'), { kind: 'euclidean', value: 6.2 });
  assert.equal(parseHypdaeMethod('stochastic'), { kind: 'stochastic', value: 1 });
  throwsTyped(() => parseHypdaeMethod('hyperbolik@5'), ConfigError, "Did you mean 'hyperbolic'");
  throwsTyped(() => parseHypdaeMethod('hyperbolic@'), ConfigError);
  throwsTyped(() => parseHypdaeMethod('hyperbolic@-1'), ConfigError);
  throwsTyped(() => hypdaeMethod('stochastic@1.5', dir), ConfigError, 'strength');
  const names = hypdaeMethodNames();
  for (const n of [
    'stochastic',
    'hyperbolic',
    'hyperbolic@6.2',
    'hyperbolic@5.5',
    'hyperbolic@4.5',
    'hyperbolic@3.0',
    'hyperbolic-real@5.5',
    'euclidean',
    'euclidean@3.0',
  ]) {
    assert.ok(names.includes(n), n);
  }
});

test('auto distance and the canvas helpers', () => {
  assert.is(autoPerturbDistance('hyperbolic', 5.8), AUTO_STEP);
  assert.is(autoPerturbDistance('hyperbolic', 0.3), AUTO_STEP);
  const deg = (R: number) => (autoTurn(R) * 180) / Math.PI;
  assert.ok(
    Math.abs(deg(5.5) - 31.06) < 0.05 && Math.abs(deg(4.5) - 77.35) < 0.05 && Math.abs(deg(6.2) - 8.45) < 0.05,
    `turns ${deg(6.2)}, ${deg(5.5)}, ${deg(4.5)}`,
  );
  // the twin's step turns a code at norm 2 toward a right-angle target at norm 2 by the ball's turn at R = 5.5
  const d = autoPerturbDistance('euclidean', 2, 5.5);
  assert.ok(Math.abs((Math.atan2(d / Math.SQRT2, 2 - d / Math.SQRT2) * 180) / Math.PI - deg(5.5)) < 1e-9);
  assert.is(autoPerturbDistance('euclidean', 2), autoPerturbDistance('euclidean', 2, 2));
  const x = new Rng(1).normals(2 * 784);
  const padded = recentre(x, 2, 28, 32);
  assert.is(padded[0], -1);
  assert.is(padded[1024 + 2 * 32 + 2], x[784]);
  assert.equal(Array.from(recentre(padded, 2, 32, 28)), Array.from(x));
});

test('euclidean radii match the hyperbolic ones through the mean code radius of the two checkpoints', async () => {
  const meanOf = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8')).meta.radius.mean as number;
  assert.is(await euclideanRadiusRatio(dir), meanOf('stage2-euclidean-pseudo') / meanOf('stage2-hyperbolic-pseudo'));
});

test('each kind: 28×28 outputs in [−1, 1], count × m of them; same seed same images, another seed others', async () => {
  for (const name of ['stochastic', 'stochastic@0.5', 'hyperbolic@5.5', 'hyperbolic@3.0', 'hyperbolic-real', 'euclidean@4.5']) {
    const m = hypdaeMethod(name, dir);
    const a = await m.run(request(1));
    const b = await m.run(request(1));
    const c = await m.run(request(2));
    assert.is(a.length, 2 * 3 * 784, name);
    assert.ok(
      a.every((v) => v >= -1 && v <= 1),
      name,
    );
    assert.ok(same(a, b), `${name}: deterministic`);
    assert.ok(!same(a, c), `${name}: seed changes the outputs`);
    assert.ok(!same(a.subarray(0, 784), a.subarray(784, 1568)), `${name}: the outputs of one input differ`);
    await m.dispose();
  }
});

test('--strength: a perturbation method re-encodes its input per output instead of keeping the inverted code', async () => {
  const inverted = hypdaeMethod('hyperbolic@5.5', dir);
  const encoded = hypdaeMethod('hyperbolic@5.5', dir, { strength: 0.5 });
  const a = await inverted.run(request(1));
  const b = await encoded.run(request(1));
  const b2 = await encoded.run(request(1));
  assert.ok(b.every((v) => v >= -1 && v <= 1));
  assert.ok(same(b, b2), 'deterministic for a seed');
  assert.ok(!same(a, b), 'the stochastic code changed');
  await inverted.dispose();
  await encoded.dispose();
});

test("targets 'seen' (default): the perturbation steps toward codes of real seen-class images; deterministic, unlike random targets", async () => {
  const tensors = tf.memory().numTensors;
  const random = hypdaeMethod('hyperbolic@5.5', dir, { targets: 'random' });
  const seen = hypdaeMethod('hyperbolic@5.5', dir); // the default
  const twin = hypdaeMethod('euclidean@5.5', dir, { targets: 'seen' });
  const a = await random.run(request(1));
  const b = await seen.run(request(1));
  assert.ok(same(b, await seen.run(request(1))), 'deterministic for a seed');
  assert.ok(!same(a, b), 'other targets, other images');
  assert.ok(!same(b.subarray(0, 784), b.subarray(784, 1568)), 'the outputs of one input differ');
  assert.ok((await twin.run(request(1))).every((v) => v >= -1 && v <= 1));
  for (const m of [random, seen, twin]) await m.dispose();
  assert.is(tf.memory().numTensors, tensors);
});

test('a radius beyond the ball is a ValueError when the method runs; missing checkpoints a CheckpointError with the command', async () => {
  const tensors = tf.memory().numTensors;
  const far = hypdaeMethod('hyperbolic@7', dir);
  await rejectsTyped(() => Promise.resolve(far.run(request(0))), ValueError, '6.2126');
  await far.dispose();
  const nowhere = path.join(os.tmpdir(), 'hypnest-no-such-checkpoints');
  const none = hypdaeMethod('euclidean', nowhere);
  await rejectsTyped(() => Promise.resolve(none.run(request(0))), CheckpointError, 'npx hypnest train hypdae --stage 1');
  await none.dispose();
  assert.is(tf.memory().numTensors, tensors);
});

test('registered methods run in runFewShotEval, load lazily and free everything on dispose', async () => {
  const tensors = tf.memory().numTensors;
  const reg = registerHypdaeMethods(dir, { batch: 4, extra: ['hyperbolic@5.0', 'copy', 'nonsense@1'] });
  assert.ok(hypdaeMethodNames().every((n) => fewShotMethodNames().includes(n)));
  assert.ok(reg.names.includes('hyperbolic@5.0'), 'an extra radius is registered');
  assert.ok(!reg.names.includes('copy') && !reg.names.includes('nonsense@1'), 'names of other kinds are left alone');
  assert.is(tf.memory().numTensors, tensors, 'registering loads nothing');
  const ev = Evaluator.init({ channels: [4, 4, 4], hidden: 8 }, 3);
  const data: FewShotData = {
    inputs: (c, k) => ({ images: recentre(blobs(k), k, 32, 28), count: k, side: 28 }),
    reference: (c) => ({ images: new Rng(100 + c).normals(20 * 784).map((v) => Math.tanh(v)), count: 20, side: 28 }),
  };
  const r = await runFewShotEval({
    methods: ['copy', 'hyperbolic@4.5', 'euclidean@4.5', 'stochastic'],
    data,
    evaluator: ev,
    classes: [2, 7],
    inputsPerClass: 2,
    outputsPerInput: 3,
    seeds: [0],
  });
  assert.equal(
    r.methods.map((m) => m.name),
    ['copy', 'hyperbolic@4.5', 'euclidean@4.5', 'stochastic'],
  );
  for (const m of r.methods.slice(1)) assert.ok(m.mean.copyDistance > 0 && Number.isFinite(m.mean.fd), m.name);
  ev.dispose();
  await reg.dispose();
  assert.is(tf.memory().numTensors, tensors);
});

test.run();
