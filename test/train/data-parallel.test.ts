import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready, Rng, ConfigError } from '../../sdk/core';
import { createUNet, disposeParams, Params } from '../../sdk/nn';
import { nativeStatus, setNativeThreads } from '../../sdk/core/native/addon';
import {
  createDataParallel,
  localGradFn,
  train,
  toWire,
  wireRows,
  wireRowsSlice,
  fromWire,
  unetEpsLoss,
  StepContext,
  WorkerStepContext,
} from '../../sdk/train';
import { mlpLoss, MlpBatch } from './dp-loss-fixture';

const FIXTURE = require.resolve('./dp-loss-fixture');
const UNET_LOSS = require.resolve('../../sdk/train/worker-losses');
const TINY = { imageSize: 8, channels: 8, channelMults: [1, 2], heads: 2, groups: 4 };

test.before(async () => {
  await ready();
});

const rng = new Rng(21);
const ctxOf = (seed: number, step = 3): StepContext => ({ step, rng: new Rng(seed), lr: 1e-3 });

function mlpParams(): Params {
  const v = (shape: number[]) => tf.variable(tf.tensor(rng.normals(shape.reduce((a, b) => a * b, 1)), shape), true);
  return { W1: v([4, 8]), b1: v([8]), W2: v([8, 2]), unused: v([3]) };
}
const mlpBatch = (n: number): MlpBatch => ({ x: tf.tensor2d(rng.normals(n * 4), [n, 4]), y: tf.tensor2d(rng.normals(n * 2), [n, 2]) });
function epsBatch(n: number) {
  return {
    x: tf.tensor4d(rng.normals(n * 64), [n, 8, 8, 1]),
    eps: tf.tensor4d(rng.normals(n * 64), [n, 8, 8, 1]),
    t: tf.tensor1d(
      Array.from({ length: n }, (_, i) => (i * 131) % 1000),
      'int32',
    ),
  };
}

/** max |a − b| / max |b| over every parameter; also checks both have the same parameter names. */
function relDiff(a: Record<string, tf.Tensor>, b: Record<string, tf.Tensor>): number {
  assert.equal(Object.keys(a).sort(), Object.keys(b).sort());
  let worst = 0;
  for (const k of Object.keys(b)) {
    const x = a[k].dataSync();
    const y = b[k].dataSync();
    let num = 0;
    let den = 1e-12;
    for (let i = 0; i < y.length; i++) {
      num = Math.max(num, Math.abs(x[i] - y[i]));
      den = Math.max(den, Math.abs(y[i]));
    }
    worst = Math.max(worst, num / den);
  }
  return worst;
}

test('batch wire format: tensors (float32, int32) round-trip; shards cut every tensor by rows', () => {
  const b = {
    x: tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]),
    t: tf.tensor1d([7, 8, 9], 'int32'),
    meta: 'keep',
    list: [tf.tensor1d([1, 2, 3])],
  };
  const w = toWire(b);
  assert.is(wireRows(w), 3);
  const back = fromWire(wireRowsSlice(w, 1, 3)) as { x: tf.Tensor; t: tf.Tensor; meta: string; list: tf.Tensor[] };
  assert.equal(Array.from(back.x.dataSync()), [3, 4, 5, 6]);
  assert.is(back.t.dtype, 'int32');
  assert.equal(Array.from(back.t.dataSync()), [8, 9]);
  assert.is(back.meta, 'keep');
  assert.equal(Array.from(back.list[0].dataSync()), [2, 3]);
  tf.dispose([b.x, b.t, b.list[0], back.x, back.t, back.list[0]]);
});

