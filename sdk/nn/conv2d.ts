/**
 * 2-D convolution, NHWC, 'same' padding, kernel 1 or 3, stride 1 or 2:
 * y[b,i,j,o] = Σ_{di,dj,c} x[b, s·i+di, s·j+dj, c] · W[di,dj,c,o] + b[o]. W [k,k,in,out] under name.w.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../core/errors';
import { Rng } from '../core/rng';
import { Params, addParam, param, Init, checkRank } from './params';
import { addFlops } from './flops';

export function initConv2d(p: Params, name: string, inCh: number, outCh: number, kernel: 1 | 3, rng: Rng, init: Init = 'he'): void {
  if (kernel !== 1 && kernel !== 3) throw new ConfigError(`initConv2d(${name})`, { expected: 'kernel 1 or 3', received: String(kernel) });
  addParam(p, `${name}.w`, [kernel, kernel, inCh, outCh], init, rng);
  addParam(p, `${name}.b`, [outCh], 'zeros', rng);
}

export function conv2d(p: Params, name: string, x: tf.Tensor, stride: 1 | 2 = 1): tf.Tensor4D {
  const w = param(p, `${name}.w`) as unknown as tf.Tensor4D;
  const b = param(p, `${name}.b`);
  checkRank(`conv2d(${name})`, x, 4, w.shape[2]);
  const [B, H, W] = x.shape;
  const [k, , cin, cout] = w.shape;
  addFlops(2 * B * Math.ceil(H / stride) * Math.ceil(W / stride) * k * k * cin * cout);
  if (k === 1 && stride === 1) {
    // A 1×1 conv is a matmul over pixels (cheaper than the conv kernel and its gradients).
    return tf.tidy(() => {
      const y = tf.fused.matMul({
        a: tf.reshape(x, [B * H * W, cin]) as tf.Tensor2D,
        b: tf.reshape(w, [cin, cout]) as tf.Tensor2D,
        bias: b,
      });
      return tf.reshape(y, [B, H, W, cout]) as tf.Tensor4D;
    });
  }
  return tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w, bias: b, strides: stride, pad: 'same' });
}
