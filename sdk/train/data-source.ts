/**
 * Where batches come from. A data source is an iterator/iterable of batches, or a factory
 * `({ step, seed }) → iterator` that starts at a given step (the efficient way to resume).
 * A plain iterator is resumed by drawing and discarding `step` batches.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DataError } from '../core';

export type DataSource<B> = Iterator<B> | Iterable<B> | ((start: { step: number; seed: number }) => Iterator<B> | Iterable<B>);

function toIterator<B>(x: Iterator<B> | Iterable<B>): Iterator<B> {
  const it = x as Iterable<B>;
  return typeof it[Symbol.iterator] === 'function' ? it[Symbol.iterator]() : (x as Iterator<B>);
}

/** An iterator positioned at `step` (disposing skipped batches when `dispose`). */
export function openData<B>(data: DataSource<B>, step: number, seed: number, dispose: boolean): Iterator<B> {
  if (typeof data === 'function') return toIterator(data({ step, seed }));
  const it = toIterator(data);
  for (let i = 0; i < step; i++) {
    const r = it.next();
    if (r.done) throw new DataError('train(data)', { expected: `at least ${step} batches to skip on resume`, received: `${i}` });
    if (dispose) tf.dispose(r.value as tf.TensorContainer);
  }
  return it;
}

/** The batch size: the first dimension of the first tensor found in the batch (1 if none). */
export function batchSizeOf(batch: unknown): number {
  if (batch instanceof tf.Tensor) return batch.shape[0] ?? 1;
  if (batch && typeof batch === 'object') {
    for (const v of Object.values(batch)) {
      const n = batchSizeOf(v);
      if (n !== 1 || v instanceof tf.Tensor) return n;
    }
  }
  return 1;
}
