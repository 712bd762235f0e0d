/** Small tensor helpers shared by the model tests. */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../sdk/core/rng';

/** n seeded random images [n, 32, 32, 1] in [−1, 1]. */
export function randomImages(n: number, seed = 0): tf.Tensor4D {
  const r = new Rng(seed);
  return tf.tensor4d(
    Float32Array.from({ length: n * 1024 }, () => r.next() * 2 - 1),
    [n, 32, 32, 1],
  );
}

/** The first value of t, disposing t. */
export function firstValue(t: tf.Tensor): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}
