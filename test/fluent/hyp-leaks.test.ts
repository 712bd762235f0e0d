/** Leaks: 200 terminal calls of every kind (and failing ones) leave tf.memory().numTensors unchanged. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { ValueError } from '../../sdk/core/errors';
import { Hyp, hyp } from '../../sdk/fluent';
import { rejectsTyped } from '../helpers/expect-error';
import { blobs, tinyHypdae } from './hyp-fixture';

let h: Hyp;
const REPS = 200;

test.before(async () => {
  await ready();
  h = hyp.from({ dir: await tinyHypdae() });
});
test.after(() => h.dispose());

/** Bytes of the wasm heap (it only grows), or NaN on another backend. */
function heapBytes(): number {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return b.wasm?.HEAPU8?.buffer.byteLength ?? NaN;
}

test(`${REPS} terminal calls (sample, fewShot, strength, interpolate, embed) leave no tensor behind`, async () => {
  const one = blobs(1);
  const four = blobs(4);
  const calls = [
    () => h.encode(one).perturb(5).steps(2).sample(1),
    () => h.encode(one).steps(2).sample(2),
    () => h.fewShot(four, { shots: 2, perOutput: 1 }).perturb(3, { distance: 1 }).strength(0.5).steps(2).sample(),
    () => h.encode(one).interpolate(four.subarray(1024, 2048), 0.5, { radius: 2 }).steps(2).sample(1),
    () => h.fewShot(four, { shots: 4 }).perturb(4).embed(3),
  ];
  for (const c of calls) await c(); // load the checkpoints, warm the kernels
  const tensors = tf.memory().numTensors;
  const heap0 = heapBytes();
  const bytes0 = tf.memory().numBytes;
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < REPS; i++) await calls[i % calls.length]();
  const cpu = process.cpuUsage(cpu0);
  assert.is(tf.memory().numTensors, tensors);
  assert.is(tf.memory().numBytes, bytes0);
  const growth = heapBytes() - heap0;
  console.log(
    `  ${REPS} calls: ${((Date.now() - t0) / REPS).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000 / REPS).toFixed(0)} ms CPU per call; ` +
      `tensors ${tensors} → ${tf.memory().numTensors}; wasm heap ${(heap0 / 2 ** 20).toFixed(1)} → ${(heapBytes() / 2 ** 20).toFixed(1)} MiB`,
  );
  if (Number.isFinite(growth)) assert.ok(growth <= 16 * 2 ** 20, `wasm heap grew by ${growth} bytes`);
});

test('calls that fail at the terminal (after loading, after encoding) leave no tensor behind', async () => {
  const one = blobs(1);
  await h.encode(one).perturb(5).steps(2).sample(1);
  const tensors = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) {
    await rejectsTyped(() => h.encode(one).perturb(6.5).sample(1), ValueError, 'float32'); // in the edit
    await rejectsTyped(() => h.encode(one).perturb(3).steps(500).sample(1), ValueError, 'steps'); // in the sampler, after the codes
    await rejectsTyped(() => h.encode(one).strength(0.1).steps(4).sample(1), ValueError, 'strength'); // in the stochastic encoding
  }
  assert.is(tf.memory().numTensors, tensors);
});

test.run();
