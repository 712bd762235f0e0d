/**
 * One image file (PNG, JPEG, WebP, TIFF, GIF; any size and channel count) → size × size × channels
 * floats in [-1, 1], via sharp. Transparency is flattened onto black (the Fashion-MNIST background);
 * the aspect ratio is kept by padding with black ('contain') unless `fit` says otherwise.
 */
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
  if (!Number.isInteger(size) || size < 1 || size > 4096) throw new ConfigError(`${where} option size`, { expected: 'an integer in 1..4096', received: describe(size) });
  if (channels !== 1 && channels !== 3) throw new ConfigError(`${where} option channels`, { expected: '1 or 3', received: describe(channels) });
  if (!['contain', 'cover', 'fill'].includes(fit)) throw new ConfigError(`${where} option fit`, { expected: "'contain', 'cover' or 'fill'", received: describe(fit) });
  return { size, channels, fit };
}

/** Decodes, resizes and scales one image; DataError naming the file if it is missing, truncated or corrupt. */
export async function loadImage(input: string | Uint8Array, opts: ImageOptions = {}): Promise<Float32Array> {
  const { size, channels, fit } = imageOptions('loadImage', opts);
  const name = sourceName(input);
  let raw: { data: Buffer; info: sharp.OutputInfo };
  try {
    let img = sharp(typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength), { failOn: 'truncated' })
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
    throw new DataError(`loadImage(${name})`, { expected: `${size}×${size}×${channels} pixels`, received: `${info.width}×${info.height}×${info.channels}` });
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
