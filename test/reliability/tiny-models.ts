/**
 * Tiny seeded models for the reliability tests (determinism, leaks, bad inputs). Fresh networks output
 * zeros (zero-initialised output convolutions), which would make any determinism check pass trivially, so
 * every parameter gets seeded noise on top of its initialisation.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../sdk/core/rng';
import { linearSchedule } from '../../sdk/diffusion/schedule';
import type { Denoiser } from '../../sdk/diffusion/denoiser';
import { createUNet, type UNet } from '../../sdk/nn/unet';
import type { Params } from '../../sdk/nn/params';
import { HYPDAE_TINY, hypdaeConfig, type HypdaeConfig } from '../../sdk/models/hypdae/config';
import { createStage1, type Stage1 } from '../../sdk/models/hypdae/stage1';
import { createStage2, type Stage2 } from '../../sdk/models/hypdae/stage2';

export const TINY_UNET = { imageSize: 8, channels: 8, channelMults: [1, 2], blocksPerLevel: 1 as const, heads: 2, groups: 4, condDim: 0 };

/** Adds N(0, scale²) noise from `seed` to every parameter, in place. */
export function jitter(params: Params, seed: number, scale = 0.05): void {
  const rng = new Rng(seed);
  for (const v of Object.values(params)) {
    const noise = tf.tensor(rng.normals(v.size), v.shape, 'float32');
    const next = tf.tidy(() => tf.add(v, tf.mul(noise, scale)));
    v.assign(next); // the variable shares next's data; the tensor object itself must still be disposed
    tf.dispose([next, noise]);
  }
}

/** A jittered 8×8 one-channel U-Net and a linear schedule of 100 steps. */
export function tinyUNet(seed = 0): { net: UNet; denoiser: Denoiser; schedule: ReturnType<typeof linearSchedule> } {
  const net = createUNet(TINY_UNET, seed);
  jitter(net.params, 1000 + seed);
  return { net, denoiser: (x, t, cond) => net.apply(x, t, cond), schedule: linearSchedule(100) };
}

export const tinyHypdaeConfig = (): HypdaeConfig => hypdaeConfig(HYPDAE_TINY);

/** HYPDAE_TINY stage I (32×32 U-Net with 8 channels, code 8), jittered. */
export function tinyStage1(seed = 0): Stage1 {
  const s1 = createStage1(tinyHypdaeConfig(), seed);
  jitter(s1.params, 2000 + seed);
  return s1;
}

/** HYPDAE_TINY stage II (ball of dimension 4) for 3 classes. */
export function tinyStage2(seed = 0): Stage2 {
  return createStage2(tinyHypdaeConfig(), 3, seed);
}

/** n seeded images [n, size, size, 1] in [−1, 1]. */
export function randomImages(n: number, size: number, seed: number): tf.Tensor4D {
  const rng = new Rng(seed);
  return tf.tensor4d(
    Float32Array.from({ length: n * size * size }, () => rng.next() * 2 - 1),
    [n, size, size, 1],
  );
}

/** The bytes of a tensor's values (for bit-exact comparison and hashing). */
export function bytesOf(x: tf.Tensor | Float32Array): Buffer {
  const data = x instanceof Float32Array ? x : (x.dataSync() as Float32Array);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
