import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'path';
import { ConfigError, DataError, ValueError } from '../../sdk/core/errors';
import { CLASS_NAMES, SEEN_CLASSES, UNSEEN_CLASSES } from '../../sdk/data/classes';
import { embeddedDir, fashionMnistDir, fashionMnistPart } from '../../sdk/data/fashion-mnist';
import { fewShotInputs, referenceSet, splitE, splitG, splitT } from '../../sdk/data/splits';
import { throwsTyped } from '../helpers/expect-error';

const full = fashionMnistDir().found;
const src = full ? {} : { fallback: 'embedded' as const };

test('class constants', () => {
  assert.is(CLASS_NAMES[9], 'Ankle boot');
  assert.equal([...UNSEEN_CLASSES], [2, 6, 7]);
  assert.equal([...SEEN_CLASSES], [0, 1, 3, 4, 5, 8, 9]);
});

test('T: first label is 9 (Ankle boot); images in [-1, 1]; pixel scaling x = b/127.5 − 1', () => {
  const t = splitT({ ...src, limit: 100 });
  assert.is(t.labels[0], 9);
  assert.is(CLASS_NAMES[t.labels[0]], 'Ankle boot');
  assert.equal([t.n, t.height, t.width, t.channels], [100, 28, 28, 1]);
  const raw = fashionMnistPart('t10k', src);
  for (let i = 0; i < 784 * 100; i += 97) assert.ok(Math.abs(t.images[i] - (raw.images[i] / 127.5 - 1)) < 1e-6);
  assert.ok(t.images.every((v) => v >= -1 && v <= 1));
  assert.equal(Array.from(t.indices.subarray(0, 5)), [0, 1, 2, 3, 4]);
});

test('full splits: sizes and index ranges (G 0–29,999, E 30,000–59,999, T 10,000)', () => {
  if (!full) return;
  const g = splitG();
  assert.is(g.n, 30000);
  assert.is(g.indices[0], 0);
  assert.is(g.indices[g.n - 1], 29999);
  const e = splitE({ limit: 10 });
  assert.is(e.indices[0], 30000);
  assert.is(splitT().n, 10000);
  const gs = splitG({ seenOnly: true });
  assert.ok(gs.labels.every((l) => SEEN_CLASSES.includes(l)));
  const unseenInG = g.labels.filter((l) => UNSEEN_CLASSES.includes(l)).length;
  assert.is(gs.n, 30000 - unseenInG);
  assert.ok(unseenInG > 8000 && unseenInG < 10000);
});

test('few-shot inputs: the first 16 of the class in T, in file order, grouped by k', () => {
  const raw = fashionMnistPart('t10k', src);
  for (const c of UNSEEN_CLASSES) {
    const f = fewShotInputs(c, 1, src);
    const want: number[] = [];
    for (let p = 0; p < raw.n && want.length < 16; p++) if (raw.labels[p] === c) want.push(raw.indices[p]);
    assert.equal(Array.from(f.indices), want);
    assert.ok(f.labels.every((l) => l === c));
    assert.is(f.groups.length, 16);
    assert.equal(fewShotInputs(c, 5, src).groups, [
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14],
    ]);
  }
  assert.equal(Array.from(fewShotInputs(2, 1, src).indices.subarray(0, 3)), [1, 16, 20]);
});

test('reference set: the rest of the class in T, disjoint from the inputs', () => {
  const f = fewShotInputs(6, 1, src);
  const r = referenceSet(6, src);
  const t = splitT({ ...src, classes: [6] });
  assert.is(r.n, t.n - 16);
  if (full) assert.is(r.n, 1000 - 16);
  const inputs = new Set(f.indices);
  assert.ok(Array.from(r.indices).every((i) => !inputs.has(i)));
  assert.ok(r.indices[0] > f.indices[15]);
  assert.is(referenceSet(6, { ...src, limit: 10 }).n, 10);
});

test('size 32 pads with background (−1) and centres the 28 × 28 image', () => {
  const a = splitT({ ...src, limit: 3 });
  const b = splitT({ ...src, limit: 3, size: 32 });
  assert.equal([b.height, b.width], [32, 32]);
  for (let r = 0; r < 32; r++) {
    for (let c = 0; c < 32; c++) {
      const v = b.images[32 * 32 + r * 32 + c];
      const inside = r >= 2 && r < 30 && c >= 2 && c < 30;
      assert.is(v, inside ? a.images[784 + (r - 2) * 28 + (c - 2)] : -1);
    }
  }
  throwsTyped(() => splitT({ ...src, size: 20 }), ValueError, 'never cropped');
});

test('embedded subset: same few-shot inputs (indices and pixels) as the full data', () => {
  const opts = { dir: path.join(__dirname, 'no-such-dir'), fallback: 'embedded' as const };
  const t = splitT({ ...opts, limit: 1 });
  assert.ok(t.name.includes('embedded'));
  const g = splitG(opts);
  assert.ok(g.n >= 2000 && g.indices.every((i) => i < 30000));
  assert.ok(splitE(opts).indices.every((i) => i >= 30000));
  for (let c = 0; c < 10; c++) assert.ok(g.labels.includes(c), `class ${c} in embedded G`);
  if (!full) return;
  for (const c of UNSEEN_CLASSES) {
    const a = fewShotInputs(c, 1, opts);
    const b = fewShotInputs(c, 1);
    assert.equal(Array.from(a.indices), Array.from(b.indices));
    assert.equal(Array.from(a.images), Array.from(b.images));
    assert.ok(referenceSet(c, opts).n >= 250);
  }
  assert.ok(embeddedDir().endsWith(path.join('assets', 'data', 'fashion-mnist-subset')));
});

test('missing data: DataError says apt-get install; env var override is honoured', () => {
  throwsTyped(
    () => splitT({ dir: '/nonexistent/fmnist' }),
    DataError,
    'apt-get install dataset-fashion-mnist',
    '/nonexistent/fmnist',
    "fallback: 'embedded'",
  );
  const prev = process.env.HYPNEST_FASHION_MNIST;
  process.env.HYPNEST_FASHION_MNIST = '/nonexistent/env-path';
  try {
    throwsTyped(() => splitT(), DataError, '/nonexistent/env-path');
  } finally {
    if (prev === undefined) delete process.env.HYPNEST_FASHION_MNIST;
    else process.env.HYPNEST_FASHION_MNIST = prev;
  }
});

test('option errors', () => {
  throwsTyped(() => fewShotInputs(0, 1, src), ValueError, 'unseen class', 'a seen class');
  throwsTyped(() => fewShotInputs(2, 17, src), ValueError, '1..16');
  throwsTyped(() => splitG({ seenonly: true } as never), ConfigError, "Did you mean 'seenOnly'?");
  throwsTyped(() => splitT({ classes: [10] }), ConfigError, '0..9');
  throwsTyped(() => splitT({ fallback: 'yes' as never }), ConfigError, "'embedded' or 'none'");
  throwsTyped(() => splitG({ seenOnly: true, classes: [1] }), ConfigError, 'either seenOnly or classes');
});

test.run();
