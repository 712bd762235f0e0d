/**
 * Plain arrays that cross thread boundaries: `{ data: Float32Array, shape }`, plus the helpers that split a
 * batch into contiguous shards (axis 0) and join results back in order, and that list what can be transferred.
 */
import { ShapeError } from '../errors';

/** A float tensor as plain data (what worker messages carry). */
export interface Arr {
  data: Float32Array;
  shape: number[];
}

export const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Row ranges [start, end) splitting n rows into k near-equal contiguous parts (earlier parts get the extra row). */
export function shardRanges(n: number, k: number): [number, number][] {
  const parts = Math.max(1, Math.min(k, n));
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const len = Math.floor(n / parts) + (i < n % parts ? 1 : 0);
    out.push([start, start + len]);
    start += len;
  }
  return out;
}

/** Rows [start, end) of `a` along axis 0, as a copy with its own buffer (so it can be transferred). */
export function rows(a: Arr, start: number, end: number): Arr {
  const row = sizeOf(a.shape.slice(1));
  return { data: a.data.slice(start * row, end * row), shape: [end - start, ...a.shape.slice(1)] };
}

/** Concatenates along axis 0; every part must share the trailing shape. */
export function concatRows(parts: Arr[]): Arr {
  if (parts.length === 0) throw new ShapeError('concatRows(parts)', { expected: 'at least one part', received: 'none' });
  const tail = parts[0].shape.slice(1);
  for (const p of parts) {
    if (p.shape.slice(1).join() !== tail.join()) {
      throw new ShapeError('concatRows(parts)', { expected: `parts of shape [*, ${tail}]`, received: `[${p.shape}]` });
    }
  }
  const data = new Float32Array(parts.reduce((s, p) => s + p.data.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p.data, at);
    at += p.data.length;
  }
  return { data, shape: [parts.reduce((s, p) => s + p.shape[0], 0), ...tail] };
}

/**
 * The ArrayBuffers inside `value` (typed arrays in nested objects/arrays) that may be transferred:
 * those a view covers whole, so transferring loses nothing else. Others are copied by structured clone.
 */
export function transferables(value: unknown, out: Set<ArrayBuffer> = new Set(), depth = 0): ArrayBuffer[] {
  if (depth > 8 || value == null || typeof value !== 'object') return [...out];
  if (ArrayBuffer.isView(value)) {
    const buf = value.buffer;
    const whole = value.byteOffset === 0 && value.byteLength === buf.byteLength;
    if (buf instanceof ArrayBuffer && whole && buf.byteLength > 0) out.add(buf); // (a detached buffer has length 0)
    return [...out];
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) transferables(v, out, depth + 1);
  return [...out];
}
