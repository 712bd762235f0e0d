/** Dense (fully connected) layer: y = x W + b over the last axis; W [in, out] under name.w, b under name.b. */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../core/rng';
import { Params, addParam, param, Init } from './params';
import { addFlops } from './flops';

export function initDense(p: Params, name: string, inDim: number, outDim: number, rng: Rng, init: Init = 'he'): void {
  addParam(p, `${name}.w`, [inDim, outDim], init, rng);
  addParam(p, `${name}.b`, [outDim], 'zeros', rng);
}

/** y = x W + b, x of any rank ≥ 2 (leading axes are batch axes). */
export function dense(p: Params, name: string, x: tf.Tensor): tf.Tensor {
  const w = param(p, `${name}.w`);
  const b = param(p, `${name}.b`);
  const [inDim, outDim] = w.shape;
  const lead = x.shape.slice(0, -1);
  const rows = lead.reduce((a, c) => a * c, 1);
  addFlops(2 * rows * inDim * outDim);
  return tf.tidy(() => {
    const y = tf.fused.matMul({ a: tf.reshape(x, [rows, inDim]) as tf.Tensor2D, b: w as tf.Tensor2D, bias: b });
    return x.rank === 2 ? y : tf.reshape(y, [...lead, outDim]);
  });
}
