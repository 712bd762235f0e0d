import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ValueError } from '../../sdk/core/errors';
import { ImageBatch } from '../../sdk/fluent';

test('ImageBatch.group(g): the n images of group g in order, as views of the pixels; a bad index is a ValueError', async () => {
  const data = new Float32Array(2 * 3 * 1024).map((_, i) => Math.floor(i / 1024) / 10 - 0.5); // image k filled with k/10 − 0.5
  const b = await ImageBatch.create(data, { groups: 2, perGroup: 3, seconds: 0, settings: {} });
  const g1 = b.group(1);
  assert.is(g1.length, 3);
  assert.equal(
    g1.map((im) => im.data[0]),
    [3, 4, 5].map((k) => k / 10 - 0.5).map((v) => Math.fround(v)),
  );
  assert.is((g1[2].data as Float32Array).buffer, data.buffer, 'a view, not a copy');
  for (const bad of [-1, 2, 0.5])
    assert.throws(
      () => b.group(bad),
      (e: unknown) => e instanceof ValueError && /\[0, 2\)/.test(String(e)),
    );
});

test('ImageBatch.groupData(g): the pixels of group g back to back, a view; a bad index is a ValueError', async () => {
  const data = new Float32Array(2 * 3 * 1024).map((_, i) => Math.floor(i / 1024) / 10 - 0.5);
  const b = await ImageBatch.create(data, { groups: 2, perGroup: 3, seconds: 0, settings: {} });
  const px = b.groupData(1);
  assert.is(px.length, 3 * 1024);
  assert.is(px.buffer, data.buffer);
  assert.equal(Array.from(px), Array.from(data.subarray(3 * 1024)));
  assert.throws(
    () => b.groupData(2),
    (e: unknown) => e instanceof ValueError && /groupData/.test(String(e)),
  );
});

test.run();
