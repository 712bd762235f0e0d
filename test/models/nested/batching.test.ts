// Memory-bounded generation: generateNested runs n samples in batches, and sample i's noise comes from its own
// streams, so any batch size gives the same images, bit for bit; a batch split leaks no tensor.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '../../../sdk/core/errors';
import { generateNested } from '../../../sdk/models/nested/sample';
import { loadNested, disposeNested } from '../../../sdk/models/nested/checkpoint';
import type { NestedModel } from '../../../sdk/models/nested/model';
import { tinyNested } from './fixture';

let m: NestedModel;
test.before(async () => {
  m = (await loadNested(await tinyNested(3))).model;
});
test.after(() => disposeNested(m));

const opts = (n: number, batch: number) => ({
  n,
  batch,
  guidance: [0.5, 0.3, 0.1],
  sigma2: [0.25, 0.25],
  steps: 3,
  latentSteps: 3,
  seed: 7,
});

function run(n: number, batch: number): { images: Float32Array; latents: Float32Array[] } {
  const g = generateNested(m, opts(n, batch));
  const r = { images: g.images.dataSync() as Float32Array, latents: g.latents.map((z) => z.dataSync() as Float32Array) };
  tf.dispose([g.images, ...g.latents]);
  return r;
}

test('n = 7 in batches of 7, 3 and 1: the same images and latents, bit for bit; no tensor left behind', () => {
  const before = tf.memory().numTensors;
  const whole = run(7, 7);
  for (const B of [3, 1]) {
    const split = run(7, B);
    assert.ok(Buffer.from(split.images.buffer).equals(Buffer.from(whole.images.buffer)), `images differ with batch ${B}`);
    split.latents.forEach((z, i) =>
      assert.ok(Buffer.from(z.buffer).equals(Buffer.from(whole.latents[i].buffer)), `level ${i + 1} latents differ with batch ${B}`),
    );
  }
  // the first 2 of 7 are what generate(2) gives
  const two = run(2, 2);
  assert.ok(Buffer.from(two.images.buffer).equals(Buffer.from(whole.images.buffer, 0, two.images.byteLength)));
  assert.is(tf.memory().numTensors, before);
});

test('steps beyond the schedule and a bad batch size are refused before any work, without a leak', () => {
  const before = tf.memory().numTensors;
  assert.throws(
    () => generateNested(m, { ...opts(2, 2), steps: 1e6 }),
    (e: Error) => e instanceof ValueError && /DDIM steps ≤ \d+/.test(e.message),
  );
  assert.throws(
    () => generateNested(m, { ...opts(2, 0) }),
    (e: Error) => e instanceof ValueError && /rows per batch/.test(e.message),
  );
  assert.is(tf.memory().numTensors, before);
});

test.run();
