/**
 * Test helper: a 2-D Gaussian mixture, a small MLP denoiser with tf.variable weights, and an RBF-kernel MMD.
 */
import * as tf from '@tensorflow/tfjs-core';
import '../../sdk/core/grad'; // registers the gradients training needs
import { Rng } from '../../sdk/core/rng';
import type { Denoiser } from '../../sdk/diffusion';

/** Four Gaussians at (±1, ±1) with std 0.15 each. */
export function sampleMixture(n: number, rng: Rng): Float32Array {
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const k = rng.int(4);
    out[2 * i] = (k & 1 ? 1 : -1) + 0.15 * rng.normal();
    out[2 * i + 1] = (k & 2 ? 1 : -1) + 0.15 * rng.normal();
  }
  return out;
}

export interface Mlp {
  denoiser: Denoiser;
  variables: tf.Variable[];
  dispose(): void;
}

/** x (2) ‖ [sin, cos](2^k·π·t/T), k < 6 → 128 → 128 → 2, SiLU activations, He-style init from a seeded Rng. */
export function makeMlp(T: number, rng: Rng, hidden = 128): Mlp {
  const dims = [2 + 12, hidden, hidden, 2];
  const variables: tf.Variable[] = [];
  for (let l = 0; l + 1 < dims.length; l++) {
    const scale = Math.sqrt(2 / dims[l]);
    variables.push(
      tf.variable(
        tf.tensor2d(
          rng.normals(dims[l] * dims[l + 1]).map((v) => v * scale),
          [dims[l], dims[l + 1]],
        ),
      ),
    );
    variables.push(tf.variable(tf.zeros([dims[l + 1]])));
  }
  const freqs = tf.keep(tf.tensor1d(Array.from({ length: 6 }, (_, k) => (2 ** k * Math.PI) / T)));
  const denoiser: Denoiser = (x, t) =>
    tf.tidy(() => {
      const arg = tf.mul(tf.reshape(tf.cast(t, 'float32'), [-1, 1]), freqs);
      let h = tf.concat([x, tf.sin(arg), tf.cos(arg)], 1);
      for (let l = 0; l < variables.length; l += 2) {
        h = tf.add(tf.matMul(h, variables[l]), variables[l + 1]);
        if (l + 2 < variables.length) h = tf.mul(h, tf.sigmoid(h));
      }
      return h;
    });
  return { denoiser, variables, dispose: () => tf.dispose([...variables, freqs]) };
}

/** Biased MMD² with the RBF kernel k(a, b) = exp(−‖a − b‖² / (2h²)) between point sets [n, 2] and [m, 2]. */
export function mmd2(a: Float32Array, b: Float32Array, h: number): number {
  const k = (p: Float32Array, i: number, q: Float32Array, j: number) => {
    const dx = p[2 * i] - q[2 * j];
    const dy = p[2 * i + 1] - q[2 * j + 1];
    return Math.exp(-(dx * dx + dy * dy) / (2 * h * h));
  };
  const mean = (p: Float32Array, q: Float32Array) => {
    let s = 0;
    for (let i = 0; i < p.length / 2; i++) for (let j = 0; j < q.length / 2; j++) s += k(p, i, q, j);
    return s / ((p.length / 2) * (q.length / 2));
  };
  return mean(a, a) + mean(b, b) - 2 * mean(a, b);
}
