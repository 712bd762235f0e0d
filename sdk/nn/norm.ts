/**
 * Normalisations. Group norm (Wu & He 2018): split C channels into G groups, normalise each
 * (sample, group) over H·W·C/G values: y = (x − μ)/√(σ² + ε) · γ + β. Layer norm: the same over the last axis.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, ConfigError } from '../core';
import { Params, addParam, param, checkRank } from './params';

export function initNorm(p: Params, name: string, channels: number, rng: Rng): void {
  addParam(p, `${name}.g`, [channels], 'ones', rng);
  addParam(p, `${name}.b`, [channels], 'zeros', rng);
}

/** Group norm over NHWC x, with affine γ (name.g), β (name.b). */
export function groupNorm(p: Params, name: string, x: tf.Tensor, groups: number, eps = 1e-5): tf.Tensor4D {
  checkRank(`groupNorm(${name})`, x, 4);
  const [B, H, W, C] = x.shape;
  if (C % groups !== 0) throw new ConfigError(`groupNorm(${name})`, { expected: `channels divisible by groups=${groups}`, received: `${C} channels` });
  return tf.tidy(() => {
    const xg = tf.reshape(x, [B, H * W, groups, C / groups]);
    const { mean, variance } = tf.moments(xg, [1, 3], true);
    const y = tf.reshape(tf.mul(tf.sub(xg, mean), tf.rsqrt(tf.add(variance, eps))), [B, H, W, C]);
    return tf.add(tf.mul(y, param(p, `${name}.g`)), param(p, `${name}.b`)) as tf.Tensor4D;
  });
}

/** Layer norm over the last axis, with affine γ (name.g), β (name.b). */
export function layerNorm(p: Params, name: string, x: tf.Tensor, eps = 1e-5): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
    return tf.add(tf.mul(y, param(p, `${name}.g`)), param(p, `${name}.b`));
  });
}

/** SiLU (swish): x · σ(x). */
export function silu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
}
