/**
 * Stochastic encoding and SDEdit (Meng et al. 2022): noise an image part of the way, then denoise from there.
 *
 * With strength s ∈ (0, 1] and n = ⌊steps·s⌋ respaced steps (diffusers' img2img convention):
 *   x_τ = √ᾱ_τ·x₀ + √(1−ᾱ_τ)·z,  τ = τ_{n−1}, z ~ N(0, I) seeded   (DDPM eq. 4)
 * then DDIM (any η) runs the remaining n steps τ_{n−1} … τ_0. s = 1 starts from (almost) pure noise at τ_{steps−1};
 * small s keeps the image close to x₀.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError, checkOptions, describe } from '../core/errors';
import type { Rng } from '../core/rng';
import { checkBatch, normalTensor, resolveRng, type Denoiser } from './denoiser';
import { ddimSteps, type DdimOptions } from './ddim';
import { qSample } from './q-sample';
import { respace } from './respace';
import { COMMON_KEYS, runSteps, type SamplerStep } from './sampler-options';
import type { Schedule } from './schedule';

export interface EncodeOptions {
  /** How far to noise, in (0, 1]. */
  strength: number;
  /** Respaced steps of the full chain (default 50, at most T). */
  steps?: number;
  offset?: number;
  seed?: number;
  rng?: Rng;
}

export interface Encoded {
  /** The noised batch x_τ (owned by the caller). */
  x: tf.Tensor;
  /** τ, the training timestep it sits at. */
  timestep: number;
  /** Index of τ in the respacing: pass it as DDIM's startIndex. */
  startIndex: number;
}

/** Validates strength/steps and picks the starting step: n = ⌊steps·strength⌋, τ = τ_{n−1}. */
function encodePlan(schedule: Schedule, options: EncodeOptions): { timestep: number; startIndex: number } {
  const s = options?.strength;
  if (typeof s !== 'number' || !(s > 0 && s <= 1)) {
    throw new ValueError('stochasticEncode(options.strength)', { expected: 'a number in (0, 1]', received: describe(s) });
  }
  const plan = respace(schedule, options.steps ?? Math.min(50, schedule.T), options.offset === undefined ? {} : { offset: options.offset });
  const n = Math.floor(plan.steps * s + 1e-9);
  if (n < 1) {
    throw new ValueError('stochasticEncode(options.strength)', {
      expected: `strength ≥ 1/steps = ${(1 / plan.steps).toPrecision(3)} (at least one step)`,
      received: describe(s),
      hint: 'Raise strength or steps.',
    });
  }
  return { timestep: plan.timesteps[n - 1], startIndex: n - 1 };
}

/** Noises x₀ to the step that `strength` selects (seeded); throws ValueError for strength ∉ (0, 1] or too few steps. */
export function stochasticEncode(x0: tf.Tensor, schedule: Schedule, options: EncodeOptions): Encoded {
  checkOptions('stochasticEncode(options)', options, ['strength', 'steps', 'offset', 'seed', 'rng']);
  checkBatch('stochasticEncode(x0)', x0);
  const { timestep, startIndex } = encodePlan(schedule, options);
  const rng = resolveRng('stochasticEncode(options)', options.rng, options.seed);
  const x = tf.tidy(() => qSample(x0, timestep, normalTensor(x0.shape, rng), schedule));
  return { x, timestep, startIndex };
}

export interface SdEditOptions extends Omit<DdimOptions, 'startIndex'> {
  strength: number;
}

/**
 * Generator variant of sdEdit (tensors valid until the next iteration). The seed drives both the encoding noise
 * and DDIM's noise. Everything is validated at the call; the encoding happens at the first step.
 */
export function sdEditSteps(denoiser: Denoiser, x0: tf.Tensor, schedule: Schedule, options: SdEditOptions): Generator<SamplerStep> {
  checkOptions('sdEdit(options)', options, [...COMMON_KEYS, 'eta', 'strength']);
  const { strength, ...rest } = options;
  const { startIndex } = encodePlan(schedule, { strength, steps: rest.steps, offset: rest.offset });
  ddimSteps(denoiser, x0, schedule, { ...rest, startIndex }); // validates only: a generator not started holds nothing
  const rng = resolveRng('sdEdit(options)', options.rng, options.seed);
  return (function* () {
    const enc = stochasticEncode(x0, schedule, { strength, steps: rest.steps, offset: rest.offset, rng });
    try {
      yield* ddimSteps(denoiser, enc.x, schedule, { ...rest, seed: undefined, rng, startIndex });
    } finally {
      enc.x.dispose();
    }
  })();
}

/** SDEdit `(model, x₀, schedule, {strength, …}) → x`: stochastic encoding, then DDIM from there. */
export function sdEdit(denoiser: Denoiser, x0: tf.Tensor, schedule: Schedule, options: SdEditOptions): tf.Tensor {
  const gen = sdEditSteps(denoiser, x0, schedule, options);
  const n = Math.floor((options.steps ?? Math.min(50, schedule.T)) * options.strength + 1e-9);
  return runSteps(gen, 'SDEdit', n, options.progress);
}
