/**
 * Timestep embedding (Vaswani et al. 2017; Ho et al. 2020):
 * e(t) = [sin(t·ω₀) … sin(t·ω_{h−1}), cos(t·ω₀) … cos(t·ω_{h−1})], ω_i = 10000^(−i/h), h = dim/2,
 * followed by an MLP dense(dim → E) → SiLU → dense(E → E).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '../core/errors';
import { Rng } from '../core/rng';
import { Params } from './params';
import { initDense, dense } from './dense';
import { silu } from './norm';

/** Sinusoidal embedding of integer (or real) timesteps t [B] → [B, dim]; dim must be even. */
export function sinusoidalEmbedding(t: tf.Tensor | number[], dim: number, maxPeriod = 10000): tf.Tensor2D {
  if (dim % 2 !== 0 || dim < 2)
    throw new ConfigError('sinusoidalEmbedding(dim)', { expected: 'an even dimension ≥ 2', received: String(dim) });
  return tf.tidy(() => {
    const tt = Array.isArray(t) ? tf.tensor1d(t, 'float32') : tf.cast(t, 'float32');
    if (tt.rank !== 1)
      throw new ShapeError('sinusoidalEmbedding(t)', { expected: 'a rank-1 tensor [B] of timesteps', received: `shape [${tt.shape}]` });
    const half = dim / 2;
    const freqs = tf.exp(tf.mul(tf.range(0, half, 1, 'float32'), -Math.log(maxPeriod) / half));
    const args = tf.mul(tf.expandDims(tt, 1), tf.expandDims(freqs, 0));
    return tf.concat([tf.sin(args), tf.cos(args)], 1) as tf.Tensor2D;
  });
}

export function initTimeMlp(p: Params, name: string, dim: number, embDim: number, rng: Rng): void {
  initDense(p, `${name}.fc1`, dim, embDim, rng);
  initDense(p, `${name}.fc2`, embDim, embDim, rng);
}

/**
 * The one timestep of every row of t (as when sampling), else undefined. A tensor is read only on the backends that
 * keep it in host memory (wasm, cpu): on WebGL/WebGPU the read would stall the GPU on every call.
 */
function sharedTimestep(t: tf.Tensor | number[]): number | undefined {
  const hostSide = tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu';
  const v = Array.isArray(t) ? t : hostSide && t.rank === 1 && t.size > 1 ? t.dataSync() : undefined;
  if (!v || v.length < 2) return undefined;
  for (let i = 1; i < v.length; i++) if (v[i] !== v[0]) return undefined;
  return v[0];
}

/**
 * t [B] → [B, E]: MLP of the sinusoidal embedding (dim = fc1 input width). When every row has the same timestep
 * (every sampling step) the MLP runs on one row, broadcast to B.
 */
export function timeMlp(p: Params, name: string, t: tf.Tensor | number[]): tf.Tensor2D {
  const dim = p[`${name}.fc1.w`]?.shape[0] ?? 0;
  const mlp = (tt: tf.Tensor | number[]) => dense(p, `${name}.fc2`, silu(dense(p, `${name}.fc1`, sinusoidalEmbedding(tt, dim))));
  return tf.tidy(() => {
    const shared = sharedTimestep(t);
    if (shared === undefined) return mlp(t) as tf.Tensor2D;
    const B = Array.isArray(t) ? t.length : t.shape[0];
    // broadcast to B rows (one op, no copy of the row per call site)
    return tf.mul(tf.ones([B, 1]), mlp([shared])) as tf.Tensor2D;
  });
}
