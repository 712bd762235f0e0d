import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError, ValueError, CheckpointError } from '../../sdk/core/errors';
import { nested } from '../../sdk/fluent/nested';
import { FIXTURE_ROOT, tinyNested } from '../models/nested/fixture';
import { rejectsTyped } from '../helpers/expect-error';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const base = () => nested.from(FIXTURE_ROOT).levels(3).steps(3, 3);

test.before(async () => {
  await tinyNested(3);
});
test.after(async () => {
  await nested.dispose();
});

test('builders are immutable and lazy', async () => {
  const a = base();
  const b = a.cfg([1.5, 1.3, 1.1]).seed(3).sigma(0.25);
  assert.is(a.plan.cfg, undefined);
  assert.is(a.plan.seed, 0);
  assert.equal(b.plan.cfg, [1.5, 1.3, 1.1]);
  assert.ok(Object.isFrozen(b.plan));
  assert.match(String(b), 'nested.levels(3).cfg([1.5, 1.3, 1.1]).sigma(0.25)');
  // A missing checkpoint fails only at the terminal call, with the command that makes it.
  const missing = nested.from('/nonexistent-hypnest').levels(2);
  await rejectsTyped(() => missing.generate(1), CheckpointError, 'hypnest train nested --levels 2');
});

test('fast(): the narrow-MLP checkpoint L<L>-mlp128x3 with 10 pixel and 20 latent steps; missing, the command that trains it', async () => {
  const fast = nested.from(FIXTURE_ROOT).levels(3).fast();
  assert.match(String(fast), 'nested.levels(3).fast()');
  await rejectsTyped(() => fast.generate(1), CheckpointError, 'hypnest train nested --levels 3 --mlp-width 128 --mlp-depth 3');
  await rejectsTyped(() => fast.classes([1]).generate(1), CheckpointError, '--mlp-depth 3 --classes');
  // at L = 1 (no latent MLPs) fast() is the L1 checkpoint at 10 steps
  assert.equal(nested.from(FIXTURE_ROOT).levels(1).fast().plan.fast, true);
  assert.is(base().fast(false).plan.fast, false);
  // a folder holding L3-mlp128x3 (here the tiny L3, copied): 20 latent steps (level 2 guided: 40 calls), 10 pixel steps
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-fast-'));
  try {
    fs.cpSync(path.join(FIXTURE_ROOT, 'L3'), path.join(dir, 'L3-mlp128x3'), { recursive: true });
    const t = await nested.from(dir).levels(3).fast().trace(1);
    assert.equal(
      t.levels.map((l) => l.evaluations),
      [20, 40, 10],
    );
    const overridden = await nested.from(dir).levels(3).fast().steps(2, 3).trace(1);
    assert.equal(
      overridden.levels.map((l) => l.evaluations),
      [3, 6, 2],
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('generate(n) gives n images; trace gives every level and its cost', async () => {
  const imgs = await base().generate(4);
  assert.is(imgs.count, 4);
  assert.ok(imgs.png.length > 100);
  const t = await base().seed(1).trace(2);
  assert.equal(
    t.levels.map((l) => [l.level, l.kind, l.dim]),
    [
      [1, 'latent', 8],
      [2, 'latent', 32],
      [3, 'pixels', 1024],
    ],
  );
  assert.equal(
    t.levels.map((l) => l.values.length),
    [16, 64, 2048],
  );
  // default guidance [2, 2, 1]: level 1 and the pixels unguided (one call per step), level 2 guided (two)
  assert.equal(
    t.levels.map((l) => l.evaluations),
    [6, 12, 6],
  );
});

test('same seed → bit-identical, another seed → different', async () => {
  const a = await base().seed(5).generate(2);
  const b = await base().seed(5).generate(2);
  const c = await base().seed(6).generate(2);
  assert.equal(Array.from(a.data), Array.from(b.data));
  assert.not.equal(Array.from(a.data), Array.from(c.data));
});

test('fix(level, latent | image) holds that level while the finer ones vary', async () => {
  const z = [0.3, -0.2, 1, 0, 0.5, -1, 0.2, 0];
  const a = await base().fix(1, z).seed(1).trace(2);
  const b = await base().fix(1, z).seed(2).trace(2);
  assert.equal(
    Array.from(a.levels[0].values).map((v) => Number(v.toFixed(5))),
    [...z, ...z].map((v) => Number(v.toFixed(5))),
  );
  assert.not.equal(Array.from(a.levels[1].values), Array.from(b.levels[1].values));
  const img = new Float32Array(32 * 32).map((_, i) => (i % 32 > 16 ? 0.8 : -0.8));
  const c = await base().fix(1, img).trace(1);
  assert.is(c.levels[0].values.length, 8);
  assert.is(c.levels[0].evaluations, 0);
});

test('bad input: typed errors that say what to do', async () => {
  assert.throws(
    () => nested.levels(0),
    (e: unknown) => e instanceof ValueError,
  );
  assert.throws(
    () => nested.cfg([0.5, NaN]),
    (e: unknown) => e instanceof ValueError,
  );
  assert.throws(
    () => nested.sigma(-1),
    (e: unknown) => e instanceof ValueError,
  );
  assert.throws(
    () => base().fix(3, [1]),
    (e: unknown) => e instanceof ValueError && /latent level 1…2/.test(e.message),
  );
  await rejectsTyped(() => base().cfg([1.5, 1.4, 1.3, 1.2, 1.1]).generate(1), ConfigError, '3 guidance scales');
  await rejectsTyped(() => base().sigma([0.5]).generate(1), ConfigError, 'one σ² or 2');
  await rejectsTyped(() => base().fix(1, [1, 2]).generate(1), ShapeError, '8 values');
  await rejectsTyped(() => base().generate(0), ValueError, 'positive integer');
});

test('200 repeated terminal calls leave tf.memory().numTensors unchanged', async () => {
  const b = base().steps(1, 1);
  await b.generate(1);
  const before = tf.memory().numTensors;
  const heap0 = process.memoryUsage().rss;
  for (let i = 0; i < 200; i++) await b.seed(i).generate(1);
  assert.is(tf.memory().numTensors, before);
  const grew = (process.memoryUsage().rss - heap0) / 2 ** 20;
  console.log(`  nested.generate ×200: numTensors ${before} → ${tf.memory().numTensors}; RSS +${grew.toFixed(1)} MiB`);
});

test('classes(): names or ids, cycled over the samples, from the L<L>-cond checkpoint; the first scale guides the class', async () => {
  await tinyNested(2, false, true);
  const b = nested.from(FIXTURE_ROOT).levels(2).steps(2, 2).classes(['Sneaker', 0]);
  assert.equal(b.plan.classes, [7, 0]);
  assert.match(String(b), 'classes([7, 0])');
  const t = await b.trace(4);
  assert.equal(t.images.info.settings.classes, [7, 0]);
  assert.equal(t.images.info.settings.unusedScales, []);
  assert.is(t.levels[0].evaluations, 4 * 2 * 2); // level 1 guided by the class (default scale 1.25)
  const other = await b.classes([1, 2]).trace(4);
  assert.not.equal(Array.from(t.levels[0].values), Array.from(other.levels[0].values));
  assert.throws(
    () => nested.classes([]),
    (e: unknown) => e instanceof ValueError,
  );
  assert.throws(
    () => nested.classes(['Hat']),
    (e: unknown) => e instanceof ValueError && /Sneaker/.test((e as Error).message),
  );
  assert.throws(
    () => nested.classes([10]),
    (e: unknown) => e instanceof ValueError,
  );
  // an unconditional model says its level-1 scale is unused
  const u = await base().generate(2);
  assert.equal(u.info.settings.unusedScales, [1]);
});

test.run();
