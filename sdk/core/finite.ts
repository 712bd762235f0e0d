/**
 * The NaN/±Infinity guard for inputs: one boolean read-back per call (not per step), so samplers and
 * encoders can check what they are given without slowing their loops.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError, describe } from './errors';

/** Throws ValueError (`expected` …, received … containing NaN or ±Infinity) unless every value of x is finite. */
export function assertFinite(where: string, x: tf.Tensor, expected = 'finite values', hint = 'Check the upstream computation (a NaN often comes from a division by zero or an untrained network).'): void {
  const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(x))));
  const v = bad.dataSync()[0];
  bad.dispose();
  if (v) throw new ValueError(where, { expected, received: `${describe(x)} containing NaN or ±Infinity`, hint });
}
