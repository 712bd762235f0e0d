import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ValueError } from '../../../sdk/core/errors';
import {
  condLayout,
  createLevelNet,
  defaultGuidance,
  disposeNested,
  generateNested,
  levelCond,
  loadNested,
  nestedConfig,
  NestedModel,
  NESTED_TINY,
  STATE_SAMPLE,
} from '../../../sdk/models/nested';
import { oneHotLabels } from '../../../sdk/models/nested/model';
import { runName } from '../../../sdk/models/nested/train';
import { param } from '../../../sdk/nn/params';
import { FIXTURE_ROOT, tinyNested } from './fixture';
import { rejectsTyped } from '../../helpers/expect-error';
import { runNestedTraining } from '../../../sdk/models/nested/train-main';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

let cond: NestedModel;
let uncond: NestedModel;
const opts = (o: Partial<Parameters<typeof generateNested>[1]> = {}) => ({
  n: 4,
  guidance: [1.5, 1.2],
  sigma2: [0],
  steps: 2,
  latentSteps: 3,
  seed: 3,
  ...o,
});

test.before(async () => {
  cond = (await loadNested(await tinyNested(2, false, true))).model;
  uncond = (await loadNested(await tinyNested(3))).model;
});
test.after(() => {
  disposeNested(cond);
  disposeNested(uncond);
});

test('config: classes is validated; the class goes to level 1 alone, to every latent level or to every level, after the latents, before σ', () => {
  assert.throws(
    () => nestedConfig({ classes: -1 }),
    (e: unknown) => e instanceof ConfigError && /0…1000/.test((e as Error).message),
  );
  assert.throws(
    () => nestedConfig({ classes: 2.5 }),
    (e: unknown) => e instanceof ConfigError,
  );
  // classLevels 'first' (the paper's): level 1 alone takes the class
  const c = nestedConfig({ levels: 3, classes: 10, classLevels: 'first' });
  assert.equal(condLayout(c, 1), { latentLevels: [], latentWidth: 0, classWidth: 10, sigmaWidth: 1, dropWidth: 10 });
  assert.equal(condLayout(c, 2).classWidth, 0);
  assert.is(runName(c), 'L3-cond-first');
  assert.is(runName(nestedConfig({ levels: 3 })), 'L3');
  // classLevels 'latents' (the default): every latent level takes the class after its coarser latents, the pixels do not
  const all = nestedConfig({ levels: 3, classes: 10 });
  assert.is(all.classLevels, 'latents');
  assert.equal(condLayout(all, 2), { latentLevels: [1], latentWidth: 8, classWidth: 10, sigmaWidth: 2, dropWidth: 18 });
  assert.is(condLayout(all, 3).classWidth, 0);
  assert.is(runName(all), 'L3-cond');
  // classLevels 'all': the pixel level takes the class too
  const every = nestedConfig({ levels: 3, classes: 10, classLevels: 'all' });
  assert.equal(condLayout(every, 3), { latentLevels: [1, 2], latentWidth: 40, classWidth: 10, sigmaWidth: 2, dropWidth: 50 });
  assert.equal(condLayout(every, 2), condLayout(all, 2));
  assert.is(runName(every), 'L3-cond-all');
  assert.throws(
    () => nestedConfig({ classes: 10, classLevels: 'pixels' as 'first' }),
    (e: unknown) => e instanceof ConfigError && /'first', 'latents' or 'all'/.test((e as Error).message),
  );
  // L = 1: the pixel level is level 1 and takes the class (no σ input).
  const c1 = nestedConfig({ ...NESTED_TINY, levels: 1, classes: 4 });
  assert.equal(condLayout(c1, 1), { latentLevels: [], latentWidth: 0, classWidth: 4, sigmaWidth: 0, dropWidth: 4 });
  const net = createLevelNet(c1, 1);
  assert.equal(param(net.params, 'null.latent').shape, [4]);
  tf.dispose(Object.values(net.params));
});

