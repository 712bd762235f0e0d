/**
 * Noise schedules as immutable data (k-diffusion / improved-diffusion style).
 *
 * A schedule fixes the forward process q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I) over T training steps
 * t = 0 … T−1, with α_t = 1 − β_t and ᾱ_t = ∏_{s≤t} α_s (all in float64).
 *
 * - 'linear' (Ho et al. 2020):  β = linspace(β_start, β_end, T), defaults 1e-4 → 0.02 at T = 1000.
 * - 'scaled-linear' (latent diffusion / Stable Diffusion):  β = linspace(√β_start, √β_end, T)², defaults
 *   0.00085 → 0.012 at T = 1000.
 * - 'cosine' (Nichol & Dhariwal 2021, eq. 17):  ᾱ(t) = f(t)/f(0), f(t) = cos²(((t/T) + s)/(1 + s) · π/2),
 *   β_t = min(1 − ᾱ((t+1)/T)/ᾱ(t/T), maxBeta), s = 0.008, maxBeta = 0.999.
 *
 * For the two linear kinds, defaulted β_start/β_end are scaled by 1000/T (improved-diffusion), so any T gives
 * a comparable end-to-end noise level; β values passed explicitly are used as given.
 */
import { ConfigError, ValueError, checkOptions, describe } from '../core/errors';

