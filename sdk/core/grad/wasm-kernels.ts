/**
 * Kernels that gradients need and the tfjs wasm backend (4.22) lacks or runs badly, composed from kernels it
 * has: Conv2DBackpropFilter and UnsortedSegmentSum (missing), Conv2DBackpropInput (stock one ~10× slower
 * than Conv2D), MaxPoolGrad (stock one wrong for some shapes; see wasm-maxpool-grad.ts). Also replaced for
 * speed: BatchMatMul (wasm-matmul.ts), Identity/Slice/SplitV/Unpack/Tile (wasm-copies.ts); and two kernels of
 * our own, the fused group norm (wasm-group-norm.ts).
 * Registered for the 'wasm' backend only, so every path reaches them: registered gradients,
 * tf.fused.conv2d's own custom gradient, conv2dTranspose, and direct calls.
 *
 * Conv2DBackpropFilter, with x:[N,H,W,Ci], dy:[N,Ho,Wo,Co], stride s, top/left padding (t,l):
 *   dW[a,b,i,o] = Σ_{n,p,q} x[n, s·p + a − t, s·q + b − l, i] · dy[n,p,q,o]
 * is itself a stride-1 convolution with dilation s, once the batch is made the channel axis:
 *   dWᵀ[i,a,b,o] = conv2d(xᵀ:[Ci,H,W,N], dyᵀ:[Ho,Wo,N,Co], dilation s, padding (t, l, fitted))
 * (the padding at the bottom/right is chosen so the output is exactly fh×fw; negative means crop x).
 */
import * as tf from '@tensorflow/tfjs-core';
import { maxPoolGradWasm } from './wasm-maxpool-grad';
import { batchMatMulWasm } from './wasm-matmul';
import { rememberStock } from './wasm-stock';
import { isNativeKernel } from '../native/mark';
import { identityWasm, sliceWasm, splitVWasm, tileWasm, unpackWasm } from './wasm-copies';
import { GROUP_NORM_AFFINE, GROUP_NORM_AFFINE_GRAD, groupNormAffineWasm, groupNormAffineGradWasm } from './wasm-group-norm';

type Info = tf.TensorInfo;
type Attrs = Record<string, unknown>;

/** Runs wasm kernels by name and frees every intermediate it made. */
class KernelScope {
  private made: Info[] = [];
  constructor(private backend: tf.KernelBackend) {}
  run(name: string, inputs: Record<string, Info>, attrs: Attrs = {}): Info {
    const kernel = tf.getKernel(name, 'wasm');
    if (!kernel) throw new Error(`wasm kernel '${name}' is missing`);
    const out = kernel.kernelFunc({ inputs, attrs: attrs as tf.NamedAttrMap, backend: this.backend }) as Info;
    this.made.push(out);
    return out;
  }
  /** A view with another shape over the same data (no copy, nothing to free). */
  view(t: Info, shape: number[]): Info {
    return { dataId: t.dataId, shape, dtype: t.dtype };
  }
  /** Frees the intermediates, keeping `result`. */
  finish(result: Info): Info {
    for (const t of this.made) if (t.dataId !== result.dataId) this.backend.disposeData(t.dataId);
    return result;
  }
}

