import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { ConfigError, ShapeError, ValueError } from '../../sdk/core/errors';
import { Dataset, imageAt, imageList, labelsTensor, subset, toTensor } from '../../sdk/data/dataset';
import { batchRows, batches } from '../../sdk/data/batches';
import { CLASS_NAMES } from '../../sdk/data/classes';

test.before(async () => {
  await ready();
});

/** n images of 2 × 3 × 1 whose every pixel equals its row number / 100. */
function toy(n: number): Dataset {
  const images = new Float32Array(n * 6);
  for (let i = 0; i < n; i++) images.fill(i / 100, i * 6, (i + 1) * 6);
  return {
    images,
    labels: Int32Array.from({ length: n }, (_, i) => i % 10),
    indices: Int32Array.from({ length: n }, (_, i) => 1000 + i),
    n,
    height: 2,
    width: 3,
    channels: 1,
    name: 'toy',
    classNames: CLASS_NAMES,
  };
}

function throwsTyped(fn: () => unknown, type: Function, part: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, type, String(e));
    assert.ok((e as Error).message.includes(part), (e as Error).message);
    return;
  }
  assert.unreachable('expected an error');
}

test('toTensor / labelsTensor: shapes, selected rows, no leaks', () => {
  const ds = toy(7);
  const before = tf.memory().numTensors;
  const all = toTensor(ds);
  assert.equal(all.shape, [7, 2, 3, 1]);
  const some = toTensor(ds, [6, 0]);
  assert.equal(some.shape, [2, 2, 3, 1]);
  assert.ok(Math.abs(some.dataSync()[0] - 0.06) < 1e-7);
  assert.is(some.dataSync()[6], 0);
  const y = labelsTensor(ds, [3, 5]);
  assert.is(y.dtype, 'int32');
  assert.equal(Array.from(y.dataSync()), [3, 5]);
  tf.dispose([all, some, y]);
  assert.is(tf.memory().numTensors, before);
  throwsTyped(() => toTensor(ds, [7]), ShapeError, '[0, 7)');
});

test('imageList: every image as its own view, in order', () => {
  const ds = toy(3);
  const list = imageList(ds);
  assert.is(list.length, ds.n);
  list.forEach((im, i) => assert.equal(Array.from(im), Array.from(imageAt(ds, i))));
  assert.is(list[0].buffer, ds.images.buffer);
});

test('subset and imageAt', () => {
  const ds = toy(5);
  const s = subset(ds, [4, 1]);
  assert.equal(Array.from(s.indices), [1004, 1001]);
  assert.equal(Array.from(s.labels), [4, 1]);
  assert.ok(Math.abs(imageAt(s, 0)[5] - 0.04) < 1e-7);
  assert.is(imageAt(ds, 2).length, 6);
  throwsTyped(() => subset(ds, [1.5]), ShapeError, 'row numbers');
});

test('batches: same seed → same batches; each epoch covers every row once', () => {
  const a = [...batchRows(23, 5, { seed: 7, epochs: 2 })];
  const b = [...batchRows(23, 5, { seed: 7, epochs: 2 })];
  const c = [...batchRows(23, 5, { seed: 8, epochs: 2 })];
  assert.equal(a, b);
  assert.not.equal(a, c);
  assert.is(a.length, 10);
  assert.equal(
    a
      .slice(0, 5)
      .flat()
      .sort((x, y) => x - y),
    Array.from({ length: 23 }, (_, i) => i),
  );
  assert.not.equal(a.slice(0, 5).flat(), a.slice(5).flat(), 'epochs are reshuffled');
  assert.equal([...batchRows(23, 5, { shuffle: false })][0], [0, 1, 2, 3, 4]);
  assert.ok([...batchRows(23, 5, { dropLast: true })].every((r) => r.length === 5));
  throwsTyped(() => [...batchRows(10, 0)], ValueError, 'positive integer');
  throwsTyped(() => [...batchRows(10, 2, { sed: 1 } as never)], ConfigError, "Did you mean 'seed'?");
});

test('batch tensors match their rows; disposing them leaves no leaks', () => {
  const ds = toy(9);
  const before = tf.memory().numTensors;
  let seen = 0;
  for (const b of batches(ds, 4, { seed: 1 })) {
    assert.equal(b.x.shape, [b.rows.length, 2, 3, 1]);
    const x = b.x.dataSync();
    b.rows.forEach((r, i) => assert.ok(Math.abs(x[i * 6] - r / 100) < 1e-7));
    assert.equal(
      Array.from(b.y.dataSync()),
      b.rows.map((r) => r % 10),
    );
    seen += b.rows.length;
    tf.dispose([b.x, b.y]);
  }
  assert.is(seen, 9);
  assert.is(tf.memory().numTensors, before);
});

test.run();
