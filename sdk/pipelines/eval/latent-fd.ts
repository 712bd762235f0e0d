/**
 * Where a nested model's chain strays: per latent level, the Fréchet distance between the latents the chain
 * samples (z̃_l, which already carry their σ_l noise) and the latents of real T images given the same noise
 * (z_l + σ_l ε), in the level's own d_l-dimensional space, divided by d_l so that levels of different widths
 * compare (latent dimensions have variance ≈ 1, so 0 is a perfect match and ≈ 1 per dimension is far off).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, describe } from '../../core/errors';
import { Rng } from '../../core/rng';
import { normalTensor } from '../../diffusion/denoiser';
import { frechetDistance } from '../../metrics/fd';
import type { NestedModel } from '../../models/nested/model';
import { encodeFeatures } from '../../models/nested/encoder';
import { projectLatent } from '../../models/nested/latents';

/** Latents of real images [n·1024] per latent level (index l − 1), each plus σ_l ε (seeded). */
export function realLatents(model: NestedModel, images: Float32Array, sigma2: readonly number[], seed = 0): Float32Array[] {
  const c = model.config;
  const n = images.length / 1024;
  if (!Number.isInteger(n) || n < 2)
    throw new ShapeError('realLatents(images)', { expected: 'n ≥ 2 images of 32×32 (n·1024 values)', received: describe(images) });
  if (sigma2.length !== c.levels - 1)
    throw new ShapeError('realLatents(sigma2)', { expected: `${c.levels - 1} variances`, received: describe(sigma2) });
  const out = c.dims.map((d) => new Float32Array(n * d));
  const rng = new Rng(seed);
  for (let i = 0; i < n; i += 1000) {
    const m = Math.min(1000, n - i);
    const z = tf.tidy(() => {
      const f = encodeFeatures(model.encoder, tf.tensor4d(images.subarray(i * 1024, (i + m) * 1024), [m, 32, 32, 1]));
      return c.features.map((name, l) =>
        tf.add(projectLatent(model.spaces[l], f[name]), tf.mul(normalTensor([m, c.dims[l]], rng), Math.sqrt(sigma2[l]))),
      );
    });
    z.forEach((t, l) => out[l].set(t.dataSync() as Float32Array, i * c.dims[l]));
    tf.dispose(z);
  }
  return out;
}

/** FD / d_l per latent level between sampled and real latents (each [n, d_l] row-major). */
export function latentFdPerDim(model: NestedModel, sampled: readonly Float32Array[], real: readonly Float32Array[]): number[] {
  return model.config.dims.map((d, l) => {
    const a = { data: sampled[l], rows: sampled[l].length / d, cols: d };
    const b = { data: real[l], rows: real[l].length / d, cols: d };
    return frechetDistance(a, b) / d;
  });
}
