import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError, ValueError, CheckpointError } from '../../../sdk/core/errors';
import { loadNested, disposeNested, generateNested, defaultGuidance, NestedModel } from '../../../sdk/models/nested';
import { tinyNested } from './fixture';
import { rejectsTyped } from '../../helpers/expect-error';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

let model: NestedModel;
const opts = (o: Partial<Parameters<typeof generateNested>[1]> = {}) => ({
  n: 3,
  guidance: defaultGuidance(3),
  sigma2: [0.5, 0.5],
  steps: 3,
  latentSteps: 3,
  seed: 7,
  ...o,
});

test.before(async () => {
  model = (await loadNested(await tinyNested(3))).model;
});
test.after(() => disposeNested(model));

test('generates every level coarse to fine, with the cost of each', () => {
  const g = generateNested(model, opts());
  assert.equal(g.images.shape, [3, 32, 32, 1]);
  assert.equal(
    g.latents.map((z) => z.shape),
    [
      [3, 8],
      [3, 32],
    ],
  );
  assert.equal(
    g.cost.map((c) => c.level),
    [1, 2, 3],
  );
  // Level 1 has no latent condition (no guidance): n · steps; level 2 is guided (scale 2): 2 · n · steps; the pixel
  // level at the default scale 1 is not: n · steps.
  assert.equal(
    g.cost.map((c) => c.evaluations),
    [9, 18, 9],
  );
  const guided = generateNested(model, opts({ guidance: [2, 2, 1.5] }));
  assert.equal(
    guided.cost.map((c) => c.evaluations),
    [9, 18, 18],
  );
  tf.dispose([guided.images, ...guided.latents]);
  const px = g.images.dataSync();
  assert.ok(px.every((v) => v >= -1 && v <= 1 && Number.isFinite(v)));
  tf.dispose([g.images, ...g.latents]);
});

test('guidance scale 1 (plain conditional) at a level evaluates its denoiser once per step', () => {
  const g = generateNested(model, opts({ guidance: [1, 1, 1] }));
  assert.equal(
    g.cost.map((c) => c.evaluations),
    [9, 9, 9],
  );
  tf.dispose([g.images, ...g.latents]);
});

test('same seed → bit-identical; another seed → different', () => {
  const a = generateNested(model, opts());
  const b = generateNested(model, opts());
  const c = generateNested(model, opts({ seed: 8 }));
  assert.equal(Array.from(a.images.dataSync()), Array.from(b.images.dataSync()));
  assert.not.equal(Array.from(a.images.dataSync()), Array.from(c.images.dataSync()));
  tf.dispose([a.images, b.images, c.images, ...a.latents, ...b.latents, ...c.latents]);
});

test('every level samples with η = 1 (ancestral) by default; each η is its own knob', () => {
  assert.is(model.config.sample.latentEta, 1);
  assert.is(model.config.sample.eta, 1);
  const lat = (g: ReturnType<typeof generateNested>) => g.latents.map((z) => Array.from(z.dataSync()));
  const byDefault = generateNested(model, opts());
  const explicit = generateNested(model, opts({ latentEta: 1, eta: 1 }));
  const deterministic = generateNested(model, opts({ latentEta: 0 }));
  const pixelEta = generateNested(model, opts({ eta: 0 }));
  assert.equal(lat(byDefault), lat(explicit));
  assert.equal(Array.from(byDefault.images.dataSync()), Array.from(explicit.images.dataSync()));
  assert.not.equal(lat(byDefault), lat(deterministic));
  // the pixel η leaves the latents alone and changes the image
  assert.equal(lat(byDefault), lat(pixelEta));
  assert.not.equal(Array.from(byDefault.images.dataSync()), Array.from(pixelEta.images.dataSync()));
  for (const g of [byDefault, explicit, deterministic, pixelEta]) tf.dispose([g.images, ...g.latents]);
});

test('a fixed coarse level is held while finer levels vary', () => {
  const held = tf.tensor2d([[1, -1, 0.5, 0, 0, 2, -2, 0.1]]);
  const a = generateNested(model, opts({ fixed: [held], seed: 1 }));
  const b = generateNested(model, opts({ fixed: [held], seed: 2 }));
  assert.equal(Array.from(a.latents[0].dataSync()).slice(0, 8), Array.from(held.dataSync()));
  assert.equal(Array.from(a.latents[0].dataSync()), Array.from(b.latents[0].dataSync()));
  assert.not.equal(Array.from(a.latents[1].dataSync()), Array.from(b.latents[1].dataSync()));
  assert.equal(a.cost[0].evaluations, 0);
  tf.dispose([held, a.images, b.images, ...a.latents, ...b.latents]);
});

test('bad arguments raise typed errors that say what was expected', () => {
  const cases: [object, Function, string][] = [
    [{ guidance: [1.5, 1.4] }, ConfigError, '3 guidance scales'],
    [{ guidance: [0.5, NaN, 0.1] }, ValueError, 'finite'],
    [{ sigma2: [0.5] }, ConfigError, '2 variances'],
    [{ sigma2: [-1, 0] }, ConfigError, 'σ² ≥ 0'],
    [{ n: 0 }, ValueError, 'positive integer'],
    [{ steps: 1.5 }, ValueError, 'positive integer'],
    [{ fixed: [tf.zeros([1, 5])] }, ShapeError, '[1, 8]'],
  ];
  for (const [o, type, part] of cases) {
    try {
      tf.tidy(() => {
        generateNested(model, opts(o));
      });
      assert.unreachable(JSON.stringify(o));
    } catch (e) {
      assert.instance(e, type, String(e));
      assert.match((e as Error).message, part);
    }
  }
});

test('no tensor leaks over repeated generation', () => {
  const once = () => {
    const g = generateNested(model, opts({ n: 2 }));
    tf.dispose([g.images, ...g.latents]);
  };
  once();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) once();
  assert.is(tf.memory().numTensors, before);
});

test('a checkpoint that does not match its config is refused', async () => {
  const src = await tinyNested(3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nested-bad-'));
  const j = JSON.parse(fs.readFileSync(src + '.json', 'utf8'));
  j.config.nested.dims = [8, 16];
  fs.writeFileSync(path.join(dir, 'nested.json'), JSON.stringify(j));
  fs.copyFileSync(src + '.safetensors', path.join(dir, 'nested.safetensors'));
  await rejectsTyped(() => loadNested(path.join(dir, 'nested')), CheckpointError);
  await rejectsTyped(() => loadNested(path.join(dir, 'missing')), CheckpointError, 'hypnest train nested');
});

test.run();
