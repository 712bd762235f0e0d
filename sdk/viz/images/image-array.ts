/**
 * Plain image arrays (no tensors): `{ data, shape, range? }` with shape [h, w], [h, w, 1] or [h, w, 3]
 * (channels last, as tfjs), or a batch [n, h, w] / [n, h, w, c]. Pixel values are mapped to bytes by
 *   '[-1,1]': b = round((v + 1) · 127.5),  '[0,1]': b = round(255 v),  '[0,255]': b = round(v),
 * clamped to [0, 255]. Default range: '[0,255]' for Uint8 data, '[-1,1]' otherwise (diffusion outputs).
 */
import { ShapeError, ValueError, describe } from '../../core/errors';

export type PixelRange = '[-1,1]' | '[0,1]' | '[0,255]';

export interface ImageArray {
  data: Float32Array | Float64Array | Uint8Array | Uint8ClampedArray | readonly number[];
  shape: readonly number[];
  range?: PixelRange;
}

/** An 8-bit RGB raster, row-major, 3 bytes per pixel. */
export interface Rgb {
  data: Uint8Array;
  height: number;
  width: number;
}

function defaultRange(img: ImageArray): PixelRange {
  return img.data instanceof Uint8Array || img.data instanceof Uint8ClampedArray ? '[0,255]' : '[-1,1]';
}

function byteMapper(range: PixelRange): (v: number) => number {
  const clamp = (b: number) => (b < 0 ? 0 : b > 255 ? 255 : Math.round(b));
  if (range === '[-1,1]') return (v) => clamp((v + 1) * 127.5);
  if (range === '[0,1]') return (v) => clamp(v * 255);
  if (range === '[0,255]') return clamp;
  throw new ValueError('image(range)', { expected: "'[-1,1]', '[0,1]' or '[0,255]'", received: describe(range) });
}

/** One image (shape [h, w], [h, w, 1] or [h, w, 3]) → 8-bit RGB (grayscale is replicated). */
export function toRgb(img: ImageArray): Rgb {
  const [h, w, ch = 1] = img.shape;
  const ok = (img.shape.length === 2 || (img.shape.length === 3 && (ch === 1 || ch === 3))) && h > 0 && w > 0;
  if (!ok || img.data.length !== h * w * ch) {
    throw new ShapeError('toRgb(image)', {
      expected: 'shape [h, w], [h, w, 1] or [h, w, 3] with data of length h·w·c',
      received: `shape [${img.shape.join(', ')}] with data of length ${img.data?.length}`,
    });
  }
  const toByte = byteMapper(img.range ?? defaultRange(img));
  const out = new Uint8Array(h * w * 3);
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) out[3 * p + k] = toByte(img.data[ch === 3 ? 3 * p + k : p]);
  }
  return { data: out, height: h, width: w };
}

/** A batch [n, h, w] or [n, h, w, c] → n single images (views, no copy for typed arrays). */
export function splitBatch(batch: ImageArray): ImageArray[] {
  const [n, ...rest] = batch.shape;
  const size = rest.reduce((a, b) => a * b, 1);
  if (batch.shape.length < 3 || batch.data.length !== n * size) {
    throw new ShapeError('splitBatch(batch)', {
      expected: 'shape [n, h, w] or [n, h, w, c] with data of length n·h·w·c',
      received: `shape [${batch.shape.join(', ')}] with data of length ${batch.data.length}`,
    });
  }
  const d = batch.data;
  return Array.from({ length: n }, (_, i) => ({
    data: ArrayBuffer.isView(d) ? (d as Float32Array).subarray(i * size, (i + 1) * size) : (d as number[]).slice(i * size, (i + 1) * size),
    shape: rest,
    range: batch.range ?? defaultRange(batch),
  }));
}

/** Either a list of single images or one batch → list of single images. */
export function asImageList(images: readonly ImageArray[] | ImageArray): ImageArray[] {
  return Array.isArray(images) ? [...(images as readonly ImageArray[])] : splitBatch(images as ImageArray);
}

/** Nearest-neighbour resize: out(y, x) = in(⌊y·h/H⌋, ⌊x·w/W⌋) — exact pixel blocks for integer factors. */
export function resizeNearest(src: Rgb, height: number, width: number): Rgb {
  const out = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor((y * src.height) / height);
    for (let x = 0; x < width; x++) {
      const s = 3 * (sy * src.width + Math.floor((x * src.width) / width));
      const o = 3 * (y * width + x);
      out[o] = src.data[s];
      out[o + 1] = src.data[s + 1];
      out[o + 2] = src.data[s + 2];
    }
  }
  return { data: out, height, width };
}

/** Square grayscale pixels (e.g. one image of a data set, values in [−1, 1]) as an image array; `side` defaults to √length. */
export function asImage(pixels: Float32Array, side = Math.round(Math.sqrt(pixels?.length ?? 0))): ImageArray {
  if (!(pixels instanceof Float32Array) || pixels.length === 0 || side * side !== pixels.length) {
    throw new ShapeError('asImage(pixels)', {
      expected: 'the Float32Array pixels of one square grayscale image',
      received: describe(pixels),
    });
  }
  return { data: pixels, shape: [side, side], range: '[-1,1]' };
}

/**
 * A vector as a small diverging heat map, its values in reading order: blue < 0 < red, white at 0, clipped at
 * ±`clip`; cells past the end are grey. The map is about square (h = 2^⌊log₂(d)/2⌋ rows).
 */
export function heatmap(values: ArrayLike<number>, clip = 2.5): ImageArray {
  const d = values?.length ?? 0;
  if (d < 1 || !(clip > 0))
    throw new ShapeError('heatmap(values)', { expected: 'a non-empty list of numbers and clip > 0', received: describe(values) });
  const h = 2 ** Math.floor(Math.log2(d) / 2);
  const w = Math.ceil(d / h);
  const rgb = new Uint8Array(h * w * 3).fill(235);
  for (let j = 0; j < d; j++) {
    const v = Math.max(-1, Math.min(1, values[j] / clip));
    const [r, g, b] = v >= 0 ? [255, 255 * (1 - v), 255 * (1 - v)] : [255 * (1 + v), 255 * (1 + v), 255];
    rgb.set([r, g, b].map(Math.round), 3 * j);
  }
  return { data: rgb, shape: [h, w, 3], range: '[0,255]' };
}
