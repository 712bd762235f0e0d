/**
 * MaxPoolGrad for the wasm backend, in JavaScript over the wasm heap. The stock wasm kernel (4.22)
 * returns wrong gradients for some shapes (e.g. batch 2, 2×2/2 windows). Routing rule, as tfjs-cpu:
 *   dx[n,h,w,c] = Σ_{output windows whose first maximal pixel is (h,w)} dy[n,p,q,c].
 */
import * as tf from '@tensorflow/tfjs-core';

interface HeapBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

export function maxPoolGradWasm({
  inputs,
  attrs,
  backend,
}: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: Record<string, unknown>;
  backend: unknown;
}): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as {
    filterSize: [number, number] | number;
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const b = backend as HeapBackend;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize: n, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: kh, effectiveFilterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const dx = b.makeOutput(input.shape, 'float32');
  // Read the heap views only after the allocation above (allocation may grow and move the heap).
  const x = b.typedArrayFromHeap(input);
  const g = b.typedArrayFromHeap(dy);
  const out = b.typedArrayFromHeap(dx);
  out.fill(0);
  for (let bi = 0; bi < n; bi++) {
    for (let p = 0; p < Ho; p++) {
      const h0 = p * sh - top;
      for (let q = 0; q < Wo; q++) {
        const w0 = q * sw - left;
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let at = -1;
          for (let a = Math.max(0, h0); a < Math.min(H, h0 + kh); a++) {
            for (let e = Math.max(0, w0); e < Math.min(W, w0 + kw); e++) {
              const i = ((bi * H + a) * W + e) * C + c;
              if (x[i] > best) {
                best = x[i];
                at = i;
              }
            }
          }
          if (at >= 0) out[at] += g[((bi * Ho + p) * Wo + q) * C + c];
        }
      }
    }
  }
  return dx;
}
