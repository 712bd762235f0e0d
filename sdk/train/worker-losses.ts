/**
 * Ready-made worker losses for data-parallel training (train({ workers, workerLoss })), and the pattern to
 * copy for others: a plain exported function of (params, batch, ctx) that rebuilds what it needs from
 * ctx.init (plain data) and the replica's params.
 *
 *   train({ params: net.params, data, steps, lr, workers: 2, microBatches: 4,
 *           workerLoss: { module: require.resolve('hypnest/build/sdk/train/worker-losses'), name: 'unetEpsLoss', init: net.config } })
 */
import * as tf from '@tensorflow/tfjs-core';
import { Params, UNetConfig, unetForward } from '../nn';
import type { WorkerStepContext } from './data-parallel';

/** A batch of noisy images, their noise and timesteps (and, for conditional nets, conditions). */
export interface EpsBatch {
  x: tf.Tensor4D;
  eps: tf.Tensor4D;
  t: tf.Tensor1D;
  cond?: tf.Tensor2D;
}

/** ε-prediction loss of a U-Net (config = ctx.init): mean((ε − unet(x_t, t, cond))²). */
export function unetEpsLoss(params: Params, b: EpsBatch, ctx: WorkerStepContext): tf.Scalar {
  return tf.tidy(() => tf.losses.meanSquaredError(b.eps, unetForward(params, ctx.init as UNetConfig, b.x, b.t, b.cond)) as tf.Scalar);
}
