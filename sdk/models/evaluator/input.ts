/**
 * Image input for the evaluator: accepts a tensor [n, 28, 28, 1], [n, 28, 28], [n, 784] (or the 32×32
 * zero-padded versions, centre-cropped to 28×28), or a Float32Array of n·784 / n·1024 pixels in [-1, 1].
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertFinite } from '../../core/finite';
import { ShapeError, describe } from '../../core/errors';
import { EVALUATOR_SIZE } from './config';

export type ImagesLike = tf.Tensor | Float32Array;

function sideOf(pixels: number): number | undefined {
  for (const s of [EVALUATOR_SIZE, 32]) if (pixels === s * s) return s;
  return undefined;
}

/** A new [n, 28, 28, 1] float32 tensor (the caller disposes it). */
export function toEvaluatorInput(images: ImagesLike, where = 'evaluator(images)'): tf.Tensor4D {
  const bad = (expected: string) =>
    new ShapeError(where, { expected, received: describe(images), hint: 'Pass [n, 28, 28, 1] images in [-1, 1].' });
  let n: number;
  let side: number | undefined;
  if (images instanceof Float32Array) {
    side = [EVALUATOR_SIZE, 32].find((s) => images.length % (s * s) === 0 && images.length > 0);
    if (!side) throw bad('a Float32Array of n·784 or n·1024 pixels');
    n = images.length / (side * side);
  } else if (images instanceof tf.Tensor) {
    n = images.shape[0];
    side = sideOf(images.size / Math.max(n, 1));
    const channels = images.rank === 4 ? images.shape[3] : 1;
    if (!side || images.rank < 2 || channels !== 1 || n < 1) throw bad('one-channel images [n, 28, 28, 1] (or 32×32, or flattened)');
  } else {
    throw bad('a tensor or a Float32Array');
  }
  const s = side;
  const out = tf.tidy(() => {
    let x = (
      images instanceof tf.Tensor ? tf.reshape(tf.cast(images, 'float32'), [n, s, s, 1]) : tf.tensor4d(images, [n, s, s, 1])
    ) as tf.Tensor4D;
    if (s !== EVALUATOR_SIZE) {
      const o = (s - EVALUATOR_SIZE) / 2;
      x = tf.slice(x, [0, o, o, 0], [n, EVALUATOR_SIZE, EVALUATOR_SIZE, 1]);
    }
    return x;
  });
  try {
    assertFinite(
      where,
      out,
      'finite pixels in [−1, 1]',
      'NaN pixels vanish inside the network and would go unnoticed in FD/KID: fix the images that produced them.',
    );
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}
