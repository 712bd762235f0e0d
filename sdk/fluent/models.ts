/**
 * Which HypDAE checkpoints a `hyp` uses: loaded lazily (at the first terminal call), once per process by
 * sdk/models/hypdae/load.ts (the cache the evaluation shares), and freed by `hyp.dispose()`.
 * Default dir: the shipped `assets/hypdae`.
 */
import { ConfigError, checkOptions, describe } from '../core/errors';
import { assetPath } from '../core/paths';
import type { LabelSource, Space } from '../models/hypdae/config';
import * as load from '../models/hypdae/load';

export interface HypFromOptions {
  /** Folder holding the checkpoints (default: the shipped assets/hypdae). */
  dir?: string;
  /** Stage II trained in the ball or its Euclidean twin (default 'hyperbolic'). */
  space?: Space;
  /** Stage II trained on k-means pseudo-labels or the real labels (default 'pseudo'). */
  labels?: LabelSource;
  /** Explicit base path of the stage-I checkpoint (default `<dir>/stage1`). */
  stage1?: string;
  /** Explicit base path of the stage-II checkpoint (default `<dir>/stage2-<space>-<labels>`). */
  stage2?: string;
  /** Images per decoder call (default 32; lower it to save memory). */
  batchSize?: number;
}

export interface ModelSpec {
  readonly dir?: string;
  readonly space: Space;
  readonly labels: LabelSource;
  readonly stage1?: string;
  readonly stage2?: string;
  readonly batchSize: number;
}

const KEYS = ['dir', 'space', 'labels', 'stage1', 'stage2', 'batchSize'];

/** Validated, frozen spec: `base` with `o` on top. */
export function modelSpec(o: HypFromOptions, base?: ModelSpec): ModelSpec {
  checkOptions('hyp.from(options)', o, KEYS);
  const s = { space: 'hyperbolic', labels: 'pseudo', batchSize: 32, ...base, ...o } as ModelSpec;
  if (!['hyperbolic', 'euclidean'].includes(s.space))
    throw new ConfigError('hyp.from(space)', { expected: "'hyperbolic' or 'euclidean'", received: describe(s.space) });
  if (!['pseudo', 'real'].includes(s.labels))
    throw new ConfigError('hyp.from(labels)', { expected: "'pseudo' or 'real'", received: describe(s.labels) });
  for (const k of ['dir', 'stage1', 'stage2'] as const) {
    if (s[k] !== undefined && (typeof s[k] !== 'string' || s[k] === ''))
      throw new ConfigError(`hyp.from(${k})`, { expected: 'a path', received: describe(s[k]) });
  }
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1 || s.batchSize > 1024)
    throw new ConfigError('hyp.from(batchSize)', { expected: 'an integer in 1..1024', received: describe(s.batchSize) });
  return Object.freeze({ ...s });
}

/** Absolute base paths of the two checkpoints (the default dir is resolved only here). */
export function checkpointPaths(s: ModelSpec): load.CheckpointPaths {
  return load.checkpointPaths(s.dir ?? assetPath('hypdae'), s, s);
}

const context = (s: ModelSpec): load.LoadContext => ({
  where: 'hyp',
  kind: s,
  hint: (stage) =>
    stage === 1 ? ', or point hyp.from({ dir }) at a folder that has it.' : ', or choose another with hyp.from({ space, labels }).',
});

export type { Loaded1, Loaded2 } from '../models/hypdae/load';
export { hypCacheInfo } from '../models/hypdae/load';

/** Stage I of a spec (loaded once per process). */
export const loadStage1Of = (s: ModelSpec): Promise<load.Loaded1> => load.loadStage1At(checkpointPaths(s), context(s));

/** Stage II of a spec, on its stage I (loaded once per process). */
export const loadStage2Of = (s: ModelSpec): Promise<load.Loaded2> => load.loadStage2At(checkpointPaths(s), context(s));

/** Frees the spec's loaded checkpoints (a later terminal call loads them again). */
export const disposeModels = (s: ModelSpec): void => load.releaseCheckpoints(checkpointPaths(s));
