/** Maps Euclidean features onto the ball (and the identity twin for ablations). */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, checkOptions, describe } from '../../core/errors';
import { PointLike, checkCurvature, norm, toPoint } from '../guards';
import { expmap0Raw } from '../exp-log';
import { project } from '../project';
import { Layer } from './layer';

export interface ToPoincareConfig {
  c: number;
  /**
   * Feature clipping radius r (Guo et al., "Clipped hyperbolic classifiers are super-hyperbolic
   * classifiers", 2022): x ← min(1, r/‖x‖) · x before expmap0. Keeps codes away from the boundary
   * where gradients vanish. Undefined: no clipping.
   */
  clipR?: number;
}

/** Clips the Euclidean norm to ≤ r: x · min(1, r/‖x‖). */
export function clipFeatures(x: tf.Tensor, r: number): tf.Tensor {
  return tf.mul(x, tf.minimum(1, tf.div(r, norm(x))));
}

/** ToPoincare: y = project(expmap0(clip_r(x))). No trainable variables. */
export class ToPoincare implements Layer<ToPoincareConfig> {
  readonly config: Readonly<ToPoincareConfig>;
  constructor(config: ToPoincareConfig) {
    checkOptions('ToPoincare(config)', config, ['c', 'clipR']);
    checkCurvature('ToPoincare', config.c);
    if (config.clipR !== undefined && !(typeof config.clipR === 'number' && config.clipR > 0 && Number.isFinite(config.clipR))) {
      throw new ConfigError('ToPoincare(clipR)', {
        expected: 'a clipping radius r > 0 (Guo et al. use r ≈ 1–2.3), or undefined',
        received: describe(config.clipR),
      });
    }
    this.config = Object.freeze({ ...config });
  }
  apply(x: PointLike): tf.Tensor {
    const { c, clipR } = this.config;
    return tf.tidy(() => {
      let u = toPoint('ToPoincare.apply(x)', x);
      if (clipR !== undefined) u = clipFeatures(u, clipR);
      return project(expmap0Raw(u, c), c);
    });
  }
  variables(): Record<string, tf.Variable> {
    return {};
  }
  dispose(): void {}
}

export interface ToEuclideanConfig {
  /** Optional feature clipping, as in ToPoincare (so the ablation differs only in geometry). */
  clipR?: number;
}

/** ToEuclidean: the identity (optionally norm-clipped) — the Euclidean twin of ToPoincare. */
export class ToEuclidean implements Layer<ToEuclideanConfig> {
  readonly config: Readonly<ToEuclideanConfig>;
  constructor(config: ToEuclideanConfig = {}) {
    checkOptions('ToEuclidean(config)', config, ['clipR']);
    if (config.clipR !== undefined && !(typeof config.clipR === 'number' && config.clipR > 0 && Number.isFinite(config.clipR))) {
      throw new ConfigError('ToEuclidean(clipR)', { expected: 'a clipping radius r > 0, or undefined', received: describe(config.clipR) });
    }
    this.config = Object.freeze({ ...config });
  }
  apply(x: PointLike): tf.Tensor {
    const { clipR } = this.config;
    return tf.tidy(() => {
      const u = toPoint('ToEuclidean.apply(x)', x);
      return clipR !== undefined ? clipFeatures(u, clipR) : tf.clone(u);
    });
  }
  variables(): Record<string, tf.Variable> {
    return {};
  }
  dispose(): void {}
}
