/**
 * A seeded mini-batch iterator: each epoch is a fresh Fisher–Yates permutation from `Rng(seed)`,
 * so the same seed gives the same batches on every backend and every run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError, checkOptions, describe } from '../core/errors';
import { Rng } from '../core/rng';
import { Dataset, labelsTensor, toTensor } from './dataset';

export interface BatchOptions {
  seed?: number;
  /** Passes over the data (default 1; Infinity for an endless stream). */
  epochs?: number;
  /** Shuffle each epoch (default true). */
  shuffle?: boolean;
  /** Drop the last, smaller batch of each epoch (default false). */
  dropLast?: boolean;
}

/** Row numbers of each batch. */
export function* batchRows(n: number, batchSize: number, opts: BatchOptions = {}): Generator<number[]> {
  checkOptions('batchRows', opts, ['seed', 'epochs', 'shuffle', 'dropLast']);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValueError('batches(batchSize)', { expected: 'a positive integer', received: describe(batchSize) });
  }
  const { seed = 0, epochs = 1, shuffle = true, dropLast = false } = opts;
  const rng = new Rng(seed);
  for (let e = 0; e < epochs; e++) {
    const order = Array.from({ length: n }, (_, i) => i);
    if (shuffle) rng.shuffle(order);
    for (let s = 0; s < n; s += batchSize) {
      const rows = order.slice(s, s + batchSize);
      if (dropLast && rows.length < batchSize) break;
      yield rows;
    }
  }
}

export interface Batch {
  /** [b, H, W, C] images in [-1, 1]; dispose it (or the whole batch with tf.dispose([x, y])). */
  x: tf.Tensor4D;
  /** [b] int32 labels. */
  y: tf.Tensor1D;
  rows: number[];
}

/** Seeded batches of tensors. The caller disposes each batch's x and y. */
export function* batches(ds: Dataset, batchSize: number, opts: BatchOptions = {}): Generator<Batch> {
  for (const rows of batchRows(ds.n, batchSize, opts)) yield { x: toTensor(ds, rows), y: labelsTensor(ds, rows), rows };
}