test('levelCond: one-hot labels, the learned null without labels or for the guidance branch', () => {
  const c = cond.config;
  const net = cond.nets[0];
  const sigma = tf.tensor2d([[0], [0]]);
  const y = oneHotLabels([3, 0], c.classes);
  const withY = levelCond(c, net, 1, [], sigma, false, y)!;
  const rows = withY.arraySync();
  assert.is(rows[0].length, c.classes + 1);
  assert.is(rows[0][3], 1);
  assert.is(rows[1][0], 1);
  assert.is(
    rows[0].slice(0, c.classes).reduce((a, b) => a + b, 0),
    1,
  );
  const nul = Array.from(param(net.params, 'null.latent').dataSync());
  for (const t of [levelCond(c, net, 1, [], sigma, true, y)!, levelCond(c, net, 1, [], sigma)!]) {
    const r = t.arraySync();
    assert.equal(
      r[1].slice(0, c.classes).map((v) => +v.toFixed(6)),
      nul.map((v) => +v.toFixed(6)),
    );
    t.dispose();
  }
  tf.dispose([sigma, y, withY]);
  assert.throws(
    () => oneHotLabels([c.classes], c.classes),
    (e: unknown) => e instanceof ValueError,
  );
});

test('a class-conditional model is trained with --classes (K from the data) and guides level 1 toward the class', () => {
  assert.is(cond.config.classes, 10);
  const before = tf.memory().numTensors;
  const guided = generateNested(cond, opts({ labels: [0, 1, 2, 3] }));
  // level 1 guided by the class: 2 evaluations per sample and step; level 2 guided by level 1's latent.
  assert.equal(
    guided.cost.map((c) => c.evaluations),
    [4 * 3 * 2, 4 * 2 * 2],
  );
  const other = generateNested(cond, opts({ labels: [5, 6, 7, 8] }));
  assert.not.equal(Array.from(guided.latents[0].dataSync()), Array.from(other.latents[0].dataSync()));
  // without labels: the learned null, so nothing to guide at level 1
  const free = generateNested(cond, opts());
  assert.equal(
    free.cost.map((c) => c.evaluations),
    [4 * 3, 4 * 2 * 2],
  );
  tf.dispose([guided, other, free].flatMap((g) => [g.images, ...g.latents]));
  assert.is(tf.memory().numTensors, before);
});

test('labels are refused by an unconditional model and checked against K and n', () => {
  assert.throws(
    () => generateNested(uncond, { n: 2, guidance: defaultGuidance(3), sigma2: [0, 0], steps: 1, latentSteps: 1, seed: 0, labels: [0, 1] }),
    (e: unknown) => e instanceof ConfigError && /class-conditional/.test((e as Error).message),
  );
  assert.throws(
    () => generateNested(cond, opts({ labels: [0, 1] })),
    (e: unknown) => e instanceof ValueError && /4 class labels/.test((e as Error).message),
  );
  assert.throws(
    () => generateNested(cond, opts({ labels: [0, 1, 2, 10] })),
    (e: unknown) => e instanceof ValueError,
  );
});

