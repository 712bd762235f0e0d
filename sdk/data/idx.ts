/**
 * IDX files (the MNIST format): magic = [0, 0, type, ndims], then ndims big-endian u32 sizes, then the
 * data, big-endian. Type 0x08 is unsigned byte (the only one Fashion-MNIST uses). Gzip is detected by
 * its magic bytes (1f 8b), so `.gz` and raw files read the same.
 */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { DataError, describe } from '../core/errors';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

/** Gunzips if the bytes start with the gzip magic; DataError (naming `where`) if the stream is corrupt. */
export function maybeGunzip(buf: Uint8Array, where: string): Uint8Array {
  if (buf.length < 2 || buf[0] !== 0x1f || buf[1] !== 0x8b) return buf;
  try {
    return zlib.gunzipSync(buf);
  } catch (e) {
    throw new DataError(where, {
      expected: 'a complete gzip stream',
      received: `a corrupt or truncated one (${(e as Error).message})`,
      hint: 'Download or reinstall the file.',
    });
  }
}

/** Decodes IDX bytes (gzip or raw) of unsigned bytes; checks magic, dims and exact length. */
export function decodeIdx(bytes: Uint8Array, where = 'decodeIdx'): IdxArray {
  const buf = maybeGunzip(bytes, where);
  const hint = 'The file is truncated or not an IDX file; download or reinstall it.';
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) {
    throw new DataError(where, {
      expected: 'the IDX magic number 0x0000 0x08 ndims',
      received: `bytes ${Array.from(buf.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}`,
      hint,
    });
  }
  if (buf[2] !== UBYTE)
    throw new DataError(where, { expected: 'IDX type 0x08 (unsigned byte)', received: `type 0x${buf[2].toString(16)}`, hint });
  const ndims = buf[3];
  if (ndims < 1 || buf.length < 4 + 4 * ndims) {
    throw new DataError(where, { expected: `a header with ${ndims} dimension sizes (ndims ≥ 1)`, received: `${buf.length} bytes`, hint });
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims = Array.from({ length: ndims }, (_, i) => dv.getUint32(4 + 4 * i, false));
  const start = 4 + 4 * ndims;
  const want = dims.reduce((a, b) => a * b, 1);
  if (buf.length - start !== want) {
    throw new DataError(where, {
      expected: `${want} data bytes for dims [${dims}]`,
      received: `${buf.length - start} bytes (${buf.length - start < want ? 'truncated' : 'trailing data'})`,
      hint,
    });
  }
  return { dims, data: buf.subarray(start) };
}

/** Encodes unsigned bytes as IDX (gzip-compressed when `gzip`, level 9). */
export function encodeIdx(dims: number[], data: Uint8Array, gzip = true): Uint8Array {
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new DataError('encodeIdx(data)', { expected: `${n} bytes for dims [${dims}]`, received: describe(data) });
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = UBYTE;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  const raw = Buffer.concat([head, data]);
  return gzip ? zlib.gzipSync(raw, { level: 9 }) : raw;
}

function readBytes(file: string, where: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new DataError(where, { expected: `a readable file ${file}`, received: (e as Error).message });
  }
}

/** Reads an IDX image file → { images (n×rows×cols bytes), n, rows, cols }. */
export function readIdxImages(file: string): { images: Uint8Array; n: number; rows: number; cols: number } {
  const where = `readIdxImages(${file})`;
  const { dims, data } = decodeIdx(readBytes(file, where), where);
  if (dims.length !== 3) throw new DataError(where, { expected: 'an idx3 file [n, rows, cols]', received: `dims [${dims}]` });
  return { images: data, n: dims[0], rows: dims[1], cols: dims[2] };
}

/** Reads an IDX label file → { labels, n }. */
export function readIdxLabels(file: string): { labels: Uint8Array; n: number } {
  const where = `readIdxLabels(${file})`;
  const { dims, data } = decodeIdx(readBytes(file, where), where);
  if (dims.length !== 1) throw new DataError(where, { expected: 'an idx1 file [n]', received: `dims [${dims}]` });
  return { labels: data, n: dims[0] };
}
