/**
 * The in-memory data set every model consumes: images as one Float32Array (n × H × W × C, NHWC,
 * scaled to [-1, 1]: x = byte / 127.5 − 1), int32 labels, and the original file indices.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, ValueError, describe } from '../core/errors';

export interface Dataset {
  /** n × height × width × channels values in [-1, 1], NHWC order. */
  images: Float32Array;
  labels: Int32Array;
  /** Index of each image in its source file (or folder listing). */
  indices: Int32Array;
  n: number;
  height: number;
  width: number;
  channels: number;
  /** Where it came from, e.g. 'fashion-mnist:T (debian)'. */
  name: string;
  classNames: readonly string[];
}

/** Values per image. */
export const imageSize = (ds: Pick<Dataset, 'height' | 'width' | 'channels'>): number => ds.height * ds.width * ds.channels;

/**
 * Bytes (n × rows × cols, grayscale) at `rows` of a source → Dataset, padded with background (−1)
 * to `size` × `size` when size > 28 (centred: the U-Nets use 32 × 32).
 */
export function datasetFromBytes(
  src: { images: Uint8Array; labels: Uint8Array | Int32Array; indices: Int32Array; rows: number; cols: number },
  positions: number[],
  size: number,
  name: string,
  classNames: readonly string[],
): Dataset {
  if (!Number.isInteger(size) || size < Math.max(src.rows, src.cols)) {
    throw new ValueError('dataset option size', {
      expected: `an integer ≥ ${Math.max(src.rows, src.cols)} (images are padded, never cropped)`,
      received: describe(size),
    });
  }
  const top = Math.floor((size - src.rows) / 2);
  const left = Math.floor((size - src.cols) / 2);
  const per = src.rows * src.cols;
  const images = new Float32Array(positions.length * size * size).fill(-1);
  const labels = new Int32Array(positions.length);
  const indices = new Int32Array(positions.length);
  positions.forEach((p, i) => {
    labels[i] = src.labels[p];
    indices[i] = src.indices[p];
    const from = p * per;
    const to = i * size * size;
    for (let r = 0; r < src.rows; r++) {
      const row = to + (r + top) * size + left;
      for (let c = 0; c < src.cols; c++) images[row + c] = src.images[from + r * src.cols + c] / 127.5 - 1;
    }
  });
  return { images, labels, indices, n: positions.length, height: size, width: size, channels: 1, name, classNames };
}

function checkRows(ds: Dataset, rows: ArrayLike<number>, where: string): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!Number.isInteger(r) || r < 0 || r >= ds.n) {
      throw new ShapeError(where, { expected: `row numbers in [0, ${ds.n})`, received: `${describe(r)} at position ${i}` });
    }
  }
}

/** The rows `rows` (positions, not file indices) of a data set, as a new data set. */
export function subset(ds: Dataset, rows: ArrayLike<number>, name = ds.name): Dataset {
  checkRows(ds, rows, 'subset(rows)');
  const per = imageSize(ds);
  const images = new Float32Array(rows.length * per);
  const labels = new Int32Array(rows.length);
  const indices = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    images.set(ds.images.subarray(rows[i] * per, (rows[i] + 1) * per), i * per);
    labels[i] = ds.labels[rows[i]];
    indices[i] = ds.indices[rows[i]];
  }
  return { ...ds, images, labels, indices, n: rows.length, name };
}

/** Images (all, or the given rows) as a [m, H, W, C] float32 tensor the caller owns. */
export function toTensor(ds: Dataset, rows?: ArrayLike<number>): tf.Tensor4D {
  const shape: [number, number, number, number] = [rows ? rows.length : ds.n, ds.height, ds.width, ds.channels];
  if (!rows) return tf.tensor4d(ds.images, shape);
  checkRows(ds, rows, 'toTensor(rows)');
  const per = imageSize(ds);
  const out = new Float32Array(rows.length * per);
  for (let i = 0; i < rows.length; i++) out.set(ds.images.subarray(rows[i] * per, (rows[i] + 1) * per), i * per);
  return tf.tensor4d(out, shape);
}

/** Labels (all, or the given rows) as an int32 tensor the caller owns. */
export function labelsTensor(ds: Dataset, rows?: ArrayLike<number>): tf.Tensor1D {
  if (!rows) return tf.tensor1d(ds.labels, 'int32');
  checkRows(ds, rows, 'labelsTensor(rows)');
  return tf.tensor1d(
    Int32Array.from(rows as ArrayLike<number>, (r) => ds.labels[r]),
    'int32',
  );
}

/** One image (row `row`) as a Float32Array of H × W × C values (a view, not a copy). */
export function imageAt(ds: Dataset, row: number): Float32Array {
  checkRows(ds, [row], 'imageAt(row)');
  const per = imageSize(ds);
  return ds.images.subarray(row * per, (row + 1) * per);
}

/** Every image of the data set as its own Float32Array (views, in order): a list for grids and the fluent API. */
export function imageList(ds: Dataset): Float32Array[] {
  return Array.from({ length: ds.n }, (_, i) => imageAt(ds, i));
}