test('--reuse takes over the levels without a class input, trains level 1 alone', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-reuse-'));
  try {
    const plain = await tinyNested(2);
    for (const ext of ['.json', '.safetensors'])
      fs.copyFileSync(path.join(FIXTURE_ROOT, 'encoder' + ext), path.join(root, 'encoder' + ext));
    const r = await runNestedTraining({ levels: 2, classes: true, tiny: true, out: root, reuse: plain });
    assert.ok(r.complete);
    assert.ok(r.seconds.level1 !== undefined && r.seconds.level2 === undefined, JSON.stringify(r.seconds));
    const a = (await loadNested(plain)).model;
    const b = (await loadNested(r.file!)).model;
    const same = (k: string) => Array.from(a.nets[1].params[k].dataSync()).every((v, i) => v === b.nets[1].params[k].dataSync()[i]);
    assert.ok(Object.keys(a.nets[1].params).every(same));
    assert.is(b.config.classes, 10);
    assert.match(fs.readFileSync(path.join(root, 'L2-cond.log'), 'utf8'), /level 2: taken from the reused model/);
    disposeNested(a);
    disposeNested(b);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('--mlp-width retrains the latent levels only: the reused pixel level is the one a fresh run trains', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-reuse-mlp-'));
  try {
    // the model to reuse is trained here, in this process: the shared fixture may come from the other kernel pass
    // (native or wasm), whose rounding differs
    for (const ext of ['.json', '.safetensors'])
      fs.cpSync(path.join(FIXTURE_ROOT, 'encoder' + ext), path.join(root, 'p', 'encoder' + ext), { recursive: true });
    const plain = (await runNestedTraining({ levels: 2, tiny: true, out: path.join(root, 'p') })).file!;
    for (const dir of ['a', 'b'])
      for (const ext of ['.json', '.safetensors'])
        fs.cpSync(path.join(FIXTURE_ROOT, 'encoder' + ext), path.join(root, dir, 'encoder' + ext), { recursive: true });
    const reused = await runNestedTraining({ levels: 2, tiny: true, mlpWidth: 8, out: path.join(root, 'a'), reuse: plain });
    assert.ok(
      reused.complete && reused.seconds.level1 !== undefined && reused.seconds.level2 === undefined,
      JSON.stringify(reused.seconds),
    );
    assert.match(reused.file!, /L2-mlp8x1/);
    const fresh = await runNestedTraining({ levels: 2, tiny: true, mlpWidth: 8, out: path.join(root, 'b') });
    assert.ok(fresh.complete && fresh.seconds.level2 !== undefined);
    const [a, b, p] = await Promise.all([reused.file!, fresh.file!, plain].map(async (f) => (await loadNested(f)).model));
    try {
      assert.is(b.config.mlp.width, 8);
      const equal = (x: NestedModel, y: NestedModel, level: number) =>
        Object.keys(x.nets[level - 1].params).every((k) =>
          tf.util.arraysEqual(Array.from(x.nets[level - 1].params[k].dataSync()), Array.from(y.nets[level - 1].params[k].dataSync())),
        );
      assert.ok(equal(a, b, 2), 'the pixel level a fresh run trains equals the reused one');
      assert.ok(equal(a, b, 1), 'level 1 trains the same with or without --reuse');
      assert.is(a.nets[0].params['in.w'].shape[1], 8);
      assert.is(p.nets[0].params['in.w'].shape[1], 16);
    } finally {
      [a, b, p].forEach(disposeNested);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('--class-levels latents: every latent level learns the class, the pixel level is reused; refused without --classes', async () => {
  await rejectsTyped(() => runNestedTraining({ levels: 2, tiny: true, classLevels: 'latents' }), ConfigError, '--classes as well');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-classlevels-'));
  try {
    for (const ext of ['.json', '.safetensors'])
      fs.copyFileSync(path.join(FIXTURE_ROOT, 'encoder' + ext), path.join(root, 'encoder' + ext));
    const r = await runNestedTraining({
      levels: 3,
      classes: true,
      classLevels: 'latents',
      tiny: true,
      out: root,
      reuse: await tinyNested(3),
    });
    assert.ok(
      r.complete && r.seconds.level1 !== undefined && r.seconds.level2 !== undefined && r.seconds.level3 === undefined,
      JSON.stringify(r.seconds),
    );
    const m = (await loadNested(r.file!)).model;
    try {
      assert.is(m.config.classLevels, 'latents');
      // a level's training state records the base sampling settings, not the model's, so that a change of sampling
      // defaults never refuses a resume
      const state = ['a', 'b'].map((x) => path.join(root, 'L3-cond', `level1-train.${x}.json`)).find((f) => fs.existsSync(f))!;
      assert.equal(JSON.parse(fs.readFileSync(state, 'utf8')).config.nested.sample, { ...STATE_SAMPLE });
      assert.not.equal(m.config.sample, STATE_SAMPLE);
      const g = generateNested(m, { n: 4, guidance: [2, 2, 1], sigma2: [0, 0], steps: 2, latentSteps: 2, seed: 0, labels: [0, 1, 2, 3] });
      assert.equal(
        g.cost.map((c) => c.evaluations),
        [16, 16, 8],
      );
      tf.dispose([g.images, ...g.latents]);
      // 'all' on top of it: the class-taking latent levels are reused (they take it the same way), the pixels train
      const r2 = await runNestedTraining({ levels: 3, classes: true, classLevels: 'all', tiny: true, out: root, reuse: r.file! });
      assert.ok(
        r2.complete && r2.seconds.level1 === undefined && r2.seconds.level2 === undefined && r2.seconds.level3 !== undefined,
        JSON.stringify(r2.seconds),
      );
      const m2 = (await loadNested(r2.file!)).model;
      try {
        assert.is(m2.config.classLevels, 'all');
        for (const l of [0, 1])
          assert.ok(
            tf.tidy(
              () =>
                tf.max(tf.abs(tf.sub(param(m2.nets[l].params, 'null.latent'), param(m.nets[l].params, 'null.latent')))).dataSync()[0] === 0,
            ),
          );
        const g2 = generateNested(m2, {
          n: 4,
          guidance: [2, 2, 2],
          sigma2: [0, 0],
          steps: 2,
          latentSteps: 2,
          seed: 0,
          labels: [0, 1, 2, 3],
        });
        assert.equal(
          g2.cost.map((c) => c.evaluations),
          [16, 16, 16],
        );
        tf.dispose([g2.images, ...g2.latents]);
      } finally {
        disposeNested(m2);
      }
    } finally {
      disposeNested(m);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test.run();
