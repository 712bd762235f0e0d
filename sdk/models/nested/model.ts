/**
 * The L networks of nested diffusion and how each is conditioned.
 *   level l < L: a residual-MLP denoiser of z̃_l ∈ R^{d_l};  level L: a U-Net denoiser of the image.
 *   cond_l = [ drop(z̃_k for the coarser levels k used , one-hot class y (level 1, class-conditional models)) ,
 *              σ_k of those levels , σ_l (latent levels only) ]
 * The dropped part is replaced by the level's learned null ('null.latent') with probability condDrop while
 * training, so every conditioned level supports classifier-free guidance; the σ part is never dropped.
 * Training targets are noised latents z̃_l = z_l + σ_l ε (the paper's blurred latents), σ²_l drawn per sample
 * (from `sigma2Choices`; the pixel level's conditions from `pixelSigma2Choices`).
 * With `pixelSpatial`, the pixel U-Net also sees its finest spatial latent as a picture (see `spatialLift`),
 * taken from the same condition vector — so condition dropout and the guidance's null branch apply to it too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../core/rng';
import { ShapeError, ValueError, describe } from '../../core/errors';
import { Params, addParam, param, paramCount } from '../../nn/params';
import { createMlpDenoiser } from '../../nn/mlp-denoiser';
import { createUNet } from '../../nn/unet';
import type { Network } from '../../nn/network';
import { makeSchedule, Schedule } from '../../diffusion/schedule';
import { diffusionLoss } from '../../diffusion/loss';
import { normalTensor, type Denoiser } from '../../diffusion/denoiser';
import { dropCond } from '../../train/cond-dropout';
import { NestedConfig, condLayout, pixelSpatialLevel } from './config';
import type { LatentSpace } from './latents';

export interface NestedModel {
  readonly config: NestedConfig;
  readonly schedule: Schedule;
  /** One network per level (index l − 1); latent levels are MLPs, the last is the U-Net. */
  readonly nets: Network<unknown>[];
  /** Encoder parameters ('enc.*'); used for `.fix(level, image)` and to train. */
  readonly encoder: Params;
  /** Latent space of each latent level (index l − 1). */
  readonly spaces: LatentSpace[];
}

/** A fresh network for level l (1-based), seeded. */
export function createLevelNet(c: NestedConfig, level: number, seed = c.seed + level): Network<unknown> {
  const { dropWidth, sigmaWidth } = condLayout(c, level);
  const condDim = dropWidth + sigmaWidth;
  const net =
    level < c.levels
      ? createMlpDenoiser({ dim: c.dims[level - 1], width: c.mlp.width, depth: c.mlp.depth, condDim }, seed)
      : createUNet({ ...c.unet, condDim, inChannels: 1 + (pixelSpatialLevel(c)?.map[2] ?? 0) }, seed);
  if (dropWidth > 0) addParam(net.params, 'null.latent', [dropWidth], { normal: 0.02 }, new Rng(seed ^ 0x6e75));
  return net as Network<unknown>;
}

export function levelParamCounts(m: NestedModel): number[] {
  return m.nets.map((n) => paramCount(n.params));
}

/**
 * The pixel level's spatial input: the latent of level k (`pixelSpatialLevel`), read from the condition vector
 * cond [B, ·], lifted back to standardised features by the transposed SVD basis (basis = V_d / s, so
 * V_d s = basis · s², s² = d / ‖basis‖²), reshaped to its map [h, w, C] and upsampled (nearest) to the image size.
 */
export function spatialLift(c: NestedConfig, spaces: readonly LatentSpace[], cond: tf.Tensor2D, size: number): tf.Tensor4D {
  const sp = pixelSpatialLevel(c);
  if (!sp)
    throw new ShapeError('spatialLift', {
      expected: 'a config with a spatial latent level for the pixels',
      received: `features [${c.features.join(', ')}], pixelSpatial ${c.pixelSpatial}`,
    });
  const space = spaces[sp.level - 1];
  if (!space)
    throw new ShapeError('spatialLift(spaces)', { expected: `the latent space of level ${sp.level}`, received: `${spaces.length} spaces` });
  const d = c.dims[sp.level - 1];
  return tf.tidy(() => {
    const B = cond.shape[0];
    const z = tf.slice(cond, [0, sp.offset], [B, d]);
    const s2 = tf.div(d, tf.sum(tf.square(space.basis)));
    const f = tf.mul(tf.matMul(z, space.basis, false, true), s2);
    const [h, w, ch] = sp.map;
    return tf.image.resizeNearestNeighbor(tf.reshape(f, [B, h, w, ch]) as tf.Tensor4D, [size, size]);
  });
}

/**
 * The denoiser of level l: (x, t, cond) → ε. The pixel level of a `pixelSpatial` config stacks the lifted
 * latent onto x (it needs the latent spaces; the other levels do not).
 */
export function levelDenoiser(c: NestedConfig, net: Network<unknown>, level: number, spaces: readonly LatentSpace[]): Denoiser {
  if (level !== c.levels || !pixelSpatialLevel(c)) return (x, t, cond) => net.apply(x, t, cond);
  return (x, t, cond) =>
    tf.tidy(() => {
      if (!cond)
        throw new ShapeError('nested pixel denoiser(cond)', {
          expected: 'the condition vector of the coarser latents',
          received: 'undefined',
        });
      return net.apply(tf.concat([x, spatialLift(c, spaces, cond as tf.Tensor2D, x.shape[1]!)], 3), t, cond);
    });
}

