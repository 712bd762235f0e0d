/**
 * Stage I of HypDAE: a diffusion autoencoder (Preechakul et al. 2022, Diff-AE) trained jointly:
 *   z = E(aug(x₀))                                     semantic code of an augmented view
 *   z' = z, or the learned null code ∅ with probability p   (condition dropout, for guidance)
 *   L = E_{t, ε} ‖ε_θ(√ᾱ_t x₀ + √(1−ᾱ_t) ε, t, z') − ε‖²     (the decoder's target is the clean x₀)
 *   (or the v-target √ᾱ_t ε − √(1−ᾱ_t) x₀ with stage1.prediction 'v')
 * Parameters live in ONE store: the encoder under 'enc.*', the U-Net under 'dec.*' (same variables).
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertFinite } from '../../core/finite';
import { Rng } from '../../core/rng';
import { ShapeError, describe } from '../../core/errors';
import { Params, paramCount } from '../../nn/params';
import { initUNet, unetForward } from '../../nn/unet';
import { UNetConfig, unetConfig } from '../../nn/unet-config';
import { makeSchedule, Schedule } from '../../diffusion/schedule';
import { diffusionLoss } from '../../diffusion/loss';
import { predictionToEps } from '../../diffusion/prediction';
import { alphaBarAt } from '../../diffusion/q-sample';
import type { Denoiser } from '../../diffusion/denoiser';
import { dropCond } from '../../train/cond-dropout';
import { HypdaeConfig, type Stage1Config, decoderUNetConfig, spatialCodeWidth } from './config';
import { encoderForward, initEncoder } from './encoder';

export const ENC = 'enc';
export const DEC = 'dec.';

export interface Stage1 {
  readonly config: HypdaeConfig;
  readonly unet: UNetConfig;
  readonly schedule: Schedule;
  /** Encoder ('enc.*') and decoder ('dec.*') parameters. */
  readonly params: Params;
}

/** The U-Net's own view of the store (names without 'dec.'), sharing the variables. */
export function decoderParams(params: Params): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(params)) if (k.startsWith(DEC)) out[k.slice(DEC.length)] = v;
  return out;
}

/** A fresh stage I with seeded weights. */
export function createStage1(config: HypdaeConfig, seed = config.stage1.seed): Stage1 {
  const rng = new Rng(seed);
  const params: Params = {};
  initEncoder(params, ENC, config.stage1, rng);
  const unet = unetConfig(decoderUNetConfig(config));
  for (const [k, v] of Object.entries(initUNet(unet, rng))) params[DEC + k] = v;
  return { config, unet, schedule: makeSchedule(config.stage1.schedule), params };
}

/** Stage I around existing parameters (e.g. the EMA weights, or loaded ones). */
export function stage1With(config: HypdaeConfig, params: Params): Stage1 {
  return { config, unet: unetConfig(decoderUNetConfig(config)), schedule: makeSchedule(config.stage1.schedule), params };
}

export function stage1ParamCount(s: Stage1): { encoder: number; decoder: number } {
  const enc = Object.fromEntries(Object.entries(s.params).filter(([k]) => !k.startsWith(DEC)));
  return { encoder: paramCount(enc), decoder: paramCount(decoderParams(s.params)) };
}

/** Images as a [B, S, S, 1] tensor (accepts [B, S, S], [B, S, S, 1] or [S, S, 1]). */
export function asImages(where: string, x: tf.Tensor, size: number): tf.Tensor4D {
  const y = x.rank === 3 && x.shape[2] === 1 ? tf.expandDims(x, 0) : x.rank === 3 ? tf.expandDims(x, 3) : x;
  if (y.rank !== 4 || y.shape[1] !== size || y.shape[2] !== size || y.shape[3] !== 1) {
    throw new ShapeError(where, {
      expected: `images [B, ${size}, ${size}, 1] in [−1, 1]`,
      received: describe(x),
      hint: 'Pad 28×28 images to 32×32 (sdk/data size: 32).',
    });
  }
  return y as tf.Tensor4D;
}