test('U-Net: 2 workers, averaged gradient = the full-batch gradient on this thread (also with micro-batches)', async () => {
  const net = createUNet(TINY, 3);
  Object.values(net.params).forEach((v, i) => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.05, 'float32', i))));
  const local = localGradFn(net.params, (b: ReturnType<typeof epsBatch>) =>
    unetEpsLoss(net.params, b, { ...ctxOf(0), init: net.config, shard: 0 }),
  );
  for (const microBatches of [2, 4]) {
    const dp = await createDataParallel<ReturnType<typeof epsBatch>>(net.params, {
      workers: 2,
      microBatches,
      loss: { module: UNET_LOSS, name: 'unetEpsLoss', init: net.config },
    });
    try {
      const batch = epsBatch(8);
      const ref = await local(batch, ctxOf(0));
      const got = await dp.gradFn(batch, ctxOf(0));
      assert.ok(Math.abs(got.loss - ref.loss) < 1e-5 * Math.max(1, ref.loss), `loss ${got.loss} vs ${ref.loss}`);
      const d = relDiff(got.grads, ref.grads);
      assert.ok(d < 1e-4, `micro-batches ${microBatches}: gradient rel. diff ${d}`);
      tf.dispose([...Object.values(batch), ...Object.values(ref.grads), ...Object.values(got.grads)]);
    } finally {
      await dp.close();
    }
  }
  disposeParams(net.params);
});

test('unequal shards are weighted by rows; unused parameters get no gradient (as on this thread); no leak', async () => {
  const p = mlpParams();
  const dp = await createDataParallel<MlpBatch>(p, { workers: 2, loss: { module: FIXTURE, name: 'mlpLoss' } });
  try {
    const batch = mlpBatch(7); // shards of 4 and 3 rows
    const ref = await localGradFn(p, (b: MlpBatch) => mlpLoss(p, b, { ...ctxOf(0), init: undefined, shard: 0 }))(batch, ctxOf(0));
    const before = tf.memory().numTensors;
    const got = await dp.gradFn(batch, ctxOf(0));
    assert.is(tf.memory().numTensors, before + Object.keys(got.grads).length);
    assert.not.ok('unused' in got.grads);
    assert.ok(relDiff(got.grads, ref.grads) < 1e-5);
    assert.ok(Math.abs(got.loss - ref.loss) < 1e-6);
    tf.dispose([...Object.values(batch), ...Object.values(ref.grads), ...Object.values(got.grads)]);
  } finally {
    await dp.close();
  }
  disposeParams(p);
});

test('randomness: shard i draws from Rng(seed_i), seeds taken from the step Rng in order (reproducible)', async () => {
  const p = mlpParams();
  const init = { noise: 0.5 };
  const dp = await createDataParallel<MlpBatch>(p, { workers: 2, loss: { module: FIXTURE, name: 'mlpLoss', init } });
  try {
    const batch = mlpBatch(6);
    const got = await dp.gradFn(batch, ctxOf(77));
    const again = await dp.gradFn(batch, ctxOf(77));
    assert.is(relDiff(again.grads, got.grads), 0);
    // the same computation on this thread, shard by shard
    const stepRng = new Rng(77);
    const seeds = [stepRng.seed(), stepRng.seed()];
    const halves = [0, 1].map((i) => ({ x: tf.slice(batch.x, [3 * i, 0], [3, 4]), y: tf.slice(batch.y, [3 * i, 0], [3, 2]) }));
    const refs = await Promise.all(
      halves.map((h, i) => {
        const ctx: WorkerStepContext = { step: 3, lr: 1e-3, rng: new Rng(seeds[i]), init, shard: i };
        return localGradFn(p, (b: MlpBatch) => mlpLoss(p, b, ctx))(h, ctx);
      }),
    );
    const avg = Object.fromEntries(Object.keys(refs[0].grads).map((k) => [k, tf.mul(tf.add(refs[0].grads[k], refs[1].grads[k]), 0.5)]));
    assert.ok(relDiff(got.grads, avg) < 1e-5);
    assert.ok(Math.abs(got.loss - (refs[0].loss + refs[1].loss) / 2) < 1e-6);
    // and it differs from the noiseless loss (the noise is really drawn)
    const clean = await localGradFn(p, (b: MlpBatch) => mlpLoss(p, b, { ...ctxOf(0), init: undefined, shard: 0 }))(batch, ctxOf(0));
    assert.ok(relDiff(got.grads, clean.grads) > 1e-3);
    tf.dispose([
      batch.x,
      batch.y,
      ...halves.flatMap((h) => [h.x, h.y]),
      ...refs.flatMap((r) => Object.values(r.grads)),
      ...Object.values(avg),
      ...Object.values(got.grads),
      ...Object.values(again.grads),
      ...Object.values(clean.grads),
    ]);
  } finally {
    await dp.close();
  }
  disposeParams(p);
});

