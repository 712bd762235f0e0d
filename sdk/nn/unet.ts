/**
 * Conditional U-Net denoiser for images (Ho et al. 2020; Dhariwal & Nichol 2021 layout):
 *   e = MLP(sinusoid(t)) + dense(cond)                     (cond → learned null embedding when absent)
 *       (condMode 'scale': e = MLP(sinusoid(t)), and cond scales every residual block's features instead)
 *   h = conv_in(x); per level: blocks × ResBlock(AdaGN), stride-2 conv between levels (skips kept)
 *   middle: ResBlock, [self-attention], ResBlock
 *   per level, reversed: (blocks + 1) × ResBlock(concat(h, skip)), nearest×2 + conv between levels
 *   out = conv_out(SiLU(GN(h)))                            (zero-initialised: the net starts at 0)
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../core/errors';
import { Rng } from '../core/rng';
import { Params, addParam, param, checkRank } from './params';
import { initConv2d, conv2d } from './conv2d';
import { initDense, dense } from './dense';
import { initNorm, groupNormAct, silu } from './norm';
import { initTimeMlp, timeMlp } from './time-embedding';
import { initResBlock, resBlock } from './res-block';
import { initDownsample, downsample, initUpsample, upsample } from './resample';
import { initImageAttention, imageAttention } from './attention';
import { UNetConfig, unetConfig } from './unet-config';
import { countFlops } from './flops';
import { Network, bindNetwork } from './network';

/** Creates the parameters of a U-Net with `config` in a fresh store. */
export function initUNet(config: UNetConfig, rng: Rng): Params {
  const p: Params = {};
  const c = config;
  const E = 4 * c.channels;
  initTimeMlp(p, 'time', c.channels, E, rng);
  if (c.condDim > 0) {
    if (c.condMode === 'add') initDense(p, 'cond.proj', c.condDim, E, rng, 'glorot');
    addParam(p, 'cond.null', [c.condDim], { normal: 0.02 }, rng);
  }
  const zDim = c.condMode === 'scale' ? c.condDim : 0;
  initConv2d(p, 'in.conv', c.inChannels, c.channels, 3, rng);
  const skips = [c.channels];
  let ch = c.channels;
  c.channelMults.forEach((m, level) => {
    for (let i = 0; i < c.blocksPerLevel; i++) {
      initResBlock(p, `down.${level}.res.${i}`, ch, c.channels * m, E, rng, zDim);
      ch = c.channels * m;
      skips.push(ch);
    }
    if (level < c.channelMults.length - 1) {
      initDownsample(p, `down.${level}.down`, ch, rng);
      skips.push(ch);
    }
  });
  initResBlock(p, 'mid.res.0', ch, ch, E, rng, zDim);
  if (c.attention) initImageAttention(p, 'mid.attn', ch, rng);
  initResBlock(p, 'mid.res.1', ch, ch, E, rng, zDim);
  for (let level = c.channelMults.length - 1; level >= 0; level--) {
    const out = c.channels * c.channelMults[level];
    for (let i = 0; i <= c.blocksPerLevel; i++) {
      initResBlock(p, `up.${level}.res.${i}`, ch + skips.pop()!, out, E, rng, zDim);
      ch = out;
    }
    if (level > 0) initUpsample(p, `up.${level}.up`, ch, rng);
  }
  initNorm(p, 'out.norm', ch, rng);
  initConv2d(p, 'out.conv', ch, c.outChannels, 3, rng, 'zeros');
  return p;
}

/** The condition [B, condDim]: `cond`, or the learned null embedding when it is absent. */
function conditionVector(p: Params, c: { condDim: number }, cond: tf.Tensor | undefined, batch: number): tf.Tensor2D {
  return tf.tidy(() => {
    const cv = cond ?? tf.tile(tf.reshape(param(p, 'cond.null'), [1, c.condDim]), [batch, 1]);
    checkRank('denoiser(cond)', cv, 2, c.condDim);
    return cv as tf.Tensor2D;
  });
}

