/**
 * Options shared by the samplers, their validation, and the loop that turns a step generator into a plain
 * `(model, x, schedule, options) → x` function with a progress bar.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertFinite } from '../core/finite';
import { ConfigError, ValueError, checkOptions, describe } from '../core/errors';
import { progress as startProgress } from '../core/progress';
import type { Rng } from '../core/rng';
import { checkBatch, checkCond, checkPrediction, resolveRng, type Prediction } from './denoiser';
import { checkSteps, respace, type Respacing } from './respace';
import type { Schedule } from './schedule';

export interface SamplerOptions {
  /** Number of sampling steps (respaced, "leading"); default 50 for DDIM, T for DDPM (at most T). */
  steps?: number;
  /** Timestep offset of the respacing (see respace.ts). */
  offset?: number;
  /** What the denoiser predicts (default 'epsilon'). */
  prediction?: Prediction;
  /** Conditioning batch passed to the denoiser. */
  cond?: tf.Tensor;
  /** Seed of the sampler's noise (same seed → bit-identical samples). */
  seed?: number;
  /** Or an Rng to draw from (advanced by the sampler). */
  rng?: Rng;
  /** Clamp x̂₀ to [−clipX0, clipX0] at every step (e.g. 1 for images in [−1, 1]). */
  clipX0?: number;
  /** Progress bar label, or false for none (plain functions only). */
  progress?: boolean | string;
}

/** One step of a sampler generator. The tensors are borrowed: valid until the generator is advanced. */
export interface SamplerStep {
  /** The training timestep the denoiser was called at. */
  t: number;
  /** Index of the step in the respacing (counts down to 0 while sampling, up while inverting). */
  index: number;
  /** The new state. */
  x: tf.Tensor;
  /** The current estimate x̂₀. */
  x0: tf.Tensor;
}

export const COMMON_KEYS = ['steps', 'offset', 'prediction', 'cond', 'seed', 'rng', 'clipX0', 'progress'] as const;

export interface Resolved {
  plan: Respacing;
  prediction: Prediction;
  cond?: tf.Tensor;
  rng: Rng;
  clipX0?: number;
}

/** Validates x, the option keys and the shared options; builds the respacing. */
export function resolveSampler(
  where: string,
  x: tf.Tensor,
  schedule: Schedule,
  options: SamplerOptions,
  known: readonly string[],
  defaultSteps: number,
): Resolved {
  checkBatch(`${where}(x)`, x);
  checkOptions(`${where}(options)`, options, known);
  assertFinite(
    `${where}(x)`,
    x,
    'a finite starting image or noise',
    'Draw x_T from tf.randomNormal (or an inversion) and check it for NaN first.',
  );
  if (!schedule || !(schedule.alphasCumprod instanceof Float64Array)) {
    throw new ConfigError(`${where}(schedule)`, { expected: 'a Schedule (makeSchedule)', received: describe(schedule) });
  }
  const steps = checkSteps(`${where}(options.steps)`, options.steps ?? Math.min(defaultSteps, schedule.T), schedule.T);
  const plan = respace(schedule, steps, options.offset === undefined ? {} : { offset: options.offset });
  const clip = options.clipX0;
  if (clip !== undefined && !(clip > 0 && Number.isFinite(clip))) {
    throw new ValueError(`${where}(options.clipX0)`, { expected: 'a finite number > 0', received: describe(clip) });
  }
  return {
    plan,
    prediction: checkPrediction(`${where}(options.prediction)`, options.prediction ?? 'epsilon'),
    cond: checkCond(`${where}(options.cond)`, options.cond, x.shape[0]),
    rng: resolveRng(`${where}(options)`, options.rng, options.seed),
    clipX0: clip,
  };
}

/** Runs a step generator to its end with a progress bar; returns (a clone of) the final x, owned by the caller. */
export function runSteps(gen: Generator<SamplerStep>, label: string, total: number, show: boolean | string | undefined): tf.Tensor {
  const bar = show === false ? undefined : startProgress(typeof show === 'string' ? show : label, total);
  let last: tf.Tensor | undefined;
  try {
    for (const step of gen) {
      last?.dispose();
      last = step.x.clone(); // shares the data; survives the generator disposing step.x
      bar?.tick(1, { t: step.t });
    }
  } catch (e) {
    last?.dispose();
    throw e;
  } finally {
    bar?.done();
  }
  if (!last) throw new ValueError(label, { expected: 'at least one sampling step', received: '0 steps' });
  return last;
}
