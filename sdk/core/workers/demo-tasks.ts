/**
 * Small task module for WorkerPool tests and benchmarks (and an example of the format):
 * each export is a task `(payload, ctx) => result`; `mlpLoss` is a data-parallel loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Arr } from './arrays';
import type { TaskContext } from './types';

const toT = (a: Arr) => tf.tensor(a.data, a.shape);
const toArr = (t: tf.Tensor): Arr => ({ data: t.dataSync() as Float32Array, shape: t.shape.slice() });

/** y = tanh(x·W) row by row (rows are independent, so sharding cannot change the result). */
export function rowMap({ x, w }: { x: Arr; w: Arr }): Arr {
  const y = tf.tidy(() => tf.tanh(tf.matMul(toT(x) as tf.Tensor2D, toT(w) as tf.Tensor2D)));
  const out = toArr(y);
  y.dispose();
  return out;
}

/** Which worker ran this, and on which backend. */
export function whoami(_: unknown, ctx: TaskContext): { worker: number; backend: string } {
  return { worker: ctx.workerIndex, backend: tf.getBackend() };
}

/** Fails on purpose (tests error propagation). */
export function fail(): never {
  throw new Error('failing on purpose');
}

/** Mean squared error of a 2-layer tanh MLP: mean((tanh(x·W1 + b1)·W2 − y)²). Parameters W1, b1, W2. */
export function mlpLoss(p: Record<string, tf.Variable>, batch: { x: Arr; y: Arr }): tf.Scalar {
  const x = toT(batch.x) as tf.Tensor2D;
  const y = toT(batch.y);
  const h = tf.tanh(tf.add(tf.matMul(x, p.W1 as tf.Tensor2D), p.b1));
  return tf.mean(tf.square(tf.sub(tf.matMul(h, p.W2 as tf.Tensor2D), y)));
}

/**
 * `reps` forward+backward passes of a 3×3 'same' conv (input and filter gradients) on x:[n,h,w,ci],
 * filter w:[3,3,ci,co]; returns the wall time and a checksum of the last filter gradient.
 */
export function convFwdBwd({ x, w, reps = 1 }: { x: Arr; w: Arr; reps?: number }): { ms: number; checksum: number } {
  const xt = toT(x) as tf.Tensor4D;
  const wt = toT(w) as tf.Tensor4D;
  const f = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')));
  let checksum = 0;
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) {
    const [gx, gw] = f([xt, wt]);
    checksum = gw.dataSync()[0] + gx.dataSync()[0];
    tf.dispose([gx, gw]);
  }
  const ms = performance.now() - t0;
  tf.dispose([xt, wt]);
  return { ms, checksum };
}
