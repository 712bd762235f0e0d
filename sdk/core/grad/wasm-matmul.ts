/**
 * BatchMatMul for the wasm backend. The stock kernel (4.22) sends a product to XNNPACK only when it is one
 * unbatched matrix product without transposes; every other case (the matMul gradients dA = dY·Bᵀ and
 * dB = Aᵀ·dY, batched attention products) runs a scalar strided loop ~20–50× slower. Here:
 *   - one product with transposes: transpose the cheaper operand(s) explicitly (the Transpose kernel is
 *     O(size)), so XNNPACK gets the plain product: Aᵀ·B = T(A)·B, or (Bᵀ·A)ᵀ when B is the smaller;
 *     A·Bᵀ = A·T(B); Aᵀ·Bᵀ = (B·A)ᵀ;
 *   - batched products (attention): operands made plain by one transpose each, then one XNNPACK product
 *     per batch entry on slices (the per-call overhead is far below the scalar loop's time).
 */
import * as tf from '@tensorflow/tfjs-core';
import { stockKernel } from './wasm-stock';

type Info = tf.TensorInfo;

interface HeapBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(t: Info): Float32Array;
  disposeData(dataId: object): boolean;
}

/** The wasm package's own BatchMatMul (its XNNPACK path serves plain products). */
const stockBatchMatMul: tf.KernelFunc = (args) => stockKernel('BatchMatMul')(args);

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const view = (t: Info, shape: number[]): Info => ({ dataId: t.dataId, shape, dtype: t.dtype });

function transpose2d(backend: HeapBackend, t: Info, rows: number, cols: number): Info {
  const k = tf.getKernel('Transpose', 'wasm')!;
  return k.kernelFunc({ inputs: { x: view(t, [rows, cols]) }, attrs: { perm: [1, 0] }, backend }) as Info;
}

function plain(backend: HeapBackend, a: Info, b: Info, m: number, k: number, n: number): Info {
  return stockBatchMatMul({
    inputs: { a: view(a, [1, m, k]), b: view(b, [1, k, n]) },
    attrs: { transposeA: false, transposeB: false },
    backend,
  }) as Info;
}

/** out [m, n] of one product; a is [m,k] or ([k,m] when ta), b is [k,n] or ([n,k] when tb). */
function single(backend: HeapBackend, a: Info, b: Info, ta: boolean, tb: boolean, m: number, k: number, n: number): Info {
  const made: Info[] = [];
  const keep = (t: Info) => {
    made.push(t);
    return t;
  };
  let out: Info;
  if (!ta && !tb) out = plain(backend, a, b, m, k, n);
  else if (!ta && tb) out = plain(backend, a, keep(transpose2d(backend, b, n, k)), m, k, n);
  else if (ta && !tb) {
    // T(A)·B moves m·k values; (T(B)·A)ᵀ moves n·k + n·m. Take the cheaper.
    if (m * k <= n * (k + m)) out = plain(backend, keep(transpose2d(backend, a, k, m)), b, m, k, n);
    else out = transpose2d(backend, keep(plain(backend, keep(transpose2d(backend, b, k, n)), a, n, k, m)), n, m);
  } else out = transpose2d(backend, keep(plain(backend, b, a, n, k, m)), n, m);
  for (const t of made) if (t.dataId !== out.dataId) backend.disposeData(t.dataId);
  return out;
}

function run(backend: HeapBackend, name: string, inputs: Record<string, Info> | Info[], attrs: Record<string, unknown>): Info {
  return tf
    .getKernel(name, 'wasm')!
    .kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, attrs: attrs as tf.NamedAttrMap, backend }) as Info;
}

/**
 * out[p] = A[p]·B[p] for p < batch (a batch of 1 broadcasts): operands made plain ([m,k], [k,n]) by one
 * transpose each, then one XNNPACK product per batch entry on row slices, joined by one concat.
 */
function batched(backend: HeapBackend, a: Info, b: Info, ta: boolean, tb: boolean, batch: number, m: number, k: number, n: number): Info {
  const made: Info[] = [];
  const keep = (t: Info) => {
    made.push(t);
    return t;
  };
  const ba = size(a.shape) / (m * k);
  const bb = size(b.shape) / (k * n);
  const A = ta ? keep(run(backend, 'Transpose', { x: view(a, [ba, k, m]) }, { perm: [0, 2, 1] })) : view(a, [ba, m, k]);
  const B = tb ? keep(run(backend, 'Transpose', { x: view(b, [bb, n, k]) }, { perm: [0, 2, 1] })) : view(b, [bb, k, n]);
  const slice = (t: Info, p: number, r: number, c: number) => keep(run(backend, 'Slice', { x: t }, { begin: [p, 0, 0], size: [1, r, c] }));
  const a0 = ba === 1 ? A : undefined;
  const b0 = bb === 1 ? B : undefined;
  const parts: Info[] = [];
  for (let p = 0; p < batch; p++) {
    parts.push(keep(plain(backend, a0 ?? slice(A, p, m, k), b0 ?? slice(B, p, k, n), m, k, n)));
  }
  const out = run(backend, 'Concat', parts, { axis: 0 });
  for (const t of made) backend.disposeData(t.dataId);
  return out;
}

export function batchMatMulWasm({
  inputs,
  attrs,
  backend,
}: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: Record<string, unknown>;
  backend: unknown;
}): Info {
  const { a, b } = inputs as { a: Info; b: Info };
  const { transposeA: ta = false, transposeB: tb = false } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
  const be = backend as HeapBackend;
  if (a.dtype !== 'float32' || b.dtype !== 'float32')
    return stockBatchMatMul({ inputs, attrs: attrs as tf.NamedAttrMap, backend: be }) as Info;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = ta ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = ta ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = tb ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = tb ? b.shape[rb - 2] : b.shape[rb - 1];
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batchA = size(a.shape.slice(0, -2));
  const batchB = size(b.shape.slice(0, -2));
  const batch = size(outer);
  // Shapes the JS paths do not cover (mismatched inner sizes, partial broadcasts) go to the stock kernel.
  if (k !== kb || (batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) {
    return stockBatchMatMul({ inputs, attrs: attrs as tf.NamedAttrMap, backend: be }) as Info;
  }
  const out = batch === 1 ? single(be, a, b, ta, tb, m, k, n) : batched(be, a, b, ta, tb, batch, m, k, n);
  return { dataId: out.dataId, shape: [...outer, m, n], dtype: 'float32' };
}
