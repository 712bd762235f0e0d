/**
 * Resolution changes. Downsample: a stride-2 3×3 conv (H → H/2). Upsample: nearest-neighbour ×2
 * then a 3×3 conv (instead of a transposed conv, which is slow on the wasm backend).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../core/rng';
import { Params } from './params';
import { initConv2d, conv2d } from './conv2d';

export function initDownsample(p: Params, name: string, ch: number, rng: Rng): void {
  initConv2d(p, `${name}.conv`, ch, ch, 3, rng);
}

export function downsample(p: Params, name: string, x: tf.Tensor4D): tf.Tensor4D {
  return conv2d(p, `${name}.conv`, x, 2);
}

export function initUpsample(p: Params, name: string, ch: number, rng: Rng): void {
  initConv2d(p, `${name}.conv`, ch, ch, 3, rng);
}

/** Nearest ×2: y[b, i, j, c] = x[b, ⌊i/2⌋, ⌊j/2⌋, c], then conv. */
export function upsample(p: Params, name: string, x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [, H, W] = x.shape;
    return conv2d(p, `${name}.conv`, tf.image.resizeNearestNeighbor(x, [2 * H, 2 * W]));
  });
}
