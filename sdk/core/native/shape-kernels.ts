/** Copies and reductions over the shape (our C++ on OpenMP threads): Sum, Transpose, Concat and SplitV. */
import * as tf from '@tensorflow/tfjs-core';
import type { DnnlAddon } from './addon';
import { type Args, type HeapBackend, type Info, count, fallback, size } from './kernel-common';

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

/** [kernel name, kernel] of this file's kernels. */
export function shapeKernels(addon: DnnlAddon): [string, tf.KernelFunc][] {
  return [
    ['Sum', sumKernel(addon)],
    ['Transpose', transposeKernel(addon)],
    ['Concat', concatKernel(addon)],
    ['SplitV', splitKernel(addon)],
  ];
}
