/** The oneDNN kernels: convolution (forward, both gradients), matMul (batched, fused bias) and Sigmoid. */
import * as tf from '@tensorflow/tfjs-core';
import type { DnnlAddon } from './addon';
import { type Args, type Attrs, type HeapBackend, type Info, count, fallback, isF32, size } from './kernel-common';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

/** The addon's 17 convolution dimensions, or undefined when oneDNN's output size would differ from tfjs's. */
function convDims(xShape: number[], filterShape: number[], attrs: Attrs): Int32Array | undefined {
  const {
    strides,
    pad,
    dilations = 1,
    dimRoundingMode,
    dataFormat = 'NHWC',
  } = attrs as {
    strides: number | [number, number];
    pad: Pad;
    dilations?: number | [number, number];
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    dataFormat?: string;
  };
  if (dataFormat !== 'NHWC' || xShape.length !== 4 || filterShape.length !== 4) return undefined;
  const c = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
  );
  const { top, left, bottom, right } = c.padInfo;
  const ext = (f: number, d: number) => (f - 1) * d + 1;
  const ho = Math.floor((c.inHeight + top + bottom - ext(c.filterHeight, c.dilationHeight)) / c.strideHeight) + 1;
  const wo = Math.floor((c.inWidth + left + right - ext(c.filterWidth, c.dilationWidth)) / c.strideWidth) + 1;
  if (ho !== c.outHeight || wo !== c.outWidth) return undefined;
  const d = [
    c.batchSize,
    c.inHeight,
    c.inWidth,
    c.inChannels,
    c.outChannels,
    c.filterHeight,
    c.filterWidth,
    c.strideHeight,
    c.strideWidth,
    c.dilationHeight,
    c.dilationWidth,
    top,
    left,
    bottom,
    right,
    c.outHeight,
    c.outWidth,
  ];
  return d.some((v) => v < 0) || size(d.slice(0, 7)) === 0 || c.outHeight * c.outWidth === 0 ? undefined : Int32Array.from(d);
}

function linear(attrs: Attrs | undefined, inputs: tf.NamedTensorInfoMap): boolean {
  const act = (attrs as { activation?: string } | undefined)?.activation;
  return (act === undefined || act === 'linear') && !inputs.preluActivationWeights;
}

function conv2dKernel(name: string, addon: DnnlAddon): tf.KernelFunc {
  return ((args: Args) => {
    const { x, filter, bias } = args.inputs as { x: Info; filter: Info; bias?: Info };
    const dims = convDims(x.shape, filter.shape, args.attrs ?? {});
    const co = filter.shape[3];
    if (!dims || !isF32(x, filter, bias) || !linear(args.attrs, args.inputs) || (bias && size(bias.shape) !== co))
      return fallback(name, args);
    const be = args.backend as HeapBackend;
    const out = be.makeOutput([dims[0], dims[15], dims[16], co], 'float32');
    addon.conv2d(
      be.typedArrayFromHeap(x),
      be.typedArrayFromHeap(filter),
      bias ? be.typedArrayFromHeap(bias) : null,
      be.typedArrayFromHeap(out),
      dims,
    );
    count(name, true);
    return out;
  }) as unknown as tf.KernelFunc;
}

/**
 * The two convolution gradients: Conv2DBackpropInput (dy, filter → dx of attrs.inputShape) and
 * Conv2DBackpropFilter (x, dy → dw of attrs.filterShape).
 */
