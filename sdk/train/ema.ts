/**
 * Exponential moving average of the weights (Polyak averaging): θ̄ ← d · θ̄ + (1 − d) · θ.
 * With `warmup`, the decay ramps as d_t = min(d, (1 + t)/(10 + t)) so early averages are not stuck at init.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, describe } from '../core';
import { Params, variableLike } from '../nn';

export class Ema {
  /** The averaged weights, same names as the source params (usable as a Params store for sampling). */
  readonly params: Params = {};
  /** Number of updates applied. */
  t = 0;

  constructor(
    readonly source: Params,
    readonly decay = 0.999,
    readonly warmup = false,
  ) {
    if (!(decay >= 0 && decay < 1)) throw new ConfigError('Ema(decay)', { expected: 'a number in [0, 1)', received: describe(decay) });
    for (const [k, p] of Object.entries(source)) this.params[k] = variableLike(p);
  }

  /** The decay used at the current update. */
  currentDecay(): number {
    return this.warmup ? Math.min(this.decay, (1 + this.t) / (10 + this.t)) : this.decay;
  }

  update(): void {
    const d = this.currentDecay();
    this.t += 1;
    tf.tidy(() => {
      for (const [k, p] of Object.entries(this.source)) {
        const e = this.params[k];
        e.assign(tf.add(tf.mul(e, d), tf.mul(p, 1 - d)));
      }
    });
  }

  /** Named tensors ('ema/<name>') for a checkpoint. */
  state(): Record<string, tf.Tensor> {
    return Object.fromEntries(Object.entries(this.params).map(([k, v]) => [`ema/${k}`, v]));
  }

  load(tensors: Record<string, tf.Tensor>, t: number): void {
    for (const [k, v] of Object.entries(this.params)) v.assign(tensors[`ema/${k}`]);
    this.t = t;
  }

  dispose(): void {
    for (const v of Object.values(this.params)) v.dispose();
  }
}
