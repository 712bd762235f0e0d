/**
 * Normalisations. Group norm (Wu & He 2018): split C channels into G groups, normalise each
 * (sample, group) over H·W·C/G values: y = (x − μ)/√(σ² + ε) · γ + β. Layer norm: the same over the last axis.
 * `groupNormAct` adds what follows a group norm in the U-Net: a per-sample scale and shift (AdaGN) and SiLU,
 *   y = act((GN(x)·γ + β)·scale + shift),
 * computed on the wasm backend by two fused kernels (core/grad/wasm-group-norm.ts) under one custom gradient,
 * and elsewhere by the composition of tfjs ops (the reference the fused path is tested against).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../core/errors';
import { Rng } from '../core/rng';
import { GROUP_NORM_AFFINE, GROUP_NORM_AFFINE_GRAD } from '../core/grad/wasm-group-norm';
import { isNativeKernel } from '../core/native/mark';
import { Params, addParam, param, checkRank } from './params';

export function initNorm(p: Params, name: string, channels: number, rng: Rng): void {
  addParam(p, `${name}.g`, [channels], 'ones', rng);
  addParam(p, `${name}.b`, [channels], 'zeros', rng);
}

/** Group norm over NHWC x, with affine γ (name.g), β (name.b). */
export function groupNorm(p: Params, name: string, x: tf.Tensor, groups: number, eps = 1e-5): tf.Tensor4D {
  return groupNormAct(p, name, x, groups, { act: 'none' }, eps);
}

export interface GroupNormActOptions {
  act: 'silu' | 'none';
  /** Per-sample, per-channel factor [B, 1, 1, C] (AdaGN's 1 + s). */
  scale?: tf.Tensor;
  /** Per-sample, per-channel shift [B, 1, 1, C]. */
  shift?: tf.Tensor;
}

/** act((GN(x)·γ + β)·scale + shift) over NHWC x; scale and shift come together or not at all. */
export function groupNormAct(p: Params, name: string, x: tf.Tensor, groups: number, o: GroupNormActOptions, eps = 1e-5): tf.Tensor4D {
  checkRank(`groupNorm(${name})`, x, 4);
  const [B, , , C] = x.shape;
  if (C % groups !== 0)
    throw new ConfigError(`groupNorm(${name})`, { expected: `channels divisible by groups=${groups}`, received: `${C} channels` });
  if (Boolean(o.scale) !== Boolean(o.shift))
    throw new ConfigError(`groupNorm(${name})`, { expected: 'scale and shift together', received: o.scale ? 'scale only' : 'shift only' });
  const gamma = param(p, `${name}.g`);
  const beta = param(p, `${name}.b`);
  if (fusedAvailable(x)) {
    const ss = o.scale && o.shift ? [tf.reshape(o.scale, [B, C]), tf.reshape(o.shift, [B, C])] : [];
    const y = fusedOp(groups, eps, o.act, ss.length > 0)(x, gamma, beta, ...ss);
    tf.dispose(ss);
    return y as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const [, H, W] = x.shape;
    const xg = tf.reshape(x, [B, H * W, groups, C / groups]);
    const { mean, variance } = tf.moments(xg, [1, 3], true);
    const n = tf.reshape(tf.mul(tf.sub(xg, mean), tf.rsqrt(tf.add(variance, eps))), [B, H, W, C]);
    let y = tf.add(tf.mul(n, gamma), beta);
    if (o.scale && o.shift) y = tf.add(tf.mul(y, o.scale), o.shift);
    return (o.act === 'silu' ? silu(y) : y) as tf.Tensor4D;
  });
}

function fusedAvailable(x: tf.Tensor): boolean {
  return x.dtype === 'float32' && tf.getBackend() === 'wasm' && tf.getKernel(GROUP_NORM_AFFINE, 'wasm') !== undefined;
}

type Fused = (...xs: tf.Tensor[]) => tf.Tensor;
const fusedOps = new Map<string, Fused>();

/**
 * The custom-gradient op for one (groups, eps, act, with scale/shift) combination: inputs
 * (x, γ, β[, scale [B,C], shift [B,C]]) → y; gradients for all of them from the fused backward kernel.
 */
function fusedOp(groups: number, eps: number, act: 'silu' | 'none', scaled: boolean): Fused {
  const key = `${groups}|${eps}|${act}|${scaled}`;
  const hit = fusedOps.get(key);
  if (hit) return hit;
  const op = tf.customGrad((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [x, gamma, beta, scale, shift] = args as tf.Tensor[];
    const affine: tf.NamedTensorMap = scaled ? { x, gamma, beta, scale, shift } : { x, gamma, beta };
    let value: tf.Tensor, mean: tf.Tensor, rstd: tf.Tensor, sig: tf.Tensor | undefined;
    if (act === 'silu' && isNativeKernel(tf.getKernel(GROUP_NORM_AFFINE, 'wasm')?.kernelFunc)) {
      // the native kernel applies SiLU in the same pass: [u·σ(u), mean, rstd, σ(u)]
      [value, mean, rstd, sig] = tf.engine().runKernel(GROUP_NORM_AFFINE, affine, { groups, eps, act }) as tf.Tensor[];
    } else {
      let u: tf.Tensor;
      [u, mean, rstd] = tf.engine().runKernel(GROUP_NORM_AFFINE, affine, { groups, eps }) as tf.Tensor[];
      sig = act === 'silu' ? tf.sigmoid(u) : undefined;
      value = sig ? tf.mul(u, sig) : u;
    }
    save([x, gamma, beta, mean, rstd, ...(scaled ? [scale, shift] : []), ...(sig ? [sig] : [])]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sg, sb, smean, srstd, ...rest] = saved;
      const [sscale, sshift] = scaled ? rest : [];
      const ssig = sig ? rest[rest.length - 1] : undefined;
      const inputs: tf.NamedTensorMap = { dy, x: sx, gamma: sg, beta: sb, mean: smean, rstd: srstd };
      if (scaled) Object.assign(inputs, { scale: sscale, shift: sshift });
      if (ssig) inputs.sig = ssig;
      const [dx, sumXhat, sumG] = tf.engine().runKernel(GROUP_NORM_AFFINE_GRAD, inputs, { groups, act }) as tf.Tensor[];
      if (!scaled) return [dx, tf.sum(sumXhat, 0), tf.sum(sumG, 0)];
      return [dx, tf.sum(tf.mul(sumXhat, sscale), 0), tf.sum(tf.mul(sumG, sscale), 0), tf.add(tf.mul(sumXhat, sg), tf.mul(sumG, sb)), sumG];
    };
    return { value, gradFunc };
  }) as unknown as Fused;
  fusedOps.set(key, op);
  return op;
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
