/**
 * The feature encoder of nested diffusion: a small convolutional autoencoder of the project's own (not the
 * evaluator), trained on split G for reconstruction. Its multi-scale features are the latents' raw material:
 *   h0 = SiLU(conv3×3(x))                       32×32×16
 *   h1 = SiLU(GN(conv3×3 s2(h0)))               16×16×16   → 'shallow' = avgpool2(h1)  8×8×16 = 1024
 *   h2 = SiLU(GN(conv3×3 s2(h1)))                8×8×32    → 'mid'     = avgpool2(h2)  4×4×32 =  512
 *   h3 = SiLU(GN(conv3×3 s2(h2)))                4×4×64    → 'deep'    = h3                  = 1024
 *   z  = LN(dense(flatten(h3)))                  32        → 'code'
 * Decoder (training only): dense(z) → 4×4×64, 3 × [nearest ×2, conv3×3, SiLU] (32, 16, 16), conv3×3 → 1.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../core/rng';
import { Params, checkRank } from '../../nn/params';
import { conv2d, initConv2d } from '../../nn/conv2d';
import { dense, initDense } from '../../nn/dense';
import { groupNorm, initNorm, layerNorm, silu } from '../../nn/norm';
import type { FeatureName } from './config';

const CH = [16, 16, 32, 64] as const;
const CODE = 32;

export function initFeatureEncoder(seed: number): Params {
  const rng = new Rng(seed);
  const p: Params = {};
  initConv2d(p, 'enc.in', 1, CH[0], 3, rng);
  for (let i = 0; i < 3; i++) {
    initConv2d(p, `enc.down.${i}`, CH[i], CH[i + 1], 3, rng);
    initNorm(p, `enc.down.${i}.norm`, CH[i + 1], rng);
  }
  initDense(p, 'enc.out', 16 * CH[3], CODE, rng, 'glorot');
  initNorm(p, 'enc.ln', CODE, rng);
  initDense(p, 'dec.in', CODE, 16 * CH[3], rng);
  const up = [CH[3], 32, 16, 16];
  for (let i = 0; i < 3; i++) initConv2d(p, `dec.up.${i}`, up[i], up[i + 1], 3, rng);
  initConv2d(p, 'dec.out', 16, 1, 3, rng, 'glorot');
  return p;
}

export type Features = Record<FeatureName, tf.Tensor2D>;

/** x [B, 32, 32, 1] in [−1, 1] → every feature, flattened to [B, width]. */
export function encodeFeatures(p: Params, x: tf.Tensor): Features {
  checkRank('encodeFeatures(x)', x, 4, 1);
  return tf.tidy(() => {
    const B = x.shape[0];
    let h = silu(conv2d(p, 'enc.in', x)) as tf.Tensor4D;
    const hs: tf.Tensor4D[] = [];
    for (let i = 0; i < 3; i++) {
      h = silu(groupNorm(p, `enc.down.${i}.norm`, conv2d(p, `enc.down.${i}`, h, 2), 8)) as tf.Tensor4D;
      hs.push(h);
    }
    const flat = (t: tf.Tensor) => tf.reshape(t, [B, -1]) as tf.Tensor2D;
    const pool = (t: tf.Tensor4D) => flat(tf.avgPool(t, 2, 2, 'valid'));
    const code = layerNorm(p, 'enc.ln', dense(p, 'enc.out', flat(hs[2]))) as tf.Tensor2D;
    return { shallow: pool(hs[0]), mid: pool(hs[1]), deep: flat(hs[2]), code } as Features;
  }) as Features;
}

/** The autoencoder's reconstruction x̂ [B, 32, 32, 1] from the code (training only). */
export function decodeCode(p: Params, code: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    let h = tf.reshape(silu(dense(p, 'dec.in', code)), [code.shape[0], 4, 4, CH[3]]) as tf.Tensor4D;
    for (let i = 0; i < 3; i++) {
      const [, H, W] = h.shape;
      h = silu(conv2d(p, `dec.up.${i}`, tf.image.resizeNearestNeighbor(h, [2 * H, 2 * W]))) as tf.Tensor4D;
    }
    return tf.tanh(conv2d(p, 'dec.out', h)) as tf.Tensor4D;
  });
}

/** Reconstruction loss of the autoencoder on a batch. */
export function encoderLoss(p: Params, x: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(decodeCode(p, encodeFeatures(p, x).code), x)) as tf.Scalar);
}

/** Only the encoder's parameters (what is shipped; the decoder is a training aid). */
export function encoderOnly(p: Params): Params {
  return Object.fromEntries(Object.entries(p).filter(([k]) => k.startsWith('enc.')));
}
