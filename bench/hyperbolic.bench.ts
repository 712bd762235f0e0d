/**
 * Benchmark of the core Poincaré-ball ops on 100,000 points of dimension 16 (c = 1), on the SDK's backend.
 * Each op: one warm-up, then the median of REPS timed runs, each forced to finish by reading the result back
 * with dataSync, at 1 and 2 native threads (bench/threads.ts: rows `<op> [1 thread]` / `<op> [2 threads]`, as the
 * peer at 1 / 2 torch threads; the reductions (Sum) and mobiusMatvec's matMul run on the native kernels at that
 * thread count, the element-wise kernels are wasm's, on one thread).
 * bench/hyperbolic_peer.py times the same formulas in PyTorch float32 under the same names.
 * Env: HYPNEST_BENCH_N (points, default 100000), HYPNEST_BENCH_REPS (default 5). Run: npx tsx bench/hyperbolic.bench.ts
 */
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../sdk/core/backend';
import { Rng } from '../sdk/core/rng';
import * as H from '../sdk/hyperbolic';
import { restoreThreads, threadVariants } from './threads';

const DIM = 16;

function points(n: number, rng: Rng): tf.Tensor {
  // uniform directions, hyperbolic radius uniform in [0.1, 3] (c = 1)
  const u = H.randomUnitTangent(n, DIM, rng);
  const r = tf.tensor(
    Float32Array.from({ length: n }, () => Math.tanh((0.1 + 2.9 * rng.next()) / 2)),
    [n, 1],
  );
  const x = tf.mul(u, r);
  tf.dispose([u, r]);
  return x;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(f: () => tf.Tensor, reps: number): number {
  f().dispose(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const y = f();
    y.dataSync();
    ms.push(performance.now() - t0);
    y.dispose();
  }
  return median(ms);
}

export default async function run(): Promise<{ name: string; ms: number; note?: string }[]> {
  const report = await ready();
  const n = Number(process.env.HYPNEST_BENCH_N ?? 100000);
  const reps = Number(process.env.HYPNEST_BENCH_REPS ?? 5);
  const rng = new Rng(0);
  const x = points(n, rng);
  const y = points(n, rng);
  const u = tf.tidy(() => H.logmap0(x, 1));
  const m = tf.tensor(
    rng.normals(DIM * DIM).map((v) => v / 4),
    [DIM, DIM],
  );
  const ops: Record<string, () => tf.Tensor> = {
    mobiusAdd: () => H.mobiusAdd(x, y, 1),
    expmap0: () => H.expmap0(u, 1),
    logmap0: () => H.logmap0(x, 1),
    dist: () => H.dist(x, y, 1),
    geodesic: () => H.geodesic(0.3, x, y, 1),
    mobiusMatvec: () => H.mobiusMatvec(m, x, 1),
  };
  const rows: { name: string; ms: number; note?: string }[] = [];
  for (const v of threadVariants()) {
    v.apply();
    const note = `${n}×${DIM} float32, backend ${report.chosen}: ${v.label}, median of ${reps}`;
    for (const [name, f] of Object.entries(ops)) rows.push({ name: `${name}${v.suffix}`, ms: time(f, reps), note });
  }
  restoreThreads();
  tf.dispose([x, y, u, m]);
  return rows;
}

if (require.main === module) {
  run().then((rows) => console.log(JSON.stringify({ rows })));
}
