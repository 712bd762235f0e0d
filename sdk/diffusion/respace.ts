/**
 * Respaced timesteps for few-step sampling (DDIM, respaced DDPM).
 *
 * "Leading" uniform spacing (diffusers' `timestep_spacing = 'leading'`): with r = ⌊T / steps⌋,
 *   τ_i = i · r + offset,  i = 0 … steps−1   (ascending),
 * so 50 steps of T = 1000 with offset 1 give τ = 1, 21, …, 981.
 * The default offset is 1 (Stable Diffusion's `steps_offset = 1`) when the last τ still fits below T, else 0
 * (e.g. steps = T gives τ = 0 … T−1).
 *
 * ᾱ_prev of step i is ᾱ at τ_{i−1}; for i = 0 it is ᾱ[0] (diffusers' `set_alpha_to_one = False`), i.e.
 * sampling ends, and inversion starts, at the noise level of training step 0.
 */
import { ValueError, checkOptions, describe } from '../core/errors';
import type { Schedule } from './schedule';

export interface Respacing {
  readonly steps: number;
  readonly offset: number;
  /** τ_0 < τ_1 < … (ascending; samplers walk it backwards). */
  readonly timesteps: readonly number[];
  /** ᾱ at each τ_i. */
  readonly alphasCumprod: readonly number[];
  /** ᾱ at τ_{i−1}, with ᾱ[0] for i = 0. */
  readonly alphasCumprodPrev: readonly number[];
  toString(): string;
}

export interface RespaceOptions {
  /** Added to every timestep (default 1 when it fits, else 0). */
  offset?: number;
}

/** Checks `steps` against T: an integer in [1, T]. */
export function checkSteps(where: string, steps: unknown, T: number): number {
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 1 || steps > T) {
    throw new ValueError(where, {
      expected: `an integer number of sampling steps in [1, ${T}] (T = ${T} training steps)`,
      received: describe(steps),
      hint: typeof steps === 'number' && steps > T ? `Use at most ${T} steps, or a schedule with more training steps.` : undefined,
    });
  }
  return steps;
}

/** The respaced timesteps and their ᾱ (frozen). */
export function respace(schedule: Schedule, steps: number, options: RespaceOptions = {}): Respacing {
  checkOptions('respace(options)', options, ['offset']);
  const T = schedule.T;
  checkSteps('respace(steps)', steps, T);
  const ratio = Math.floor(T / steps);
  const last = (steps - 1) * ratio;
  const offset = options.offset ?? (last + 1 <= T - 1 ? 1 : 0);
  if (!Number.isInteger(offset) || offset < 0 || last + offset > T - 1) {
    throw new ValueError('respace(options.offset)', {
      expected: `an integer in [0, ${T - 1 - last}] so that the last timestep ${last} + offset stays below T = ${T}`,
      received: describe(offset),
    });
  }
  const timesteps = Array.from({ length: steps }, (_, i) => i * ratio + offset);
  const ac = schedule.alphasCumprod;
  const alphasCumprod = timesteps.map((t) => ac[t]);
  const alphasCumprodPrev = timesteps.map((_, i) => (i === 0 ? ac[0] : ac[timesteps[i - 1]]));
  const text = `Respacing(${steps} of ${T} steps, τ = ${timesteps.slice(0, 3).join(', ')}${steps > 3 ? ', …, ' + timesteps[steps - 1] : ''})`;
  return Object.freeze({
    steps,
    offset,
    timesteps: Object.freeze(timesteps),
    alphasCumprod: Object.freeze(alphasCumprod),
    alphasCumprodPrev: Object.freeze(alphasCumprodPrev),
    toString: () => text,
  });
}
