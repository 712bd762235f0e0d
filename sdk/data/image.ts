/**
 * One image file (PNG, JPEG, WebP, TIFF, GIF; any size and channel count) → size × size × channels
 * floats in [-1, 1], via sharp. Transparency is flattened onto black (the Fashion-MNIST background);
 * the aspect ratio is kept by padding with black ('contain') unless `fit` says otherwise.
 */
import * as fs from 'fs';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError, checkOptions, describe } from '../core/errors';

export interface ImageOptions {
  /** Output height and width (default 32). */
  size?: number;
  /** 1 (grayscale, default) or 3 (RGB). */
  channels?: 1 | 3;
  /** How to resize: 'contain' (pad, default), 'cover' (crop) or 'fill' (stretch). */
  fit?: 'contain' | 'cover' | 'fill';
}

const BLACK = { r: 0, g: 0, b: 0, alpha: 1 };

function sourceName(input: string | Uint8Array): string {
  return typeof input === 'string' ? input : `an in-memory image (${input.length} bytes)`;
}

/** Validated options with defaults. */
export function imageOptions(where: string, opts: ImageOptions): Required<ImageOptions> {
  checkOptions(where, opts, ['size', 'channels', 'fit']);
  const { size = 32, channels = 1, fit = 'contain' } = opts;
  if (!Number.isInteger(size) || size < 1 || size > 4096)
    throw new ConfigError(`${where} option size`, { expected: 'an integer in 1..4096', received: describe(size) });
  if (channels !== 1 && channels !== 3)
    throw new ConfigError(`${where} option channels`, { expected: '1 or 3', received: describe(channels) });
  if (!['contain', 'cover', 'fill'].includes(fit))
    throw new ConfigError(`${where} option fit`, { expected: "'contain', 'cover' or 'fill'", received: describe(fit) });
  return { size, channels, fit };
}

export type FileKind =
  'file' | 'folder' | 'a named pipe (FIFO)' | 'a character device' | 'a block device' | 'a socket' | 'a broken symlink' | 'missing';

/** What is at `p`, through symlinks (stat, never open: opening a FIFO blocks until a writer appears). */
export function fileKind(p: string): FileKind {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      throw new DataError(`reading ${p}`, {
        expected: 'a path that can be read',
        received: `${code ?? (e as Error).message}${code === 'ELOOP' ? ' (a symlink loop)' : code === 'ENAMETOOLONG' ? ' (the name is too long)' : ''}`,
        hint: 'Check the path and its permissions.',
      });
    }
    try {
      return fs.lstatSync(p).isSymbolicLink() ? 'a broken symlink' : 'missing';
    } catch {
      return 'missing';
    }
  }
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'a socket';
}

/** Largest image file read (a decompression bomb or a mistaken video is refused before decoding). */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

/** Refuses what is not a readable regular image file, before anything opens it. */
export function checkImageFile(file: string, caller?: string): void {
  const where = caller ?? `loadImage(${file})`;
  if (file === '') throw new DataError(caller ?? 'loadImage(path)', { expected: 'a file path', received: 'an empty string' });
  const kind = fileKind(file);
  if (kind === 'missing' || kind === 'a broken symlink')
    throw new DataError(where, {
      expected: 'a readable PNG/JPEG/WebP/TIFF/GIF image',
      received: kind === 'missing' ? `no such file${caller ? ` ${JSON.stringify(file)}` : ''}` : 'a symlink to nothing',
      hint: 'Check the path.',
    });
  if (kind !== 'file')
    throw new DataError(where, {
      expected: 'a regular image file',
      received: caller ? `${JSON.stringify(file)}, ${kind}` : kind,
      hint: 'Pass the image file itself (reading a pipe or a device would block or never end).',
    });
  const bytes = fs.statSync(file).size;
  if (bytes > MAX_IMAGE_BYTES)
    throw new DataError(where, {
      expected: `an image file of at most ${MAX_IMAGE_BYTES / 2 ** 20} MB`,
      received: `${(bytes / 2 ** 20).toFixed(0)} MB`,
      hint: 'Downscale it first; the models use 32×32 images.',
    });
}

/** Decodes, resizes and scales one image; DataError naming the file if it is missing, truncated or corrupt. */
export async function loadImage(input: string | Uint8Array, opts: ImageOptions = {}): Promise<Float32Array> {
  const { size, channels, fit } = imageOptions('loadImage', opts);
  if (typeof input !== 'string' && !(input instanceof Uint8Array))
    throw new ConfigError('loadImage(input)', { expected: 'a file path or the bytes of an image (Uint8Array)', received: describe(input) });
  if (typeof input === 'string') checkImageFile(input);
  else if (input.length === 0)
    throw new DataError(`loadImage(${sourceName(input)})`, { expected: 'the bytes of an image', received: 'an empty buffer' });
  const name = sourceName(input);
  let raw: { data: Buffer; info: sharp.OutputInfo };
  try {
    let img = sharp(typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength), {
      failOn: 'truncated',
    })
      .flatten({ background: BLACK })
      .resize(size, size, { fit, background: BLACK });
    img = channels === 1 ? img.toColourspace('b-w') : img.toColourspace('srgb');
    raw = await img.raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    const msg = String((e as Error)?.message ?? e).split('\n')[0];
    const missing = /missing|no such file/i.test(msg);
    throw new DataError(`loadImage(${name})`, {
      expected: 'a readable PNG/JPEG/WebP/TIFF/GIF image',
      received: missing ? 'no such file' : `an undecodable file (${msg})`,
      hint: missing ? 'Check the path.' : 'The file is truncated or corrupt; re-export or remove it.',
    });
  }
  const { data, info } = raw;
  if (info.width !== size || info.height !== size || info.channels !== channels || data.length !== size * size * channels) {
    throw new DataError(`loadImage(${name})`, {
      expected: `${size}×${size}×${channels} pixels`,
      received: `${info.width}×${info.height}×${info.channels}`,
    });
  }
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] / 127.5 - 1;
  return out;
}

/** As loadImage, returned as a [size, size, channels] tensor the caller owns. */
export async function loadImageTensor(input: string | Uint8Array, opts: ImageOptions = {}): Promise<tf.Tensor3D> {
  const { size, channels } = imageOptions('loadImageTensor', opts);
  return tf.tensor3d(await loadImage(input, opts), [size, size, channels]);
}
