/**
 * U-Net benchmarks for the shipped config (FASHION_UNET: 32×32×1, base 32, mults [1,2,2], 1 block/level,
 * attention at 8×8): forward of 64 images, one training step (batch 64, fwd + bwd + AdamW) and 50-step
 * DDIM-like sampling of 64 images (50 forward passes + a linear update). Rows match bench/unet_peer.py.
 * The train-step note lists where the time goes (tf.profile, kernel time by kernel type).
 * Env: HYPNEST_BENCH_REPS (default 3), HYPNEST_BENCH_SAMPLE_STEPS (default 50).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ready, Rng } from '../sdk/core';
import { createUNet, unetFlops, FASHION_UNET, formatUNetConfig } from '../sdk/nn';
import { AdamW, localGradFn, accumulateGrads } from '../sdk/train';

interface Row { name: string; ms: number; note?: string }

async function time(reps: number, f: () => unknown): Promise<number> {
  await f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); await f(); ts.push(performance.now() - t0); }
  return ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)];
}

/** Kernel time by kernel type over one call of f, as "Conv2D 41%, …". */
async function profile(f: () => Promise<void>): Promise<string> {
  const info = await tf.profile(async () => { await f(); return []; });
  const by = new Map<string, number>();
  let total = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    by.set(k.name, (by.get(k.name) ?? 0) + ms);
    total += ms;
  }
  const top = [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  return top.map(([n, ms]) => `${n} ${((100 * ms) / total).toFixed(0)}%`).join(', ') + ` (of ${total.toFixed(0)} ms kernel time)`;
}

export default async function bench(): Promise<Row[]> {
  await ready();
  const reps = Number(process.env.HYPNEST_BENCH_REPS ?? 3);
  const sampleSteps = Number(process.env.HYPNEST_BENCH_SAMPLE_STEPS ?? 50);
  const net = createUNet(FASHION_UNET, 0);
  const B = 64;
  const rng = new Rng(1);
  const x = tf.tensor4d(rng.normals(B * 32 * 32), [B, 32, 32, 1]);
  const eps = tf.tensor4d(rng.normals(B * 32 * 32), [B, 32, 32, 1]);
  const t = tf.tensor1d(Array.from({ length: B }, (_, i) => (i * 37) % 1000), 'int32');
  const gflop = unetFlops(net) / 1e9;
  const cfg = `${formatUNetConfig(net.config)}, ${(net.paramCount() / 1e6).toFixed(2)}M params, ${gflop.toFixed(3)} GFLOP/image fwd`;
  const backend = `${tf.getBackend()}, 1 thread`;
  const rows: Row[] = [];

  const fwd = () => { const y = net.apply(x, t); y.dataSync(); y.dispose(); };
  const fwdMs = await time(reps, fwd);
  rows.push({ name: 'unet forward (batch 64, 32x32)', ms: fwdMs, note: `${backend}; ${((gflop * B * 1000) / fwdMs).toFixed(1)} GFLOP/s; ${cfg}` });

  const opt = new AdamW(net.params, { weightDecay: 0.01 });
  // 4 micro-batches of 16: one batch-64 step in one piece needs ~5 GB of activations, over wasm's 4 GB heap
  const k = Number(process.env.HYPNEST_BENCH_MICRO ?? 4);
  const batch = { x, eps, t };
  const gradFn = accumulateGrads(localGradFn(net.params, (b: typeof batch) => tf.losses.meanSquaredError(b.eps, net.apply(b.x, b.t)) as tf.Scalar), k);
  const step = async () => {
    const { grads } = await gradFn(batch, { step: 0, rng, lr: 1e-4 });
    opt.step(grads, 1e-4);
    tf.dispose(Object.values(grads));
    net.params['out.conv.b'].dataSync();
  };
  const stepMs = await time(reps, step);
  const where = await profile(step);
  rows.push({ name: 'unet train step (batch 64, 32x32, fwd+bwd+AdamW)', ms: stepMs, note: `${backend}; ${k} micro-batches of ${B / k}; kernels: ${where}` });
  opt.dispose();

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
  const t0 = performance.now();
  sample();
  rows.push({ name: `unet sample ${sampleSteps} steps x 64 images`, ms: performance.now() - t0, note: `${backend}; one run (no warm-up beyond the rows above)` });
  tf.dispose([x, eps, t]);
  for (const v of Object.values(net.params)) v.dispose();
  return rows;
}
