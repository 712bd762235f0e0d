/**
 * Data-parallel gradients over a WorkerPool. Each worker holds a replica of the named parameters
 * (set with setReplicaParams); gradientsOnShards splits a batch by rows, each worker computes the loss and
 * ∂loss/∂θ on its shard with a loss task from the pool's module, and the main thread averages:
 *   g = Σ_i (n_i / N) · g_i,   loss = Σ_i (n_i / N) · loss_i
 * which equals the full-batch gradient when the loss is a mean over rows.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors';
import { rows, shardRanges, type Arr } from './arrays';
import type { WorkerPool } from './pool';

/** Result of one data-parallel gradient evaluation. */
export interface ShardedGradients {
  loss: number;
  grads: Record<string, Float32Array>;
  count: number;
}

function toArr(v: Arr | tf.Tensor): Arr {
  return v instanceof tf.Tensor ? { data: v.dataSync() as Float32Array, shape: v.shape.slice() } : v;
}

/** Sends the parameters (tensors or plain arrays) to every worker's replica (copies; yours stay intact). */
export async function setReplicaParams(pool: WorkerPool, params: Record<string, Arr | tf.Tensor>): Promise<void> {
  const plain = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, toArr(v)]));
  await pool.broadcast('__setParams', plain);
}

/**
 * Loss and gradients of the `loss` task on `batch` (named arrays sharing their row count), split into one
 * shard per worker and averaged weighted by shard size. The batch's arrays are copied, not detached.
 */
export async function gradientsOnShards(pool: WorkerPool, loss: string, batch: Record<string, Arr>): Promise<ShardedGradients> {
  const names = Object.keys(batch);
  const n = batch[names[0]]?.shape[0] ?? 0;
  for (const k of names) {
    if (batch[k].shape[0] !== n) {
      throw new ShapeError(`gradientsOnShards(batch.${k})`, {
        expected: `${n} rows like batch.${names[0]}`,
        received: `[${batch[k].shape}]`,
      });
    }
  }
  const ranges = shardRanges(n, pool.size);
  const parts = await Promise.all(
    ranges.map(([s, e], i) =>
      pool.run<{ loss: number; grads: Record<string, Float32Array> }>(
        '__grads',
        { loss, batch: Object.fromEntries(names.map((k) => [k, rows(batch[k], s, e)])) },
        { worker: i },
      ),
    ),
  );
  return { ...averageShards(parts, ranges, n), count: n };
}

/** Loss and gradients of the whole batch: the shards' results weighted by their share of the n rows. */
export function averageShards(
  parts: { loss: number; grads: Record<string, Float32Array> }[],
  ranges: [number, number][],
  n: number,
): { loss: number; grads: Record<string, Float32Array> } {
  const grads: Record<string, Float32Array> = {};
  let loss = 0;
  parts.forEach((p, i) => {
    const w = (ranges[i][1] - ranges[i][0]) / n;
    loss += w * p.loss;
    for (const [k, g] of Object.entries(p.grads)) {
      const acc = (grads[k] ??= new Float32Array(g.length));
      for (let j = 0; j < g.length; j++) acc[j] += w * g[j];
    }
  });
  return { loss, grads };
}
