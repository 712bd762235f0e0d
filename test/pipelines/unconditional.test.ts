import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ready } from '../../sdk/core/backend';
import { splitT } from '../../sdk/data/splits';
import { Evaluator } from '../../sdk/models/evaluator';
import { loadNested, disposeNested, NestedModel } from '../../sdk/models/nested';
import { gaussianStats } from '../../sdk/metrics/fd';
import { requestedClasses, runUnconditionalEval, unconditionalMarkdown } from '../../sdk/pipelines/eval/unconditional';
import { latentFdPerDim, realLatents } from '../../sdk/pipelines/eval/latent-fd';
import { tinyNested } from '../models/nested/fixture';
import { rejectsTyped } from '../helpers/expect-error';
import { ConfigError, ValueError } from '../../sdk/core/errors';

let model: NestedModel;
let ev: Evaluator;
const t = () => splitT({ size: 32, fallback: 'embedded', limit: 300 });

test.before(async () => {
  await ready();
  model = (await loadNested(await tinyNested(3))).model;
  ev = await Evaluator.load();
});
test.after(() => disposeNested(model));

test('latent FD/d: near 0 for two noisings of the same real latents, ≈ shift² for latents shifted by 1', () => {
  const images = t().images;
  const a = realLatents(model, images, [0.5, 0.5], 1);
  const b = realLatents(model, images, [0.5, 0.5], 2);
  assert.equal(
    a.map((z) => z.length / 300),
    [8, 32],
  );
  const same = latentFdPerDim(model, a, b);
  for (const v of same) assert.ok(v >= 0 && v < 0.15, `same data: ${v}`); // only the small-sample bias of FD (n = 300)
  const shifted = latentFdPerDim(
    model,
    a.map((z) => z.map((v) => v + 1)),
    b,
  );
  for (const v of shifted) assert.ok(v > 0.9 && v < 1.3, `shifted by 1: ${v}`);
  assert.throws(() => realLatents(model, images, [0.5]), /2 variances/);
});

test('the unconditional run reports FD, KID, cost per level and the latent check, and writes its files', async () => {
  const ref = t();
  const features = ev.embed(ref.images);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-uncond-')), 'r');
  const r = await runUnconditionalEval({
    configs: [{ name: 'L=3', model, steps: 2, latentSteps: 2 }],
    n: 24,
    batch: 12,
    evaluator: ev,
    reference: { features, stats: gaussianStats(features), name: 'T subset', images: ref.images },
    out,
  });
  const row = r.rows[0];
  assert.is(row.levels, 3);
  assert.ok(Number.isFinite(row.fd.mean) && row.fd.mean > 0);
  assert.is(row.levelSeconds.length, 3);
  assert.is(row.evaluationsPerImage, 2 + 2 * 2 + 2); // default guidance [2, 2, 1]: level 1 has nothing to guide, level 2 guided, pixels unguided
  assert.is(row.latentFd!.length, 2);
  for (const v of row.latentFd!) assert.ok(Number.isFinite(v) && v >= 0);
  const md = fs.readFileSync(out + '.md', 'utf8');
  assert.match(md, 'latent FD/d per level');
  assert.equal(JSON.parse(fs.readFileSync(out + '.json', 'utf8')).rows[0].latentFd, row.latentFd);
});

test('the real-latents diagnostic holds every latent level at real latents and samples only the pixels', async () => {
  const ref = t();
  const features = ev.embed(ref.images);
  const reference = { features, stats: gaussianStats(features), name: 'T subset', images: ref.images };
  const r = await runUnconditionalEval({
    configs: [{ name: 'L=3 real latents', model, steps: 2, latentSteps: 2, realLatents: true }],
    n: 12,
    batch: 12,
    evaluator: ev,
    reference,
  });
  const row = r.rows[0];
  assert.is(row.realLatents, true);
  assert.is(row.latentFd, undefined);
  assert.is(row.evaluationsPerImage, 2); // the pixel level only, unguided at the default guidance [2, 2, 1]
  assert.ok(Number.isFinite(row.fd.mean));
  await rejectsTyped(
    () => runUnconditionalEval({ configs: [{ name: 'x', model, realLatents: true }], n: 400, batch: 100, evaluator: ev, reference }),
    ValueError,
    'at least 400 real latents',
  );
});

test('a conditional row asks for class i mod K, reports the recognisability of the requested class; refused on an unconditional model', async () => {
  const ref = t();
  const features = ev.embed(ref.images);
  const reference = { features, stats: gaussianStats(features), name: 'T subset', images: ref.images };
  const cond = (await loadNested(await tinyNested(2, false, true))).model;
  try {
    assert.equal(requestedClasses(10, 4, 8), [8, 9, 0, 1]);
    const r = await runUnconditionalEval({
      configs: [{ name: 'L=2 conditional', model: cond, steps: 2, latentSteps: 2, classes: true, guidance: [2, 1] }],
      n: 20,
      batch: 8,
      evaluator: ev,
      reference,
    });
    const row = r.rows[0];
    assert.is(row.conditioning, 'all + class');
    assert.ok(row.recognisability! >= 0 && row.recognisability! <= 1);
    assert.is(row.evaluationsPerImage, 2 * 2 + 2); // level 1 guided by the class, pixels unguided
    assert.match(unconditionalMarkdown(r), 'recog.');
    await rejectsTyped(
      () => runUnconditionalEval({ configs: [{ name: 'x', model, classes: true }], n: 4, batch: 4, evaluator: ev, reference }),
      ConfigError,
      'class-conditional',
    );
  } finally {
    disposeNested(cond);
  }
});

test.run();
