/**
 * AdamW (Loshchilov & Hutter 2019) over a Params store, decoupled weight decay:
 *   m ← β₁ m + (1 − β₁) g;   v ← β₂ v + (1 − β₂) g²
 *   m̂ = m / (1 − β₁ᵗ);       v̂ = v / (1 − β₂ᵗ)
 *   θ ← θ − lr · (m̂ / (√v̂ + ε) + λ θ)          (λ only for names passing `decay`, by default weights '*.w')
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, checkOptions, describe } from '../core';
import { Params, variableLike } from '../nn';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Which parameters get weight decay (default: names ending in '.w': dense/conv kernels, not biases or norms). */
  decay?: (name: string) => boolean;
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly decay: (name: string) => boolean;
  /** First and second moments, one per parameter name. */
  readonly m: Record<string, tf.Variable> = {};
  readonly v: Record<string, tf.Variable> = {};
  /** Number of updates applied (t in the bias corrections). */
  t = 0;

  constructor(
    readonly params: Params,
    o: AdamWOptions = {},
  ) {
    checkOptions('AdamW', o, ['beta1', 'beta2', 'eps', 'weightDecay', 'decay']);
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.eps = o.eps ?? 1e-8;
    this.weightDecay = o.weightDecay ?? 0;
    this.decay = o.decay ?? ((n) => n.endsWith('.w'));
    for (const [k, b] of [
      ['beta1', this.beta1],
      ['beta2', this.beta2],
    ] as const) {
      if (!(b >= 0 && b < 1)) throw new ConfigError(`AdamW(${k})`, { expected: 'a number in [0, 1)', received: describe(b) });
    }
    if (!(this.eps > 0) || !(this.weightDecay >= 0))
      throw new ConfigError('AdamW(eps, weightDecay)', {
        expected: 'eps > 0 and weightDecay ≥ 0',
        received: `${this.eps}, ${this.weightDecay}`,
      });
    for (const [k, p] of Object.entries(params)) {
      this.m[k] = variableLike(p, true);
      this.v[k] = variableLike(p, true);
    }
  }

  /** One update with gradients by parameter name (names absent from `grads` are left unchanged). */
  step(grads: Record<string, tf.Tensor>, lr: number): void {
    this.t += 1;
    const { beta1: b1, beta2: b2, eps } = this;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    tf.tidy(() => {
      for (const [k, p] of Object.entries(this.params)) {
        const g = grads[k];
        if (!g) continue;
        const m = tf.add(tf.mul(this.m[k], b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(this.v[k], b2), tf.mul(tf.square(g), 1 - b2));
        this.m[k].assign(m);
        this.v[k].assign(v);
        let upd = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), eps));
        if (this.weightDecay > 0 && this.decay(k)) upd = tf.add(upd, tf.mul(p, this.weightDecay));
        p.assign(tf.sub(p, tf.mul(upd, lr)));
      }
    });
  }

  /** Moments as named tensors ('adam.m/<name>', 'adam.v/<name>') for a checkpoint. */
  state(): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const k of Object.keys(this.m)) {
      out[`adam.m/${k}`] = this.m[k];
      out[`adam.v/${k}`] = this.v[k];
    }
    return out;
  }

  /** Restores moments saved by `state()` and the update count t. */
  load(tensors: Record<string, tf.Tensor>, t: number): void {
    for (const k of Object.keys(this.m)) {
      this.m[k].assign(tensors[`adam.m/${k}`]);
      this.v[k].assign(tensors[`adam.v/${k}`]);
    }
    this.t = t;
  }

  dispose(): void {
    for (const k of Object.keys(this.m)) {
      this.m[k].dispose();
      this.v[k].dispose();
    }
  }
}
