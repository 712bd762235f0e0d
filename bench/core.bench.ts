/**
 * Core benchmarks: conv2d forward+backward (input and filter gradients) and a 1024² matrix product, each at 1 and
 * at 2 native threads (bench/threads.ts), and the two-core speed-up of the WorkerPool on batched conv fwd+bwd
 * (native pass only). Rows are matched by name with core_peer.py; scripts/bench.mjs adds the wasm column.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../sdk/core';
import { WorkerPool } from '../sdk/core/workers';
import { Rng } from '../sdk/core/rng';
import { restoreThreads, threadVariants } from './threads';

/** scripts/bench.mjs also runs this file with HYPNEST_NATIVE=0 for the wasm column. */
export const wasmPass = true;

interface Row {
  name: string;
  ms: number;
  note?: string;
}
const rng = new Rng(1);
const arr = (shape: number[]) => ({ data: rng.normals(shape.reduce((a, b) => a * b, 1)).map((v) => v * 0.1), shape });

/** Median wall time of `reps` runs after one warm-up. */
async function time(reps: number, f: () => unknown): Promise<number> {
  await f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await f();
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)];
}

function convRow(n: number, hw: number, ci: number, co: number): () => void {
  const x = tf.tensor(arr([n, hw, hw, ci]).data, [n, hw, hw, ci]) as tf.Tensor4D;
  const w = tf.tensor(arr([3, 3, ci, co]).data, [3, 3, ci, co]) as tf.Tensor4D;
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')));
  return () => {
    const [gx, gw] = g([x, w]);
    gx.dataSync();
    gw.dataSync();
    tf.dispose([gx, gw]);
  };
}

export default async function bench(): Promise<Row[]> {
  await ready();
  const rows: Row[] = [];
  const conv = [
    [64, 32, 64, 64],
    [64, 16, 128, 128],
  ] as const;
  const a = tf.tensor(arr([1024, 1024]).data, [1024, 1024]) as tf.Tensor2D;
  const b = tf.tensor(arr([1024, 1024]).data, [1024, 1024]) as tf.Tensor2D;
  const convs = conv.map(([n, hw, ci, co]) => ({ name: `conv2d 3x3 fwd+bwd ${n}x${hw}x${hw}x${ci}->${co}`, f: convRow(n, hw, ci, co) }));
  for (const v of threadVariants()) {
    v.apply();
    for (const c of convs) rows.push({ name: `${c.name}${v.suffix}`, ms: await time(3, c.f), note: v.label });
    rows.push({
      name: `matMul 1024x1024x1024${v.suffix}`,
      ms: await time(5, () => tf.tidy(() => tf.matMul(a, b)).dataSync()),
      note: v.label,
    });
  }
  restoreThreads();
  tf.dispose([a, b]);
  if (process.env.HYPNEST_BENCH_PASS === 'wasm') return rows;

  // Two cores: the same batch of conv fwd+bwd on one worker vs split over a 2-worker pool.
  const module = require.resolve('../sdk/core/workers/demo-tasks');
  const [n, hw, ci, co] = conv[0];
  const x = arr([n, hw, hw, ci]);
  const w = arr([3, 3, ci, co]);
  const half = (i: number) => ({
    data: x.data.slice((i * n * x.data.length) / n / 2, ((i + 1) * x.data.length) / 2),
    shape: [n / 2, hw, hw, ci],
  });
  const copy = (v: { data: Float32Array; shape: number[] }) => ({ data: v.data.slice(), shape: v.shape });
  const one = await WorkerPool.create({ size: 1, module });
  const t1 = await time(3, () => one.run('convFwdBwd', { x: copy(x), w: copy(w) }));
  await one.close();
  const two = await WorkerPool.create({ size: 2, module });
  const t2 = await time(3, () =>
    two.map('convFwdBwd', [
      { x: half(0), w: copy(w) },
      { x: half(1), w: copy(w) },
    ]),
  );
  await two.close();
  const label = `conv2d 3x3 fwd+bwd ${n}x${hw}x${hw}x${ci}->${co}`;
  rows.push({ name: `${label} (1 worker)`, ms: t1, note: 'WorkerPool size 1 (1 native thread per worker)' });
  rows.push({ name: `${label} (2 workers)`, ms: t2, note: `WorkerPool size 2, speed-up ${(t1 / t2).toFixed(2)}x` });
  return rows;
}
