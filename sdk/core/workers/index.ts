export { WorkerPool, type PoolOptions } from './pool';
export { setReplicaParams, gradientsOnShards, averageShards, type ShardedGradients } from './data-parallel';
export { shardRanges, rows, concatRows, transferables, type Arr } from './arrays';
export type { TaskContext, TaskFn, LossFn } from './types';
