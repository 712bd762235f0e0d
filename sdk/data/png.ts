/**
 * Images in [-1, 1] → PNG (byte = round((clamp(x, −1, 1) + 1) · 127.5)), single or as a grid, via sharp.
 */
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../core/atomic';
import { ShapeError, ValueError, describe } from '../core/errors';

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

export interface GridOptions extends ImageShape {
  /** Images per row (default ceil(sqrt(n))). */
  cols?: number;
  /** Pixels between images (default 2). */
  pad?: number;
  /** Value of the padding in [-1, 1] (default 1, white). */
  padValue?: number;
}

/** [-1, 1] floats → bytes (NaN → 0). */
export function toBytes(x: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = Number.isNaN(x[i]) ? -1 : Math.min(1, Math.max(-1, x[i]));
    out[i] = Math.round((v + 1) * 127.5);
  }
  return out;
}

async function pixels(x: Float32Array | tf.Tensor): Promise<Float32Array> {
  return x instanceof tf.Tensor ? ((await x.data()) as Float32Array) : x;
}

function checkChannels(c: number, where: string): void {
  if (![1, 3, 4].includes(c)) throw new ShapeError(where, { expected: '1, 3 or 4 channels', received: describe(c) });
}

/** One H × W × C image in [-1, 1] → PNG bytes. A tensor's shape ([H, W] or [H, W, C]) is used if no shape is given. */
export async function encodePng(x: Float32Array | tf.Tensor, shape?: ImageShape): Promise<Buffer> {
  const s: ImageShape | undefined =
    shape ??
    (x instanceof tf.Tensor && (x.rank === 2 || x.rank === 3)
      ? { height: x.shape[0], width: x.shape[1] as number, channels: x.rank === 3 ? (x.shape[2] as number) : 1 }
      : undefined);
  if (!s)
    throw new ShapeError('encodePng(shape)', {
      expected: 'a shape {height, width, channels} or a [H, W(, C)] tensor',
      received: describe(x),
    });
  checkChannels(s.channels, 'encodePng(channels)');
  const data = await pixels(x);
  if (data.length !== s.height * s.width * s.channels) {
    throw new ShapeError('encodePng(x)', { expected: `${s.height}×${s.width}×${s.channels} values`, received: describe(data) });
  }
  return sharp(Buffer.from(toBytes(data)), { raw: { width: s.width, height: s.height, channels: s.channels as 1 | 3 | 4 } })
    .png()
    .toBuffer();
}

/** Writes one image as a PNG file (atomically). */
export async function saveImagePng(file: string, x: Float32Array | tf.Tensor, shape?: ImageShape): Promise<void> {
  await writeFileAtomic(file, await encodePng(x, shape));
}

/** Lays n images (n × H × W × C) out in a grid; returns the grid's pixels and shape (pure, no I/O). */
export function gridPixels(x: Float32Array, o: GridOptions): { data: Float32Array } & ImageShape {
  const { height: h, width: w, channels: c, pad = 2, padValue = 1 } = o;
  const per = h * w * c;
  if (per === 0 || x.length % per !== 0)
    throw new ShapeError('imagesToPngGrid(images)', { expected: `a multiple of ${h}×${w}×${c} values`, received: describe(x) });
  const n = x.length / per;
  const cols = Math.max(1, Math.min(n, o.cols ?? Math.ceil(Math.sqrt(n))));
  if (!Number.isInteger(cols) || !Number.isInteger(pad) || pad < 0)
    throw new ValueError('imagesToPngGrid', {
      expected: 'integer cols ≥ 1 and pad ≥ 0',
      received: `cols ${describe(o.cols)}, pad ${describe(pad)}`,
    });
  const rows = Math.max(1, Math.ceil(n / cols));
  const H = rows * h + (rows + 1) * pad;
  const W = cols * w + (cols + 1) * pad;
  const data = new Float32Array(H * W * c).fill(padValue);
  for (let i = 0; i < n; i++) {
    const top = pad + Math.floor(i / cols) * (h + pad);
    const left = pad + (i % cols) * (w + pad);
    for (let r = 0; r < h; r++) data.set(x.subarray(i * per + r * w * c, i * per + (r + 1) * w * c), ((top + r) * W + left) * c);
  }
  return { data, height: H, width: W, channels: c };
}

/** n images → one PNG grid. A [n, H, W, C] tensor gives its own shape. */
export async function imagesToPngGrid(x: Float32Array | tf.Tensor, o?: Partial<GridOptions>): Promise<Buffer> {
  const shape = x instanceof tf.Tensor && x.rank === 4 ? { height: x.shape[1], width: x.shape[2], channels: x.shape[3] } : {};
  const opts = { ...shape, ...o } as GridOptions;
  if (!opts.height || !opts.width || !opts.channels)
    throw new ShapeError('imagesToPngGrid(options)', { expected: 'height, width and channels (or a 4-D tensor)', received: describe(o) });
  checkChannels(opts.channels, 'imagesToPngGrid(channels)');
  const g = gridPixels(await pixels(x), opts);
  return encodePng(g.data, g);
}

/** PNG bytes → data URL (for notebook display). */
export function pngDataUrl(png: Uint8Array): string {
  return 'data:image/png;base64,' + Buffer.from(png).toString('base64');
}
