/**
 * Stage II of HypDAE: an autoencoder of stage-I codes through the Poincaré ball (or its Euclidean twin).
 *   encoder:  u = MLP(z) ∈ R^d;  h = MobiusLinear(project(expmap0(clip_r(u))))        (ball point, dim d)
 *   head:     logits = HyperbolicMLR(h)                     (pseudo-labels from k-means, or real labels)
 *   decoder:  ẑ = MLP(logmap0(h))   (decoderNorm 'none': no LayerNorm in it, so the radius ‖log₀h‖ reaches ẑ)
 *   loss:     L = CE(logits, y) + λ · mean_B( mean_j (z − ẑ)² + 1 − cos(z, ẑ) )
 * Euclidean twin: ToEuclidean (identity, same clipping), EuclideanLinear, EuclideanMLR, no logmap0.
 * MLP = dense(in → w), `blocks` × [h + fc2(SiLU(fc1(LN(h))))], dense(w → out). One Params store:
 * 'enc.*', 'dec.*' (MLPs), 'ball.weight'/'ball.bias' and 'head.a'/'head.p' (the layers' own variables).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../core/rng';
import { Params, checkRank } from '../../nn/params';
import { dense, initDense } from '../../nn/dense';
import { initNorm, layerNorm, silu } from '../../nn/norm';
import { logmap0 } from '../../hyperbolic/exp-log';
import { ToEuclidean, ToPoincare } from '../../hyperbolic/layers/to-poincare';
import { EuclideanLinear, MobiusLinear } from '../../hyperbolic/layers/mobius-linear';
import { EuclideanMLR, HyperbolicMLR } from '../../hyperbolic/layers/mlr';
import type { Layer } from '../../hyperbolic/layers/layer';
import { type HypdaeConfig, type Stage1Config, type Stage2Config, spatialCodeWidth } from './config';
import { ShapeError, describe } from '../../core/errors';

export interface Stage2 {
  readonly config: HypdaeConfig;
  readonly numClasses: number;
  readonly params: Params;
  readonly toManifold: Layer;
  readonly linear: Layer;
  readonly head: Layer;
}

function initMlp(p: Params, name: string, inDim: number, outDim: number, s: Stage2Config, rng: Rng, norm = true): void {
  initDense(p, `${name}.in`, inDim, s.width, rng);
  for (let i = 0; i < s.blocks; i++) {
    if (norm) initNorm(p, `${name}.block.${i}.norm`, s.width, rng);
    initDense(p, `${name}.block.${i}.fc1`, s.width, 2 * s.width, rng);
    initDense(p, `${name}.block.${i}.fc2`, 2 * s.width, s.width, rng, 'zeros');
  }
  if (norm) initNorm(p, `${name}.outnorm`, s.width, rng);
  initDense(p, `${name}.out`, s.width, outDim, rng, 'glorot');
}

/** The residual MLP; without `norm` its blocks see h itself, so the output follows the input's scale. */
function mlp(p: Params, name: string, x: tf.Tensor, blocks: number, norm = true): tf.Tensor {
  return tf.tidy(() => {
    const ln = (key: string, h: tf.Tensor) => (norm ? layerNorm(p, key, h) : h);
    let h = dense(p, `${name}.in`, x);
    for (let i = 0; i < blocks; i++) {
      h = tf.add(h, dense(p, `${name}.block.${i}.fc2`, silu(dense(p, `${name}.block.${i}.fc1`, ln(`${name}.block.${i}.norm`, h)))));
    }
    return dense(p, `${name}.out`, silu(ln(`${name}.outnorm`, h)));
  });
}

/** A fresh stage II for `numClasses` labels, with seeded weights. */
export function createStage2(config: HypdaeConfig, numClasses: number, seed = config.stage2.seed): Stage2 {
  const s = config.stage2;
  const rng = new Rng(seed);
  const params: Params = {};
  const codeDim = ballCodeWidth(config.stage1);
  initMlp(params, 'enc', codeDim, s.ballDim, s, rng);
  initMlp(params, 'dec', s.ballDim, codeDim, s, rng, s.decoderNorm === 'layer');
  const hyp = s.space === 'hyperbolic';
  const toManifold: Layer = hyp ? new ToPoincare({ c: s.c, clipR: s.clipR }) : new ToEuclidean({ clipR: s.clipR });
  const lin = { inFeatures: s.ballDim, outFeatures: s.ballDim, seed: rng.seed() };
  const linear: Layer = hyp ? new MobiusLinear({ ...lin, c: s.c }) : new EuclideanLinear(lin);
  const mlr = { inFeatures: s.ballDim, numClasses, seed: rng.seed() };
  const head: Layer = hyp ? new HyperbolicMLR({ ...mlr, c: s.c }) : new EuclideanMLR(mlr);
  for (const [k, v] of Object.entries(linear.variables())) params[`ball.${k}`] = v;
  for (const [k, v] of Object.entries(head.variables())) params[`head.${k}`] = v;
  return { config, numClasses, params, toManifold, linear, head };
}

