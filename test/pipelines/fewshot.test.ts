import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ready, tf } from '../../sdk/core/backend';
import { ConfigError, ShapeError } from '../../sdk/core/errors';
import { Rng } from '../../sdk/core/rng';
import { Evaluator } from '../../sdk/models/evaluator';
import { FewShotData, runFewShotEval } from '../../sdk/pipelines/eval';
import { fewShotMarkdown, mergeFewShotMethods } from '../../sdk/pipelines/eval/report';

let ev: Evaluator;
test.before(async () => {
  await ready();
  ev = Evaluator.init({ channels: [4, 4, 4], hidden: 8 }, 3);
});
test.after(() => ev.dispose());

/** Fake classes: random blobs with a class-dependent brightness. */
const fake: FewShotData = {
  inputs: (c, k) => ({ images: new Rng(c).normals(k * 784).map((v) => Math.tanh(0.5 * v + c / 10 - 0.5)), count: k, side: 28 }),
  reference: (c) => ({ images: new Rng(100 + c).normals(40 * 784).map((v) => Math.tanh(0.5 * v + c / 10 - 0.5)), count: 40, side: 28 }),
};
const small = { data: fake, classes: [2, 7], inputsPerClass: 4, outputsPerInput: 3 };

test('copy: copy distance 0, identity 1, recognisability in [0, 1]; report files written', async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fewshot-')), 'report');
  const before = tf.memory().numTensors;
  const r = await runFewShotEval({ ...small, methods: ['copy', 'augment'], seeds: [0, 1], evaluator: ev, out });
  assert.is(tf.memory().numTensors, before);
  const copy = r.methods.find((m) => m.name === 'copy')!;
  const aug = r.methods.find((m) => m.name === 'augment')!;
  assert.is(copy.mean.copyDistance, 0);
  assert.ok(Math.abs(copy.mean.identity - 1) < 1e-6);
  assert.is(copy.std.fd, 0); // copy ignores the seed
  assert.ok(aug.mean.copyDistance > 0 && aug.mean.diversity > copy.mean.diversity);
  assert.ok(copy.mean.recognisability >= 0 && copy.mean.recognisability <= 1);
  assert.is(r.n.generatedPerClass, 12);
  assert.equal(r.n.reference, { 2: 40, 7: 40 });
  const json = JSON.parse(fs.readFileSync(out + '.json', 'utf8'));
  assert.equal(json.seeds, [0, 1]);
  const md = fs.readFileSync(out + '.md', 'utf8');
  assert.match(md, /\| copy \|/);
  assert.match(md, /backend/);
});

test('a method returning the wrong number of images is a ShapeError; unknown names a ConfigError', async () => {
  const bad = { name: 'bad', run: () => new Float32Array(10) };
  try {
    await runFewShotEval({ ...small, methods: [bad], evaluator: ev });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ShapeError);
  }
  try {
    await runFewShotEval({ ...small, methods: ['cpy'], evaluator: ev });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match(String(e), /copy/);
  }
});

test('merging reports: a method run with other seeds pools them (mean ± std over all); rows keep their order', async () => {
  const a = await runFewShotEval({ ...small, methods: ['copy', 'augment'], seeds: [0], evaluator: ev });
  const b = await runFewShotEval({ ...small, methods: ['augment'], seeds: [1], evaluator: ev });
  const both = await runFewShotEval({ ...small, methods: ['augment'], seeds: [0, 1], evaluator: ev });
  const m = mergeFewShotMethods([a, b]);
  assert.equal(m.seeds, [0, 1]);
  assert.equal(
    m.methods.map((x) => x.name),
    ['copy', 'augment'],
  );
  const aug = m.methods[1];
  assert.equal(
    aug.perSeed.map((p) => p.seed),
    [0, 1],
  );
  assert.ok(Math.abs(aug.mean.fd - both.methods[0].mean.fd) < 1e-9 && Math.abs(aug.std.fd - both.methods[0].std.fd) < 1e-9);
  const md = fewShotMarkdown({ ...a, ...m });
  assert.match(md, /\| copy \(seed 0\) \|/);
  assert.match(md, /\| augment \| [0-9.]+ ± [0-9.]+ \|/);
  assert.throws(() => mergeFewShotMethods([a, a]), /appears twice/);
});

test.run();
