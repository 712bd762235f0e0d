import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../../sdk/core/backend';
import '../../../sdk/core';
import { Rng } from '../../../sdk/core/rng';
import { ConfigError, CheckpointError } from '../../../sdk/core/errors';
import { AdamW } from '../../../sdk/train/adamw';
import { maxRadius } from '../../../sdk/hyperbolic/project';
import {
  HYPDAE_TINY,
  hypdaeConfig,
  formatHypdaeConfig,
  createStage1,
  encodeSemantic,
  stage1Denoiser,
  stage1Loss,
  createStage2,
  toBall,
  fromBall,
  stage2Loss,
  codeRadii,
  perturbCodes,
  fuseCodes,
  decodeCodes,
  stochasticCode,
  saveStage1,
  loadStage1,
  saveStage2,
  loadStage2,
  augmentBatch,
  kmeans,
  disposeStage2,
  perturbCodesAuto,
  runHypdaeTraining,
  clustersFromData,
} from '../../../sdk/models/hypdae';
import { stage1WorkerLoss } from '../../../sdk/models/hypdae/worker-loss';
import { saveImagePng } from '../../../sdk/data/png';
import { clearFashionMnistCache } from '../../../sdk/data/fashion-mnist';
import { TARGET_POOL, targetPoolImages } from '../../../sdk/models/hypdae/target-pool';

const cfg = () => hypdaeConfig(HYPDAE_TINY);
const images = (n: number, seed = 0) => {
  const r = new Rng(seed);
  return tf.tensor4d(
    Float32Array.from({ length: n * 1024 }, () => r.next() * 2 - 1),
    [n, 32, 32, 1],
  );
};

test.before(async () => {
  await ready();
});

test('config: defaults, printable, rejects misspelled and out-of-range fields', () => {
  const c = hypdaeConfig();
  assert.is(c.stage1.codeDim, 64);
  assert.is(c.stage2.ballDim, 16);
  assert.ok(Object.isFrozen(c.stage1.augment));
  assert.match(formatHypdaeConfig(c), /stage II: hyperbolic/);
  assert.throws(
    () => hypdaeConfig({ stage1: { codeDimm: 3 } as never }),
    (e: Error) => e instanceof ConfigError && /codeDim/.test(e.message),
  );
  assert.throws(
    () => hypdaeConfig({ stage2: { space: 'spherical' as never } }),
    (e: Error) => e instanceof ConfigError,
  );
  assert.throws(
    () => hypdaeConfig({ stage1: { condDrop: 1.5 } }),
    (e: Error) => e instanceof ConfigError,
  );
});

test('stage I shapes: code [B, codeDim], denoiser keeps the image shape', () => {
  const c = cfg();
  const s1 = createStage1(c);
  const x = images(3);
  const z = encodeSemantic(s1, x);
  assert.equal(z.shape, [3, c.stage1.codeDim]);
  const eps = stage1Denoiser(s1)(x, tf.tensor1d([0, 5, 99], 'int32'), z);
  assert.equal(eps.shape, [3, 32, 32, 1]);
  tf.dispose([x, z, eps]);
});

