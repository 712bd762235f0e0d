/**
 * Multi-head self-attention (Vaswani et al. 2017) over tokens x [B, N, C]:
 *   Q, K, V = x W_qkv split in heads of size d = C/h;  A = softmax(Q Kᵀ / √d);  y = (A V) W_o.
 * For images, `imageAttention` normalises, flattens H·W into tokens and adds the result back.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../core/errors';
import { Rng } from '../core/rng';
import { Params } from './params';
import { initDense, dense } from './dense';
import { initNorm, groupNorm } from './norm';
import { addFlops } from './flops';

export function initSelfAttention(p: Params, name: string, ch: number, rng: Rng): void {
  initDense(p, `${name}.qkv`, ch, 3 * ch, rng, 'glorot');
  initDense(p, `${name}.out`, ch, ch, rng, 'zeros');
}

/** y = MHA(x), x [B, N, C] → [B, N, C] (no residual). */
export function selfAttention(p: Params, name: string, x: tf.Tensor3D, heads: number): tf.Tensor3D {
  const [B, N, C] = x.shape;
  if (C % heads !== 0)
    throw new ConfigError(`selfAttention(${name})`, { expected: `channels divisible by heads=${heads}`, received: `${C} channels` });
  const d = C / heads;
  addFlops(2 * 2 * B * heads * N * N * d);
  return tf.tidy(() => {
    const qkv = tf.transpose(tf.reshape(dense(p, `${name}.qkv`, x), [B, N, 3, heads, d]), [2, 0, 3, 1, 4]); // [3,B,h,N,d]
    const [q, k, v] = tf.unstack(qkv, 0).map((t) => tf.reshape(t, [B * heads, N, d]));
    const att = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(d)));
    const o = tf.reshape(tf.transpose(tf.reshape(tf.matMul(att, v), [B, heads, N, d]), [0, 2, 1, 3]), [B, N, C]);
    return dense(p, `${name}.out`, o) as tf.Tensor3D;
  });
}

export function initImageAttention(p: Params, name: string, ch: number, rng: Rng): void {
  initNorm(p, `${name}.norm`, ch, rng);
  initSelfAttention(p, `${name}.attn`, ch, rng);
}

/** x + MHA(GN(x)) over the H·W positions of x [B, H, W, C]. */
export function imageAttention(p: Params, name: string, x: tf.Tensor4D, heads: number, groups: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [B, H, W, C] = x.shape;
    const h = tf.reshape(groupNorm(p, `${name}.norm`, x, groups), [B, H * W, C]) as tf.Tensor3D;
    return tf.add(x, tf.reshape(selfAttention(p, `${name}.attn`, h, heads), [B, H, W, C])) as tf.Tensor4D;
  });
}
