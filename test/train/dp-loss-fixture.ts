/** Worker losses for test/train/data-parallel.test.ts (loaded by the pool's workers by path). */
import * as tf from '@tensorflow/tfjs-core';
import type { Params } from '../../sdk/nn';
import type { WorkerStepContext } from '../../sdk/train';

export interface MlpBatch {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
}

/** mean((tanh(x·W1 + b1)·W2 − y)²), plus input noise from ctx.rng when ctx.init is { noise: σ }. */
export function mlpLoss(p: Params, b: MlpBatch, ctx: WorkerStepContext): tf.Scalar {
  return tf.tidy(() => {
    const sigma = (ctx.init as { noise?: number } | undefined)?.noise ?? 0;
    const x = sigma ? tf.add(b.x, tf.mul(tf.tensor(ctx.rng.normals(b.x.size), b.x.shape), sigma)) : b.x;
    const h = tf.tanh(tf.add(tf.matMul(x as tf.Tensor2D, p.W1 as tf.Tensor2D), p.b1));
    return tf.mean(tf.square(tf.sub(tf.matMul(h, p.W2 as tf.Tensor2D), b.y)));
  });
}

/** Fails on purpose (error propagation). */
export function failingLoss(): tf.Scalar {
  throw new Error('loss failing on purpose');
}
