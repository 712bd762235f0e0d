import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { Rng, ConfigError, CheckpointError } from '../../sdk/core';
import { createUNet, createMlpDenoiser, disposeParams, Params } from '../../sdk/nn';
import { train, dropCond, localGradFn, accumulateGrads, splitBatch, slotPaths, StepContext, TrainResult } from '../../sdk/train';

test.before(async () => {
  await ready();
});

async function rejects(fn: () => Promise<unknown>, check: RegExp | ((e: unknown) => boolean)): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assert.ok(typeof check === 'function' ? check(e) : check.test(String((e as Error).message)), String(e));
    return;
  }
  assert.unreachable('expected a rejection');
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-train-'));
type Batch = { x: tf.Tensor; c: tf.Tensor };

/** A generator of image batches (a plain iterator: resumed by skipping). */
function* images(seed: number): Generator<Batch> {
  const rng = new Rng(seed);
  for (;;) yield { x: tf.tensor4d(rng.normals(2 * 8 * 8), [2, 8, 8, 1]), c: tf.tensor2d(rng.normals(4), [2, 2]) };
}

function unetRun(initSeed: number) {
  const net = createUNet({ imageSize: 8, channels: 8, channelMults: [1, 2], heads: 2, groups: 4, condDim: 2 }, initSeed);
  // ε-prediction loss with noise, timesteps and condition dropout from the step's Rng
  const lossFn = (b: Batch, ctx: StepContext) =>
    tf.tidy(() => {
      const eps = tf.tensor4d(ctx.rng.normals(b.x.size), b.x.shape as [number, number, number, number]);
      const t = [ctx.rng.int(1000), ctx.rng.int(1000)];
      const xt = tf.add(tf.mul(b.x, 0.7), tf.mul(eps, 0.7));
      const c = dropCond(b.c, net.params['cond.null'], 0.5, ctx.rng);
      return tf.losses.meanSquaredError(eps, net.apply(xt, t, c));
    });
  return { net, lossFn };
}

const common = { steps: 8, lr: 2e-3, warmup: 3, clip: 0.5, ema: 0.9, seed: 11, adam: { weightDecay: 0.01 }, config: { test: 'unet' } };

function maxDiff(a: Params, b: Params): number {
  let d = 0;
  for (const k of Object.keys(a))
    d = Math.max(
      d,
      tf.tidy(() => tf.max(tf.abs(tf.sub(a[k], b[k]))).dataSync()[0]),
    );
  return d;
}

test('resume after a kill continues the same run: N straight = N/2 + checkpoint + fresh reload + N/2', async () => {
  const A = unetRun(0);
  const ra = await train({ ...common, params: A.net.params, lossFn: A.lossFn, data: images(5), checkpointPath: path.join(tmp(), 'state') });
  const dir = tmp();
  const B = unetRun(0);
  const killAt = 6;
  await rejects(
    () =>
      train({
        ...common,
        params: B.net.params,
        lossFn: B.lossFn,
        data: images(5),
        checkpointEvery: 4,
        checkpointPath: path.join(dir, 'state'),
        logEvery: 1,
        onLog: (l) => {
          if (l.step === killAt) throw new Error('killed');
        },
      }),
    /killed/,
  );
  // a fresh network (other init) in "another process" picks the state up at step 4
  const C = unetRun(99);
  const rc: TrainResult = await train({
    ...common,
    params: C.net.params,
    lossFn: C.lossFn,
    data: images(5),
    checkpointEvery: 4,
    checkpointPath: path.join(dir, 'state'),
  });
  assert.is(rc.resumedFrom, 4);
  assert.is(rc.step, 8);
  assert.ok(maxDiff(A.net.params, C.net.params) <= 1e-6, `params differ by ${maxDiff(A.net.params, C.net.params)}`);
  assert.ok(maxDiff(ra.ema!, rc.ema!) <= 1e-6);
  assert.equal(rc.losses.length, 8);
  rc.losses.forEach((l, i) => assert.ok(Math.abs(l - ra.losses[i]) < 1e-6, `loss ${i}`));
  assert.ok(maxDiff(A.net.params, B.net.params) > 1e-6); // B stopped early: the test can fail
  [A.net.params, B.net.params, C.net.params, ra.ema!, rc.ema!].forEach(disposeParams);
});

