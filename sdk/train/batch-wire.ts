/**
 * Batches as plain data for worker messages: every tensor becomes { data, shape, dtype } (float32 or int32),
 * inside the same arrays/records; other values pass through. Shards cut every tensor's rows (axis 0).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '../core';

export type Wire =
  | { kind: 'tensor'; data: Float32Array | Int32Array; shape: number[]; dtype: 'float32' | 'int32' }
  | { kind: 'list'; items: Wire[] }
  | { kind: 'record'; entries: Record<string, Wire> }
  | { kind: 'value'; value: unknown };

/** Copies a batch out of the tensor backend (the batch itself is left as it is). */
export function toWire(batch: unknown): Wire {
  if (batch instanceof tf.Tensor) {
    if (batch.dtype !== 'float32' && batch.dtype !== 'int32') {
      throw new ConfigError('toWire(batch)', {
        expected: 'float32 or int32 tensors',
        received: `a ${batch.dtype} tensor`,
        hint: 'Cast booleans to int32 before batching.',
      });
    }
    return { kind: 'tensor', data: batch.dataSync().slice() as Float32Array | Int32Array, shape: batch.shape.slice(), dtype: batch.dtype };
  }
  if (Array.isArray(batch)) return { kind: 'list', items: batch.map(toWire) };
  if (batch && typeof batch === 'object' && Object.getPrototypeOf(batch) === Object.prototype) {
    return { kind: 'record', entries: Object.fromEntries(Object.entries(batch).map(([k, v]) => [k, toWire(v)])) };
  }
  return { kind: 'value', value: batch };
}

/** Tensors again (the caller disposes them). */
export function fromWire(w: Wire): unknown {
  switch (w.kind) {
    case 'tensor':
      return tf.tensor(w.data, w.shape, w.dtype);
    case 'list':
      return w.items.map(fromWire);
    case 'record':
      return Object.fromEntries(Object.entries(w.entries).map(([k, v]) => [k, fromWire(v)]));
    default:
      return w.value;
  }
}

/** The number of rows shared by every tensor of the batch. */
export function wireRows(w: Wire, where = 'train(batch)'): number {
  let n: number | undefined;
  const visit = (v: Wire, at: string): void => {
    if (v.kind === 'tensor') {
      const r = v.shape[0] ?? 1;
      if (n !== undefined && r !== n)
        throw new ShapeError(where, { expected: `every tensor with ${n} rows`, received: `${r} rows at ${at}` });
      n = r;
    } else if (v.kind === 'list') v.items.forEach((x, i) => visit(x, `${at}[${i}]`));
    else if (v.kind === 'record') for (const [k, x] of Object.entries(v.entries)) visit(x, `${at}.${k}`);
  };
  visit(w, 'batch');
  if (n === undefined)
    throw new ShapeError(where, {
      expected: 'a batch holding at least one tensor',
      received: 'none',
      hint: 'Data-parallel training shards tensors by rows.',
    });
  return n;
}

/** Rows [start, end) of every tensor, as copies with their own buffers (so they can be transferred). */
export function wireRowsSlice(w: Wire, start: number, end: number): Wire {
  switch (w.kind) {
    case 'tensor': {
      const row = w.shape.slice(1).reduce((a, b) => a * b, 1);
      return { ...w, data: w.data.slice(start * row, end * row), shape: [end - start, ...w.shape.slice(1)] };
    }
    case 'list':
      return { kind: 'list', items: w.items.map((x) => wireRowsSlice(x, start, end)) };
    case 'record':
      return { kind: 'record', entries: Object.fromEntries(Object.entries(w.entries).map(([k, v]) => [k, wireRowsSlice(v, start, end)])) };
    default:
      return w;
  }
}