export const SCHEDULE_KINDS = ['linear', 'scaled-linear', 'cosine'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export interface ScheduleConfig {
  readonly kind: ScheduleKind;
  /** Number of training steps T (any integer ≥ 2). */
  readonly trainSteps: number;
  /** First β (linear kinds). */
  readonly betaStart?: number;
  /** Last β (linear kinds). */
  readonly betaEnd?: number;
  /** Offset s of the cosine schedule. */
  readonly cosineOffset?: number;
  /** Upper clamp on β (cosine). */
  readonly maxBeta?: number;
}

/** An immutable schedule. The arrays are float64, indexed by the training timestep t = 0 … T−1: do not write to them. */
export interface Schedule {
  /** The validated config with every default filled in (printable, JSON-able). */
  readonly config: Readonly<Required<ScheduleConfig>>;
  readonly T: number;
  readonly betas: Readonly<Float64Array>;
  readonly alphas: Readonly<Float64Array>;
  readonly alphasCumprod: Readonly<Float64Array>;
  /** ᾱ_t, checking that t is an integer timestep in [0, T). */
  alphaBar(t: number): number;
  toString(): string;
  toJSON(): Readonly<Required<ScheduleConfig>>;
}

const KEYS = ['kind', 'trainSteps', 'betaStart', 'betaEnd', 'cosineOffset', 'maxBeta'] as const;
const DEFAULT_BETAS: Record<'linear' | 'scaled-linear', [number, number]> = {
  linear: [1e-4, 0.02],
  'scaled-linear': [0.00085, 0.012],
};

function linspace(a: number, b: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = n === 1 ? a : a + ((b - a) * i) / (n - 1);
  return out;
}

function fail(field: string, expected: string, value: unknown, hint?: string): never {
  throw new ConfigError(`makeSchedule(config.${field})`, { expected, received: describe(value), hint });
}

/** Fills defaults and validates; throws ConfigError naming the bad field. */
export function resolveScheduleConfig(config: ScheduleConfig): Required<ScheduleConfig> {
  if (typeof config !== 'object' || config === null) {
    throw new ConfigError('makeSchedule(config)', { expected: 'a config object { kind, trainSteps }', received: describe(config) });
  }
  checkOptions('makeSchedule(config)', config, KEYS);
  const { kind, trainSteps: T } = config;
  if (!(SCHEDULE_KINDS as readonly string[]).includes(kind)) fail('kind', `one of ${SCHEDULE_KINDS.map((k) => `'${k}'`).join(', ')}`, kind);
  if (!Number.isInteger(T) || T < 2) fail('trainSteps', 'an integer ≥ 2', T);
  const scale = 1000 / T;
  const [b0, b1] = kind === 'cosine' ? [0, 0] : DEFAULT_BETAS[kind];
  const full: Required<ScheduleConfig> = {
    kind,
    trainSteps: T,
    betaStart: config.betaStart ?? b0 * scale,
    betaEnd: config.betaEnd ?? b1 * scale,
    cosineOffset: config.cosineOffset ?? 0.008,
    maxBeta: config.maxBeta ?? 0.999,
  };
  if (kind !== 'cosine') {
    const { betaStart, betaEnd } = full;
    if (!(betaStart > 0 && betaStart < 1))
      fail(
        'betaStart',
        'a number in (0, 1)',
        betaStart,
        T < 20 ? 'The default scales as 1000/T; pass betaStart/betaEnd for T < 20.' : undefined,
      );
    if (!(betaEnd > 0 && betaEnd < 1))
      fail(
        'betaEnd',
        'a number in (0, 1)',
        betaEnd,
        T < 51 ? 'The default scales as 1000/T; pass betaEnd explicitly for small T.' : undefined,
      );
    if (betaEnd < betaStart) fail('betaEnd', `a number ≥ betaStart (${betaStart})`, betaEnd);
  }
  if (!(full.cosineOffset >= 0 && Number.isFinite(full.cosineOffset))) fail('cosineOffset', 'a finite number ≥ 0', full.cosineOffset);
  if (!(full.maxBeta > 0 && full.maxBeta < 1)) fail('maxBeta', 'a number in (0, 1)', full.maxBeta);
  return full;
}

function betasFor(c: Required<ScheduleConfig>): Float64Array {
  const T = c.trainSteps;
  if (c.kind === 'linear') return linspace(c.betaStart, c.betaEnd, T);
  if (c.kind === 'scaled-linear') return linspace(Math.sqrt(c.betaStart), Math.sqrt(c.betaEnd), T).map((b) => b * b);
  const f = (u: number) => Math.cos(((u + c.cosineOffset) / (1 + c.cosineOffset)) * (Math.PI / 2)) ** 2;
  const betas = new Float64Array(T);
  for (let t = 0; t < T; t++) betas[t] = Math.min(1 - f((t + 1) / T) / f(t / T), c.maxBeta);
  return betas;
}

/** Builds a frozen schedule from a config (validated; ConfigError on any bad field or unknown key). */
export function makeSchedule(config: ScheduleConfig): Schedule {
  const full = Object.freeze(resolveScheduleConfig(config));
  const betas = betasFor(full);
  const alphas = betas.map((b) => 1 - b);
  const alphasCumprod = new Float64Array(full.trainSteps);
  let prod = 1;
  for (let t = 0; t < full.trainSteps; t++) alphasCumprod[t] = prod *= alphas[t];
  const T = full.trainSteps;
  const text =
    `Schedule(${full.kind}, T=${T}` +
    (full.kind === 'cosine' ? `, s=${full.cosineOffset}` : `, β ${full.betaStart.toPrecision(4)}→${full.betaEnd.toPrecision(4)}`) +
    `, ᾱ_0=${alphasCumprod[0].toPrecision(5)}, ᾱ_${T - 1}=${alphasCumprod[T - 1].toPrecision(5)})`;
  return Object.freeze({
    config: full,
    T,
    betas,
    alphas,
    alphasCumprod,
    alphaBar(t: number): number {
      if (!Number.isInteger(t) || t < 0 || t >= T) {
        throw new ValueError('schedule.alphaBar(t)', { expected: `an integer timestep in [0, ${T - 1}]`, received: describe(t) });
      }
      return alphasCumprod[t];
    },
    toString: () => text,
    toJSON: () => full,
  });
}

/** β = linspace(β_start, β_end, T) (Ho et al. 2020). */
export const linearSchedule = (trainSteps: number, opts: { betaStart?: number; betaEnd?: number } = {}): Schedule =>
  makeSchedule({ kind: 'linear', trainSteps, ...opts });

/** β = linspace(√β_start, √β_end, T)² (latent diffusion). */
export const scaledLinearSchedule = (trainSteps: number, opts: { betaStart?: number; betaEnd?: number } = {}): Schedule =>
  makeSchedule({ kind: 'scaled-linear', trainSteps, ...opts });

/** Cosine ᾱ (Nichol & Dhariwal 2021). */
export const cosineSchedule = (trainSteps: number, opts: { cosineOffset?: number; maxBeta?: number } = {}): Schedule =>
  makeSchedule({ kind: 'cosine', trainSteps, ...opts });
