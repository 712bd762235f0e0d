/**
 * The fluent HypDAE call a notebook makes most: `hyp.encode(img).perturb(5.5).sample(8)` with default settings
 * (DDIM inversion of the input, 8 perturbed codes, guided DDIM decode with the checkpoint's steps and guidance),
 * on the shipped checkpoints in assets/hypdae, at the SDK's default native threads (all cores; row suffix as
 * bench/threads.ts). scripts/bench.mjs adds the wasm column; bench/hyp_peer.py runs the same networks and steps in PyTorch.
 * Without the shipped checkpoints the rows say so and carry no time.
 * Env: HYPNEST_BENCH_REPS (default 3).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../sdk/core/backend';
import { CheckpointError } from '../sdk/core/errors';
import { hyp } from '../sdk/fluent';
import { fewShotInputs } from '../sdk/data/splits';
import { threadVariants } from './threads';

/** scripts/bench.mjs also runs this file with HYPNEST_NATIVE=0 for the wasm column. */
export const wasmPass = true;

interface Row {
  name: string;
  ms?: number;
  note?: string;
  /** false: no peer row on purpose (scripts/bench.mjs does not warn). */
  peer?: boolean;
}

const NAME = 'hyp.encode(img).perturb(5.5).sample(8)';

export default async function bench(): Promise<Row[]> {
  await ready();
  const reps = Number(process.env.HYPNEST_BENCH_REPS ?? 3);
  const v = threadVariants().at(-1)!; // the default: all cores with the native kernels, 1 thread on wasm
  v.apply();
  const backend = `${tf.getBackend()}: ${v.label}`;
  let loaded: Awaited<ReturnType<typeof hyp.load>>;
  try {
    loaded = await hyp.load();
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    return [
      { name: NAME + v.suffix, note: `skipped: no usable shipped checkpoints (${e.received}); run npx hypnest train hypdae --stage all` },
    ];
  }
  const img = fewShotInputs(7, 1, { size: 32 }).images.subarray(0, 1024); // the first few-shot sneaker of T
  const call = () => hyp.encode(img).perturb(5.5).sample(8);
  const t0 = performance.now();
  const first = await call();
  const coldMs = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
  }
  const ms = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  const s = first.info.settings;
  const meta = loaded.meta.stage1 as { step?: number; complete?: boolean };
  const cfg = `DDIM ${s.steps} steps (inversion + decode), guidance ${s.guidance}, stage I step ${meta.step}${meta.complete ? '' : ' (incomplete)'}`;
  hyp.dispose();
  return [
    { name: NAME + v.suffix, ms, note: `${backend}; median of ${reps} after the first call; ${cfg}; target ≤ 2.5 s (issue 18)` },
    { name: `${NAME} first call (loads checkpoints)${v.suffix}`, ms: coldMs, note: backend, peer: false },
  ];
}