/** Semantic codes z [B, codeDim] of images [B, 32, 32, 1]. */
export function encodeSemantic(s: Stage1, x: tf.Tensor): tf.Tensor2D {
  // Images enter HypDAE here; the samplers check their own inputs (stochastic codes, noise) for NaN.
  return tf.tidy(() => {
    const y = asImages('encodeSemantic(x)', x, s.unet.imageSize);
    assertFinite(
      'encodeSemantic(x)',
      y,
      'finite pixels in [−1, 1]',
      'Replace NaN pixels (a failed decode or a division by zero upstream) before encoding.',
    );
    return encoderForward(s.params, ENC, s.config.stage1, y);
  });
}

/** Semantic codes of n 32×32 images, in batches (plain array n × codeDim). */
export function encodeAll(s1: Stage1, images: Float32Array, batch = 256): Float32Array {
  const n = images.length / 1024;
  const d = s1.config.stage1.codeDim;
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i += batch) {
    const m = Math.min(batch, n - i);
    const z = tf.tidy(() => encodeSemantic(s1, tf.tensor4d(images.subarray(i * 1024, (i + m) * 1024), [m, 32, 32, 1])));
    out.set(z.dataSync(), i * d);
    z.dispose();
  }
  return out;
}

/**
 * The U-Net's raw output (ε, or v with stage1.prediction 'v'); cond undefined → the null code. With a spatial
 * code, the code's map (the null code's, for cond undefined) is also stacked onto x as a picture.
 */
function decoderNet(s: Stage1): Denoiser {
  const dec = decoderParams(s.params);
  const sp = s.config.stage1.spatialCode;
  if (!sp) return (x, t, cond) => unetForward(dec, s.unet, x, t, cond);
  const D = s.config.stage1.codeDim;
  return (x, t, cond) =>
    tf.tidy(() => {
      const B = x.shape[0];
      const size = x.shape[1]!;
      const code = (cond ?? tf.tile(tf.reshape(nullCode(s), [1, D]), [B, 1])) as tf.Tensor2D;
      const map = tf.reshape(codeMap(s.config.stage1, code)!, [B, sp.size, sp.size, sp.channels]) as tf.Tensor4D;
      return unetForward(dec, s.unet, tf.concat([x, tf.image.resizeNearestNeighbor(map, [size, size])], 3), t, code);
    });
}

/**
 * The decoder as a Denoiser (x_t, t, cond) → ε, whatever the U-Net predicts (a 'v' decoder's output is
 * converted: ε = √(1−ᾱ_t)·x_t + √ᾱ_t·v); cond undefined → the null code.
 */
export function stage1Denoiser(s: Stage1): Denoiser {
  const net = decoderNet(s);
  if (!s.config.stage1.prediction || s.config.stage1.prediction === 'epsilon') return net;
  return (x, t, cond) => tf.tidy(() => predictionToEps(net(x, t, cond), x, alphaBarAt(s.schedule, t, x.shape[0], x.rank), 'v'));
}

/** The spatial maps [B, size²·channels] that end codes z [B, codeDim] (undefined when stage I's code has none). */
export function codeMap(s1: Stage1Config, z: tf.Tensor2D): tf.Tensor2D | undefined {
  const w = spatialCodeWidth(s1);
  return w ? (tf.slice(z, [0, s1.codeDim - w], [-1, w]) as tf.Tensor2D) : undefined;
}

/** The learned null code ∅ [codeDim] (a view of the variable; do not dispose). */
export function nullCode(s: Stage1): tf.Tensor {
  return s.params[`${DEC}cond.null`];
}

export interface Stage1Batch {
  /** Clean images [B, 32, 32, 1] (the decoder's target). */
  x: tf.Tensor4D;
  /** Augmented views [B, 32, 32, 1] (the encoder's input). */
  xAug: tf.Tensor4D;
}

/** The joint training loss on one batch; `rng` draws dropout, t and ε (differentiable in s.params). */
export function stage1Loss(s: Stage1, batch: Stage1Batch, rng: Rng): tf.Scalar {
  return tf.tidy(() => {
    const z = encoderForward(s.params, ENC, s.config.stage1, batch.xAug);
    const cond = dropCond(z, nullCode(s), s.config.stage1.condDrop, rng);
    return diffusionLoss(decoderNet(s), batch.x, { schedule: s.schedule, rng, cond, prediction: s.config.stage1.prediction ?? 'epsilon' });
  });
}
