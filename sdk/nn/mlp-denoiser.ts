/**
 * Residual MLP denoiser for vectors x [B, D] (same (x, t, cond) signature as the U-Net):
 *   e = SiLU(MLP(sinusoid(t)) + dense(cond));  h = dense_in(x)
 *   per block: (s, b) = dense(e);  h = h + fc2(SiLU(fc1(LN(h) · (1 + s) + b)))   (fc2 zero-initialised)
 *   out = dense_out(SiLU(LN(h)))                                                (zero-initialised)
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, checkOptions, describe } from '../core/errors';
import { Rng } from '../core/rng';
import { Params, addParam, checkRank } from './params';
import { initDense, dense } from './dense';
import { initNorm, layerNorm, silu } from './norm';
import { initTimeMlp } from './time-embedding';
import { conditionEmbedding } from './unet';
import { Network, bindNetwork } from './network';

export interface MlpDenoiserConfig {
  readonly kind: 'mlp';
  readonly dim: number;
  readonly width: number;
  readonly depth: number;
  /** Hidden width of each block = width · mlpRatio. */
  readonly mlpRatio: 1 | 2 | 4;
  readonly condDim: number;
}

export function mlpDenoiserConfig(o: Partial<MlpDenoiserConfig> = {}): MlpDenoiserConfig {
  checkOptions('mlpDenoiserConfig', o, ['kind', 'dim', 'width', 'depth', 'mlpRatio', 'condDim']);
  const c = { kind: 'mlp' as const, dim: 2, width: 128, depth: 3, mlpRatio: 2 as const, condDim: 0, ...o };
  for (const k of ['dim', 'width', 'depth', 'condDim'] as const) {
    const v = c[k];
    if (!Number.isInteger(v) || v < (k === 'condDim' ? 0 : 1))
      throw new ConfigError(`mlpDenoiserConfig(${k})`, { expected: 'a positive integer', received: describe(v) });
  }
  if (c.width % 2 !== 0)
    throw new ConfigError('mlpDenoiserConfig(width)', { expected: 'an even width (for the time embedding)', received: String(c.width) });
  if (![1, 2, 4].includes(c.mlpRatio))
    throw new ConfigError('mlpDenoiserConfig(mlpRatio)', { expected: '1, 2 or 4', received: describe(c.mlpRatio) });
  return Object.freeze(c);
}

export function initMlpDenoiser(c: MlpDenoiserConfig, rng: Rng): Params {
  const p: Params = {};
  const E = c.width;
  initTimeMlp(p, 'time', c.width, E, rng);
  if (c.condDim > 0) {
    initDense(p, 'cond.proj', c.condDim, E, rng, 'glorot');
    addParam(p, 'cond.null', [c.condDim], { normal: 0.02 }, rng);
  }
  initDense(p, 'in', c.dim, c.width, rng);
  for (let i = 0; i < c.depth; i++) {
    initNorm(p, `blocks.${i}.norm`, c.width, rng);
    initDense(p, `blocks.${i}.emb`, E, 2 * c.width, rng, 'glorot');
    initDense(p, `blocks.${i}.fc1`, c.width, c.width * c.mlpRatio, rng);
    initDense(p, `blocks.${i}.fc2`, c.width * c.mlpRatio, c.width, rng, 'zeros');
  }
  initNorm(p, 'out.norm', c.width, rng);
  initDense(p, 'out.fc', c.width, c.dim, rng, 'zeros');
  return p;
}

/** x [B, dim], t [B], cond [B, condDim] | undefined → [B, dim]. */
export function mlpDenoiserForward(p: Params, c: MlpDenoiserConfig, x: tf.Tensor, t: tf.Tensor | number[], cond?: tf.Tensor): tf.Tensor2D {
  checkRank('mlpDenoiser(x)', x, 2, c.dim);
  return tf.tidy(() => {
    const e = silu(conditionEmbedding(p, c, t, cond, x.shape[0]));
    let h = dense(p, 'in', x);
    for (let i = 0; i < c.depth; i++) {
      const [s, b] = tf.split(dense(p, `blocks.${i}.emb`, e), 2, 1);
      const a = tf.add(tf.mul(layerNorm(p, `blocks.${i}.norm`, h), tf.add(s, 1)), b);
      h = tf.add(h, dense(p, `blocks.${i}.fc2`, silu(dense(p, `blocks.${i}.fc1`, a))));
    }
    return dense(p, 'out.fc', silu(layerNorm(p, 'out.norm', h))) as tf.Tensor2D;
  });
}

export type MlpDenoiser = Network<MlpDenoiserConfig, tf.Tensor2D>;

export function createMlpDenoiser(config: Partial<MlpDenoiserConfig>, seed = 0): MlpDenoiser {
  const c = mlpDenoiserConfig(config);
  return bindNetwork(c, initMlpDenoiser(c, new Rng(seed)), mlpDenoiserForward);
}
