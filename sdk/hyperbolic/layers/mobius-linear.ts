/** Möbius linear layer (hyperbolic neural networks, Ganea et al. 2018) and its Euclidean twin. */
import * as tf from '@tensorflow/tfjs-core';
import { checkOptions } from '../../core/errors';
import { Rng } from '../../core/rng';
import { PointLike, checkCurvature } from '../guards';
import { expmap0Raw } from '../exp-log';
import { mobiusAddRaw } from '../mobius-add';
import { matvec, mobiusMatvec } from '../mobius-matvec';
import { project } from '../project';
import { Layer, checkFeatures, disposeAll, layerInput, uniformVariable } from './layer';

export interface LinearConfig {
  inFeatures: number;
  outFeatures: number;
  /** Add a bias (default true). */
  bias?: boolean;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}
export interface MobiusLinearConfig extends LinearConfig {
  c: number;
}

function initVars(where: string, cfg: LinearConfig): Record<string, tf.Variable> {
  checkFeatures(where, 'inFeatures', cfg.inFeatures);
  checkFeatures(where, 'outFeatures', cfg.outFeatures);
  const rng = new Rng(cfg.seed ?? 0);
  // Glorot-uniform weight [out, in]; small uniform bias (a tangent vector at 0 for the Möbius layer).
  const vars: Record<string, tf.Variable> = {
    weight: uniformVariable([cfg.outFeatures, cfg.inFeatures], Math.sqrt(6 / (cfg.inFeatures + cfg.outFeatures)), rng),
  };
  if (cfg.bias ?? true) vars.bias = uniformVariable([cfg.outFeatures], 1e-3, rng);
  return vars;
}

/**
 * MobiusLinear: y = project((W ⊗ x) ⊕ expmap0(b)) for points x on the ball.
 * Variables: 'weight' [out, in] (Euclidean), 'bias' [out] (a tangent vector at the origin, so the
 * hyperbolic bias expmap0(b) is optimised with plain Euclidean optimisers).
 */
export class MobiusLinear implements Layer<MobiusLinearConfig> {
  readonly config: Readonly<MobiusLinearConfig>;
  private readonly vars: Record<string, tf.Variable>;
  constructor(config: MobiusLinearConfig) {
    checkOptions('MobiusLinear(config)', config, ['inFeatures', 'outFeatures', 'bias', 'seed', 'c']);
    checkCurvature('MobiusLinear', config.c);
    this.vars = initVars('MobiusLinear', config);
    this.config = Object.freeze({ bias: true, seed: 0, ...config });
  }
  apply(x: PointLike): tf.Tensor {
    const { c, inFeatures } = this.config;
    return tf.tidy(() => {
      const mx = mobiusMatvec(this.vars.weight, layerInput('MobiusLinear.apply', x, inFeatures), c);
      return this.vars.bias ? project(mobiusAddRaw(mx, expmap0Raw(this.vars.bias, c), c), c) : mx;
    });
  }
  variables(): Record<string, tf.Variable> {
    return { ...this.vars };
  }
  dispose(): void {
    disposeAll(this.vars);
  }
}

/** EuclideanLinear: y = x Wᵀ + b, with the same variables ('weight' [out, in], 'bias' [out]) as MobiusLinear. */
export class EuclideanLinear implements Layer<LinearConfig> {
  readonly config: Readonly<LinearConfig>;
  private readonly vars: Record<string, tf.Variable>;
  constructor(config: LinearConfig) {
    checkOptions('EuclideanLinear(config)', config, ['inFeatures', 'outFeatures', 'bias', 'seed']);
    this.vars = initVars('EuclideanLinear', config);
    this.config = Object.freeze({ bias: true, seed: 0, ...config });
  }
  apply(x: PointLike): tf.Tensor {
    return tf.tidy(() => {
      const y = matvec(this.vars.weight, layerInput('EuclideanLinear.apply', x, this.config.inFeatures));
      return this.vars.bias ? tf.add(y, this.vars.bias) : y;
    });
  }
  variables(): Record<string, tf.Variable> {
    return { ...this.vars };
  }
  dispose(): void {
    disposeAll(this.vars);
  }
}