function backpropKernel(name: 'Conv2DBackpropInput' | 'Conv2DBackpropFilter', addon: DnnlAddon): tf.KernelFunc {
  const toInput = name === 'Conv2DBackpropInput';
  return ((args: Args) => {
    const { x, dy, filter } = args.inputs as { x?: Info; dy: Info; filter?: Info };
    const attrs = (args.attrs ?? {}) as { inputShape?: number[]; filterShape?: number[] };
    const [xShape, wShape] = toInput ? [attrs.inputShape!, filter!.shape] : [x!.shape, attrs.filterShape!];
    const dims = convDims(xShape, wShape, attrs);
    if (!dims || !isF32(x, dy, filter) || dims[15] !== dy.shape[1] || dims[16] !== dy.shape[2]) return fallback(name, args);
    const be = args.backend as HeapBackend;
    const out = be.makeOutput([...(toInput ? xShape : wShape)], 'float32');
    const heap = (t: Info) => be.typedArrayFromHeap(t);
    if (toInput) addon.conv2dBackpropInput(heap(dy), heap(filter!), heap(out), dims);
    else addon.conv2dBackpropFilter(heap(x!), heap(dy), heap(out), dims);
    count(name, true);
    return out;
  }) as unknown as tf.KernelFunc;
}

function matMulKernel(name: string, addon: DnnlAddon): tf.KernelFunc {
  return ((args: Args) => {
    const { a, b, bias } = args.inputs as { a: Info; b: Info; bias?: Info };
    const { transposeA: ta = false, transposeB: tb = false } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const ra = a.shape.length;
    const rb = b.shape.length;
    if (ra < 2 || rb < 2 || !isF32(a, b, bias) || !linear(args.attrs, args.inputs)) return fallback(name, args);
    const m = ta ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = ta ? a.shape[ra - 2] : a.shape[ra - 1];
    const kb = tb ? b.shape[rb - 1] : b.shape[rb - 2];
    const n = tb ? b.shape[rb - 2] : b.shape[rb - 1];
    let outer: number[];
    try {
      outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    } catch {
      return fallback(name, args); // the stock kernel reports the shape error
    }
    const ba = size(a.shape.slice(0, -2));
    const bb = size(b.shape.slice(0, -2));
    const batch = Math.max(ba, bb);
    // one batch of `batch` products, each operand either full or a single broadcast matrix
    if (
      k !== kb ||
      (ba !== batch && ba !== 1) ||
      (bb !== batch && bb !== 1) ||
      size(outer) !== batch ||
      m * n * k === 0 ||
      (bias && size(bias.shape) !== n)
    )
      return fallback(name, args);
    const be = args.backend as HeapBackend;
    const out = be.makeOutput([...outer, m, n], 'float32');
    addon.matmul(
      be.typedArrayFromHeap(a),
      be.typedArrayFromHeap(b),
      bias ? be.typedArrayFromHeap(bias) : null,
      be.typedArrayFromHeap(out),
      Int32Array.from([ba, bb, m, k, n, ta ? 1 : 0, tb ? 1 : 0]),
    );
    count(name, true);
    return out;
  }) as unknown as tf.KernelFunc;
}

/** Sigmoid (float32): oneDNN's logistic. */
function sigmoidKernel(addon: DnnlAddon): tf.KernelFunc {
  const name = 'Sigmoid';
  return ((args: Args) => {
    const { x } = args.inputs as { x: Info };
    if (x.dtype !== 'float32' || size(x.shape) === 0) return fallback(name, args);
    const be = args.backend as HeapBackend;
    const out = be.makeOutput([...x.shape], 'float32');
    addon.sigmoid(be.typedArrayFromHeap(x), be.typedArrayFromHeap(out));
    count(name, true);
    return out;
  }) as unknown as tf.KernelFunc;
}

/** [kernel name, kernel] of this file's kernels. */
export function dnnlKernels(addon: DnnlAddon): [string, tf.KernelFunc][] {
  return [
    ['Conv2D', conv2dKernel('Conv2D', addon)],
    ['FusedConv2D', conv2dKernel('FusedConv2D', addon)],
    ['Conv2DBackpropInput', backpropKernel('Conv2DBackpropInput', addon)],
    ['Conv2DBackpropFilter', backpropKernel('Conv2DBackpropFilter', addon)],
    ['BatchMatMul', matMulKernel('BatchMatMul', addon)],
    ['_FusedMatMul', matMulKernel('_FusedMatMul', addon)],
    ['Sigmoid', sigmoidKernel(addon)],
  ];
}
