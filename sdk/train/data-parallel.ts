/**
 * Data-parallel gradients on a WorkerPool (train({ workers: 2, workerLoss }) uses it; one wasm thread per
 * worker, so two workers use both cores). Every step: the current parameters go to each worker's replica,
 * the batch's rows are split into one contiguous shard per worker, worker i returns the mean loss and
 * ∂loss/∂θ on its n_i rows (itself in microBatches/workers parts), and the main thread averages
 *   g = Σ_i (n_i / N) · g_i,   loss = Σ_i (n_i / N) · loss_i,
 * the full-batch gradient when the loss is a mean over rows (tested against the single-thread one).
 * The loss cannot be a closure (workers share no memory): it is a function exported by a module,
 *   export function myLoss(params: Params, batch: B, ctx: WorkerStepContext): tf.Scalar
 * named with { module: require.resolve('./my-loss'), name: 'myLoss', init?: anything structured-clonable },
 * where `init` (e.g. the model config) reaches it as ctx.init. Its randomness must come from ctx.rng: each
 * shard gets its own Rng, seeded from the step's Rng, so a run is reproducible and resumable (but draws
 * differ from a single-thread run of the same seed).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, describe } from '../core';
import { WorkerPool, averageShards, setReplicaParams, shardRanges } from '../core/workers';
import type { Params } from '../nn';
import type { GradFn, StepContext } from './trainer';
import { toWire, wireRows, wireRowsSlice } from './batch-wire';

/** What a worker loss receives besides the parameters and its shard. */
export interface WorkerStepContext extends StepContext {
  /** The `init` value of the WorkerLoss (e.g. the model config). */
  init: unknown;
  /** Which shard (worker) this is. */
  shard: number;
}

export type WorkerLossFn<B> = (params: Params, batch: B, ctx: WorkerStepContext) => tf.Scalar | tf.Tensor;

/** Where workers find the loss: an exported function of a module (absolute path). */
export interface WorkerLoss {
  module: string;
  name: string;
  init?: unknown;
}

export interface DataParallel<B> {
  gradFn: GradFn<B>;
  pool: WorkerPool;
  close(): Promise<void>;
}

/** Starts `workers` workers with the loss loaded; the gradFn splits each batch over them. */
export async function createDataParallel<B>(
  params: Params,
  o: { workers: number; loss: WorkerLoss; microBatches?: number },
): Promise<DataParallel<B>> {
  const { workers, loss } = o;
  const micro = o.microBatches ?? workers;
  if (!Number.isInteger(workers) || workers < 1)
    throw new ConfigError('train(workers)', { expected: 'a positive integer', received: describe(workers) });
  if (!loss || typeof loss.module !== 'string' || typeof loss.name !== 'string') {
    throw new ConfigError('train(workerLoss)', {
      expected: "{ module: require.resolve('./my-loss'), name: 'myLoss', init? }",
      received: describe(loss),
    });
  }
  if (!Number.isInteger(micro) || micro < 1 || micro % workers !== 0) {
    throw new ConfigError('train(microBatches)', {
      expected: `a multiple of workers (${workers}): each worker runs microBatches/workers parts`,
      received: describe(micro),
    });
  }
  const pool = await WorkerPool.create({ size: workers, module: require.resolve('./data-parallel-tasks') });
  try {
    await pool.broadcast('trainSetup', { module: loss.module, name: loss.name, init: loss.init });
  } catch (e) {
    await pool.close();
    throw e;
  }
  const perWorker = micro / workers;
  const gradFn: GradFn<B> = async (batch, ctx) => {
    await setReplicaParams(pool, params);
    const wire = toWire(batch);
    const n = wireRows(wire);
    const ranges = shardRanges(n, workers);
    for (const [s, e] of ranges) {
      if ((e - s) % perWorker !== 0) {
        throw new ConfigError('train(microBatches)', {
          expected: `shards (${ranges.map(([a, b]) => b - a).join(', ')} rows) divisible by microBatches/workers = ${perWorker}`,
          received: `${n} rows`,
        });
      }
    }
    const seeds = ranges.map(() => ctx.rng.seed());
    const parts = await Promise.all(
      ranges.map(([s, e], i) =>
        pool.run<{ loss: number; grads: Record<string, Float32Array> }>(
          'trainGrads',
          { batch: wireRowsSlice(wire, s, e), step: ctx.step, lr: ctx.lr, seed: seeds[i], shard: i, microBatches: perWorker },
          { worker: i },
        ),
      ),
    );
    const { loss: lossSum, grads: sums } = averageShards(parts, ranges, n);
    const grads: Record<string, tf.Tensor> = {};
    for (const k of Object.keys(params)) if (sums[k]) grads[k] = tf.tensor(sums[k], params[k].shape, 'float32');
    return { loss: lossSum, grads };
  };
  return { gradFn, pool, close: () => pool.close() };
}
