/** Multinomial logistic regression on the ball (Ganea et al. 2018) and its Euclidean twin. */
import * as tf from '@tensorflow/tfjs-core';
import { checkOptions } from '../../core/errors';
import { Rng } from '../../core/rng';
import { MIN_NORM, PointLike, checkCurvature, dot, norm, sqNorm } from '../guards';
import { expmap0Raw } from '../exp-log';
import { mobiusAddRaw } from '../mobius-add';
import { Layer, checkFeatures, disposeAll, layerInput, uniformVariable } from './layer';

export interface MLRConfig {
  inFeatures: number;
  numClasses: number;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}
export interface HyperbolicMLRConfig extends MLRConfig {
  c: number;
}

function initVars(where: string, cfg: MLRConfig): Record<string, tf.Variable> {
  checkFeatures(where, 'inFeatures', cfg.inFeatures);
  checkFeatures(where, 'numClasses', cfg.numClasses);
  const rng = new Rng(cfg.seed ?? 0);
  const bound = 1 / Math.sqrt(cfg.inFeatures);
  return {
    a: uniformVariable([cfg.numClasses, cfg.inFeatures], bound, rng),
    p: uniformVariable([cfg.numClasses, cfg.inFeatures], bound, rng),
  };
}

/** Flattens x to [N, d] and returns a function restoring [..., K]. */
function flatten(x: tf.Tensor): [tf.Tensor, (y: tf.Tensor) => tf.Tensor] {
  const lead = x.shape.slice(0, -1);
  return [tf.reshape(x, [-1, x.shape[x.rank - 1]]), (y) => tf.reshape(y, [...lead, y.shape[1] as number])];
}

/**
 * HyperbolicMLR logits (reference-values row 15), per class k:
 *   p_k = expmap0(P_k),  a_k = A_k (1 − c‖p_k‖²),  λ_k = 2/(1 − c‖p_k‖²),  m = (−p_k) ⊕ x  (1e-5 added to its denominator),
 *   logit_k(x) = λ_k‖a_k‖/√c · asinh(2√c⟨m, a_k⟩ / (‖a_k‖ (1 − c‖m‖²))).
 * Variables: 'a' [K, d] and 'p' [K, d] (both Euclidean). Input [..., d] on the ball → logits [..., K].
 */
export class HyperbolicMLR implements Layer<HyperbolicMLRConfig> {
  readonly config: Readonly<HyperbolicMLRConfig>;
  private readonly vars: Record<string, tf.Variable>;
  constructor(config: HyperbolicMLRConfig) {
    checkOptions('HyperbolicMLR(config)', config, ['inFeatures', 'numClasses', 'seed', 'c']);
    checkCurvature('HyperbolicMLR', config.c);
    this.vars = initVars('HyperbolicMLR', config);
    this.config = Object.freeze({ seed: 0, ...config });
  }
  apply(x: PointLike): tf.Tensor {
    const { c, inFeatures } = this.config;
    const sc = Math.sqrt(c);
    return tf.tidy(() => {
      const [flat, restore] = flatten(layerInput('HyperbolicMLR.apply', x, inFeatures));
      const p = expmap0Raw(this.vars.p, c); // [K, d]
      const conformal = tf.maximum(tf.sub(1, tf.mul(c, sqNorm(p))), MIN_NORM); // [K, 1]
      const a = tf.mul(this.vars.a, conformal); // [K, d]
      const aNorm = norm(a); // [K, 1]
      const lam = tf.div(2, conformal);
      // m for every (sample, class) pair: [N, K, d]
      const m = mobiusAddRaw(tf.expandDims(tf.neg(p), 0), tf.expandDims(flat, 1), c, 1e-5);
      const ma = tf.squeeze(dot(m, tf.expandDims(a, 0)), [-1]); // [N, K]
      const oneMinus = tf.maximum(tf.sub(1, tf.mul(c, tf.squeeze(sqNorm(m), [-1]))), MIN_NORM);
      const aRow = tf.reshape(aNorm, [1, -1]);
      const arg = tf.div(tf.mul(2 * sc, ma), tf.mul(aRow, oneMinus));
      const logits = tf.mul(tf.div(tf.mul(tf.reshape(lam, [1, -1]), aRow), sc), tf.asinh(arg));
      return restore(logits);
    });
  }
  variables(): Record<string, tf.Variable> {
    return { ...this.vars };
  }
  dispose(): void {
    disposeAll(this.vars);
  }
}

/**
 * EuclideanMLR: logit_k(x) = 4⟨x − p_k, a_k⟩, the c → 0 limit of HyperbolicMLR (λ → 2, asinh z → z),
 * with the same variables 'a' and 'p', so ablations swap one class for the other.
 */
export class EuclideanMLR implements Layer<MLRConfig> {
  readonly config: Readonly<MLRConfig>;
  private readonly vars: Record<string, tf.Variable>;
  constructor(config: MLRConfig) {
    checkOptions('EuclideanMLR(config)', config, ['inFeatures', 'numClasses', 'seed']);
    this.vars = initVars('EuclideanMLR', config);
    this.config = Object.freeze({ seed: 0, ...config });
  }
  apply(x: PointLike): tf.Tensor {
    return tf.tidy(() => {
      const [flat, restore] = flatten(layerInput('EuclideanMLR.apply', x, this.config.inFeatures));
      const { a, p } = this.vars;
      const xa = tf.matMul(flat, a, false, true); // [N, K]
      const pa = tf.reshape(tf.sum(tf.mul(p, a), -1), [1, -1]); // [1, K]
      return restore(tf.mul(4, tf.sub(xa, pa)));
    });
  }
  variables(): Record<string, tf.Variable> {
    return { ...this.vars };
  }
  dispose(): void {
    disposeAll(this.vars);
  }
}
