/**
 * Inputs of the fluent `hyp` API → plain 32 × 32 grayscale pixels in [−1, 1] (the HypDAE model's input).
 * Accepted: a file path (decoded only at the terminal call), a tf.Tensor, a Float32Array, an image array
 * `{ data, shape }` (one image of an ImageBatch, say), a data set `{ images, n, height }` (sdk/data) or an
 * image set `{ images, count, side }` (sdk/pipelines/eval), or a list of single images.
 * Sizes: 32 × 32 as is; 28 × 28 (Fashion-MNIST) padded with the background −1 to 32 × 32, centred, as sdk/data
 * pads; files of any other size are fitted into 28 × 28 ('contain') and then padded the same way.
 * Arrays and tensors are copied when the builder is made (the builder then owns its data: a later change or
 * dispose() of the caller's tensor cannot reach it); files are read when a terminal call runs.
 */
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { ShapeError, ValueError, describe } from '../core/errors';
import { checkImageFile, fileKind, loadImage } from '../data/image';
import { assertLive } from '../core/finite';
import { recentre } from '../data/recentre';

export const SIDE = 32;
const SMALL = 28;
const PX = SIDE * SIDE;

export interface ImageArrayLike {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
  readonly range?: string;
}
export interface DatasetLike {
  readonly images: Float32Array;
  readonly n: number;
  readonly height: number;
  readonly width?: number;
  readonly channels?: number;
}
export interface ImageSetLike {
  readonly images: Float32Array;
  readonly count: number;
  readonly side: number;
}

/** One image: a path, a tensor, pixels, or an image array. */
export type ImageLike = string | tf.Tensor | Float32Array | ImageArrayLike;
/** Several images: a list of single images, a batch (tensor, pixels, image array), a data set or an image set. */
export type ImagesLike = readonly ImageLike[] | tf.Tensor | Float32Array | ImageArrayLike | DatasetLike | ImageSetLike;

/** Where a builder's images come from: frozen, with a private copy of the pixels. */
export interface ImageSource {
  readonly count: number;
  /** Short description (for printing a builder). */
  readonly label: string;
  /** count × 32 × 32 pixels in [−1, 1] (a fresh array each call); reads files if any. */
  load(): Promise<Float32Array>;
}

const CHANNEL_HINT = 'Convert to one channel first (e.g. tf.image.rgbToGrayscale, or the mean over channels).';

/** 28×28 → 32×32 with −1 around (top/left = 2, as sdk/data's datasetFromBytes). */
export const padTo32 = (src: ArrayLike<number>, count: number): Float32Array => recentre(src, count, SMALL, SIDE);

/** 32×32 → the centre 28×28 (the inverse of padTo32). */
export const cropTo28 = (src: ArrayLike<number>, count: number): Float32Array => recentre(src, count, SIDE, SMALL);

/** NaN/∞ or pixels outside [−1, 1] (a little slack for rounding) → ValueError. */
export function checkPixels(where: string, px: ArrayLike<number>): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < px.length; i++) {
    const v = px[i];
    if (!Number.isFinite(v))
      throw new ValueError(where, { expected: 'finite pixel values in [−1, 1]', received: `${describe(v)} at index ${i}` });
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo < -1.001 || hi > 1.001) {
    throw new ValueError(where, {
      expected: 'pixels in [−1, 1]',
      received: `values in [${lo}, ${hi}]`,
      hint: hi > 1.5 ? 'Bytes b in [0, 255] map to b / 127.5 − 1.' : 'Clip or rescale the image to [−1, 1].',
    });
  }
}

/** Pixels of `count` images of side 32 or 28 (one channel) → 32×32, checked. */
function fromPixels(where: string, px: ArrayLike<number>, count: number, side: number): Float32Array {
  checkPixels(where, px);
  if (side === SIDE) return Float32Array.from(px);
  return padTo32(px, count);
}

function sizeError(where: string, received: string, channels = 1): ShapeError {
  return new ShapeError(where, {
    expected: "grayscale images of 32×32 (the model's size) or 28×28 (padded to 32), one channel",
    received,
    hint: channels > 1 ? CHANNEL_HINT : 'Pass a file path to have any size fitted into 28×28 and padded.',
  });
}

/** [H, W], [H, W, C], [B, H, W], [B, H, W, C] → { count, side }, or a ShapeError. */
function parseShape(where: string, shape: readonly number[]): { count: number; side: number } {
  const s = [...shape];
  let channels = 1;
  if (s.length === 4 || (s.length === 3 && s[2] <= 4 && s[0] === s[1])) channels = s.pop() as number;
  if (s.length === 2) s.unshift(1);
  const [count, h, w] = s;
  if (s.length !== 3 || channels !== 1 || h !== w || (h !== SIDE && h !== SMALL) || !(count >= 1)) {
    throw sizeError(where, `shape [${shape.join(', ')}]`, channels);
  }
  return { count, side: h };
}

/** A flat array of n images of side 32 or 28. */
function parseFlat(where: string, length: number): { count: number; side: number } {
  if (length > 0 && length % PX === 0) return { count: length / PX, side: SIDE };
  if (length > 0 && length % (SMALL * SMALL) === 0) return { count: length / (SMALL * SMALL), side: SMALL };
  const rgb = length % (3 * PX) === 0 || length % (3 * SMALL * SMALL) === 0;
  throw sizeError(where, `${length} values (not a whole number of 32×32 or 28×28 images)`, rgb && length > 0 ? 3 : 1);
}