/**
 * Embedding e [B, E] of timesteps and condition (undefined cond → the learned null embedding); the time alone
 * when the condition enters otherwise (condMode 'scale').
 */
export function conditionEmbedding(
  p: Params,
  c: { condDim: number; condMode?: 'add' | 'scale' },
  t: tf.Tensor | number[],
  cond: tf.Tensor | undefined,
  batch: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    const e = timeMlp(p, 'time', t);
    if (e.shape[0] !== batch)
      throw new ShapeError('denoiser(t)', { expected: `${batch} timesteps (one per sample)`, received: `${e.shape[0]}` });
    if (c.condDim === 0 || c.condMode === 'scale') return e;
    return tf.add(e, dense(p, 'cond.proj', conditionVector(p, c, cond, batch))) as tf.Tensor2D;
  });
}

/** Forward pass: x [B, S, S, inCh], t int32 [B], cond [B, condDim] | undefined → [B, S, S, outCh]. */
export function unetForward(p: Params, c: UNetConfig, x: tf.Tensor, t: tf.Tensor | number[], cond?: tf.Tensor): tf.Tensor4D {
  checkRank('unet(x)', x, 4, c.inChannels);
  if (x.shape[1] !== c.imageSize || x.shape[2] !== c.imageSize) {
    throw new ShapeError('unet(x)', { expected: `images of ${c.imageSize}×${c.imageSize}`, received: `shape [${x.shape}]` });
  }
  return tf.tidy(() => {
    const B = x.shape[0];
    const e = silu(conditionEmbedding(p, c, t, cond, B)) as tf.Tensor2D;
    const z = c.condDim > 0 && c.condMode === 'scale' ? conditionVector(p, c, cond, B) : undefined;
    let h = conv2d(p, 'in.conv', x);
    const hs: tf.Tensor4D[] = [h];
    c.channelMults.forEach((_, level) => {
      for (let i = 0; i < c.blocksPerLevel; i++) hs.push((h = resBlock(p, `down.${level}.res.${i}`, h, e, c.groups, z)));
      if (level < c.channelMults.length - 1) hs.push((h = downsample(p, `down.${level}.down`, h)));
    });
    h = resBlock(p, 'mid.res.0', h, e, c.groups, z);
    if (c.attention) h = imageAttention(p, 'mid.attn', h, c.heads, c.groups);
    h = resBlock(p, 'mid.res.1', h, e, c.groups, z);
    for (let level = c.channelMults.length - 1; level >= 0; level--) {
      for (let i = 0; i <= c.blocksPerLevel; i++) h = resBlock(p, `up.${level}.res.${i}`, tf.concat([h, hs.pop()!], 3), e, c.groups, z);
      if (level > 0) h = upsample(p, `up.${level}.up`, h);
    }
    return conv2d(p, 'out.conv', groupNormAct(p, 'out.norm', h, c.groups, { act: 'silu' }));
  });
}

/** A U-Net bound to its parameters: `net.apply(x, t, cond)`. */
export type UNet = Network<UNetConfig, tf.Tensor4D>;

/** Builds a U-Net from a (partial) config and a seed. */
export function createUNet(config: Partial<UNetConfig> | UNetConfig, seed = 0): UNet {
  const c = unetConfig(config);
  return bindNetwork(c, initUNet(c, new Rng(seed)), unetForward);
}

/** Forward FLOPs per image (2·MACs of convs, dense layers and attention; traced on a batch of 1). */
export function unetFlops(net: { config: UNetConfig; params: Params }): number {
  const c = net.config;
  return countFlops(() => {
    tf.tidy(() => {
      const x = tf.zeros([1, c.imageSize, c.imageSize, c.inChannels]);
      unetForward(net.params, c, x, [0], c.condDim ? tf.zeros([1, c.condDim]) : undefined);
    });
  });
}