test('a few training steps lower the stage-I and stage-II losses on a fixed batch', () => {
  const c = cfg();
  const s1 = createStage1(c);
  const x = images(4, 1);
  const batch = { x, xAug: x };
  const loss1 = () => {
    const l = stage1Loss(s1, batch, new Rng(7));
    const v = l.dataSync()[0];
    l.dispose();
    return v;
  };
  const opt = new AdamW(s1.params);
  const names = Object.keys(s1.params);
  const before = loss1();
  for (let i = 0; i < 8; i++) {
    const { value, grads } = tf.variableGrads(
      () => stage1Loss(s1, batch, new Rng(7)),
      names.map((k) => s1.params[k]),
    );
    opt.step(Object.fromEntries(names.map((k) => [k, grads[s1.params[k].name]])), 2e-3);
    tf.dispose([value, ...Object.values(grads)]);
  }
  assert.ok(loss1() < before, `stage I loss ${before} → ${loss1()}`);
  const s2 = createStage2(c, 3);
  const b2 = {
    z: tf.randomNormal([16, c.stage1.codeDim], 0, 1, 'float32', 3) as tf.Tensor2D,
    y: tf.tensor1d(
      Array.from({ length: 16 }, (_, i) => i % 3),
      'int32',
    ),
  };
  const loss2 = () => {
    const l = stage2Loss(s2, b2);
    const v = l.dataSync()[0];
    l.dispose();
    return v;
  };
  const opt2 = new AdamW(s2.params);
  const n2 = Object.keys(s2.params);
  const b0 = loss2();
  for (let i = 0; i < 20; i++) {
    const { value, grads } = tf.variableGrads(
      () => stage2Loss(s2, b2),
      n2.map((k) => s2.params[k]),
    );
    opt2.step(Object.fromEntries(n2.map((k) => [k, grads[s2.params[k].name]])), 1e-2);
    tf.dispose([value, ...Object.values(grads)]);
  }
  assert.ok(loss2() < b0, `stage II loss ${b0} → ${loss2()}`);
  tf.dispose([x, b2.z, b2.y]);
  opt.dispose();
  opt2.dispose();
});

test('stage II maps codes into the ball and back; perturb lands at radius R; fusion of k codes is one code', () => {
  const c = cfg();
  const s2 = createStage2(c, 3);
  const z = tf.mul(tf.randomNormal([10, c.stage1.codeDim], 0, 1, 'float32', 1), 50);
  const h = toBall(s2, z);
  const r = codeRadii(s2, h).dataSync();
  for (const v of r) assert.ok(v < maxRadius(1) + 1e-4, `radius ${v}`);
  assert.equal(fromBall(s2, h).shape, [10, c.stage1.codeDim]);
  for (const R of [1.5, 4.5, 6.2]) {
    const p = perturbCodes(s2, h, { radius: R, distance: 2, seed: 3 });
    for (const v of codeRadii(s2, p).dataSync()) assert.ok(Math.abs(v - R) < 2e-2, `R ${R} got ${v}`);
    p.dispose();
  }
  const f = fuseCodes(s2, h);
  assert.equal(f.shape, [1, c.stage2.ballDim]);
  const e = hypdaeConfig({ ...HYPDAE_TINY, stage2: { ...HYPDAE_TINY.stage2, space: 'euclidean' } });
  const s2e = createStage2(e, 3);
  const he = toBall(s2e, z);
  const pe = perturbCodes(s2e, he, { radius: 3, distance: 1, seed: 0 });
  for (const v of codeRadii(s2e, pe).dataSync()) assert.ok(Math.abs(v - 3) < 1e-4);
  assert.throws(() => perturbCodes(s2, h, { radius: 7, distance: 1, seed: 0 }));
  tf.dispose([z, h, f, he, pe]);
  disposeStage2(s2);
  disposeStage2(s2e);
});

test("decoderNorm: 'layer' decodes a code and its rescaled copy alike (radius-blind), 'none' keeps the scale", () => {
  const gap = (norm: 'layer' | 'none') => {
    const c = hypdaeConfig({ ...HYPDAE_TINY, stage2: { ...HYPDAE_TINY.stage2, decoderNorm: norm } });
    const s2 = createStage2(c, 3);
    const out = tf.tidy(() => {
      const h = toBall(s2, tf.randomNormal([6, c.stage1.codeDim], 0, 1, 'float32', 2));
      const near = perturbCodes(s2, h, { radius: 1, distance: 0, seed: 0 }); // same directions, nearer the centre
      const far = perturbCodes(s2, h, { radius: 5, distance: 0, seed: 0 });
      const a = fromBall(s2, near);
      const b = fromBall(s2, far);
      return tf.div(tf.norm(tf.sub(a, b)), tf.norm(b)).dataSync()[0];
    });
    disposeStage2(s2);
    return out;
  };
  const blind = gap('layer');
  const aware = gap('none');
  assert.ok(aware > 3 * blind, `relative change of the decoded code, R 5 → 1: layer ${blind.toFixed(3)}, none ${aware.toFixed(3)}`);
  assert.throws(
    () => hypdaeConfig({ stage2: { decoderNorm: 'batch' as never } }),
    (e: unknown) => e instanceof ConfigError,
  );
});

