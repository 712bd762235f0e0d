/**
 * A small, spec-correct safetensors reader/writer (https://github.com/huggingface/safetensors):
 *   [8 bytes: N, u64 little-endian] [N bytes: JSON header, space-padded] [raw little-endian tensor bytes]
 * Header: { "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, …,
 *           "__metadata__"?: { string: string } }, offsets relative to the byte buffer after the header.
 * As in the reference implementation, the tensors must tile the byte buffer exactly (no holes, no overlap).
 */
import { CheckpointError, describe } from '../errors';
import { DTYPE_SIZE, StDtype, TypedArray, decodeElements, dtypeOfArray, encodeElements, encodeHalf, isStDtype } from './dtypes';

export interface StTensor {
  dtype: StDtype;
  shape: number[];
  data: TypedArray;
}

export interface StFile {
  metadata: Record<string, string>;
  tensors: Record<string, StTensor>;
}

/** Largest header accepted (the reference implementation's limit). */
const MAX_HEADER = 100_000_000;

const numel = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

function fail(where: string, expected: string, received: string, hint?: string): never {
  throw new CheckpointError(where, { expected, received, hint: hint ?? 'The file is corrupt or not a safetensors file; save it again.' });
}

/** A tensor to write; `dtype: 'F16'` stores a Float32Array rounded to half precision. */
export interface StInput {
  shape: number[];
  data: TypedArray;
  dtype?: 'F16';
}

const storedDtype = (t: StInput): StDtype => (t.dtype === 'F16' && t.data instanceof Float32Array ? 'F16' : dtypeOfArray(t.data));

/**
 * Encodes tensors as safetensors bytes. Order: wider dtypes first (4, 2, then 1 byte, so every tensor
 * is aligned), each group by name; the header is padded with spaces to a multiple of 8 bytes.
 */
export function encodeSafetensors(tensors: Record<string, StInput>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort((a, b) => {
    const sa = DTYPE_SIZE[storedDtype(tensors[a])];
    const sb = DTYPE_SIZE[storedDtype(tensors[b])];
    return sb - sa || (a < b ? -1 : a > b ? 1 : 0);
  });
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const { shape, data } = tensors[name];
    if (numel(shape) !== data.length) fail(`encodeSafetensors(${name})`, `${numel(shape)} values for shape [${shape}]`, describe(data));
    const dtype = storedDtype(tensors[name]);
    const bytes = dtype === 'F16' ? encodeHalf(data as Float32Array) : encodeElements(data);
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  const text = new TextEncoder().encode(JSON.stringify(header));
  const json = new Uint8Array(Math.ceil(text.length / 8) * 8).fill(0x20);
  json.set(text);
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

function parseHeader(buf: Uint8Array, where: string): { header: Record<string, unknown>; dataStart: number } {
  if (buf.length < 8) fail(where, 'at least 8 bytes (the header length)', `${buf.length} bytes`);
  const n = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getBigUint64(0, true);
  if (n < 2n || n > BigInt(Math.min(MAX_HEADER, buf.length - 8))) {
    fail(where, `a header length between 2 and ${Math.min(MAX_HEADER, buf.length - 8)} bytes`, `${n}`);
  }
  const start = 8 + Number(n);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, start));
  } catch {
    fail(where, 'a UTF-8 JSON header', 'bytes that are not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(where, "a JSON header starting with '{'", describe(text.slice(0, 20)));
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(where, 'a valid JSON header', `invalid JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) fail(where, 'a JSON object header', describe(header));
  return { header: header as Record<string, unknown>, dataStart: start };
}

function checkMetadata(m: unknown, where: string): Record<string, string> {
  if (m === undefined) return {};
  if (!m || typeof m !== 'object' || Array.isArray(m)) fail(where, '__metadata__ to be a map of strings', describe(m));
  for (const [k, v] of Object.entries(m)) if (typeof v !== 'string') fail(where, `__metadata__.${k} to be a string`, describe(v));
  return m as Record<string, string>;
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** Parses and fully validates safetensors bytes; throws CheckpointError saying what is wrong. */
export function parseSafetensors(buf: Uint8Array, where = 'parseSafetensors'): StFile {
  const { header, dataStart } = parseHeader(buf, where);
  const dataLen = buf.length - dataStart;
  const metadata = checkMetadata(header.__metadata__, where);
  const entries: { name: string; dtype: StDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const at = `${where}: tensor '${name}'`;
    if (name === '__proto__' || name === '') fail(at, 'a usable tensor name', describe(name));
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!e || typeof e !== 'object') fail(at, 'an object with dtype, shape, data_offsets', describe(raw));
    if (!isStDtype(e.dtype)) fail(at, `a dtype among ${Object.keys(DTYPE_SIZE).join(', ')}`, describe(e.dtype));
    if (!Array.isArray(e.shape) || !e.shape.every(isCount)) fail(at, 'a shape of non-negative integers', describe(e.shape));
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every(isCount)) fail(at, 'data_offsets [begin, end]', describe(off));
    const [begin, end] = off as number[];
    if (begin > end || end > dataLen) fail(at, `offsets within the ${dataLen}-byte data buffer`, `[${begin}, ${end}]`);
    const shape = e.shape as number[];
    const want = numel(shape) * DTYPE_SIZE[e.dtype];
    if (end - begin !== want) fail(at, `${want} bytes (shape [${shape}] × ${e.dtype})`, `${end - begin} bytes`);
    entries.push({ name, dtype: e.dtype, shape, begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const e of entries) {
    if (e.begin !== pos)
      fail(`${where}: tensor '${e.name}'`, `data starting at byte ${pos} (tensors tile the buffer)`, `data_offsets [${e.begin}, ${e.end}]`);
    pos = e.end;
  }
  if (pos !== dataLen) fail(where, `${pos} data bytes after the header`, `${dataLen} bytes`);
  const tensors: Record<string, StTensor> = {};
  for (const e of entries) {
    const bytes = buf.subarray(dataStart + e.begin, dataStart + e.end);
    tensors[e.name] = { dtype: e.dtype, shape: e.shape, data: decodeElements(bytes, e.dtype, numel(e.shape)) };
  }
  return { metadata, tensors };
}
