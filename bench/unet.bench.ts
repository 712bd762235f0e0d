/**
 * U-Net benchmarks for the shipped config (FASHION_UNET: 32×32×1, base 32, mults [1,2,2], 1 block/level,
 * attention at 8×8): forward of 64 images, one training step (batch 64, fwd + bwd + AdamW), 50-step
 * DDIM-like sampling of 64 images (50 forward passes + a linear update), each at 1 and at 2 native threads
 * (bench/threads.ts; scripts/bench.mjs adds the wasm column), and (native pass only) the training step
 * data-parallel on a WorkerPool of 1 and of 2 workers (train({ workers }), 1 native thread per worker), timed alternately.
 * Rows match bench/unet_peer.py. Notes give the CPU time beside the wall time (on a loaded machine the
 * wall time of a niced run says little) and, for the train step, where the time goes (tf.profile,
 * kernel time by kernel type).
 * Env: HYPNEST_BENCH_REPS (default 3), HYPNEST_BENCH_SAMPLE_STEPS (default 50), HYPNEST_BENCH_MICRO
 * (micro-batches per step, default 4), HYPNEST_BENCH_DP=0 skips the worker rows.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ready, Rng } from '../sdk/core';
import { createUNet, unetFlops, FASHION_UNET, formatUNetConfig } from '../sdk/nn';
import { AdamW, localGradFn, accumulateGrads, createDataParallel, unetEpsLoss, type EpsBatch } from '../sdk/train';
import { restoreThreads, threadVariants } from './threads';

/** scripts/bench.mjs also runs this file with HYPNEST_NATIVE=0 for the wasm column. */
export const wasmPass = true;

interface Row {
  name: string;
  ms: number;
  note?: string;
}
interface Timing {
  wall: number;
  cpu: number;
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall and CPU (this process, all threads) ms of `reps` calls after one warm-up. */
async function time(reps: number, f: () => unknown): Promise<Timing> {
  await f();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await f();
    const c = process.cpuUsage(c0);
    walls.push(performance.now() - t0);
    cpus.push((c.user + c.system) / 1000);
  }
  return { wall: median(walls), cpu: median(cpus) };
}

/** Kernel time by kernel type over one call of f, as "Conv2D 41%, …". */
async function profile(f: () => Promise<void>): Promise<string> {
  const info = await tf.profile(async () => {
    await f();
    return [];
  });
  const by = new Map<string, number>();
  let total = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    if (k.name.endsWith('__op')) continue; // custom-gradient op scopes (their kernels are counted)
    by.set(k.name, (by.get(k.name) ?? 0) + ms);
    total += ms;
  }
  const top = [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  return top.map(([n, ms]) => `${n} ${((100 * ms) / total).toFixed(0)}%`).join(', ') + ` (of ${total.toFixed(0)} ms kernel time)`;
}

const cpuNote = (t: Timing) => `CPU ${t.cpu.toFixed(0)} ms`;

