/** Types shared by the pool (main thread) and its workers. */
import type * as tf from '@tensorflow/tfjs-core';

/** What a task receives besides its payload. `params` is the data-parallel replica; `state` is free. */
export interface TaskContext {
  workerIndex: number;
  params: Map<string, tf.Variable>;
  state: Map<string, unknown>;
}

/** A task: (payload, ctx) → result. Results may hold Float32Arrays (they are transferred). */
export type TaskFn = (payload: any, ctx: TaskContext) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A loss for data-parallel training: the scalar loss of the replica's parameters on one shard. */
export type LossFn = (params: Record<string, tf.Variable>, batch: any, ctx: TaskContext) => tf.Scalar; // eslint-disable-line @typescript-eslint/no-explicit-any
