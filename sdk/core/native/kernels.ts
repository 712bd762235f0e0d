/**
 * Native (oneDNN) kernels registered over the wasm backend: Conv2D, FusedConv2D (bias, linear activation),
 * Conv2DBackpropInput, Conv2DBackpropFilter, BatchMatMul and _FusedMatMul (bias, linear activation), with
 * any transposes; and our fused group norm and its gradient (HypnestGroupNormAffine[Grad], same formulas as
 * sdk/core/grad/wasm-group-norm.ts, on OpenMP threads); Sum over any axes and Transpose (the wasm Sum
 * transposes whenever the reduced axes are not the innermost, e.g. every bias gradient); Concat (the U-Nets' skip
 * connections) and SplitV (its gradient), Sigmoid (in every SiLU), slow in wasm. They read and write the tensors where they live, in the wasm heap: the output is allocated
 * first (an allocation can grow the heap and detach earlier views), then every operand is viewed as a
 * Float32Array over the heap and handed to the addon. Every other op stays a wasm kernel.
 *
 * Cases outside what the addon does (NCHW, other dtypes, activations other than linear, partial batch
 * broadcasts, empty tensors) go to the kernel that was registered before (the SDK's or the stock wasm one).
 */
import * as tf from '@tensorflow/tfjs-core';
import { nativeAddon, type DnnlAddon } from './addon';
import { isNativeKernel, markNative } from './mark';
import { GROUP_NORM_AFFINE, GROUP_NORM_AFFINE_GRAD } from '../grad/wasm-group-norm';

type Info = tf.TensorInfo;
type Attrs = Record<string, unknown>;
type Args = { inputs: tf.NamedTensorInfoMap; attrs?: Attrs; backend: unknown };
type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(t: Info): Float32Array;
  disposeData(dataId: object): boolean;
}

/** Calls per kernel that ran natively / fell back (tests check the native path really ran). */
export const nativeCounts: Record<string, { native: number; fallback: number }> = {};
const previous = new Map<string, tf.KernelFunc>();

function count(name: string, native: boolean): void {
  const c = (nativeCounts[name] ??= { native: 0, fallback: 0 });
  if (native) c.native++;
  else c.fallback++;
}

