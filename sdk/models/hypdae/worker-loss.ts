/**
 * Stage I's loss for data-parallel training (`train({ workers, workerLoss })`, sdk/train/data-parallel.ts):
 * each worker rebuilds the stage from the config it was given (ctx.init) around its replica's parameters and
 * runs the same loss as the main thread would (stage1Loss: encoder on the augmented view, condition dropout,
 * ε-prediction of the clean image). The mean over rows makes the workers' row-weighted average the full-batch loss.
 */
import type * as tf from '@tensorflow/tfjs-core';
import '../../core/grad';
import type { Params } from '../../nn/params';
import type { WorkerStepContext } from '../../train/data-parallel';
import { hypdaeConfig, type HypdaeConfig } from './config';
import { Stage1Batch, stage1Loss, stage1With } from './stage1';

export function stage1WorkerLoss(params: Params, batch: Stage1Batch, ctx: WorkerStepContext): tf.Scalar {
  return stage1Loss(stage1With(hypdaeConfig(ctx.init as HypdaeConfig), params), batch, ctx.rng);
}
