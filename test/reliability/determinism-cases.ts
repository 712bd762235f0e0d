/**
 * The seeded computations whose output must be bit-identical for the same seed on the same backend:
 * DDIM (η = 0 and η = 1) and DDPM sampling with a tiny U-Net, the hyperbolic perturb edit, the augment
 * baseline, three trainer steps, tiny HypDAE decoding and stochastic codes. Model weights are fixed (seed 0);
 * `seed` drives the noise, the edit, the augmentation, the batches.
 *
 * Run as a script it prints {backend, digests} as JSON (the determinism test compares a fresh process):
 *   node --import tsx test/reliability/determinism-cases.ts SEED
 */
import { createHash } from 'crypto';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import '../../sdk/core/grad';
import { Rng } from '../../sdk/core/rng';
import { normalTensor } from '../../sdk/diffusion/denoiser';
import { ddimSample } from '../../sdk/diffusion/ddim';
import { ddpmSample } from '../../sdk/diffusion/ddpm';
import { perturb } from '../../sdk/hyperbolic/edits';
import { augmentMethod } from '../../sdk/pipelines/baselines/augment';
import { createMlpDenoiser } from '../../sdk/nn/mlp-denoiser';
import { disposeParams } from '../../sdk/nn/params';
import { train, type StepContext } from '../../sdk/train/trainer';
import { decodeCodes, stochasticCode } from '../../sdk/models/hypdae/generate';
import { encodeSemantic } from '../../sdk/models/hypdae/stage1';
import { bytesOf, randomImages, tinyStage1, tinyUNet } from './tiny-models';

export interface CaseOutput {
  /** The output's values (float32). */
  values: Float32Array;
  /** Whether the output depends on the seed (a different seed must change it). */
  seeded: boolean;
}

const take = (t: tf.Tensor): Float32Array => {
  const v = Float32Array.from(t.dataSync());
  t.dispose();
  return v;
};

/** Every case's output for `seed`. Leaves no tensor behind. */
export async function determinismOutputs(seed: number): Promise<Record<string, CaseOutput>> {
  await ready();
  const out: Record<string, CaseOutput> = {};
  const { net, denoiser, schedule } = tinyUNet(0);
  const xT = normalTensor([2, 8, 8, 1], new Rng(seed));
  out['ddimSample η=0 (x_T from the seed)'] = {
    values: take(ddimSample(denoiser, xT, schedule, { steps: 4, progress: false })),
    seeded: true,
  };
  const fixedXT = normalTensor([2, 8, 8, 1], new Rng(1));
  out['ddimSample η=1, seed'] = {
    values: take(ddimSample(denoiser, fixedXT, schedule, { steps: 4, eta: 1, seed, progress: false })),
    seeded: true,
  };
  out['ddpmSample 5 steps, seed'] = {
    values: take(ddpmSample(denoiser, fixedXT, schedule, { steps: 5, seed, progress: false })),
    seeded: true,
  };
  tf.dispose([xT, fixedXT]);
  disposeParams(net.params);

  const codes = [
    [0.1, -0.2, 0.3, 0.05],
    [-0.4, 0.1, 0.0, 0.2],
  ];
  out['hyperbolic perturb d=1.5 R=3, seed'] = { values: take(perturb(codes, 1.5, 3, 1, { seed })), seeded: true };

  const rng = new Rng(3);
  const inputs = Float32Array.from({ length: 2 * 28 * 28 }, () => rng.next() * 2 - 1);
  const aug = await augmentMethod()({ inputs, count: 2, side: 28, outputsPerInput: 3, classId: 2, seed, runSeed: seed });
  out['augment baseline 2 inputs × 3 outputs, seed'] = { values: aug, seeded: true };

  out['trainer: 3 AdamW steps of an MLP denoiser, seed'] = { values: await trainerSteps(seed), seeded: true };

  const s1 = tinyStage1(0);
  const x = randomImages(2, 32, 5);
  const z = encodeSemantic(s1, x);
  out['hypdae decodeCodes 3 steps, guidance 2, η 0.5, seed'] = {
    values: take(decodeCodes(s1, z, { steps: 3, guidance: 2, eta: 0.5, seed })),
    seeded: true,
  };
  const enc = stochasticCode(s1, x, z, { method: 'encode', strength: 0.6, steps: 4, seed });
  out['hypdae stochasticCode encode, seed'] = { values: take(enc.noise), seeded: true };
  const inv = stochasticCode(s1, x, z, { steps: 3 });
  out['hypdae stochasticCode invert (no seed)'] = { values: take(inv.noise), seeded: false };
  tf.dispose([x, z]);
  disposeParams(s1.params);
  return out;
}

/** Final parameters and the three losses of a seeded 3-step run (batches and noise from the seed). */
async function trainerSteps(seed: number): Promise<Float32Array> {
  const m = createMlpDenoiser({ dim: 3, width: 8, depth: 2 }, 0);
  const data = ({ step, seed: s }: { step: number; seed: number }) =>
    (function* () {
      for (let k = step; ; k++) yield { x: tf.tensor2d(new Rng(s * 7919 + k).normals(12), [4, 3]) };
    })();
  const lossFn = (b: { x: tf.Tensor }, ctx: StepContext) =>
    tf.tidy(() => {
      const eps = tf.tensor2d(ctx.rng.normals(12), [4, 3]);
      const t = [0, 1, 2, 3].map(() => ctx.rng.int(100));
      return tf.losses.meanSquaredError(eps, m.apply(tf.add(b.x, eps), t));
    });
  const r = await train({ params: m.params, lossFn, data, steps: 3, lr: 1e-2, clip: 1, ema: 0.9, seed });
  const parts = [
    ...Object.keys(m.params)
      .sort()
      .map((k) => m.params[k].dataSync() as Float32Array),
    Float32Array.from(r.losses),
  ];
  const values = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    values.set(p, at);
    at += p.length;
  }
  disposeParams(m.params);
  if (r.ema) disposeParams(r.ema);
  return values;
}

/** sha256 of each case's bytes. */
export function digests(outputs: Record<string, CaseOutput>): Record<string, string> {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, createHash('sha256').update(bytesOf(v.values)).digest('hex')]));
}

if (require.main === module) {
  const seed = Number(process.argv[2] ?? 7);
  determinismOutputs(seed)
    .then((o) => console.log(JSON.stringify({ backend: tf.getBackend(), digests: digests(o) })))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
