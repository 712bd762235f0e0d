/**
 * Residual block with adaptive group norm (AdaGN; Dhariwal & Nichol 2021, Preechakul et al. 2022):
 *   h = conv1(SiLU(GN₁(x)))
 *   (s, b) = dense(SiLU(e))                       e: time embedding + condition embedding [B, E]
 *   h = conv2(SiLU(GN₂(h) · (1 + s) + b))         conv2 is zero-initialised
 *   y = skip(x) + h                               skip: 1×1 conv when channels change, else identity
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../core/rng';
import { Params } from './params';
import { initConv2d, conv2d } from './conv2d';
import { initDense, dense } from './dense';
import { initNorm, groupNormAct } from './norm';

export function initResBlock(p: Params, name: string, inCh: number, outCh: number, embDim: number, rng: Rng): void {
  initNorm(p, `${name}.norm1`, inCh, rng);
  initConv2d(p, `${name}.conv1`, inCh, outCh, 3, rng);
  initDense(p, `${name}.emb`, embDim, 2 * outCh, rng, 'glorot');
  initNorm(p, `${name}.norm2`, outCh, rng);
  initConv2d(p, `${name}.conv2`, outCh, outCh, 3, rng, 'zeros');
  if (inCh !== outCh) initConv2d(p, `${name}.skip`, inCh, outCh, 1, rng);
}

/** x [B,H,W,inCh], emb [B,E] (already SiLU-activated by the caller, shared by all blocks) → [B,H,W,outCh]. */
export function resBlock(p: Params, name: string, x: tf.Tensor4D, embAct: tf.Tensor2D, groups: number): tf.Tensor4D {
  return tf.tidy(() => {
    const h1 = conv2d(p, `${name}.conv1`, groupNormAct(p, `${name}.norm1`, x, groups, { act: 'silu' }));
    const C = h1.shape[3];
    const ss = tf.reshape(dense(p, `${name}.emb`, embAct), [-1, 1, 1, 2 * C]);
    const [scale, shift] = tf.split(ss, 2, 3);
    const h = conv2d(p, `${name}.conv2`, groupNormAct(p, `${name}.norm2`, h1, groups, { act: 'silu', scale: tf.add(scale, 1), shift }));
    const skip = p[`${name}.skip.w`] ? conv2d(p, `${name}.skip`, x) : x;
    return tf.add(skip, h) as tf.Tensor4D;
  });
}
