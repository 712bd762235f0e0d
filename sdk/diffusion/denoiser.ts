/**
 * The model interface every sampler and loss uses, plus the small checks around calling it.
 *
 * A denoiser is any callable `(x_t, t, cond?) → prediction` (k-diffusion style): `x_t` is a batch [B, …],
 * `t` an int32 tensor [B] of training timesteps, `cond` an optional conditioning batch [B, …]. The prediction
 * has the shape of `x_t` and is ε (noise) or v (velocity, Salimans & Ho 2022), see prediction.ts.
 * Samplers dispose what the denoiser returns; the denoiser must not dispose its inputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError, describe } from '../core/errors';
import { Rng } from '../core/rng';

export type Denoiser = (x: tf.Tensor, t: tf.Tensor, cond?: tf.Tensor) => tf.Tensor;

export const PREDICTIONS = ['epsilon', 'v'] as const;
export type Prediction = (typeof PREDICTIONS)[number];

/** Throws ConfigError unless `p` is 'epsilon' or 'v'. */
export function checkPrediction(where: string, p: unknown): Prediction {
  if (!(PREDICTIONS as readonly unknown[]).includes(p)) {
    throw new ConfigError(where, { expected: "'epsilon' or 'v'", received: describe(p) });
  }
  return p as Prediction;
}

/** Throws ShapeError unless `x` is a float tensor with a batch axis (rank ≥ 2, B ≥ 1). */
export function checkBatch(where: string, x: unknown): tf.Tensor {
  const t = x as tf.Tensor;
  if (!(t instanceof tf.Tensor) || t.rank < 2 || t.shape[0] < 1 || t.dtype !== 'float32') {
    throw new ShapeError(where, {
      expected: 'a float32 tensor [B, …] with a batch axis (rank ≥ 2)',
      received: describe(x),
      hint: t instanceof tf.Tensor && t.rank === 1 ? 'Add a batch axis: x.expandDims(0).' : undefined,
    });
  }
  return t;
}

/** Throws ShapeError unless `cond` is absent or a tensor whose batch size is `batch`. */
export function checkCond(where: string, cond: unknown, batch: number): tf.Tensor | undefined {
  if (cond === undefined) return undefined;
  if (!(cond instanceof tf.Tensor) || cond.rank < 1 || cond.shape[0] !== batch) {
    throw new ShapeError(where, { expected: `a conditioning tensor [${batch}, …] (one row per batch item)`, received: describe(cond) });
  }
  return cond;
}

/**
 * Calls the denoiser with an int32 timestep tensor [B] (one timestep for all items when `t` is a number)
 * and checks that the prediction has the shape of `x`.
 */
export function callDenoiser(denoiser: Denoiser, x: tf.Tensor, t: number | tf.Tensor, cond?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const tt = typeof t === 'number' ? tf.fill([x.shape[0]], t, 'int32') : t;
    const out = denoiser(x, tt, cond);
    if (!(out instanceof tf.Tensor) || !tf.util.arraysEqual(out.shape, x.shape)) {
      throw new ShapeError('denoiser(x, t, cond)', {
        expected: `a prediction of the shape of x, [${x.shape.join(', ')}]`,
        received: describe(out),
        hint: 'The denoiser must return ε or v for every element of x.',
      });
    }
    return out.dtype === 'float32' ? out : tf.cast(out, 'float32');
  });
}

/** The Rng given, else one seeded with `seed`, else one with a fresh random seed (not reproducible). */
export function resolveRng(where: string, rng: Rng | undefined, seed: number | undefined): Rng {
  if (rng !== undefined) {
    if (!(rng instanceof Rng)) throw new ConfigError(`${where}.rng`, { expected: 'an Rng (sdk/core/rng)', received: describe(rng) });
    return rng;
  }
  if (seed !== undefined) {
    if (!Number.isFinite(seed)) throw new ConfigError(`${where}.seed`, { expected: 'a finite number', received: describe(seed) });
    return new Rng(seed);
  }
  return new Rng(Math.floor(Math.random() * 2 ** 31));
}

/** A standard normal tensor drawn from `rng` (bit-identical on every backend for the same Rng state). */
export function normalTensor(shape: number[], rng: Rng): tf.Tensor {
  return tf.tensor(rng.normals(shape.reduce((a, b) => a * b, 1)), shape, 'float32');
}
