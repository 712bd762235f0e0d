/**
 * Semantic encoder E of stage I (Diff-AE's z_sem): a small CNN, 32×32×1 → code z ∈ R^codeDim.
 *   h = SiLU(conv3×3(x))                              32×32
 *   3 × [h = SiLU(GN(conv3×3 stride 2(h)))]           16, 8, 4
 *   z = LN(dense(flatten(h)))                          layer-normed code (each z has mean 0, variance 1 before γ, β)
 * The narrow dense bottleneck is what keeps the decoder from copying pixels through the code.
 * With a spatial code (size s, channels k), z = [LN(dense(·)) of codeDim − s²k, LN(flatten(conv1×1(h_s)))]: the
 * feature map h_s at s×s reduced to k channels, a coarse layout of s²k numbers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../core/rng';
import { Params, checkRank } from '../../nn/params';
import { conv2d, initConv2d } from '../../nn/conv2d';
import { dense, initDense } from '../../nn/dense';
import { groupNorm, initNorm, layerNorm, silu } from '../../nn/norm';
import { type SpatialCode, spatialCodeWidth } from './config';

export interface EncoderShape {
  readonly codeDim: number;
  readonly encoderChannels: readonly number[];
  readonly spatialCode?: SpatialCode;
}

/** Index of the stride-2 stage whose output has side `size` (32 → 16, 8, 4). */
const stageOf = (size: number): number => Math.log2(32 / size) - 1;

function groupsFor(ch: number): number {
  for (const g of [8, 4, 2]) if (ch % g === 0) return g;
  return 1;
}

/** Adds the encoder's parameters under `prefix` (e.g. 'enc'). */
export function initEncoder(p: Params, prefix: string, c: EncoderShape, rng: Rng): void {
  const [c1, c2, c3] = c.encoderChannels;
  initConv2d(p, `${prefix}.in`, 1, c1, 3, rng);
  const chans = [c1, c1, c2, c3];
  for (let i = 0; i < 3; i++) {
    initConv2d(p, `${prefix}.down.${i}`, chans[i], chans[i + 1], 3, rng);
    initNorm(p, `${prefix}.down.${i}.norm`, chans[i + 1], rng);
  }
  const vector = c.codeDim - spatialCodeWidth(c);
  initDense(p, `${prefix}.out`, 4 * 4 * c3, vector, rng, 'glorot');
  initNorm(p, `${prefix}.ln`, vector, rng);
  if (c.spatialCode) {
    initConv2d(p, `${prefix}.map`, chans[stageOf(c.spatialCode.size) + 1], c.spatialCode.channels, 1, rng);
    initNorm(p, `${prefix}.map.ln`, spatialCodeWidth(c), rng);
  }
}

/** x [B, 32, 32, 1] in [−1, 1] → z [B, codeDim]. */
export function encoderForward(p: Params, prefix: string, c: EncoderShape, x: tf.Tensor): tf.Tensor2D {
  checkRank('encoder(x)', x, 4, 1);
  return tf.tidy(() => {
    let h = silu(conv2d(p, `${prefix}.in`, x)) as tf.Tensor4D;
    let map: tf.Tensor | undefined;
    for (let i = 0; i < 3; i++) {
      const y = conv2d(p, `${prefix}.down.${i}`, h, 2);
      h = silu(groupNorm(p, `${prefix}.down.${i}.norm`, y, groupsFor(y.shape[3]))) as tf.Tensor4D;
      if (c.spatialCode && i === stageOf(c.spatialCode.size)) map = conv2d(p, `${prefix}.map`, h);
    }
    const flat = tf.reshape(h, [h.shape[0], -1]);
    const z = layerNorm(p, `${prefix}.ln`, dense(p, `${prefix}.out`, flat)) as tf.Tensor2D;
    if (!map) return z;
    return tf.concat([z, layerNorm(p, `${prefix}.map.ln`, tf.reshape(map, [h.shape[0], -1]))], 1) as tf.Tensor2D;
  });
}
