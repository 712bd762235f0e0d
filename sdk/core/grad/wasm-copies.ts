/**
 * Copy kernels for the wasm backend that the stock ones (4.22) make needlessly expensive during training:
 *   - Identity copied its input. tfjs-core's tape clones (Identity) every tensor a gradient saves, so a
 *     training step copied each activation once more and held the copy: twice the activation memory.
 *     Here it shares the buffer (reference count + 1), as Reshape already does and as the cpu backend does.
 *   - Slice (and SplitV, Unpack, which call it) first copied the *whole* input out of the heap
 *     (readSync) for every slice; concat's gradient (a split) then copied the full gradient per part.
 *     Here slices read the heap in place and copy only the selected runs.
 *   - Tile copied element by element with index arithmetic (2 ms to tile one 128-wide row to 256 rows, 100× a
 *     broadcasting add). Here it repeats contiguous blocks, one axis at a time from the innermost.
 */
import * as tf from '@tensorflow/tfjs-core';

type Info = tf.TensorInfo;

interface HeapBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(t: Info): Float32Array | Int32Array | Uint8Array;
  incRef(dataId: object): void;
}

interface Args {
  inputs: tf.NamedTensorInfoMap;
  attrs?: Record<string, unknown>;
  backend: unknown;
}

export function identityWasm({ inputs, backend }: Args): Info {
  const { x } = inputs as { x: Info };
  if (x.dtype === 'string') throw new Error('Identity on wasm: string tensors are not supported');
  (backend as HeapBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

/** Copies x[begin : begin + size] (any rank) into a new tensor. */
function sliceInfo(backend: HeapBackend, x: Info, begin: number[], size: number[]): Info {
  if (x.dtype === 'string') throw new Error('Slice on wasm: string tensors are not supported');
  const out = backend.makeOutput(size, x.dtype);
  const n = size.reduce((a, b) => a * b, 1);
  if (n === 0) return out;
  // Heap views only after the allocation above (allocation may grow and move the heap).
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  const strides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= x.shape[d];
  }
  // Merge the trailing axes the slice covers whole into one contiguous run.
  let inner = rank - 1;
  while (inner > 0 && begin[inner] === 0 && size[inner] === x.shape[inner]) inner--;
  const run = size.slice(inner).reduce((a, b) => a * b, 1);
  const runs = n / run;
  const idx = new Array<number>(inner).fill(0);
  let base = 0;
  for (let d = 0; d <= inner; d++) base += begin[d] * strides[d];
  for (let r = 0, at = 0; r < runs; r++, at += run) {
    let off = base;
    for (let d = 0; d < inner; d++) off += idx[d] * strides[d];
    if (run >= 32) dst.set(src.subarray(off, off + run), at);
    else for (let i = 0; i < run; i++) dst[at + i] = src[off + i];
    for (let d = inner - 1; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

export function sliceWasm({ inputs, attrs, backend }: Args): Info {
  const { x } = inputs as { x: Info };
  const { begin, size } = attrs as { begin: number | number[]; size: number | number[] };
  const [b, s] = tf.slice_util.parseSliceParams(x as never, begin, size);
  return sliceInfo(backend as HeapBackend, x, b, s);
}

export function splitVWasm({ inputs, attrs, backend }: Args): Info[] {
  const { x } = inputs as { x: Info };
  const { numOrSizeSplits, axis } = attrs as { numOrSizeSplits: number | number[]; axis: number };
  const ax = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as never, numOrSizeSplits, ax);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[ax] = s;
    const out = sliceInfo(backend as HeapBackend, x, begin.slice(), size);
    begin[ax] += s;
    return out;
  });
}

export function unpackWasm({ inputs, attrs, backend }: Args): Info[] {
  const { value } = inputs as { value: Info };
  let { axis } = attrs as { axis: number };
  if (axis < 0) axis += value.shape.length;
  const outShape = value.shape.filter((_, i) => i !== axis);
  const size = value.shape.slice();
  size[axis] = 1;
  return Array.from({ length: value.shape[axis] }, (_, i) => {
    const begin = new Array<number>(value.shape.length).fill(0);
    begin[axis] = i;
    const out = sliceInfo(backend as HeapBackend, value, begin, size);
    return { dataId: out.dataId, shape: outShape, dtype: out.dtype };
  });
}

/** Tile: out = x repeated reps[d] times along each axis d (blocks copied whole, the innermost axis first). */
export function tileWasm({ inputs, attrs, backend }: Args): Info {
  const { x } = inputs as { x: Info };
  const reps = (attrs as { reps: number[] }).reps;
  if (x.dtype === 'string') throw new Error('Tile on wasm: string tensors are not supported');
  const be = backend as HeapBackend;
  const shape = x.shape.map((d, i) => d * reps[i]);
  const out = be.makeOutput(shape, x.dtype);
  const n = shape.reduce((a, b) => a * b, 1);
  if (n === 0) return out;
  const src = be.typedArrayFromHeap(x);
  const dst = be.typedArrayFromHeap(out);
  // cur: x tiled along the axes after d so far (shape `now`); the last pass writes into the output
  let cur: Float32Array | Int32Array | Uint8Array = src;
  const now = x.shape.slice();
  const last = reps.findIndex((r) => r !== 1); // the outermost axis that repeats
  if (last < 0) dst.set(src);
  for (let d = x.shape.length - 1; d >= 0 && last >= 0; d--) {
    if (reps[d] === 1) continue;
    const outer = now.slice(0, d).reduce((a, b) => a * b, 1);
    const block = now.slice(d).reduce((a, b) => a * b, 1);
    const next = d === last ? dst : new (cur.constructor as Float32ArrayConstructor)(outer * block * reps[d]);
    for (let o = 0; o < outer; o++) {
      const part = cur.subarray(o * block, (o + 1) * block);
      for (let r = 0; r < reps[d]; r++) next.set(part, (o * reps[d] + r) * block);
    }
    now[d] *= reps[d];
    cur = next;
  }
  return out;
}
