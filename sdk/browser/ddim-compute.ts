/**
 * The DDIM scrubber's computation (tensor work only, no DOM): every step of one generation and of one inversion by
 * HypDAE's stage I, through the samplers' generator variants (sdk/diffusion ddimSteps, ddimInversionSteps).
 *   generation  x_T ~ N(0, I) (seeded) → x_0 with the input's code z = E(x) and guidance w; frame i is the state
 *               x_{τ_i} the step starts from and the x̂₀ predicted there; the last frame is the result (t = 0).
 *   inversion   x_0 = the input → x_T (η = 0, no guidance, as stochasticCode); frame 0 is the input, frame i the
 *               state after step i and the x̂₀ predicted on the way.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../core/rng';
import { ValueError, describe } from '../core/errors';
import { ddimSteps } from '../diffusion/ddim';
import { ddimInversionSteps } from '../diffusion/inversion';
import { normalTensor } from '../diffusion/denoiser';
import { Stage1, encodeSemantic, stage1Denoiser } from '../models/hypdae/stage1';
import { guidedDenoiser } from '../models/hypdae/generate';
import { SIDE, checkImage } from './compute-common';

export interface ScrubSettings {
  /** DDIM steps of both loops. */
  readonly steps: number;
  /** Guidance weight of the generation. */
  readonly guidance: number;
  /** Seed of the generation's x_T. */
  readonly seed: number;
}

export const SCRUB_DEFAULTS: ScrubSettings = Object.freeze({ steps: 10, guidance: 2, seed: 0 });

export interface Trajectory {
  /** Timestep of each frame. */
  readonly t: number[];
  /** x_t of each frame, frames × 1024 in [−1, 1] (noise is not clipped). */
  readonly x: Float32Array;
  /** x̂₀ of each frame, frames × 1024. */
  readonly x0: Float32Array;
}

export interface Trajectories {
  readonly generation: Trajectory;
  readonly inversion: Trajectory;
}

function collect(frames: { t: number; x: tf.Tensor; x0: tf.Tensor }[]): Trajectory {
  const x = new Float32Array(frames.length * SIDE * SIDE);
  const x0 = new Float32Array(frames.length * SIDE * SIDE);
  frames.forEach((f, i) => {
    x.set(f.x.dataSync(), i * SIDE * SIDE);
    x0.set(f.x0.dataSync(), i * SIDE * SIDE);
  });
  return { t: frames.map((f) => f.t), x, x0 };
}

/** Both trajectories of `image` (32 × 32 in [−1, 1]). */
export function scrubTrajectories(stage1: Stage1, image: Float32Array, s: ScrubSettings = SCRUB_DEFAULTS): Trajectories {
  checkImage('scrubTrajectories(image)', image);
  if (!Number.isInteger(s.steps) || s.steps < 1 || s.steps > 100)
    throw new ValueError('scrubTrajectories(steps)', { expected: 'an integer in 1..100', received: describe(s.steps) });
  let out: Trajectories | undefined;
  tf.tidy(() => {
    const x = tf.tensor4d(image, [1, SIDE, SIDE, 1]);
    const z = encodeSemantic(stage1, x);
    const xT = normalTensor([1, SIDE, SIDE, 1], new Rng(s.seed));
    const gen: { t: number; x: tf.Tensor; x0: tf.Tensor }[] = [];
    let from: tf.Tensor = xT;
    for (const st of ddimSteps(guidedDenoiser(stage1, s.guidance), xT, stage1.schedule, { steps: s.steps, cond: z, eta: 0, clipX0: 1 })) {
      gen.push({ t: st.t, x: from, x0: tf.keep(st.x0.clone()) });
      from = tf.keep(st.x.clone());
    }
    gen.push({ t: 0, x: from, x0: from });
    const inv: { t: number; x: tf.Tensor; x0: tf.Tensor }[] = [{ t: 0, x, x0: x }];
    for (const st of ddimInversionSteps(stage1Denoiser(stage1), x, stage1.schedule, { steps: s.steps, cond: z })) {
      inv.push({ t: st.t, x: tf.keep(st.x.clone()), x0: tf.keep(st.x0.clone()) });
    }
    out = { generation: collect(gen), inversion: collect(inv) };
    tf.dispose([...gen, ...inv].flatMap((f) => [f.x, f.x0]));
  });
  return out!;
}