export default async function bench(): Promise<Row[]> {
  await ready();
  const reps = Number(process.env.HYPNEST_BENCH_REPS ?? 3);
  const sampleSteps = Number(process.env.HYPNEST_BENCH_SAMPLE_STEPS ?? 50);
  const net = createUNet(FASHION_UNET, 0);
  const B = 64;
  const rng = new Rng(1);
  const x = tf.tensor4d(rng.normals(B * 32 * 32), [B, 32, 32, 1]);
  const eps = tf.tensor4d(rng.normals(B * 32 * 32), [B, 32, 32, 1]);
  const t = tf.tensor1d(
    Array.from({ length: B }, (_, i) => (i * 37) % 1000),
    'int32',
  );
  const gflop = unetFlops(net) / 1e9;
  const cfg = `${formatUNetConfig(net.config)}, ${(net.paramCount() / 1e6).toFixed(2)}M params, ${gflop.toFixed(3)} GFLOP/image fwd`;
  const rows: Row[] = [];
  const fwd = () => {
    const y = net.apply(x, t);
    y.dataSync();
    y.dispose();
  };
  const opt = new AdamW(net.params, { weightDecay: 0.01 });
  // micro-batches of 16: one batch-64 step in one piece needs more activations than wasm's 4 GB heap
  const k = Number(process.env.HYPNEST_BENCH_MICRO ?? 4);
  const batch: EpsBatch = { x, eps, t };
  const lossCtx = { step: 0, rng, lr: 1e-4, init: net.config, shard: 0 };
  const gradFn = accumulateGrads(
    localGradFn(net.params, (b: EpsBatch) => unetEpsLoss(net.params, b, lossCtx)),
    k,
  );
  const step = async (g = gradFn) => {
    const { grads } = await g(batch, { step: 0, rng, lr: 1e-4 });
    opt.step(grads, 1e-4);
    tf.dispose(Object.values(grads));
    net.params['out.conv.b'].dataSync();
  };
  const sample = () => {
    let xs: tf.Tensor = tf.clone(x);
    for (let i = 0; i < sampleSteps; i++) {
      const ti = tf.fill([B], 999 - Math.floor((1000 * i) / sampleSteps), 'int32');
      const next = tf.tidy(() => tf.add(tf.mul(xs, 0.98), tf.mul(net.apply(xs, ti), 0.02)));
      tf.dispose([xs, ti]);
      xs = next;
    }
    xs.dataSync();
    xs.dispose();
  };
  const name = 'unet train step (batch 64, 32x32, fwd+bwd+AdamW)';
  for (const v of threadVariants()) {
    v.apply();
    const fwdT = await time(reps, fwd);
    rows.push({
      name: `unet forward (batch 64, 32x32)${v.suffix}`,
      ms: fwdT.wall,
      note: `${v.label}; ${cpuNote(fwdT)}; ${((gflop * B * 1000) / fwdT.cpu).toFixed(1)} GFLOP/s (CPU time); ${cfg}`,
    });
    const stepT = await time(reps, () => step());
    const where = await profile(() => step());
    rows.push({
      name: `${name}${v.suffix}`,
      ms: stepT.wall,
      note: `${v.label}; ${cpuNote(stepT)}; ${k} micro-batches of ${B / k}; kernels: ${where}`,
    });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    sample();
    const c = process.cpuUsage(c0);
    rows.push({
      name: `unet sample ${sampleSteps} steps x 64 images${v.suffix}`,
      ms: performance.now() - t0,
      note: `${v.label}; CPU ${((c.user + c.system) / 1000).toFixed(0)} ms; one run (after the rows above)`,
    });
  }
  restoreThreads();

  if (process.env.HYPNEST_BENCH_DP !== '0' && process.env.HYPNEST_BENCH_PASS !== 'wasm') {
    // The same step with gradients from 1 or 2 workers (main thread: AdamW only), alternated so both see the same load.
    const loss = { module: require.resolve('../sdk/train/worker-losses'), name: 'unetEpsLoss', init: net.config };
    const pools = [
      await createDataParallel<EpsBatch>(net.params, { workers: 1, loss, microBatches: k }),
      await createDataParallel<EpsBatch>(net.params, { workers: 2, loss, microBatches: k }),
    ];
    try {
      for (const p of pools) await step(p.gradFn);
      const walls: number[][] = [[], []];
      for (let r = 0; r < reps; r++) {
        for (let i = 0; i < 2; i++) {
          const t0 = performance.now();
          await step(pools[i].gradFn);
          walls[i].push(performance.now() - t0);
        }
      }
      const [w1, w2] = walls.map(median);
      const ips = (ms: number) => ((B * 1000) / ms).toFixed(1);
      rows.push({ name: `${name} (1 worker)`, ms: w1, note: `WorkerPool size 1, ${k} micro-batches; ${ips(w1)} images/s` });
      rows.push({
        name: `${name} (2 workers)`,
        ms: w2,
        note: `WorkerPool size 2, ${k / 2} micro-batches each; ${ips(w2)} images/s; speed-up ${(w1 / w2).toFixed(2)}x over 1 worker (alternated runs)`,
      });
    } finally {
      for (const p of pools) await p.close();
    }
  }
  opt.dispose();
  tf.dispose([x, eps, t]);
  for (const v of Object.values(net.params)) v.dispose();
  return rows;
}
