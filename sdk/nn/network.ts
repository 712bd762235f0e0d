/**
 * A network bound to its parameters: `net.apply(x, t, cond)`. The U-Net, the residual MLP denoiser and the
 * Transformer all share this shape; `bindNetwork` builds it from a config, a parameter store and a forward pass.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Params, paramCount } from './params';

export interface Network<C, Out extends tf.Tensor = tf.Tensor> {
  readonly config: C;
  readonly params: Params;
  apply(x: tf.Tensor, t: tf.Tensor | number[], cond?: tf.Tensor): Out;
  paramCount(): number;
}

export type Forward<C, Out extends tf.Tensor> = (p: Params, c: C, x: tf.Tensor, t: tf.Tensor | number[], cond?: tf.Tensor) => Out;

export function bindNetwork<C, Out extends tf.Tensor>(config: C, params: Params, forward: Forward<C, Out>): Network<C, Out> {
  return { config, params, apply: (x, t, cond) => forward(params, config, x, t, cond), paramCount: () => paramCount(params) };
}