function isImageArray(x: unknown): x is ImageArrayLike {
  const a = x as ImageArrayLike;
  return (
    typeof x === 'object' &&
    x !== null &&
    Array.isArray(a.shape) &&
    a.data !== undefined &&
    typeof (a.data as ArrayLike<number>).length === 'number'
  );
}

/** Pixels (copied, checked, padded to 32) of any non-file input. */
function arrayPixels(where: string, x: unknown): { pixels: Float32Array; count: number; kind: string } {
  if (x instanceof tf.Tensor) {
    assertLive(where, x);
    const { count, side } = parseShape(where, x.shape);
    return { pixels: fromPixels(where, x.dataSync() as ArrayLike<number>, count, side), count, kind: 'tensor' };
  }
  if (x instanceof Float32Array) {
    const { count, side } = parseFlat(where, x.length);
    return { pixels: fromPixels(where, x, count, side), count, kind: 'pixels' };
  }
  if (isImageArray(x)) {
    if (x.range !== undefined && x.range !== '[-1,1]') {
      throw new ValueError(where, {
        expected: "an image array with range '[-1,1]'",
        received: `range ${describe(x.range)}`,
        hint: 'Map bytes b to b / 127.5 − 1 first.',
      });
    }
    const { count, side } = parseShape(where, x.shape);
    if (x.data.length !== count * side * side)
      throw new ShapeError(where, {
        expected: `${count * side * side} values for shape [${x.shape.join(', ')}]`,
        received: describe(x.data),
      });
    return { pixels: fromPixels(where, x.data, count, side), count, kind: 'image array' };
  }
  const d = x as Partial<DatasetLike & ImageSetLike>;
  if (typeof x === 'object' && x !== null && d.images instanceof Float32Array) {
    const count = d.count ?? d.n;
    const side = d.side ?? d.height;
    if (d.channels !== undefined && d.channels !== 1) throw sizeError(where, `a data set with ${d.channels} channels`, d.channels);
    if (
      typeof count !== 'number' ||
      typeof side !== 'number' ||
      d.images.length < count * side * side ||
      (side !== SIDE && side !== SMALL)
    ) {
      throw sizeError(where, `a data set of ${describe(count)} images of side ${describe(side)}`);
    }
    return { pixels: fromPixels(where, d.images.subarray(0, count * side * side), count, side), count, kind: 'data set' };
  }
  throw new ShapeError(where, {
    expected: 'an image: a file path, a tf.Tensor, a Float32Array, an image array {data, shape} or a data set',
    received: describe(x),
  });
}

/** A file decoded to 32×32: as is when it is 32×32, else fitted into 28×28 and padded. */
async function filePixels(file: string): Promise<Float32Array> {
  checkImageFile(file); // again at load: the file may have changed since the builder was made
  let meta: { width?: number; height?: number } = {};
  try {
    meta = await sharp(file).metadata();
  } catch {
    /* loadImage reports a missing or corrupt file as a DataError */
  }
  if (meta.width === SIDE && meta.height === SIDE) return loadImage(file, { size: SIDE, channels: 1 });
  return padTo32(await loadImage(file, { size: SMALL, channels: 1 }), 1);
}

function frozenSource(count: number, label: string, load: () => Promise<Float32Array>): ImageSource {
  return Object.freeze({ count, label, load });
}

/** The source of one image (ShapeError if the input holds several). */
export function imageSource(where: string, x: ImageLike): ImageSource {
  if (typeof x === 'string') {
    // a pipe, device or folder is refused now (reading it would block); a missing file only at the terminal call
    if (!['file', 'missing', 'a broken symlink'].includes(fileKind(x))) checkImageFile(x, where);
    return frozenSource(1, `file ${JSON.stringify(x)}`, () => filePixels(x));
  }
  const { pixels, count, kind } = arrayPixels(where, x);
  if (count !== 1)
    throw new ShapeError(where, {
      expected: 'one image',
      received: `${count} images (${kind})`,
      hint: 'Use hyp.fewShot(images, …) for several.',
    });
  return frozenSource(1, `1 image (${kind})`, async () => pixels.slice());
}

/** The source of several images, in order. */
export function imagesSource(where: string, xs: ImagesLike): ImageSource {
  if (Array.isArray(xs)) {
    if (xs.length === 0) throw new ShapeError(where, { expected: 'at least one image', received: 'an empty list' });
    const parts = (xs as readonly ImageLike[]).map((x, i) => imageSource(`${where}[${i}]`, x));
    const files = parts.filter((p) => p.label.startsWith('file')).length;
    return frozenSource(parts.length, `${parts.length} images${files ? ` (${files} from files)` : ''}`, async () => {
      const out = new Float32Array(parts.length * PX);
      for (let i = 0; i < parts.length; i++) out.set(await parts[i].load(), i * PX);
      return out;
    });
  }
  const { pixels, count, kind } = arrayPixels(where, xs);
  return frozenSource(count, `${count} image${count === 1 ? '' : 's'} (${kind})`, async () => pixels.slice());
}
