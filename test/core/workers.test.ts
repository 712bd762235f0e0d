import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready, Rng } from '../../sdk/core';
import { WorkerPool, setReplicaParams, gradientsOnShards, shardRanges, concatRows, rows, type Arr } from '../../sdk/core/workers';
import * as demo from '../../sdk/core/workers/demo-tasks';

const MODULE = require.resolve('../../sdk/core/workers/demo-tasks');
let pool: WorkerPool;
const rng = new Rng(11);
const arr = (shape: number[]): Arr => ({ data: rng.normals(shape.reduce((a, b) => a * b, 1)), shape });
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

test.before(async () => {
  await ready();
  pool = await WorkerPool.create({ size: 2, module: MODULE });
});
test.after(async () => {
  await pool?.close();
});

test('shardRanges covers 0…n in order, near-equal parts', () => {
  assert.equal(shardRanges(5, 2), [
    [0, 3],
    [3, 5],
  ]);
  assert.equal(shardRanges(1, 4), [[0, 1]]);
  const x = arr([7, 3]);
  assert.equal(concatRows(shardRanges(7, 3).map(([s, e]) => rows(x, s, e))).data, x.data);
});

test('each worker runs its own backend (same as the main thread)', async () => {
  const who = await pool.broadcast<{ worker: number; backend: string }>('whoami');
  assert.equal(
    who.map((w) => w.worker),
    [0, 1],
  );
  for (const w of who) assert.is(w.backend, tf.getBackend());
});

test('runBatched equals the single-thread result, rows in order', async () => {
  const x = arr([9, 5]);
  const w = arr([5, 4]);
  const single = demo.rowMap({ x, w });
  const pooled = await pool.runBatched('rowMap', { data: x.data.slice(), shape: x.shape }, { w });
  assert.equal(pooled.shape, [9, 4]);
  assert.ok(maxDiff(pooled.data, single.data) < 1e-6);
});

test('map keeps payload order; payload arrays are transferred (detached in the sender)', async () => {
  const w = arr([5, 2]);
  const xs = [arr([2, 5]), arr([3, 5]), arr([1, 5])];
  const expected = xs.map((x) => demo.rowMap({ x, w }));
  const sent = xs.map((x) => ({ x: { data: x.data.slice(), shape: x.shape }, w: { data: w.data.slice(), shape: w.shape } }));
  const got = await pool.map<Arr>('rowMap', sent);
  got.forEach((g, i) => assert.ok(maxDiff(g.data, expected[i].data) < 1e-6));
  assert.is(sent[0].x.data.length, 0, 'transferred buffer is detached');
});

test('data-parallel averaged gradient equals the full-batch gradient', async () => {
  const params = { W1: tf.tensor(arr([4, 8]).data, [4, 8]), b1: tf.tensor(arr([8]).data, [8]), W2: tf.tensor(arr([8, 2]).data, [8, 2]) };
  const batch = { x: arr([13, 4]), y: arr([13, 2]) }; // 13 rows → shards of 7 and 6 (unequal weights)
  await setReplicaParams(pool, params);
  const { loss, grads, count } = await gradientsOnShards(pool, 'mlpLoss', batch);
  const vars = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, tf.variable(v)]));
  const full = tf.variableGrads(() => demo.mlpLoss(vars, batch), Object.values(vars));
  assert.is(count, 13);
  assert.ok(Math.abs(loss - full.value.dataSync()[0]) < 1e-5);
  for (const [k, v] of Object.entries(vars)) {
    const ref = full.grads[v.name].dataSync() as Float32Array;
    assert.ok(maxDiff(grads[k], ref) < 1e-5, `${k}: ${maxDiff(grads[k], ref)}`);
  }
  tf.dispose([full.value, ...Object.values(full.grads), ...Object.values(vars), ...Object.values(params)]);
});

test('errors: a failing task rejects with worker and task named; unknown task; bad options', async () => {
  await assert.not.throws(async () => undefined);
  try {
    await pool.run('fail');
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /worker \d, task 'fail': .*failing on purpose/);
  }
  try {
    await pool.run('nope');
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /unknown task 'nope'/);
  }
  try {
    await WorkerPool.create({ size: 2, module: 'relative/path' });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /absolute path/);
  }
  try {
    await WorkerPool.create({ sise: 2, module: MODULE } as never);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /Did you mean 'size'/);
  }
});

test('close: rejects later runs; no leaked tensors on the main thread', async () => {
  const before = tf.memory().numTensors;
  const p = await WorkerPool.create({ size: 1, module: MODULE });
  await p.run('whoami');
  await p.close();
  await p.close();
  try {
    await p.run('whoami');
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /closed pool/);
  }
  assert.is(tf.memory().numTensors, before);
});

test.run();