test('save/load round trip of both stages; a different config is refused', async () => {
  const c = cfg();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypdae-'));
  const s1 = createStage1(c, 5);
  await saveStage1(path.join(dir, 's1'), s1, { step: 1 });
  const { stage1 } = await loadStage1(path.join(dir, 's1'), c);
  for (const k of Object.keys(s1.params)) assert.equal(stage1.params[k].dataSync(), s1.params[k].dataSync());
  const other = hypdaeConfig({ ...HYPDAE_TINY, stage1: { ...HYPDAE_TINY.stage1, lr: 0.5 } });
  let refused = false;
  try {
    await loadStage1(path.join(dir, 's1'), other);
  } catch (e) {
    refused = e instanceof CheckpointError;
  }
  assert.ok(refused);
  const s2 = createStage2(c, 3, 9);
  await saveStage2(path.join(dir, 's2'), s2);
  const { stage2 } = await loadStage2(path.join(dir, 's2'), c);
  for (const k of Object.keys(s2.params)) assert.equal(stage2.params[k].dataSync(), s2.params[k].dataSync());
  fs.rmSync(dir, { recursive: true });
});

test('encode, stochastic code and guided decoding leak no tensors', () => {
  const c = cfg();
  const s1 = createStage1(c);
  const x = images(2);
  const before = tf.memory().numTensors;
  const z = encodeSemantic(s1, x);
  const { noise } = stochasticCode(s1, x, z, { steps: 3 });
  const enc = stochasticCode(s1, x, z, { method: 'encode', strength: 0.5, steps: 4, seed: 1 });
  const y = decodeCodes(s1, z, { seed: 1, guidance: 2, steps: 3 });
  const y2 = decodeCodes(s1, z, { noise: enc.noise, startIndex: enc.startIndex, steps: 4 });
  assert.equal(y.shape, [2, 32, 32, 1]);
  assert.ok(tf.tidy(() => tf.max(tf.abs(y)).dataSync()[0]) <= 1);
  tf.dispose([z, noise, enc.noise, y, y2]);
  assert.is(tf.memory().numTensors, before);
  x.dispose();
});

test('augment: flip-only is a mirror image; kmeans recovers separated clusters', () => {
  const n = 2;
  const x = Float32Array.from({ length: n * 1024 }, (_, i) => (i % 32) / 31);
  const aug = augmentBatch(x, n, { flip: 1, shift: 0, rotate: 0, scale: 0, elastic: 0, blur: 0 }, new Rng(0));
  for (let i = 0; i < 32; i++) assert.ok(Math.abs(aug[5 * 32 + i] - x[5 * 32 + 31 - i]) < 1e-5);
  assert.throws(() => augmentBatch(x, 3, { flip: 0, shift: 0, rotate: 0, scale: 0, elastic: 0, blur: 0 }, new Rng(0)));
  const pts = new Float32Array([0, 0, 0.1, 0, 0, 0.1, 10, 10, 10.1, 10, 10, 10.2]);
  const km = kmeans(pts, 6, 2, 2, { seed: 1 });
  assert.is(km.labels[0], km.labels[2]);
  assert.is(km.labels[3], km.labels[5]);
  assert.is.not(km.labels[0], km.labels[3]);
});

test("k-means k follows the training data: its classes + 1 (8 on Fashion-MNIST's 7 seen classes, 19 on 18 letters)", () => {
  const labels = (classes: number) => Int32Array.from({ length: 100 }, (_, i) => i % classes);
  assert.is(clustersFromData(hypdaeConfig(), labels(7)).stage2.clusters, 8);
  assert.is(clustersFromData(hypdaeConfig(), labels(18)).stage2.clusters, 19);
  assert.is(clustersFromData(hypdaeConfig(), labels(1)).stage2.clusters, 2);
});