test('a factory data source resumes by start step; a corrupt newest slot falls back to the older one', async () => {
  const data = ({ step, seed }: { step: number; seed: number }) =>
    (function* () {
      for (let s = step; ; s++) {
        const r = new Rng(seed * 1000 + s);
        yield { x: tf.tensor2d(r.normals(12), [4, 3]) };
      }
    })();
  const mk = (seed: number) => {
    const m = createMlpDenoiser({ dim: 3, width: 8, depth: 2 }, seed);
    const lossFn = (b: { x: tf.Tensor }, ctx: StepContext) =>
      tf.tidy(() => {
        const eps = tf.tensor2d(ctx.rng.normals(12), [4, 3]);
        return tf.losses.meanSquaredError(eps, m.apply(tf.add(b.x, eps), [1, 2, 3, 4]));
      });
    return { m, lossFn };
  };
  const o = { steps: 6, lr: 1e-2, seed: 3, data, checkpointEvery: 2 };
  const A = mk(0);
  await train({ ...o, params: A.m.params, lossFn: A.lossFn, checkpointEvery: undefined });
  const dir = tmp();
  const B = mk(0);
  await rejects(
    () =>
      train({
        ...o,
        params: B.m.params,
        lossFn: B.lossFn,
        checkpointPath: path.join(dir, 's'),
        logEvery: 1,
        onLog: (l) => {
          if (l.step === 5) throw new Error('killed');
        },
      }),
    /killed/,
  );
  // step 4 went to slot b (a: 2, b: 4); simulate a kill between its two files: corrupt its weights
  const [, slotB] = slotPaths(path.join(dir, 's'));
  fs.writeFileSync(slotB + '.safetensors', Buffer.from('garbage'));
  const C = mk(42);
  const r = await train({ ...o, params: C.m.params, lossFn: C.lossFn, checkpointPath: path.join(dir, 's') });
  assert.is(r.resumedFrom, 2);
  assert.ok(maxDiff(A.m.params, C.m.params) <= 1e-6);
  [A.m.params, B.m.params, C.m.params].forEach(disposeParams);
});

test('a training state of a run with another config is refused, naming the files to move away', async () => {
  const dir = tmp();
  const A = unetRun(0);
  await train({
    ...common,
    steps: 2,
    params: A.net.params,
    lossFn: A.lossFn,
    data: images(5),
    checkpointEvery: 1,
    checkpointPath: path.join(dir, 'state'),
  });
  const B = unetRun(0);
  await rejects(
    () =>
      train({
        ...common,
        steps: 2,
        config: { test: 'other' },
        params: B.net.params,
        lossFn: B.lossFn,
        data: images(5),
        checkpointPath: path.join(dir, 'state'),
      }),
    (e) =>
      e instanceof CheckpointError &&
      e.message.includes('another config') &&
      e.message.includes(`${path.join(dir, 'state')}.{a,b}.{json,safetensors}`),
  );
  [A.net.params, B.net.params].forEach(disposeParams);
});

test('no leaks per step; gradFn seam; option errors', async () => {
  const { net, lossFn } = unetRun(0);
  const run = async (steps: number, gradFn?: ReturnType<typeof localGradFn<Batch>>) => {
    const before = tf.memory().numTensors;
    const r = await train({ params: net.params, lossFn, data: images(1), steps, lr: 1e-3, ema: 0.99, clip: 0.1, gradFn });
    disposeParams(r.ema!);
    return tf.memory().numTensors - before;
  };
  assert.is(await run(2), 0);
  assert.is(await run(4), 0);
  let calls = 0;
  const local = localGradFn(net.params, lossFn);
  assert.is(
    await run(3, (b, ctx) => {
      calls++;
      return local(b, ctx);
    }),
    0,
  );
  assert.is(calls, 3);
  const base = { params: net.params, lossFn, data: images(1), lr: 1e-3 };
  await rejects(
    () => train({ ...base, steps: 1, lr: 0 }),
    (e: unknown) => e instanceof ConfigError,
  );
  await rejects(
    () => train({ ...base, steps: 1, checkpointEvery: 1 }),
    (e: unknown) => e instanceof ConfigError,
  );
  await rejects(
    () => train({ ...base, steps: 1, warmpu: 3 } as never),
    (e: unknown) => e instanceof ConfigError && /warmup/.test((e as Error).message),
  );
  disposeParams(net.params);
});

test('gradient accumulation over k micro-batches equals the full-batch gradient of a mean loss', async () => {
  const m = createMlpDenoiser({ dim: 3, width: 8, depth: 1 }, 0);
  Object.values(m.params).forEach((v, i) => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.1, 'float32', i))));
  const batch = { x: tf.randomNormal([8, 3], 0, 1, 'float32', 1), t: tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8], 'int32') };
  const lossFn = (b: { x: tf.Tensor; t: tf.Tensor }) => tf.mean(tf.square(tf.sub(m.apply(b.x, b.t), 1)));
  const ctx = { step: 0, rng: new Rng(0), lr: 1 };
  const full = await localGradFn(m.params, lossFn)(batch, ctx);
  const acc = await accumulateGrads(localGradFn(m.params, lossFn), 4)(batch, ctx);
  assert.ok(Math.abs(full.loss - acc.loss) < 1e-5);
  for (const k of Object.keys(full.grads)) {
    assert.ok(tf.max(tf.abs(tf.sub(full.grads[k], acc.grads[k]))).dataSync()[0] < 1e-5, k);
  }
  assert.throws(
    () => splitBatch(batch, 3),
    (e: unknown) => e instanceof ConfigError,
  );
  tf.dispose([batch.x, batch.t, ...Object.values(full.grads), ...Object.values(acc.grads)]);
  disposeParams(m.params);
});

test.run();
