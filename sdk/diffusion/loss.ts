/**
 * The simple diffusion training loss (Ho et al. 2020, eq. 14; v-target of Salimans & Ho 2022):
 *   L = E_{t ~ U{0…T−1}, ε ~ N(0, I)} ‖ f_θ(√ᾱ_t·x₀ + √(1−ᾱ_t)·ε, t, cond) − target ‖² / (elements),
 * target = ε ('epsilon') or v = √ᾱ_t·ε − √(1−ᾱ_t)·x₀ ('v'). One t per batch item.
 * Differentiable in the denoiser's variables: call it inside `optimizer.minimize(() => diffusionLoss(...))`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, checkOptions, describe } from '../core/errors';
import type { Rng } from '../core/rng';
import { callDenoiser, checkBatch, checkCond, checkPrediction, normalTensor, resolveRng, type Denoiser, type Prediction } from './denoiser';
import { predictionTarget } from './prediction';
import { alphaBarAt, type Timesteps } from './q-sample';
import type { Schedule } from './schedule';

export interface LossOptions {
  schedule: Schedule;
  /** What the denoiser predicts (default 'epsilon'). */
  prediction?: Prediction;
  /** Source of t and ε: pass the trainer's Rng (advanced every call) … */
  rng?: Rng;
  /** … or a seed (the same t and ε on every call: for tests). Neither: a fresh random seed. */
  seed?: number;
  cond?: tf.Tensor;
  /** Fixed timesteps instead of random ones (one, or one per item). */
  t?: Timesteps;
  /** Fixed noise instead of random noise (shape of x0). */
  noise?: tf.Tensor;
}

/** Scalar MSE between the denoiser's prediction at random (t, ε) and its target. */
export function diffusionLoss(denoiser: Denoiser, x0: tf.Tensor, options: LossOptions): tf.Scalar {
  checkOptions('diffusionLoss(options)', options, ['schedule', 'prediction', 'rng', 'seed', 'cond', 't', 'noise']);
  checkBatch('diffusionLoss(x0)', x0);
  const { schedule } = options ?? ({} as LossOptions);
  if (!schedule || !(schedule.alphasCumprod instanceof Float64Array)) {
    throw new ConfigError('diffusionLoss(options.schedule)', { expected: 'a Schedule (makeSchedule)', received: describe(schedule) });
  }
  const kind = checkPrediction('diffusionLoss(options.prediction)', options.prediction ?? 'epsilon');
  const B = x0.shape[0];
  const cond = checkCond('diffusionLoss(options.cond)', options.cond, B);
  const rng = resolveRng('diffusionLoss(options)', options.rng, options.seed);
  const ts = options.t ?? Array.from({ length: B }, () => rng.int(schedule.T));
  return tf.tidy(() => {
    const ab = alphaBarAt(schedule, ts, B, x0.rank);
    const eps = options.noise ?? normalTensor(x0.shape, rng);
    if (!tf.util.arraysEqual(eps.shape, x0.shape)) {
      throw new ConfigError('diffusionLoss(options.noise)', {
        expected: `a tensor of shape [${x0.shape.join(', ')}]`,
        received: describe(eps),
      });
    }
    const xt = tf.add(tf.mul(x0, tf.sqrt(ab)), tf.mul(eps, tf.sqrt(tf.sub(1, ab))));
    const tTensor = typeof ts === 'number' ? ts : ts instanceof tf.Tensor ? tf.cast(ts, 'int32') : tf.tensor1d([...ts], 'int32');
    const pred = callDenoiser(denoiser, xt, tTensor, cond);
    return tf.mean(tf.squaredDifference(pred, predictionTarget(x0, eps, ab, kind))) as tf.Scalar;
  });
}
