import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
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
  encodeSemantic,
  nullCode,
  stage1Denoiser,
  stage1Loss,
  decodeCodes,
  loadStage1,
  runHypdaeTraining,
  spatialCodeWidth,
  createStage2,
  toBall,
  fromBall,
  codeMap,
  ballCodeWidth,
  outputCodes,
  HYPDAE_FAITHFUL,
} from '../../../sdk/models/hypdae';
import { ShapeError } from '../../../sdk/core/errors';

const MAP = { size: 8, channels: 1 };
const spatial = () => hypdaeConfig({ ...HYPDAE_TINY, stage1: { ...HYPDAE_TINY.stage1, codeDim: 8 + 64, spatialCode: MAP } });
const images = randomImages;
const value = firstValue;
/** A stage I whose zero-initialised layers (the U-Net's last convs) are drawn at random, so every input reaches the output. */
const awake = () => {
  const s = createStage1(spatial());
  let seed = 10;
  for (const v of Object.values(s.params) as tf.Variable[])
    if (value(tf.max(tf.abs(v))) === 0) v.assign(tf.randomNormal(v.shape, 0, 0.1, 'float32', seed++));
  return s;
};
const disposeAll = (p: Record<string, tf.Tensor>) => Object.values(p).forEach((v) => v.dispose());

test.before(async () => {
  await ready();
});

test('stage1.spatialCode: absent by default (old checkpoints keep matching); sizes 16, 8, 4; the code must be wider than the map', () => {
  assert.not.ok('spatialCode' in hypdaeConfig().stage1);
  assert.is(spatialCodeWidth(hypdaeConfig().stage1), 0);
  const c = spatial();
  assert.equal(c.stage1.spatialCode, MAP);
  assert.is(spatialCodeWidth(c.stage1), 64);
  assert.match(formatHypdaeConfig(c), /code 72 \(of which a 8×8×1 map\)/);
  const refused = (o: object, field: RegExp) =>
    assert.throws(
      () => hypdaeConfig({ ...HYPDAE_TINY, stage1: { ...HYPDAE_TINY.stage1, ...o } }),
      (e: Error) => e instanceof ConfigError && field.test(e.message),
    );
  refused({ codeDim: 64, spatialCode: MAP }, /codeDim/);
  refused({ codeDim: 100, spatialCode: { size: 5, channels: 1 } }, /spatialCode\.size/);
  refused({ codeDim: 100, spatialCode: { size: 8, channels: 0 } }, /spatialCode\.channels/);
  refused({ codeDim: 100, spatialCode: { size: 8, chanels: 1 } }, /spatialCode/);
});

test('the encoder ends the code with a layer-normed map; the decoder sees the map as a picture, and the null code for an absent cond', () => {
  const fresh = createStage1(spatial());
  assert.equal(fresh.unet.inChannels, 2);
  const x = images(3, 1);
  const z0 = encodeSemantic(fresh, x);
  assert.equal(z0.shape, [3, 72]);
  const map = tf.slice(z0, [0, 8], [3, 64]);
  const { mean, variance } = tf.moments(map, 1);
  assert.ok(value(tf.max(tf.abs(mean))) < 1e-4);
  assert.ok(value(tf.max(tf.abs(tf.sub(variance, 1)))) < 1e-2);
  tf.dispose([z0, map, mean, variance]);
  disposeAll(fresh.params);
  const s = awake();
  const z = encodeSemantic(s, x);
  const t = tf.tensor1d([10, 50, 90], 'int32');
  const den = stage1Denoiser(s);
  const base = den(x, t, z);
  // Only the map's first cell (the image's top-left 4×4 pixels) changes: the output changes most there.
  const bumped = tf.add(z, tf.mul(tf.oneHot(tf.fill([3], 8, 'int32'), 72), 3));
  const diff = tf.abs(tf.sub(den(x, t, bumped), base));
  const corner = value(tf.mean(tf.slice(diff, [0, 0, 0, 0], [3, 4, 4, 1])));
  const far = value(tf.mean(tf.slice(diff, [0, 24, 24, 0], [3, 8, 8, 1])));
  assert.ok(corner > 1e-3 && corner > 2 * far, `change near the cell ${corner}, far from it ${far}`);
  const absent = den(x, t, undefined);
  const explicit = den(x, t, tf.tile(tf.reshape(nullCode(s), [1, 72]), [3, 1]));
  assert.ok(value(tf.max(tf.abs(tf.sub(absent, explicit)))) < 1e-6);
  tf.dispose([x, z, t, base, bumped, diff, absent, explicit]);
  disposeAll(s.params);
});