function fallback(name: string, args: Args): Info {
  count(name, false);
  const f = previous.get(name);
  if (!f) throw new Error(`native kernel ${name}: no wasm kernel to fall back to`);
  return f(args as unknown as Parameters<tf.KernelFunc>[0]) as Info;
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const isF32 = (...ts: (Info | undefined)[]) => ts.every((t) => !t || t.dtype === 'float32');

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

/** The addon's group norm dims [B, S, C, G], or undefined for shapes it does not take. */
function gnDims(x: Info, groups: unknown): Int32Array | undefined {
  const C = x.shape[x.shape.length - 1];
  const B = x.shape[0];
  if (x.shape.length < 2 || typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1 || C % groups !== 0) return undefined;
  const S = size(x.shape.slice(1, -1));
  return B * S * C === 0 ? undefined : Int32Array.from([B, S, C, groups]);
}

/** The group norm kernels' outputs: one like x, two [B, k]. */
function gnOutputs(be: HeapBackend, x: Info, k: number): [Info, Info, Info] {
  return [be.makeOutput([...x.shape], 'float32'), be.makeOutput([x.shape[0], k], 'float32'), be.makeOutput([x.shape[0], k], 'float32')];
}

/**
 * HypnestGroupNormAffine: x, gamma, beta, [scale, shift] [B, C] → [u, mean [B, G], rstd [B, G]]; with attrs.act
 * 'silu' (only the native kernel takes it, see sdk/nn/norm.ts) → [u·σ(u), mean, rstd, σ(u)], fused in one pass.
 */
function groupNormKernel(addon: DnnlAddon): tf.KernelFunc {
  const name = GROUP_NORM_AFFINE;
  return ((args: Args) => {
    const { x, gamma, beta, scale, shift } = args.inputs as Record<string, Info | undefined>;
    const { groups, eps, act } = (args.attrs ?? {}) as { groups?: number; eps?: number; act?: string };
    const silu = act === 'silu';
    const dims = x && gnDims(x, groups);
    const be = args.backend as HeapBackend;
    if (!dims || typeof eps !== 'number' || !isF32(x, gamma, beta, scale, shift) || Boolean(scale) !== Boolean(shift))
      return silu ? siluAfter(be, fallback(name, { ...args, attrs: { groups, eps } }) as unknown as Info[]) : fallback(name, args);
    const [u, mean, rstd] = gnOutputs(be, x!, dims[3]);
    const sig = silu ? be.makeOutput([...x!.shape], 'float32') : undefined;
    const heap = (t: Info | undefined) => (t ? be.typedArrayFromHeap(t) : null);
    addon.groupNorm(
      heap(x)!,
      heap(gamma)!,
      heap(beta)!,
      heap(scale),
      heap(shift),
      heap(u)!,
      heap(mean)!,
      heap(rstd)!,
      dims,
      eps,
      heap(sig),
    );
    count(name, true);
    return sig ? [u, mean, rstd, sig] : [u, mean, rstd];
  }) as unknown as tf.KernelFunc;
}

/** The SiLU outputs from a fallback's [u, mean, rstd] (shapes the native kernel does not take): u ← u·σ(u), + σ(u). */
function siluAfter(be: HeapBackend, [u, mean, rstd]: Info[]): Info[] {
  const sig = be.makeOutput([...u.shape], 'float32');
  const uv = be.typedArrayFromHeap(u);
  const sv = be.typedArrayFromHeap(sig);
  for (let i = 0; i < uv.length; i++) {
    sv[i] = 1 / (1 + Math.exp(-uv[i]));
    uv[i] *= sv[i];
  }
  return [u, mean, rstd, sig];
}

/** HypnestGroupNormAffineGrad: dy, x, [sig], gamma, beta, [scale, shift], mean, rstd → [dx, Σx̂·g, Σg]. */
function groupNormGradKernel(addon: DnnlAddon): tf.KernelFunc {
  const name = GROUP_NORM_AFFINE_GRAD;
  return ((args: Args) => {
    const { dy, x, sig, gamma, beta, scale, shift, mean, rstd } = args.inputs as Record<string, Info | undefined>;
    const { groups, act } = (args.attrs ?? {}) as { groups?: number; act?: string };
    const dims = x && gnDims(x, groups);
    const silu = act === 'silu';
    if (!dims || !dy || !mean || !rstd || (silu && !sig) || !isF32(dy, x, sig, gamma, beta, scale, shift, mean, rstd))
      return fallback(name, args);
    const be = args.backend as HeapBackend;
    const [dx, sx, sg] = gnOutputs(be, x!, dims[2]);
    const heap = (t: Info | undefined) => (t ? be.typedArrayFromHeap(t) : null);
    addon.groupNormGrad(
      heap(dy)!,
      heap(x)!,
      silu ? heap(sig) : null,
      heap(gamma)!,
      heap(beta)!,
      heap(scale),
      heap(shift),
      heap(mean)!,
      heap(rstd)!,
      heap(dx)!,
      heap(sx)!,
      heap(sg)!,
      dims,
    );
    count(name, true);
    return [dx, sx, sg];
  }) as unknown as tf.KernelFunc;
}

/**
 * Sum over any axes (float32): the shape is collapsed to segments of reduced / kept axes (size-1 axes dropped,
 * neighbours of one kind merged), e.g. a bias gradient [N, H, W, C] → reduced N·H·W, kept C.
 */
function sumKernel(addon: DnnlAddon): tf.KernelFunc {
  const name = 'Sum';
  return ((args: Args) => {
    const { x } = args.inputs as { x: Info };
    const { axis, keepDims = false } = (args.attrs ?? {}) as { axis: number | number[]; keepDims?: boolean };
    if (x.dtype !== 'float32' || size(x.shape) === 0) return fallback(name, args);
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const sizes: number[] = [];
    const reduced: number[] = [];
    x.shape.forEach((d, i) => {
      if (d === 1) return;
      const r = axes.includes(i) ? 1 : 0;
      if (reduced.length && reduced[reduced.length - 1] === r) sizes[sizes.length - 1] *= d;
      else {
        sizes.push(d);
        reduced.push(r);
      }
    });
    if (!reduced.includes(1)) return fallback(name, args);
    const be = args.backend as HeapBackend;
    const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    const out = be.makeOutput(shape, 'float32');
    addon.sum(be.typedArrayFromHeap(x), be.typedArrayFromHeap(out), Int32Array.from(sizes), Int32Array.from(reduced));
    count(name, true);
    return out;
  }) as unknown as tf.KernelFunc;
}

/** Transpose (float32), on the shape collapsed to the axes that move as blocks (size-1 axes dropped). */
function transposeKernel(addon: DnnlAddon): tf.KernelFunc {
  const name = 'Transpose';
  return ((args: Args) => {
    const { x } = args.inputs as { x: Info };
    const { perm } = (args.attrs ?? {}) as { perm: number[] };
    if (x.dtype !== 'float32' || size(x.shape) === 0 || !perm || perm.length !== x.shape.length) return fallback(name, args);
    const kept = x.shape.map((d, i) => (d === 1 ? -1 : i)).filter((i) => i >= 0);
    const rank = new Map(kept.map((a, r) => [a, r]));
    const p = perm.filter((a) => x.shape[a] !== 1).map((a) => rank.get(a)!);
    // groups of output axes whose input axes are consecutive too: [first input axis, count]
    const groups: [number, number][] = [];
    for (const a of p) {
      const g = groups[groups.length - 1];
      if (g && g[0] + g[1] === a) g[1]++;
      else groups.push([a, 1]);
    }
    const byInput = groups.map((g, i) => [g[0], i]).sort((u, v) => u[0] - v[0]);
    const sizes = byInput.map(([start]) => {
      const g = groups.find((h) => h[0] === start)!;
      return kept.slice(g[0], g[0] + g[1]).reduce((m, a) => m * x.shape[a], 1);
    });
    const inputIndex = new Map(byInput.map(([, gi], j) => [gi, j]));
    const collapsedPerm = groups.map((_, gi) => inputIndex.get(gi)!);
    const be = args.backend as HeapBackend;
    const out = be.makeOutput(
      perm.map((a) => x.shape[a]),
      'float32',
    );
    addon.transpose(
      be.typedArrayFromHeap(x),
      be.typedArrayFromHeap(out),
      Int32Array.from(sizes.length ? sizes : [1]),
      Int32Array.from(collapsedPerm.length ? collapsedPerm : [0]),
    );
    count(name, true);
    return out;
  }) as unknown as tf.KernelFunc;
}

/** Copies between `parts` and `whole`, which concatenates them on axis `ax`: toWhole (Concat) or back (SplitV). */
function blockRows(addon: DnnlAddon, be: HeapBackend, parts: Info[], whole: Info, ax: number, toWhole: boolean): void {
  const inner = Int32Array.from(parts.map((t) => size(t.shape.slice(ax))));
  addon.concatSplit(
    parts.map((t) => be.typedArrayFromHeap(t)),
    be.typedArrayFromHeap(whole),
    inner,
    toWhole,
  );
}

/** Concat (float32, ≥ 2 non-empty inputs): rows of the leading axes, each input's trailing block in turn. */
function concatKernel(addon: DnnlAddon): tf.KernelFunc {
  const name = 'Concat';
  return ((args: Args) => {
    const inputs = Object.values(args.inputs) as Info[];
    const { axis } = (args.attrs ?? {}) as { axis: number | number[] };
    if (inputs.length < 2 || !inputs.every((t) => t.dtype === 'float32' && size(t.shape) > 0)) return fallback(name, args);
    const rank = inputs[0].shape.length;
    const ax = tf.util.parseAxisParam(axis, inputs[0].shape)[0];
    const same = inputs.every((t) => t.shape.length === rank && t.shape.every((d, i) => i === ax || d === inputs[0].shape[i]));
    if (!same) return fallback(name, args); // the stock kernel reports the shape error
    const be = args.backend as HeapBackend;
    const shape = [...inputs[0].shape];
    shape[ax] = inputs.reduce((n, t) => n + t.shape[ax], 0);
    const out = be.makeOutput(shape, 'float32');
    blockRows(addon, be, inputs, out, ax, true);
    count(name, true);
    return out;
  }) as unknown as tf.KernelFunc;
}

/** SplitV (float32, ≥ 2 non-empty parts): the reverse of Concat (its gradient). */
function splitKernel(addon: DnnlAddon): tf.KernelFunc {
  const name = 'SplitV';
  return ((args: Args) => {
    const { x } = args.inputs as { x: Info };
    const { numOrSizeSplits, axis } = (args.attrs ?? {}) as { numOrSizeSplits: number | number[]; axis: number };
    if (x.dtype !== 'float32' || size(x.shape) === 0) return fallback(name, args);
    const ax = tf.util.parseAxisParam(axis, x.shape)[0];
    let sizes: number[];
    try {
      sizes = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, ax);
    } catch {
      return fallback(name, args); // the stock kernel reports the error
    }
    if (sizes.length < 2 || sizes.some((n) => n <= 0)) return fallback(name, args);
    const be = args.backend as HeapBackend;
    const outs = sizes.map((n) =>
      be.makeOutput(
        x.shape.map((d, i) => (i === ax ? n : d)),
        'float32',
      ),
    );
    blockRows(addon, be, outs, x, ax, false);
    count(name, true);
    return outs;
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

/**
 * Registers the native kernels over the wasm backend's current ones (which become their fallbacks).
 * Idempotent; returns the kernel names it registered, [] without the addon.
 */
export function registerNativeKernels(): string[] {
  const addon = nativeAddon();
  if (!addon) return [];
  const kernels: [string, tf.KernelFunc][] = [
    ['Conv2D', conv2dKernel('Conv2D', addon)],
    ['FusedConv2D', conv2dKernel('FusedConv2D', addon)],
    ['Conv2DBackpropInput', backpropKernel('Conv2DBackpropInput', addon)],
    ['Conv2DBackpropFilter', backpropKernel('Conv2DBackpropFilter', addon)],
    ['BatchMatMul', matMulKernel('BatchMatMul', addon)],
    ['_FusedMatMul', matMulKernel('_FusedMatMul', addon)],
    [GROUP_NORM_AFFINE, groupNormKernel(addon)],
    [GROUP_NORM_AFFINE_GRAD, groupNormGradKernel(addon)],
    ['Sum', sumKernel(addon)],
    ['Transpose', transposeKernel(addon)],
    ['Concat', concatKernel(addon)],
    ['SplitV', splitKernel(addon)],
    ['Sigmoid', sigmoidKernel(addon)],
  ];
  const added: string[] = [];
  for (const [kernelName, kernelFunc] of kernels) {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (!existing || isNativeKernel(existing.kernelFunc)) continue;
    previous.set(kernelName, existing.kernelFunc);
    tf.unregisterKernel(kernelName, 'wasm');
    // Keep the setupFunc: the fallback (stock wasm kernel) needs its wasm functions bound.
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc, setupFunc: existing.setupFunc });
    markNative(kernelFunc);
    added.push(kernelName);
  }
  return added;
}

/** Puts back the kernels registered before `registerNativeKernels` (tests compare both paths in one process). */
export function unregisterNativeKernels(): string[] {
  const removed: string[] = [];
  for (const [kernelName, kernelFunc] of previous) {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (!existing || !isNativeKernel(existing.kernelFunc)) continue;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc, setupFunc: existing.setupFunc });
    removed.push(kernelName);
  }
  return removed;
}

/** True when the native kernels are the registered wasm kernels right now. */
export function nativeKernelsActive(): boolean {
  const k = tf.getKernel('Conv2D', 'wasm');
  return Boolean(k && isNativeKernel(k.kernelFunc));
}