test("'auto' perturbation: the turn shrinks as the radius grows in the ball, and the twin turns alike toward random targets", () => {
  const turn = (space: 'hyperbolic' | 'euclidean', R: number): number => {
    const c = hypdaeConfig({ ...HYPDAE_TINY, stage2: { ...HYPDAE_TINY.stage2, ballDim: 16, space } });
    const s2 = createStage2(c, 3);
    const h = toBall(s2, tf.mul(tf.randomNormal([64, c.stage1.codeDim], 0, 1, 'float32', 2), 20));
    const p = perturbCodesAuto(s2, h, { radius: R, seed: 4 });
    for (const v of codeRadii(s2, p).dataSync()) assert.ok(Math.abs(v - R) < 2e-2, `${space} R ${R} got ${v}`);
    const unit = (x: tf.Tensor) => tf.div(x, tf.norm(x, 'euclidean', -1, true));
    const deg = tf.tidy(
      () => (tf.mean(tf.acos(tf.clipByValue(tf.sum(tf.mul(unit(h), unit(p)), -1), -1, 1))).dataSync()[0] * 180) / Math.PI,
    );
    tf.dispose([h, p]);
    disposeStage2(s2);
    return deg;
  };
  const hyp = [6.2, 5.5, 4.5, 3.0].map((R) => turn('hyperbolic', R));
  for (let i = 1; i < hyp.length; i++) assert.ok(hyp[i] > hyp[i - 1] + 5, `turns ${hyp.map((v) => v.toFixed(1))}`);
  assert.ok(hyp[0] < 15 && hyp[1] > 20 && hyp[1] < 45, `turns ${hyp.map((v) => v.toFixed(1))}`);
  const euc = [6.2, 5.5, 4.5, 3.0].map((R) => turn('euclidean', R));
  euc.forEach((v, i) =>
    assert.ok(Math.abs(v - hyp[i]) < 6, `euclidean ${euc.map((x) => x.toFixed(1))} vs ball ${hyp.map((x) => x.toFixed(1))}`),
  );
});

test("'auto' perturbation toward given codes: near the boundary the ball reaches near targets and barely moves toward far ones; the twin turns alike", () => {
  const turns = (space: 'hyperbolic' | 'euclidean', R: number): number[] => {
    const c = hypdaeConfig({ ...HYPDAE_TINY, stage2: { ...HYPDAE_TINY.stage2, ballDim: 16, space } });
    const s2 = createStage2(c, 3);
    const out = [5, 90].map((deg) =>
      tf.tidy(() => {
        const t = (deg * Math.PI) / 180;
        const a = new Float32Array(16);
        a[0] = 0.5;
        const b = new Float32Array(16);
        b[0] = 0.5 * Math.cos(t);
        b[1] = 0.5 * Math.sin(t);
        const h = tf.tensor2d(a, [1, 16]);
        const p = perturbCodesAuto(s2, h, { radius: R, seed: 0, toward: tf.tensor2d(b, [1, 16]) });
        assert.ok(Math.abs(codeRadii(s2, p).dataSync()[0] - R) < 2e-2);
        const v = p.dataSync();
        return (Math.atan2(v[1], v[0]) * 180) / Math.PI;
      }),
    );
    assert.throws(() => perturbCodesAuto(s2, tf.zeros([2, 16]), { radius: R, seed: 0, toward: tf.zeros([1, 16]) }), /toward/);
    disposeStage2(s2);
    return out;
  };
  const [near, far] = turns('hyperbolic', 6.2);
  assert.ok(Math.abs(near - 5) < 1 && far < 12, `ball at 6.2: ${near.toFixed(1)}° toward a 5° target, ${far.toFixed(1)}° toward a 90° one`);
  const [near3, far3] = turns('hyperbolic', 3);
  assert.ok(far3 > 80, `ball at 3: ${near3.toFixed(1)}°, ${far3.toFixed(1)}°`);
  const [en, ef] = turns('euclidean', 5.5);
  assert.ok(en > 20 && ef > 20 && Math.abs(en - ef) < 10, `twin at 5.5: ${en.toFixed(1)}°, ${ef.toFixed(1)}°`);
});