test("the loss's gradient reaches the encoder's map, and guided decoding leaks no tensors", () => {
  const s = awake();
  const x = images(4, 2);
  const w = s.params['enc.map.w'] as tf.Variable;
  const { grads, value: loss } = tf.variableGrads(() => stage1Loss(s, { x, xAug: x }, new Rng(3)), [w]);
  assert.ok(value(tf.max(tf.abs(grads['enc.map.w'] ?? Object.values(grads)[0]))) > 0);
  tf.dispose([loss, ...Object.values(grads)]);
  const before = tf.memory().numTensors;
  const z = encodeSemantic(s, x);
  const y = decodeCodes(s, z, { seed: 1, guidance: 2, steps: 3 });
  assert.equal(y.shape, [4, 32, 32, 1]);
  tf.dispose([z, y]);
  assert.is(tf.memory().numTensors, before);
  x.dispose();
  disposeAll(s.params);
});

test("stage II maps only the code's vector part into the ball; fromBall ends each code with the map it is given", () => {
  const c = spatial();
  assert.is(ballCodeWidth(c.stage1), 8);
  const s1 = createStage1(c);
  const s2 = createStage2(c, 3);
  assert.equal(s2.params['enc.in.w'].shape[0], 8);
  const z = encodeSemantic(s1, images(2, 4));
  const other = tf.concat([tf.slice(z, [0, 0], [2, 8]), tf.zeros([2, 64])], 1);
  const h = toBall(s2, z);
  assert.ok(value(tf.max(tf.abs(tf.sub(h, toBall(s2, other))))) < 1e-6, 'the map does not reach the ball');
  const map = codeMap(c.stage1, z)!;
  const back = fromBall(s2, h, map);
  assert.equal(back.shape, [2, 72]);
  assert.ok(value(tf.max(tf.abs(tf.sub(tf.slice(back, [0, 8], [2, 64]), map)))) === 0);
  assert.throws(
    () => fromBall(s2, h),
    (e: Error) => e instanceof ShapeError && /map/.test(e.message),
  );
  tf.dispose([z, other, h, map, back]);
  disposeAll(s1.params);
  disposeAll(s2.params);
});

test("the pipeline: a perturbation toward random points keeps each input's map, an interpolation blends the two maps by t", () => {
  const c = spatial();
  const s1 = createStage1(c);
  const s2 = createStage2(c, 3);
  const x = images(2, 5);
  const z = encodeSemantic(s1, x);
  const codes = z.dataSync() as Float32Array;
  const map = codeMap(c.stage1, z)!;
  const before = tf.memory().numTensors;
  const perturb = { kind: 'perturb' as const, radius: 1, distance: 0.5, toward: 'random' as const, seed: 1 };
  const p = outputCodes({ s1, s2 }, { shots: 1, n: 3, edits: [perturb] }, codes);
  const gap = (a: tf.Tensor, b: () => tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b()))).dataSync()[0]);
  assert.ok(tf.tidy(() => gap(tf.slice(p.z, [0, 8], [6, 64]), () => tf.gather(map, [0, 0, 0, 1, 1, 1]))) === 0);
  const other = x.dataSync() as Float32Array;
  const mix = { kind: 'interpolate' as const, other: other.slice(1024), otherShots: 1, t: 0.25 };
  const q = outputCodes({ s1, s2 }, { shots: 1, n: 1, edits: [mix] }, codes.slice(0, 72));
  const blend = () => tf.add(tf.mul(tf.slice(map, [0, 0], [1, -1]), 0.75), tf.mul(tf.slice(map, [1, 0], [1, -1]), 0.25));
  assert.ok(tf.tidy(() => gap(tf.slice(q.z, [0, 8], [1, 64]), blend)) < 1e-5);
  tf.dispose([p.z, p.source!, p.edited!, q.z, q.source!, q.edited!]);
  assert.is(tf.memory().numTensors, before, 'outputCodes leaks no tensors');
  tf.dispose([x, z, map]);
  disposeAll(s1.params);
  disposeAll(s2.params);
});

