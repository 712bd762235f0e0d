/**
 * Residual block with adaptive group norm (AdaGN; Dhariwal & Nichol 2021, Preechakul et al. 2022):
 *   h = conv1(SiLU(GN₁(x)))
 *   (s, b) = dense(SiLU(e))                       e: time embedding + condition embedding [B, E]
 *   h = conv2(SiLU(GN₂(h) · (1 + s) + b))         conv2 is zero-initialised
 *   y = skip(x) + h                               skip: 1×1 conv when channels change, else identity
 * With a condition z in 'scale' mode (DiffAE), the modulated norm becomes z_s · (GN₂(h) · (1 + s) + b),
 * z_s = 1 + dense(z) (zero-initialised: the block starts as without it).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../core/rng';
import { Params } from './params';
import { initConv2d, conv2d } from './conv2d';
import { initDense, dense } from './dense';
import { initNorm, groupNormAct } from './norm';

export function initResBlock(p: Params, name: string, inCh: number, outCh: number, embDim: number, rng: Rng, zDim = 0): void {
  if (zDim > 0) initDense(p, `${name}.cond`, zDim, outCh, rng, 'zeros');
  initNorm(p, `${name}.norm1`, inCh, rng);
  initConv2d(p, `${name}.conv1`, inCh, outCh, 3, rng);
  initDense(p, `${name}.emb`, embDim, 2 * outCh, rng, 'glorot');
  initNorm(p, `${name}.norm2`, outCh, rng);
  initConv2d(p, `${name}.conv2`, outCh, outCh, 3, rng, 'zeros');
  if (inCh !== outCh) initConv2d(p, `${name}.skip`, inCh, outCh, 1, rng);
}

/**
 * x [B,H,W,inCh], emb [B,E] (already SiLU-activated by the caller, shared by all blocks), z [B, zDim] for a
 * block made with zDim > 0 ('scale' conditioning) → [B,H,W,outCh].
 */
export function resBlock(p: Params, name: string, x: tf.Tensor4D, embAct: tf.Tensor2D, groups: number, z?: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const h1 = conv2d(p, `${name}.conv1`, groupNormAct(p, `${name}.norm1`, x, groups, { act: 'silu' }));
    const C = h1.shape[3];
    const ss = tf.reshape(dense(p, `${name}.emb`, embAct), [-1, 1, 1, 2 * C]);
    let [scale, shift] = tf.split(ss, 2, 3);
    scale = tf.add(scale, 1);
    if (z && p[`${name}.cond.w`]) {
      const zs = tf.add(tf.reshape(dense(p, `${name}.cond`, z), [-1, 1, 1, C]), 1);
      [scale, shift] = [tf.mul(scale, zs), tf.mul(shift, zs)];
    }
    const h = conv2d(p, `${name}.conv2`, groupNormAct(p, `${name}.norm2`, h1, groups, { act: 'silu', scale, shift }));
    const skip = p[`${name}.skip.w`] ? conv2d(p, `${name}.skip`, x) : x;
    return tf.add(skip, h) as tf.Tensor4D;
  });
}
