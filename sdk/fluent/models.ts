/**
 * Which HypDAE checkpoints a `hyp` uses, and loading them: lazily (at the first terminal call), once per
 * process (a cache keyed by absolute file path, shared by every `hyp` bound to the same files), and freed by
 * `hyp.dispose()`. Files: `<dir>/stage1.{json,safetensors}` and `<dir>/stage2-<space>-<labels>.{json,safetensors}`
 * (the names `hypnest train hypdae` writes); default dir: the shipped `assets/hypdae`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ready } from '../core/backend';
import { CheckpointError, ConfigError, checkOptions, describe } from '../core/errors';
import { insideShippedAssets } from '../core/output-folder';
import { assetPath } from '../core/paths';
import { disposeParams } from '../nn/params';
import { LabelSource, Space, hypdaeConfig } from '../models/hypdae/config';
import { Stage1 } from '../models/hypdae/stage1';
import { Stage2, disposeStage2 } from '../models/hypdae/stage2';
import { loadStage1, loadStage2 } from '../models/hypdae/checkpoint';
import { stage2Name } from '../models/hypdae/train-stage2';

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
  if (!['hyperbolic', 'euclidean'].includes(s.space)) throw new ConfigError('hyp.from(space)', { expected: "'hyperbolic' or 'euclidean'", received: describe(s.space) });
  if (!['pseudo', 'real'].includes(s.labels)) throw new ConfigError('hyp.from(labels)', { expected: "'pseudo' or 'real'", received: describe(s.labels) });
  for (const k of ['dir', 'stage1', 'stage2'] as const) {
    if (s[k] !== undefined && (typeof s[k] !== 'string' || s[k] === '')) throw new ConfigError(`hyp.from(${k})`, { expected: 'a path', received: describe(s[k]) });
  }
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1 || s.batchSize > 1024) throw new ConfigError('hyp.from(batchSize)', { expected: 'an integer in 1..1024', received: describe(s.batchSize) });
  return Object.freeze({ ...s });
}

/** Absolute base paths of the two checkpoints (the default dir is resolved only here). */
export function checkpointPaths(s: ModelSpec): { stage1: string; stage2: string; dir: string } {
  const dir = path.resolve(s.dir ?? assetPath('hypdae'));
  const name = stage2Name(hypdaeConfig({ stage2: { space: s.space, labels: s.labels } }));
  return { dir, stage1: path.resolve(s.stage1 ?? path.join(dir, 'stage1')), stage2: path.resolve(s.stage2 ?? path.join(dir, name)) };
}

function trainCommand(s: ModelSpec, stage: 1 | 2, dir: string): string {
  const flags = stage === 1 ? '--stage 1' : `--stage 2${s.space === 'euclidean' ? ' --space euclidean' : ''}${s.labels === 'real' ? ' --labels real' : ''}`;
  return `npx hypnest train hypdae ${flags} --out ${dir}${insideShippedAssets(dir) ? ' --overwrite-shipped' : ''}`;
}

function checkFiles(base: string, what: string, hint: string): void {
  const missing = ['.json', '.safetensors'].map((e) => base + e).filter((f) => !fs.existsSync(f));
  if (missing.length) {
    throw new CheckpointError(`hyp: ${what}`, { expected: `the checkpoint ${base}.{json,safetensors}`, received: `no such file ${missing.join(', ')}`, hint });
  }
}

export interface Loaded1 { stage1: Stage1; meta: Record<string, unknown> }
export interface Loaded2 { stage2: Stage2; meta: Record<string, unknown> }

const cache1 = new Map<string, Promise<Loaded1>>();
const cache2 = new Map<string, Promise<Loaded2>>();
let loads = 0;

function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    loads++;
    p = load();
    cache.set(key, p);
    const mine = p;
    mine.catch(() => { if (cache.get(key) === mine) cache.delete(key); }); // a failed load is retried next time
  }
  return p;
}

/** Stage I of a spec (loaded once per process). */
export function loadStage1Of(s: ModelSpec): Promise<Loaded1> {
  const { stage1, dir } = checkpointPaths(s);
  return cached(cache1, stage1, async () => {
    checkFiles(stage1, 'stage-I checkpoint', `Run ${trainCommand(s, 1, dir)} (or --stage all), or point hyp.from({ dir }) at a folder that has it.`);
    await ready();
    const r = await loadStage1(stage1);
    return { stage1: r.stage1, meta: r.meta as Record<string, unknown> };
  });
}

/** Stage II of a spec, on its stage I (loaded once per process). */
export function loadStage2Of(s: ModelSpec): Promise<Loaded2> {
  const { stage2, dir } = checkpointPaths(s);
  return cached(cache2, stage2, async () => {
    checkFiles(stage2, `stage-II checkpoint (${s.space}, ${s.labels} labels)`, `Run ${trainCommand(s, 2, dir)} (needs stage I), or choose another with hyp.from({ space, labels }).`);
    const { stage1 } = await loadStage1Of(s);
    const r = await loadStage2(stage2, stage1.config);
    return { stage2: r.stage2, meta: r.meta as Record<string, unknown> };
  });
}

function drop<T>(cache: Map<string, Promise<T>>, key: string, free: (v: T) => void): void {
  const p = cache.get(key);
  if (!p) return;
  cache.delete(key);
  p.then(free, () => undefined);
}

/** Frees the spec's loaded checkpoints (a later terminal call loads them again). */
export function disposeModels(s: ModelSpec): void {
  const { stage1, stage2 } = checkpointPaths(s);
  drop(cache2, stage2, (v) => disposeStage2(v.stage2));
  drop(cache1, stage1, (v) => disposeParams(v.stage1.params));
}

/** What is loaded now (absolute base paths), and how many loads were started in this process. */
export function hypCacheInfo(): { stage1: string[]; stage2: string[]; loads: number } {
  return { stage1: [...cache1.keys()], stage2: [...cache2.keys()], loads };
}