test('train({ workers: 2 }) follows the single-thread run (same batches, AdamW, clip, EMA); main thread leaks nothing', async () => {
  const batches = (n: number) => Array.from({ length: n }, () => epsBatch(4));
  const common = { steps: 3, lr: 2e-3, warmup: 1, clip: 1, ema: 0.9, seed: 4, disposeBatches: false };
  const A = createUNet(TINY, 5);
  const B = createUNet(TINY, 5);
  const data = batches(3);
  // The workers compute with 1 native thread each; oneDNN's reduction order depends on its thread split, so the
  // reference runs at 1 thread too (same arithmetic; 2 threads differ by ≈ 2e-4 after 3 AdamW steps).
  const threads = nativeStatus().threads;
  setNativeThreads(1);
  const ra = await train({
    ...common,
    params: A.params,
    data: data.values(),
    microBatches: 2,
    lossFn: (b) => unetEpsLoss(A.params, b, { ...ctxOf(0), init: A.config, shard: 0 }),
  }).finally(() => threads !== undefined && setNativeThreads(threads));
  const before = tf.memory().numTensors;
  const rb = await train({
    ...common,
    params: B.params,
    data: data.values(),
    microBatches: 2,
    workers: 2,
    workerLoss: { module: UNET_LOSS, name: 'unetEpsLoss', init: B.config },
  });
  assert.is(tf.memory().numTensors, before + Object.keys(rb.ema!).length, 'only the EMA weights are new');
  assert.is(rb.step, 3);
  rb.losses.forEach((l, i) =>
    assert.ok(Math.abs(l - ra.losses[i]) < 1e-4 * Math.max(1, Math.abs(ra.losses[i])), `loss ${i}: ${l} vs ${ra.losses[i]}`),
  );
  assert.ok(relDiff(B.params, A.params) < 1e-4, `params rel. diff ${relDiff(B.params, A.params)}`);
  tf.dispose(data.flatMap((d) => Object.values(d)));
  for (const p of [A.params, B.params, ra.ema!, rb.ema!]) disposeParams(p);
});

test('errors: workers without workerLoss, workers with gradFn, microBatches not a multiple, unknown or failing loss', async () => {
  const p = mlpParams();
  const base = { params: p, data: [mlpBatch(4)], steps: 1, lr: 1e-3 };
  const rejects = async (f: () => Promise<unknown>, re: RegExp) => {
    try {
      await f();
    } catch (e) {
      assert.match(String((e as Error).message), re);
      return e;
    }
    assert.unreachable('expected a rejection');
  };
  const e1 = await rejects(() => train({ ...base, workers: 2 }), /workerLoss/);
  assert.ok(e1 instanceof ConfigError);
  await rejects(
    () => train({ ...base, workers: 2, gradFn: async () => ({ loss: 0, grads: {} }), workerLoss: { module: FIXTURE, name: 'mlpLoss' } }),
    /workers or gradFn/,
  );
  await rejects(
    () => train({ ...base, workers: 2, microBatches: 3, workerLoss: { module: FIXTURE, name: 'mlpLoss' } }),
    /multiple of workers/,
  );
  await rejects(() => train({ ...base, workers: 2, workerLoss: { module: FIXTURE, name: 'nope' } }), /'nope'.*It exports: .*mlpLoss/s);
  await rejects(
    () => train({ ...base, workers: 2, workerLoss: { module: FIXTURE, name: 'failingLoss' } }),
    /task 'trainGrads'.*loss failing on purpose/s,
  );
  disposeParams(p);
});

test.run();