/** Per-sample σ for each latent level: [B, L−1] (σ, not σ²). */
export function sigmaTensor(c: NestedConfig, B: number, sigma2: readonly number[]): tf.Tensor2D {
  const L1 = c.levels - 1;
  if (sigma2.length !== L1)
    throw new ShapeError('sigma', { expected: `${L1} variances (one per latent level)`, received: describe(sigma2) });
  const v = new Float32Array(B * L1);
  for (let b = 0; b < B; b++) for (let k = 0; k < L1; k++) v[b * L1 + k] = Math.sqrt(sigma2[k]);
  return tf.tensor2d(v, [B, Math.max(L1, 0)]);
}

/** One-hot rows [B, K] of class labels (each an integer in [0, K)). */
export function oneHotLabels(labels: ArrayLike<number>, classes: number): tf.Tensor2D {
  const B = labels.length;
  const v = new Float32Array(B * classes);
  for (let b = 0; b < B; b++) {
    const y = labels[b];
    if (!Number.isInteger(y) || y < 0 || y >= classes) {
      throw new ValueError('class labels', { expected: `integers in [0, ${classes})`, received: `${describe(y)} at position ${b}` });
    }
    v[b * classes + y] = 1;
  }
  return tf.tensor2d(v, [B, classes]);
}

/**
 * The condition of level l from the (noised) latents of every latent level (entries for levels ≥ l are
 * ignored), σ [B, L−1] and, for level 1 of a class-conditional model, the one-hot labels [B, K]. With
 * `nullCond`, or without labels where the level takes a class, the droppable part is the learned null (the
 * unconditional branch). Returns undefined for a level with no condition (L = 1, unconditional).
 */
export function levelCond(
  c: NestedConfig,
  net: Network<unknown>,
  level: number,
  latents: (tf.Tensor | undefined)[],
  sigma: tf.Tensor2D,
  nullCond = false,
  labels?: tf.Tensor2D,
): tf.Tensor2D | undefined {
  const { latentLevels, latentWidth, classWidth, dropWidth, sigmaWidth } = condLayout(c, level);
  if (dropWidth + sigmaWidth === 0) return undefined;
  return tf.tidy(() => {
    const B = sigma.shape[0];
    const parts: tf.Tensor[] = [];
    if (dropWidth > 0) {
      if (nullCond || (classWidth > 0 && !labels))
        parts.push(tf.tile(tf.reshape(param(net.params, 'null.latent'), [1, dropWidth]), [B, 1]));
      else {
        if (latentWidth > 0) parts.push(...latentLevels.map((k) => latents[k - 1]!));
        if (classWidth > 0) parts.push(labels!);
      }
    }
    const sigIdx = [...latentLevels, ...(level < c.levels ? [level] : [])].map((k) => k - 1);
    if (sigIdx.length) parts.push(tf.gather(sigma, sigIdx, 1));
    return tf.concat(parts, 1) as tf.Tensor2D;
  });
}

/**
 * Training loss of level l on clean latents z (index l − 1, [B, d_l]), images x [B, 32, 32, 1] and, for a
 * class-conditional model, one-hot labels [B, K].
 */
export function levelLoss(
  c: NestedConfig,
  schedule: Schedule,
  net: Network<unknown>,
  spaces: readonly LatentSpace[],
  level: number,
  z: tf.Tensor2D[],
  x: tf.Tensor4D | undefined,
  rng: Rng,
  labels?: tf.Tensor2D,
): tf.Scalar {
  return tf.tidy(() => {
    const B = (z[0] ?? x!).shape[0];
    const L1 = c.levels - 1;
    const choices = level === c.levels ? c.pixelSigma2Choices : c.sigma2Choices;
    const s2 = Array.from({ length: B * L1 }, () => choices[rng.int(choices.length)]);
    const sigma = tf.tensor2d(Float32Array.from(s2, Math.sqrt), [B, L1]);
    const noised = z.map((zk, k) =>
      k < level ? tf.add(zk, tf.mul(normalTensor(zk.shape, rng), tf.slice(sigma, [0, k], [B, 1]))) : undefined,
    );
    const { classWidth, dropWidth } = condLayout(c, level);
    if (classWidth > 0 && labels?.shape[1] !== classWidth) {
      throw new ShapeError(`nested level ${level} loss(labels)`, {
        expected: `one-hot labels [${B}, ${classWidth}]`,
        received: describe(labels),
      });
    }
    let cond = levelCond(c, net, level, noised, sigma, false, labels);
    if (cond && dropWidth > 0 && c.condDrop > 0) {
      const [lat, sig] = tf.split(cond, [dropWidth, cond.shape[1] - dropWidth], 1);
      cond = tf.concat([dropCond(lat, param(net.params, 'null.latent'), c.condDrop, rng), sig], 1) as tf.Tensor2D;
    }
    const target = level < c.levels ? noised[level - 1]! : x!;
    return diffusionLoss(levelDenoiser(c, net, level, spaces), target, { schedule, rng, cond });
  });
}

export function nestedSchedule(c: NestedConfig): Schedule {
  return makeSchedule(c.schedule);
}
