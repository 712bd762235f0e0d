/**
 * safetensors dtypes and their in-memory form here. Written: F32, I32, U8, and F16 on request (a Float32Array
 * rounded to half, for the browser's weights). Read: also F64, F16, BF16 (→ Float32Array), I64, I16, I8, U16,
 * BOOL (→ Int32Array or Uint8Array), so files written by PyTorch load. No Node built-ins: the page uses this too.
 */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export type StDtype = 'F32' | 'F64' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U16' | 'U8' | 'BOOL';
export type TypedArray = Float32Array | Int32Array | Uint8Array;

/** Bytes per element of each dtype. */
export const DTYPE_SIZE: Record<StDtype, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U16: 2,
  U8: 1,
  BOOL: 1,
};

export const WRITABLE_DTYPES = ['F32', 'I32', 'U8'] as const;

/** tfjs dtype names accepted as aliases of safetensors dtypes (in `expect`). */
const ALIASES: Record<string, StDtype> = {
  float32: 'F32',
  int32: 'I32',
  uint8: 'U8',
  bool: 'BOOL',
  float64: 'F64',
  float16: 'F16',
  bfloat16: 'BF16',
  int64: 'I64',
  int16: 'I16',
  int8: 'I8',
  uint16: 'U16',
};

export function isStDtype(s: unknown): s is StDtype {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_SIZE, s);
}

/** 'float32' → 'F32'; 'F32' → 'F32'; unknown → undefined. */
export function normalizeDtype(s: string): StDtype | undefined {
  if (isStDtype(s)) return s;
  return ALIASES[s.toLowerCase()];
}

/** The dtype a typed array is written as. */
export function dtypeOfArray(a: TypedArray): StDtype {
  if (a instanceof Float32Array) return 'F32';
  if (a instanceof Int32Array) return 'I32';
  return 'U8';
}

/** IEEE half → float. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** float → IEEE half bits, rounded to nearest even (overflow → ±Infinity, NaN stays NaN). */
export function floatToHalf(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  const man = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (man ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = man | 0x800000; // subnormal half: shift the implicit bit in
    const shift = 14 - e;
    const half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (man >>> 13);
  const rest = man & 0x1fff;
  // a carry out of the mantissa correctly bumps the exponent (and reaches Infinity at the top)
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

/** Little-endian half bytes of a Float32Array (each value rounded to nearest even). */
export function encodeHalf(a: Float32Array): Uint8Array {
  const out = new Uint8Array(a.length * 2);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) dv.setUint16(2 * i, floatToHalf(a[i]), true);
  return out;
}

/** Decodes `count` little-endian elements of `dtype` from `bytes` into the in-memory typed array. */
export function decodeElements(bytes: Uint8Array, dtype: StDtype, count: number): TypedArray {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'U8':
    case 'BOOL':
      return new Uint8Array(bytes.subarray(0, count)); // a copy (Buffer#slice would share memory)
    case 'F32': {
      if (LITTLE_ENDIAN_HOST) return new Float32Array(new Uint8Array(bytes.subarray(0, 4 * count)).buffer);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getFloat32(4 * i, true);
      return out;
    }
    case 'I32': {
      if (LITTLE_ENDIAN_HOST) return new Int32Array(new Uint8Array(bytes.subarray(0, 4 * count)).buffer);
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getInt32(4 * i, true);
      return out;
    }
    case 'F64':
      return Float32Array.from({ length: count }, (_, i) => dv.getFloat64(8 * i, true));
    case 'F16':
      return Float32Array.from({ length: count }, (_, i) => halfToFloat(dv.getUint16(2 * i, true)));
    case 'BF16': {
      const out = new Float32Array(count);
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) u[i] = dv.getUint16(2 * i, true) << 16;
      return out;
    }
    case 'I64':
      return Int32Array.from({ length: count }, (_, i) => Number(dv.getBigInt64(8 * i, true)));
    case 'I16':
      return Int32Array.from({ length: count }, (_, i) => dv.getInt16(2 * i, true));
    case 'I8':
      return Int32Array.from({ length: count }, (_, i) => dv.getInt8(i));
    case 'U16':
      return Int32Array.from({ length: count }, (_, i) => dv.getUint16(2 * i, true));
  }
}

/** Little-endian bytes of a typed array (copied; independent of the host's byte order). */
export function encodeElements(a: TypedArray): Uint8Array {
  if (a instanceof Uint8Array) return a;
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.length * 4);
  const dv = new DataView(out.buffer);
  if (a instanceof Float32Array) for (let i = 0; i < a.length; i++) dv.setFloat32(4 * i, a[i], true);
  else for (let i = 0; i < a.length; i++) dv.setInt32(4 * i, a[i], true);
  return out;
}
