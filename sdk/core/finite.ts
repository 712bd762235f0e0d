/**
 * The NaN/±Infinity guard for inputs: one boolean read-back per call (not per step), so samplers and
 * encoders can check what they are given without slowing their loops.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError, describe } from './errors';

/** Throws ValueError (`expected` …, received … containing NaN or ±Infinity) unless every value of x is finite. */
export function assertFinite(
  where: string,
  x: tf.Tensor,
  expected = 'finite values',
  hint = 'Check the upstream computation (a NaN often comes from a division by zero or an untrained network).',
): void {
  assertLive(where, x);
  const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(x))));
  const v = bad.dataSync()[0];
  bad.dispose();
  if (v) throw new ValueError(where, { expected, received: `${describe(x)} containing NaN or ±Infinity`, hint });
}

/** Throws ValueError for a tensor that was disposed (tfjs' own "Tensor is disposed" names neither the call nor the fix). */
export function assertLive(where: string, x: tf.Tensor): void {
  if (x.isDisposed) {
    throw new ValueError(where, {
      expected: 'a live tensor',
      received: `${describe(x)} that was already disposed`,
      hint: 'It was freed (dispose(), or the tf.tidy that made it ended) before this call: keep it with tf.keep, or pass a clone.',
    });
  }
}