function conv2DBackpropFilter({ inputs, attrs, backend }: { inputs: tf.NamedTensorInfoMap; attrs?: Attrs; backend: unknown }): Info {
  const { x, dy } = inputs as { x: Info; dy: Info };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as {
    strides: number | [number, number];
    pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm: only NHWC is supported');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, padInfo } = info;
  const [n, h, w, ci] = x.shape;
  const [, ho, wo] = dy.shape;
  const k = new KernelScope(backend as tf.KernelBackend);
  const bottom = fh + (ho - 1) * sh - h - padInfo.top;
  const right = fw + (wo - 1) * sw - w - padInfo.left;
  let xs = x;
  if (bottom < 0 || right < 0) {
    xs = k.run('Slice', { x }, { begin: [0, 0, 0, 0], size: [n, h + Math.min(bottom, 0), w + Math.min(right, 0), ci] });
  }
  const xT = k.run('Transpose', { x: xs }, { perm: [3, 1, 2, 0] });
  const dyT = k.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const explicit = [
    [0, 0],
    [padInfo.top, Math.max(bottom, 0)],
    [padInfo.left, Math.max(right, 0)],
    [0, 0],
  ];
  const dwT = k.run(
    'Conv2D',
    { x: xT, filter: dyT },
    { strides: 1, pad: explicit, dataFormat: 'NHWC', dilations: [sh, sw], dimRoundingMode: undefined },
  );
  return k.finish(k.run('Transpose', { x: dwT }, { perm: [1, 2, 0, 3] }));
}

/**
 * Conv2DBackpropInput as one ordinary convolution (the stock wasm kernel is ~10× slower than Conv2D):
 * with dy dilated by the stride (zeros between rows/columns) and the filter flipped, in/out swapped,
 *   dx[i] = Σ_b dyd[i + b − (fh − 1 − t)] · w[fh − 1 − b]   (per axis; t = top padding of the forward conv).
 */
function conv2DBackpropInput({ inputs, attrs, backend }: { inputs: tf.NamedTensorInfoMap; attrs?: Attrs; backend: unknown }): Info {
  const { dy, filter } = inputs as { dy: Info; filter: Info };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as {
    strides: number | [number, number];
    pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    inputShape: [number, number, number, number];
  };
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropInput on wasm: only NHWC is supported');
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, padInfo } = info;
  const [n, h, w] = inputShape;
  const [, ho, wo, co] = dy.shape;
  const k = new KernelScope(backend as tf.KernelBackend);
  let d = dy;
  if (sh > 1 || sw > 1) {
    const padded = k.run(
      'PadV2',
      { x: k.view(dy, [n, ho, 1, wo, 1, co]) },
      {
        paddings: [
          [0, 0],
          [0, 0],
          [0, sh - 1],
          [0, 0],
          [0, sw - 1],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    d = k.view(padded, [n, ho * sh, wo * sw, co]);
  }
  const top = fh - 1 - padInfo.top;
  const left = fw - 1 - padInfo.left;
  const bottom = h + fh - 1 - d.shape[1] - top;
  const right = w + fw - 1 - d.shape[2] - left;
  if (bottom < 0 || right < 0 || top < 0 || left < 0) {
    const [b0, l0] = [Math.max(0, -top), Math.max(0, -left)];
    d = k.run(
      'Slice',
      { x: d },
      { begin: [0, b0, l0, 0], size: [n, d.shape[1] + Math.min(bottom, 0) - b0, d.shape[2] + Math.min(right, 0) - l0, co] },
    );
  }
  const flipped = k.run('Reverse', { x: filter }, { dims: [0, 1] });
  const wT = k.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
  const explicit = [
    [0, 0],
    [Math.max(top, 0), Math.max(bottom, 0)],
    [Math.max(left, 0), Math.max(right, 0)],
    [0, 0],
  ];
  return k.finish(k.run('Conv2D', { x: d, filter: wT }, { strides: 1, pad: explicit, dataFormat: 'NHWC', dilations: 1 }));
}

/** out[s, …] = Σ_{i: ids[i] = s} x[i, …], as oneHot(ids)ᵀ · x (one batched matrix product). */
function unsortedSegmentSum({ inputs, attrs, backend }: { inputs: tf.NamedTensorInfoMap; attrs?: Attrs; backend: unknown }): Info {
  const { x, segmentIds } = inputs as { x: Info; segmentIds: Info };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const k = new KernelScope(backend as tf.KernelBackend);
  const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
  const rest = x.shape.slice(segmentIds.shape.length);
  const cols = rest.reduce((a, b) => a * b, 1);
  let ids = k.view(segmentIds, [rows]);
  if (segmentIds.dtype !== 'int32') ids = k.run('Cast', { x: ids }, { dtype: 'int32' });
  // wasm's OneHot writes int32 whatever dtype it is given.
  const hotInt = k.run('OneHot', { indices: ids }, { depth: numSegments, onValue: 1, offValue: 0, dtype: 'int32' });
  const hot = k.run('Cast', { x: hotInt }, { dtype: 'float32' });
  const xf = x.dtype === 'float32' ? x : k.run('Cast', { x }, { dtype: 'float32' });
  const out = k.run(
    'BatchMatMul',
    { a: k.view(hot, [1, rows, numSegments]), b: k.view(xf, [1, rows, cols]) },
    { transposeA: true, transposeB: false },
  );
  k.finish(out);
  return { dataId: out.dataId, shape: [numSegments, ...rest], dtype: 'float32' };
}

/** [name, ours, wraps the stock kernel (so it needs it registered first)] */
const KERNELS: [string, tf.KernelFunc, boolean][] = [
  ['Conv2DBackpropFilter', conv2DBackpropFilter as unknown as tf.KernelFunc, false],
  ['UnsortedSegmentSum', unsortedSegmentSum as unknown as tf.KernelFunc, false],
  ['MaxPoolGrad', maxPoolGradWasm as unknown as tf.KernelFunc, false], // replaces a faulty stock kernel
  ['Conv2DBackpropInput', conv2DBackpropInput as unknown as tf.KernelFunc, false], // replaces a slow stock kernel
  ['BatchMatMul', batchMatMulWasm as unknown as tf.KernelFunc, true], // stock one is scalar unless plain and unbatched
  ['Identity', identityWasm as unknown as tf.KernelFunc, false], // stock one copies (the tape clones every saved tensor)
  ['Slice', sliceWasm as unknown as tf.KernelFunc, false], // stock one copies the whole input per slice
  ['SplitV', splitVWasm as unknown as tf.KernelFunc, false],
  ['Unpack', unpackWasm as unknown as tf.KernelFunc, false],
  ['Tile', tileWasm as unknown as tf.KernelFunc, false], // stock one copies element by element
  [GROUP_NORM_AFFINE, groupNormAffineWasm as unknown as tf.KernelFunc, false], // our own: fused group norm (sdk/nn/norm.ts)
  [GROUP_NORM_AFFINE_GRAD, groupNormAffineGradWasm as unknown as tf.KernelFunc, false],
];

/** Registers our kernels on the wasm backend (idempotent). Returns the names it added or replaced. */
export function registerWasmKernels(): string[] {
  const added: string[] = [];
  for (const [kernelName, kernelFunc, wraps] of KERNELS) {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (existing?.kernelFunc === kernelFunc) continue;
    if (existing && isNativeKernel(existing.kernelFunc)) continue; // the native kernel already wraps ours
    if (wraps && !existing) continue;
    if (existing) {
      rememberStock(kernelName, existing.kernelFunc);
      tf.unregisterKernel(kernelName, 'wasm');
    }
    // Keep the stock setupFunc: it binds the wasm functions the stock kernel (still called by ours) uses.
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc, setupFunc: existing?.setupFunc });
    added.push(kernelName);
  }
  return added;
}

/** Names of the kernels this module supplies for wasm. */
export const WASM_SUPPLIED_KERNELS = KERNELS.map(([name]) => name);
