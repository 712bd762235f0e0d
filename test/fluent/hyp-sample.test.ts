/** The fluent API on tiny trained checkpoints: known behaviour of sample / embed, cross-checked against the model functions. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { ConfigError, ValueError } from '../../sdk/core/errors';
import { setProgressSink } from '../../sdk/core/progress';
import { Hyp, hyp, hypCacheInfo } from '../../sdk/fluent';
import { decodeCodes, fuseCodes, stochasticCode, encodeSemantic, toBall, codeRadii } from '../../sdk/models/hypdae';
import { show, simulateNotebook } from '../../sdk/viz/display';
import { poincareDiskFigure } from '../../sdk/viz/figures';
import { rejectsTyped } from '../helpers/expect-error';
import { blobs, tinyHypdae } from './hyp-fixture';

let h: Hyp;
let eu: Hyp;
let dir: string;
const img = () => blobs(1);

test.before(async () => {
  await ready();
  dir = await tinyHypdae();
  h = hyp.from({ dir });
  eu = hyp.from({ dir, space: 'euclidean' });
});
test.after(() => {
  h.dispose();
  eu.dispose();
});

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => v === b[i]);
const norm = (v: number[]) => Math.hypot(...v);

test('sample(n): n images of 32×32 in [−1, 1], as an image array with a PNG grid; save writes that PNG', async () => {
  const b = await h.encode(img()).perturb(5.5).sample(3);
  assert.equal(b.shape, [3, 32, 32, 1]);
  assert.is(b.data.length, 3 * 1024);
  assert.is(b.range, '[-1,1]');
  assert.ok(b.data.every((v) => v >= -1 && v <= 1 && Number.isFinite(v)));
  assert.equal([b.info.groups, b.info.perGroup], [1, 3]);
  assert.equal(b.image(2).shape, [32, 32, 1]);
  assert.equal(Array.from(b.image(2).data), Array.from(b.data.subarray(2048)));
  assert.equal(Array.from(b.png.subarray(0, 4)), [0x89, 0x50, 0x4e, 0x47]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hyp-save-')), 'grid.png');
  assert.is(await b.save(file), file);
  assert.ok(same(fs.readFileSync(file), b.png));
  const meta = await sharp(file).metadata();
  assert.ok(meta.width! > 3 * 32 && meta.height! >= 32, `${meta.width}×${meta.height}`);
  assert.equal(fs.readdirSync(path.dirname(file)), ['grid.png']); // no temp file left
  await rejectsTyped(() => b.save(file.replace('.png', '.jpg')), ValueError, '.png');
  // the display bridge shows the PNG inline; the batch offers its own bundle too
  const sent: unknown[] = [];
  const restore = simulateNotebook((msg) => sent.push(msg.data));
  show(b.png);
  restore();
  assert.ok((sent[0] as Record<string, string>)['image/png'].length > 100);
  assert.is(b.toMimeBundle()['image/png'], Buffer.from(b.png).toString('base64'));
  assert.match(String(b), /1 × 3 images/);
});

test('same seed → bit-identical images; another seed → different; an explicit perturb seed wins over .seed()', async () => {
  const base = h.encode(img()).perturb(4.5);
  const a = await base.sample(4);
  const again = await base.sample(4);
  const other = await base.seed(7).sample(4);
  assert.ok(same(a.data, again.data));
  assert.ok(!same(a.data, other.data));
  // 4 different targets: the 4 outputs differ from each other
  assert.ok(!same(a.image(0).data, a.image(1).data));
  // with DDIM inversion (η = 0) the builder seed only feeds perturb: a fixed perturb seed fixes the images
  const fixed = h.encode(img()).perturb(4.5, { seed: 11 });
  assert.ok(same((await fixed.seed(1).sample(2)).data, (await fixed.seed(2).sample(2)).data));
  // fresh noise (strength) depends on the seed
  const s = h.encode(img()).strength(0.75);
  assert.ok(!same((await s.seed(1).sample(2)).data, (await s.seed(2).sample(2)).data));
  const fresh = await s.sample(2);
  assert.ok(!same(fresh.image(0).data, fresh.image(1).data), 'fresh noise per output');
});

test("no edit, one shot: the model's own Diff-AE path (DDIM inversion, guided decode) bit for bit", async () => {
  const out = await h.encode(img()).sample(2);
  assert.ok(same(out.image(0).data, out.image(1).data), 'deterministic: both outputs equal');
  const stage1 = (await loaded()).s1;
  const ref = tf.tidy(() => {
    const x = tf.tensor4d(img(), [1, 32, 32, 1]);
    const z = encodeSemantic(stage1, x);
    const { noise } = stochasticCode(stage1, x, z);
    return decodeCodes(stage1, z, { noise });
  });
  assert.ok(same(ref.dataSync(), out.image(0).data));
  ref.dispose();
});

async function loaded() {
  const m = await h.load();
  return { s1: m.stage1, s2: m.stage2! };
}

test('embed: perturbed codes sit at the requested radius; distance 0 is the code rescaled to R', async () => {
  const { s1, s2 } = await loaded();
  const src = tf.tidy(() => toBall(s2, encodeSemantic(s1, tf.tensor4d(img(), [1, 32, 32, 1]))));
  const srcBall = (src.arraySync() as number[][])[0];
  const srcR = tf.tidy(() => codeRadii(s2, src).dataSync()[0]);
  for (const R of [1.5, 4.5, 5.5, 6.2]) {
    const e = await h.encode(img()).perturb(R).embed(5);
    assert.equal(e.kind, ['input', 'output', 'output', 'output', 'output', 'output']);
    assert.equal(e.group, [0, 0, 0, 0, 0, 0]);
    assert.ok(Math.abs(e.radius[0] - srcR) < 1e-5, `input radius ${e.radius[0]} vs ${srcR}`);
    for (const r of e.radius.slice(1)) assert.ok(Math.abs(r - R) < 2e-3 * Math.max(1, R - 4), `R ${R}: got ${r}`);
    for (const p of e.coords) assert.ok(p.length === 2 && norm(p) < 1, `disk point ${p}`);
    assert.ok(e.explained > 0 && e.explained <= 1 + 1e-9);
  }
  const fig = poincareDiskFigure({
    points: (await h.encode(img()).perturb(4).embed(3)).coords,
    labels: ['input', 'output', 'output', 'output'],
    rings: [4],
  });
  assert.ok(fig.data.length > 0);
  const rescaled = await h.encode(img()).perturb(3, { distance: 0 }).embed(2);
  const want = srcBall.map((v) => (v / norm(srcBall)) * Math.tanh(3 / 2));
  for (const row of rescaled.ball.slice(1)) row.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-5, `${v} vs ${want[i]}`));
  src.dispose();
});

test("perturb toward: 'auto' (default) is 'seen' toward the folder's own codes (the pool stage-II training writes), 'random' without that pool, Fashion-MNIST codes on Fashion-MNIST checkpoints", async () => {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'stage1.json'), 'utf8')).meta;
  assert.match(String(meta.data), /^folder:/, 'stage I records what it was trained on');
  assert.ok(fs.existsSync(path.join(dir, 'target-pool.json')), 'stage-II training writes the pool of its training codes');
  const own = await h.encode(img()).perturb(4.5).embed(4);
  const ownNamed = await h.encode(img()).perturb(4.5, { toward: 'seen' }).embed(4);
  const random = await h.encode(img()).perturb(4.5, { toward: 'random' }).embed(4);
  assert.equal(own.ball, ownNamed.ball, "'auto' is 'seen' (the folder's own codes) when the pool is there");
  assert.ok(JSON.stringify(own.ball.slice(1)) !== JSON.stringify(random.ball.slice(1)), 'own codes are other targets than random points');
  // the same checkpoints without their pool: 'auto' falls back to random points, 'seen' has no codes to go to
  const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-nopool-'));
  for (const f of fs.readdirSync(dir).filter((n) => /^stage(1|2-hyperbolic-pseudo)\.(json|safetensors)$/.test(n)))
    fs.copyFileSync(path.join(dir, f), path.join(bare, f));
  const hb = hyp.from({ dir: bare });
  assert.equal(
    (await hb.encode(img()).perturb(4.5).embed(4)).ball,
    random.ball,
    "'auto' is 'random' on a folder-trained checkpoint without a pool",
  );
  await rejectsTyped(() => hb.encode(img()).perturb(4.5, { toward: 'seen' }).sample(1), ConfigError, "toward: 'random'");
  hb.dispose();
  fs.rmSync(bare, { recursive: true, force: true });
  // the same checkpoints, declared trained on Fashion-MNIST (the files' hash covers the weights, not the meta)
  const fm = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-fm-'));
  for (const f of fs.readdirSync(dir).filter((n) => /^stage(1|2-hyperbolic-pseudo)\.(json|safetensors)$/.test(n)))
    fs.copyFileSync(path.join(dir, f), path.join(fm, f));
  const j = JSON.parse(fs.readFileSync(path.join(fm, 'stage1.json'), 'utf8'));
  j.meta.data = 'fashion-mnist:G (test) seen classes';
  fs.writeFileSync(path.join(fm, 'stage1.json'), JSON.stringify(j));
  const hf = hyp.from({ dir: fm });
  const seen = await hf.encode(img()).perturb(4.5).embed(4);
  const named = await hf.encode(img()).perturb(4.5, { toward: 'seen' }).embed(4);
  const fmRandom = await hf.encode(img()).perturb(4.5, { toward: 'random' }).embed(4);
  assert.equal(seen.ball, named.ball, "'auto' is 'seen' on a Fashion-MNIST checkpoint");
  assert.ok(JSON.stringify(seen.ball.slice(1)) !== JSON.stringify(fmRandom.ball.slice(1)), 'other targets, other codes');
  for (const r of [...seen.radius.slice(1), ...fmRandom.radius.slice(1)]) assert.ok(Math.abs(r - 4.5) < 2e-3, `R 4.5: got ${r}`);
  hf.dispose();
  fs.rmSync(fm, { recursive: true, force: true });
  assert.throws(
    () => h.encode(img()).perturb(4.5, { toward: 'test' as never }),
    (e: unknown) => e instanceof ValueError && /'random', 'seen', 'auto'/.test(String(e)),
  );
});

test('radius limits are checked at the terminal call: beyond ln 499 in the ball (float32) is a ValueError; the twin has none', async () => {
  await rejectsTyped(() => h.encode(img()).perturb(6.5).sample(1), ValueError, 'hyp.perturb(radius)', '6.2126', 'float32');
  await rejectsTyped(() => h.encode(img()).interpolate(img(), 0.5, { radius: 7 }).embed(1), ValueError, 'float32');
  await rejectsTyped(() => h.encode(img()).steps(500).sample(1), ValueError, 'steps');
  const e = await eu.encode(img()).perturb(10).embed(3);
  assert.is(e.space, 'euclidean');
  for (const r of e.radius.slice(1)) assert.ok(Math.abs(r - 10) < 1e-4, `‖h‖ ${r}`);
});

test('interpolate: t = 0 keeps the code, t = 1 reaches the other code, radius option rescales', async () => {
  const other = blobs(4).subarray(3 * 1024);
  const a = await h.encode(img()).embed(1);
  const b = await h.encode(other).embed(1);
  const at0 = await h.encode(img()).interpolate(h.encode(other), 0).embed(1);
  const at1 = await h.encode(img()).interpolate(other, 1).embed(1);
  at0.ball[1].forEach((v, i) => assert.ok(Math.abs(v - a.ball[0][i]) < 1e-5));
  at1.ball[1].forEach((v, i) => assert.ok(Math.abs(v - b.ball[0][i]) < 1e-4, `${v} vs ${b.ball[0][i]}`));
  const mid = await h.encode(img()).interpolate(other, 0.5, { radius: 2.5 }).embed(1);
  assert.ok(Math.abs(mid.radius[1] - 2.5) < 1e-4);
  const img2 = await h.encode(img()).interpolate(other, 0.5).sample(2);
  assert.equal(img2.shape, [2, 32, 32, 1]);
});

test('fewShot: groups of k fused by the hyperbolic mean; sample() gives perOutput per group', async () => {
  const { s1, s2 } = await loaded();
  const four = blobs(4);
  const b = h.fewShot(four, { shots: 2, perOutput: 3 });
  const e = await b.embed();
  assert.equal(e.kind.filter((k) => k === 'input').length, 2);
  assert.equal(e.group, [0, 1, 0, 0, 0, 1, 1, 1]);
  const fused = tf.tidy(() => {
    const h4 = toBall(s2, encodeSemantic(s1, tf.tensor4d(four, [4, 32, 32, 1])));
    return tf.concat([fuseCodes(s2, tf.slice(h4, [0, 0], [2, -1])), fuseCodes(s2, tf.slice(h4, [2, 0], [2, -1]))]);
  });
  const want = fused.arraySync() as number[][];
  fused.dispose();
  for (const g of [0, 1]) want[g].forEach((v, i) => assert.ok(Math.abs(v - e.ball[g][i]) < 1e-5));
  const out = await b.perturb(5).sample();
  assert.equal(out.shape, [6, 32, 32, 1]);
  assert.equal([out.info.groups, out.info.perGroup], [2, 3]);
  const one = await h.fewShot(four, { shots: 1, perOutput: 2 }).perturb(5).strength(0.5).sample();
  assert.equal(one.shape, [8, 32, 32, 1]);
});

test('progress: one bar per terminal call, ticked once per DDIM step (inversion and decoding)', async () => {
  const seen: { label: string; total: number; ticks: number; done: number }[] = [];
  const quiet = process.env.HYPNEST_PROGRESS;
  delete process.env.HYPNEST_PROGRESS;
  setProgressSink({
    start(label, total) {
      const s = { label, total, ticks: 0, done: 0 };
      seen.push(s);
      return {
        tick: (n = 1) => {
          s.ticks += n;
        },
        done: () => {
          s.done++;
        },
      };
    },
  });
  try {
    await h.encode(img()).perturb(5).steps(3).sample(2);
    await h.fewShot(blobs(3), { perOutput: 2 }).strength(0.5).steps(4).sample();
  } finally {
    setProgressSink(undefined);
    if (quiet !== undefined) process.env.HYPNEST_PROGRESS = quiet;
  }
  assert.equal(
    seen.map((s) => s.label),
    ['hyp.sample(2)', 'hyp.sample(2)'],
  );
  assert.equal(
    seen.map((s) => [s.total, s.ticks, s.done]),
    [
      [3 + 3, 6, 1],
      [2, 2, 1],
    ],
  );
});

test('checkpoints load once per process, are shared by equal specs, and dispose() frees them', async () => {
  const dir = await tinyHypdae();
  const k = new Hyp().from({ dir, labels: 'real' });
  const before = tf.memory().numTensors;
  const loads = hypCacheInfo().loads;
  await k.encode(img()).perturb(3).sample(1);
  await k.from({}).encode(img()).perturb(3).sample(1);
  assert.is(hypCacheInfo().loads, loads + 1, 'stage I is shared with h; one new stage II');
  assert.ok(hypCacheInfo().stage2.some((p) => p.endsWith('stage2-hyperbolic-real')));
  const withModel = tf.memory().numTensors;
  k.dispose();
  await new Promise((r) => setImmediate(r));
  assert.ok(tf.memory().numTensors < withModel, 'variables freed');
  assert.ok(!hypCacheInfo().stage2.some((p) => p.endsWith('stage2-hyperbolic-real')));
  assert.ok(!hypCacheInfo().stage1.length, 'stage I of the same dir freed too');
  assert.ok(tf.memory().numTensors <= before);
  await h.encode(img()).sample(1); // loads again
  assert.ok(hypCacheInfo().stage1.length === 1);
});

test.run();
