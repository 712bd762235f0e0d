/**
 * Transformer denoiser over token sequences x [B, N, D] (pre-LN blocks; Vaswani et al. 2017, Xiong et al. 2020):
 *   h = dense_in(x) + pos + dense(e)             e = SiLU(MLP(sinusoid(t)) + dense(cond)), broadcast to every token
 *   per block: h = h + MHA(LN₁(h));  h = h + fc2(SiLU(fc1(LN₂(h))))
 *   out = dense_out(LN(h))                       (zero-initialised)
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, checkOptions, describe, ShapeError } from '../core/errors';
import { Rng } from '../core/rng';
import { Params, addParam, param, checkRank } from './params';
import { initDense, dense } from './dense';
import { initNorm, layerNorm, silu } from './norm';
import { initTimeMlp } from './time-embedding';
import { initSelfAttention, selfAttention } from './attention';
import { conditionEmbedding } from './unet';
import { Network, bindNetwork } from './network';

export interface TransformerConfig {
  readonly kind: 'transformer';
  readonly tokens: number;
  readonly dim: number;
  readonly width: number;
  readonly depth: number;
  readonly heads: number;
  readonly mlpRatio: 1 | 2 | 4;
  readonly condDim: number;
}

export function transformerConfig(o: Partial<TransformerConfig> = {}): TransformerConfig {
  checkOptions('transformerConfig', o, ['kind', 'tokens', 'dim', 'width', 'depth', 'heads', 'mlpRatio', 'condDim']);
  const c = { kind: 'transformer' as const, tokens: 16, dim: 8, width: 64, depth: 2, heads: 4, mlpRatio: 2 as const, condDim: 0, ...o };
  for (const k of ['tokens', 'dim', 'width', 'depth', 'heads', 'condDim'] as const) {
    const v = c[k];
    if (!Number.isInteger(v) || v < (k === 'condDim' ? 0 : 1))
      throw new ConfigError(`transformerConfig(${k})`, { expected: 'a positive integer', received: describe(v) });
  }
  if (c.width % c.heads !== 0 || c.width % 2 !== 0)
    throw new ConfigError('transformerConfig(width)', { expected: `an even multiple of heads=${c.heads}`, received: String(c.width) });
  if (![1, 2, 4].includes(c.mlpRatio))
    throw new ConfigError('transformerConfig(mlpRatio)', { expected: '1, 2 or 4', received: describe(c.mlpRatio) });
  return Object.freeze(c);
}

export function initTransformerBlock(p: Params, name: string, width: number, mlpRatio: number, rng: Rng): void {
  initNorm(p, `${name}.norm1`, width, rng);
  initSelfAttention(p, `${name}.attn`, width, rng);
  initNorm(p, `${name}.norm2`, width, rng);
  initDense(p, `${name}.fc1`, width, width * mlpRatio, rng);
  initDense(p, `${name}.fc2`, width * mlpRatio, width, rng, 'zeros');
}

/** Pre-LN block: h + MHA(LN(h)), then + MLP(LN(·)). h [B, N, C]. */
export function transformerBlock(p: Params, name: string, h: tf.Tensor3D, heads: number): tf.Tensor3D {
  return tf.tidy(() => {
    const a = tf.add(h, selfAttention(p, `${name}.attn`, layerNorm(p, `${name}.norm1`, h) as tf.Tensor3D, heads));
    return tf.add(a, dense(p, `${name}.fc2`, silu(dense(p, `${name}.fc1`, layerNorm(p, `${name}.norm2`, a))))) as tf.Tensor3D;
  });
}

export function initTransformer(c: TransformerConfig, rng: Rng): Params {
  const p: Params = {};
  initTimeMlp(p, 'time', c.width, c.width, rng);
  if (c.condDim > 0) {
    initDense(p, 'cond.proj', c.condDim, c.width, rng, 'glorot');
    addParam(p, 'cond.null', [c.condDim], { normal: 0.02 }, rng);
  }
  initDense(p, 'in', c.dim, c.width, rng, 'glorot');
  addParam(p, 'pos', [c.tokens, c.width], { normal: 0.02 }, rng);
  initDense(p, 'emb', c.width, c.width, rng, 'glorot');
  for (let i = 0; i < c.depth; i++) initTransformerBlock(p, `blocks.${i}`, c.width, c.mlpRatio, rng);
  initNorm(p, 'out.norm', c.width, rng);
  initDense(p, 'out.fc', c.width, c.dim, rng, 'zeros');
  return p;
}

/** x [B, tokens, dim], t [B], cond [B, condDim] | undefined → [B, tokens, dim]. */
export function transformerForward(p: Params, c: TransformerConfig, x: tf.Tensor, t: tf.Tensor | number[], cond?: tf.Tensor): tf.Tensor3D {
  checkRank('transformer(x)', x, 3, c.dim);
  if (x.shape[1] !== c.tokens) throw new ShapeError('transformer(x)', { expected: `${c.tokens} tokens`, received: `shape [${x.shape}]` });
  return tf.tidy(() => {
    const e = dense(p, 'emb', silu(conditionEmbedding(p, c, t, cond, x.shape[0])));
    let h = tf.add(tf.add(dense(p, 'in', x), param(p, 'pos')), tf.expandDims(e, 1)) as tf.Tensor3D;
    for (let i = 0; i < c.depth; i++) h = transformerBlock(p, `blocks.${i}`, h, c.heads);
    return dense(p, 'out.fc', layerNorm(p, 'out.norm', h)) as tf.Tensor3D;
  });
}

export type Transformer = Network<TransformerConfig, tf.Tensor3D>;

export function createTransformer(config: Partial<TransformerConfig>, seed = 0): Transformer {
  const c = transformerConfig(config);
  return bindNetwork(c, initTransformer(c, new Rng(seed)), transformerForward);
}