test("a perturbation toward image codes moves each map toward its target's by the fraction the code turned", () => {
  const c = spatial();
  const s1 = createStage1(c);
  const s2 = createStage2(c, 3);
  const z = encodeSemantic(s1, images(1, 6));
  const poolZ = encodeSemantic(s1, images(3, 7));
  const [codes, pool] = [z.dataSync() as Float32Array, poolZ.dataSync() as Float32Array];
  const [map, poolMaps] = [codeMap(c.stage1, z)!, codeMap(c.stage1, poolZ)!];
  const before = tf.memory().numTensors;
  const rowMaps = (distance: number) => {
    const p = outputCodes(
      { s1, s2, pool },
      { shots: 1, n: 4, edits: [{ kind: 'perturb', radius: 1, distance, toward: 'seen', seed: 2 }] },
      codes,
    );
    const rows = tf.tidy(() => tf.unstack(tf.slice(p.z, [0, 8], [4, 64])).map((r) => r.dataSync() as Float32Array));
    tf.dispose([p.z, p.source!, p.edited!]);
    return rows;
  };
  const dist = (a: Float32Array, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(tf.tensor1d(a), tf.reshape(b, [-1])))).dataSync()[0]);
  const targets = tf.unstack(poolMaps);
  // no step: every map stays the input's
  for (const r of rowMaps(0)) assert.ok(dist(r, map) < 1e-6);
  // a step past every target: every map is one of the pool's maps
  for (const r of rowMaps(50)) assert.ok(Math.min(...targets.map((t) => dist(r, t))) < 1e-5, 'the map reached its target');
  // half way: strictly between the input's map and the target's (a convex blend of the two)
  for (const r of rowMaps(0.1)) {
    const near = targets.reduce((a, t) => (dist(r, t) < dist(r, a) ? t : a));
    const f = tf.tidy(() => {
      const d = tf.sub(near, tf.reshape(map, [-1]));
      return tf.div(tf.sum(tf.mul(tf.sub(tf.tensor1d(r), tf.reshape(map, [-1])), d)), tf.sum(tf.mul(d, d))).dataSync()[0];
    });
    assert.ok(f > 0 && f < 1, `fraction ${f}`);
  }
  tf.dispose(targets);
  assert.is(tf.memory().numTensors, before, 'outputCodes leaks no tensors');
  tf.dispose([z, poolZ, map, poolMaps]);
  disposeAll(s1.params);
  disposeAll(s2.params);
});

test('HYPDAE_FAITHFUL: v-prediction, the clean image, a 64 + 8×8×1 code', () => {
  const c = hypdaeConfig(HYPDAE_FAITHFUL);
  assert.is(c.stage1.prediction, 'v');
  assert.equal(c.stage1.spatialCode, { size: 8, channels: 1 });
  assert.is(c.stage1.codeDim, 128);
  assert.is(ballCodeWidth(c.stage1), 64);
  assert.ok(Object.values(c.stage1.augment).every((v) => v === 0));
});

test('train hypdae with a spatial code writes a stage I that loads back with its map', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-spatial-'));
  try {
    const config = await runHypdaeTraining({ stage: '1', tiny: true, spatialCode: MAP, out, echo: false });
    assert.is(config.stage1.codeDim, 72);
    const { stage1 } = await loadStage1(path.join(out, 'stage1'), config);
    assert.equal(stage1.params['enc.map.w'].shape, [1, 1, 8, 1]);
    disposeAll(stage1.params);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test.run();
