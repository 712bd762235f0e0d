// Per-kernel profile of the workloads issue 18 times, on the backend the SDK chooses (wasm + native kernels
// when the addon is built): where the time goes, kernel by kernel (tf.profile: each kernel's wall time; wasm
// and native kernels are synchronous, so that is their run time).
// Usage: node --require tsx/cjs scripts/profile-kernels.ts [workload …]
//   workloads: hypdae-step, unet-step, ddim, hyp-sample, nested-generate (default: all)
//   env: HYPNEST_NATIVE_THREADS (native threads), HYPNEST_NATIVE=0 (wasm kernels only),
//        PROFILE_DDIM_STEPS (U-Net sampling steps profiled, default 5; the table scales nothing),
//        PROFILE_REPS (unprofiled runs timed after the warm-up, median printed; default 1),
//        PROFILE_SHAPES=<kernel> (also print every call of that kernel with its shapes)
// Prints one markdown table per workload: wall ms of the profiled call, then the kernels by total time.
import * as tf from '@tensorflow/tfjs-core';
import { ready, Rng } from '../sdk/core';
import '../sdk/core/grad';
import { nativeStatus } from '../sdk/core/native/addon';
import { hypdaeConfig, createStage1, stage1Loss } from '../sdk/models/hypdae';
import { AdamW, localGradFn, accumulateGrads, unetEpsLoss } from '../sdk/train';
import { createUNet, FASHION_UNET } from '../sdk/nn';
import { hyp } from '../sdk/fluent';
import { nested } from '../sdk/fluent/nested';
import { fewShotInputs } from '../sdk/data/splits';

type Workload = () => Promise<() => Promise<void>>;

const WORKLOADS: Record<string, Workload> = {
  // One HypDAE stage-I step: loss, gradients and AdamW (default networks, batch 32, as `hypnest train hypdae --stage 1`).
  'hypdae-step': async () => {
    const s1 = createStage1(hypdaeConfig());
    const rng = new Rng(1);
    const x = tf.tensor4d(
      rng.normals(32 * 1024).map((v) => Math.tanh(v)),
      [32, 32, 32, 1],
    );
    const names = Object.keys(s1.params);
    const opt = new AdamW(s1.params, { weightDecay: 0 });
    return async () => {
      const { value, grads } = tf.variableGrads(
        () => stage1Loss(s1, { x, xAug: x }, new Rng(7)),
        names.map((k) => s1.params[k]),
      );
      opt.step(grads, 1e-4);
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    };
  },
  // The U-Net training step of bench/unet.bench.ts: batch 64 in 4 micro-batches of 16, fwd + bwd + AdamW.
  'unet-step': async () => {
    const net = createUNet(FASHION_UNET, 0);
    const rng = new Rng(1);
    const B = 64;
    const batch = {
      x: tf.tensor4d(rng.normals(B * 1024), [B, 32, 32, 1]),
      eps: tf.tensor4d(rng.normals(B * 1024), [B, 32, 32, 1]),
      t: tf.tensor1d(
        Array.from({ length: B }, (_, i) => (i * 37) % 1000),
        'int32',
      ),
    };
    const opt = new AdamW(net.params, { weightDecay: 0.01 });
    const ctx = { step: 0, rng, lr: 1e-4, init: net.config, shard: 0 };
    const gradFn = accumulateGrads(
      localGradFn(net.params, (b: typeof batch) => unetEpsLoss(net.params, b, ctx)),
      4,
    );
    return async () => {
      const { grads } = await gradFn(batch, { step: 0, rng, lr: 1e-4 });
      opt.step(grads, 1e-4);
      tf.dispose(Object.values(grads));
      net.params['out.conv.b'].dataSync();
    };
  },
  // U-Net sampling of 64 images as bench/unet.bench.ts does it (a forward pass and a linear update per step).
  ddim: async () => {
    const net = createUNet(FASHION_UNET, 0);
    const steps = Number(process.env.PROFILE_DDIM_STEPS ?? 5);
    const x = tf.tensor4d(new Rng(1).normals(64 * 1024), [64, 32, 32, 1]);
    return async () => {
      let xs: tf.Tensor = tf.clone(x);
      for (let i = 0; i < steps; i++) {
        const ti = tf.fill([64], 999 - Math.floor((1000 * i) / steps), 'int32');
        const next = tf.tidy(() => tf.add(tf.mul(xs, 0.98), tf.mul(net.apply(xs, ti), 0.02)));
        tf.dispose([xs, ti]);
        xs = next;
      }
      xs.dataSync();
      xs.dispose();
    };
  },
  'hyp-sample': async () => {
    await hyp.load();
    const img = fewShotInputs(7, 1, { size: 32 }).images.subarray(0, 1024);
    return async () => {
      await hyp.encode(img).perturb(5.5).sample(8);
    };
  },
  'nested-generate': async () => {
    const b = nested.levels(5);
    return async () => {
      await b.seed(1).generate(16);
    };
  },
};

const reps = Number(process.env.PROFILE_REPS ?? 1);
const elapsed = async (f: () => Promise<void>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

async function profileOne(name: string): Promise<void> {
  const run = await WORKLOADS[name]();
  await run(); // warm-up: primitives, checkpoints, JIT
  const walls = [];
  while (walls.length < reps) walls.push(await elapsed(run));
  const wall = walls.sort((a, b) => a - b)[Math.floor(walls.length / 2)];
  const info = await tf.profile(async () => {
    await run();
    return [];
  });
  const by = new Map<string, { ms: number; calls: number }>();
  let total = 0;
  for (const k of info.kernels) {
    // custom-gradient scopes ('unnamed scope', '…__op'): their kernels are listed themselves
    if (k.name.endsWith('__op') || k.name === 'unnamed scope') continue;
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    if (process.env.PROFILE_SHAPES === k.name)
      console.log(k.name, ms.toFixed(2), JSON.stringify(k.inputShapes), '→', JSON.stringify(k.outputShapes));
    const e = by.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += ms;
    e.calls++;
    by.set(k.name, e);
    total += ms;
  }
  console.log(`\n### ${name}: ${wall.toFixed(0)} ms wall (median of ${reps} unprofiled runs), ${total.toFixed(0)} ms in kernels\n`);
  console.log('| kernel | ms | share | calls |');
  console.log('|---|---|---|---|');
  const rows = [...by.entries()].sort((a, b) => b[1].ms - a[1].ms);
  let rest = 0;
  for (const [i, [k, e]] of rows.entries()) {
    if (i < 14) console.log(`| ${k} | ${e.ms.toFixed(1)} | ${((100 * e.ms) / total).toFixed(1)}% | ${e.calls} |`);
    else rest += e.ms;
  }
  if (rest > 0) console.log(`| ${rows.length - 14} others | ${rest.toFixed(1)} | ${((100 * rest) / total).toFixed(1)}% | |`);
}

(async () => {
  const report = await ready();
  process.env.HYPNEST_PROGRESS = '0';
  const s = nativeStatus();
  console.log(`backend ${report.chosen}${s.available ? ` + native kernels (${s.detail})` : ` (native: ${s.detail})`}`);
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !(a in WORKLOADS));
  if (unknown.length) {
    console.error(`profile-kernels: unknown workload ${unknown.join(', ')}; expected some of ${Object.keys(WORKLOADS).join(', ')}`);
    process.exit(2);
  }
  for (const name of asked.length ? asked : Object.keys(WORKLOADS)) await profileOne(name);
})();