test('the target pool: 2,048 seen-class training images, from the full data or, without it, the shipped subset', () => {
  const full = targetPoolImages();
  assert.is(full.length, TARGET_POOL * 1024);
  assert.ok(full.every((v) => v >= -1 && v <= 1));
  const saved = process.env.HYPNEST_FASHION_MNIST;
  process.env.HYPNEST_FASHION_MNIST = path.join(os.tmpdir(), 'hypnest-no-fashion-mnist-here');
  clearFashionMnistCache();
  try {
    const sub = targetPoolImages();
    assert.is(sub.length % 1024, 0);
    assert.ok(sub.length / 1024 >= 2000, `${sub.length / 1024} images from the subset`);
  } finally {
    if (saved === undefined) delete process.env.HYPNEST_FASHION_MNIST;
    else process.env.HYPNEST_FASHION_MNIST = saved;
    clearFashionMnistCache();
  }
});

test("the data-parallel worker loss is stage I's loss (same parameters, batch and draws)", () => {
  const c = cfg();
  const s1 = createStage1(c);
  const x = images(4, 7);
  const batch = { x, xAug: tf.reverse(x, 2) as tf.Tensor4D };
  const a = stage1Loss(s1, batch, new Rng(11));
  const b = stage1WorkerLoss(s1.params, batch, { step: 0, lr: 0, rng: new Rng(11), init: c, shard: 0 });
  assert.ok(Math.abs(a.dataSync()[0] - b.dataSync()[0]) < 1e-6, `${a.dataSync()[0]} vs ${b.dataSync()[0]}`);
  tf.dispose([a, b, x, batch.xAug]);
  for (const v of Object.values(s1.params)) v.dispose();
});
/** A class-per-folder data set of noise under `dir`: classes a and b, 4 images of 32 × 32 each. */
async function noiseImageFolder(dir: string, seed: number): Promise<string> {
  const r = new Rng(seed);
  const folder = path.join(dir, 'images');
  for (const cls of ['a', 'b']) {
    fs.mkdirSync(path.join(folder, cls), { recursive: true });
    for (let i = 0; i < 4; i++) {
      const px = Float32Array.from({ length: 32 * 32 }, () => r.next() * 2 - 1);
      await saveImagePng(path.join(folder, cls, `${i}.png`), px, { height: 32, width: 32, channels: 1 });
    }
  }
  return folder;
}

test('stage I trains on two worker threads: the run completes and logs its workers', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-hypdae-workers-'));
  try {
    const folder = await noiseImageFolder(out, 3);
    await runHypdaeTraining({ stage: '1', tiny: true, workers: 2, out, images: folder, echo: false });
    const j = JSON.parse(fs.readFileSync(path.join(out, 'stage1.json'), 'utf8'));
    assert.is(j.meta.complete, true);
    assert.match(fs.readFileSync(path.join(out, 'stage1.log'), 'utf8'), /2 worker threads/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('train hypdae --ball-dim: stage II is trained in a ball of that dimension', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-hypdae-balldim-'));
  try {
    const folder = await noiseImageFolder(out, 5);
    const config = await runHypdaeTraining({ stage: 'all', tiny: true, ballDim: 3, out, images: folder, echo: false });
    assert.is(config.stage2.ballDim, 3);
    const { stage1 } = await loadStage1(path.join(out, 'stage1'), config);
    const { stage2 } = await loadStage2(path.join(out, 'stage2-hyperbolic-pseudo'), config);
    assert.equal(stage2.params['ball.weight'].shape, [3, 3]);
    disposeStage2(stage2);
    for (const v of Object.values(stage1.params)) v.dispose();
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test.run();