/**
 * The part of a stage-I code that stage II maps into the ball: the vector features. A code's spatial map (if stage I
 * has one) stays out of the ball: it is the input's coarse layout, kept as the stochastic code is (`codeMap` in stage1).
 */
export function ballCodeWidth(s1: Stage1Config): number {
  return s1.codeDim - spatialCodeWidth(s1);
}

/** The vector parts [B, ballCodeWidth] of codes z [B, codeDim] (z itself without a map). */
function vectorPart(s: Stage2, z: tf.Tensor): tf.Tensor {
  const w = ballCodeWidth(s.config.stage1);
  return w === s.config.stage1.codeDim ? z : tf.slice(z, [0, 0], [-1, w]);
}

/** Codes z [B, codeDim] → points h [B, ballDim] on the ball (or in R^d for the Euclidean twin), from z's vector part. */
export function toBall(s: Stage2, z: tf.Tensor): tf.Tensor2D {
  checkRank('toBall(z)', z, 2, s.config.stage1.codeDim);
  return tf.tidy(() => s.linear.apply(s.toManifold.apply(mlp(s.params, 'enc', vectorPart(s, z), s.config.stage2.blocks))) as tf.Tensor2D);
}

/** Points h [B, ballDim] → the codes' reconstructed vector parts [B, ballCodeWidth]. */
function vectorFromBall(s: Stage2, h: tf.Tensor): tf.Tensor2D {
  checkRank('fromBall(h)', h, 2, s.config.stage2.ballDim);
  return tf.tidy(() => {
    const u = s.config.stage2.space === 'hyperbolic' ? logmap0(h, s.config.stage2.c) : h;
    return mlp(s.params, 'dec', u, s.config.stage2.blocks, s.config.stage2.decoderNorm === 'layer') as tf.Tensor2D;
  });
}

/**
 * Points h [B, ballDim] → reconstructed codes ẑ [B, codeDim]. With a stage I whose code has a spatial map, `map`
 * [B, size²·channels] (usually the input's, `codeMap`) is the map the codes end with.
 */
export function fromBall(s: Stage2, h: tf.Tensor, map?: tf.Tensor): tf.Tensor2D {
  const width = spatialCodeWidth(s.config.stage1);
  if (!width) return vectorFromBall(s, h);
  if (!map || map.rank !== 2 || map.shape[0] !== h.shape[0] || map.shape[1] !== width)
    throw new ShapeError('fromBall(h, map)', {
      expected: `the spatial maps of the ${h.shape[0]} codes, [${h.shape[0]}, ${width}] (stage I's code ends with a map that stays out of the ball)`,
      received: describe(map),
      hint: 'Pass codeMap(stage1 config, z) of the codes the points came from.',
    });
  return tf.tidy(() => tf.concat([vectorFromBall(s, h), map], 1) as tf.Tensor2D);
}

/** Class logits [B, K] of points h. */
export function classify(s: Stage2, h: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => s.head.apply(h) as tf.Tensor2D);
}

/** The reconstruction loss of codes z [B, codeDim] from their points h = toBall(z) (the vector parts only). */
export function ballReconstructionLoss(s: Stage2, z: tf.Tensor, h: tf.Tensor): tf.Scalar {
  return tf.tidy(() => codeReconstructionLoss(vectorPart(s, z), vectorFromBall(s, h)));
}

/** Mean over rows of  mean_j (z − ẑ)² + 1 − cos(z, ẑ). */
export function codeReconstructionLoss(z: tf.Tensor, zHat: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const l2 = tf.mean(tf.squaredDifference(z, zHat), -1);
    const cos = tf.div(tf.sum(tf.mul(z, zHat), -1), tf.maximum(tf.mul(tf.norm(z, 'euclidean', -1), tf.norm(zHat, 'euclidean', -1)), 1e-8));
    return tf.mean(tf.add(l2, tf.sub(1, cos))) as tf.Scalar;
  });
}

/** Softmax cross-entropy, mean over rows. */
export function crossEntropyLoss(logits: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(tf.cast(labels, 'int32'), numClasses), logp), -1))) as tf.Scalar;
  });
}

export interface Stage2Batch {
  z: tf.Tensor2D;
  y: tf.Tensor1D;
}

/** L = CE + λ (L2 + 1 − cos); also returns the parts (as numbers are read by the caller if wanted). */
export function stage2Loss(s: Stage2, batch: Stage2Batch): tf.Scalar {
  return tf.tidy(() => {
    const h = toBall(s, batch.z);
    const ce = crossEntropyLoss(classify(s, h), batch.y, s.numClasses);
    const rec = ballReconstructionLoss(s, batch.z, h);
    return tf.add(ce, tf.mul(rec, s.config.stage2.lambda)) as tf.Scalar;
  });
}

/** Frees the variables of stage II. */
export function disposeStage2(s: Stage2): void {
  for (const [k, v] of Object.entries(s.params)) if (!k.startsWith('ball.') && !k.startsWith('head.')) v.dispose();
  s.linear.dispose();
  s.head.dispose();
}
