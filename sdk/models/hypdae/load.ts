/**
 * Finding and loading HypDAE checkpoints, once per process: the cache the fluent `hyp` and the evaluation share
 * (keyed by absolute base path; a failed load is retried next time). Files: `<dir>/stage1.{json,safetensors}`
 * and `<dir>/stage2-<space>-<labels>.{json,safetensors}`, the names `hypnest train hypdae` writes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ready } from '../../core/backend';
import { CheckpointError } from '../../core/errors';
import { insideShippedAssets } from '../../core/output-folder';
import { disposeParams } from '../../nn/params';
import type { LabelSource, Space } from './config';
import type { Stage1 } from './stage1';
import { Stage2, disposeStage2 } from './stage2';
import { loadStage1, loadStage2, stage2Name } from './checkpoint';
import { loadTargetPool } from './target-pool';

/** Which stage II: trained in the ball or its Euclidean twin, on pseudo-labels or the real labels. */
export interface Stage2Kind {
  space: Space;
  labels: LabelSource;
}

/** Absolute base paths (no extension) of the two stages; explicit paths win over `dir`. */
export interface CheckpointPaths {
  dir: string;
  stage1: string;
  stage2: string;
}

export function checkpointPaths(dir: string, kind: Stage2Kind, explicit: { stage1?: string; stage2?: string } = {}): CheckpointPaths {
  const d = path.resolve(dir);
  return {
    dir: d,
    stage1: path.resolve(explicit.stage1 ?? path.join(d, 'stage1')),
    stage2: path.resolve(explicit.stage2 ?? path.join(d, stage2Name({ stage2: kind }))),
  };
}

/** The command that writes a missing checkpoint. */
export function trainCommand(stage: 1 | 2, kind: Stage2Kind, dir: string): string {
  const flags =
    stage === 1
      ? '--stage 1'
      : `--stage 2${kind.space === 'euclidean' ? ' --space euclidean' : ''}${kind.labels === 'real' ? ' --labels real' : ''}`;
  return `npx hypnest train hypdae ${flags} --out ${dir}${insideShippedAssets(dir) ? ' --overwrite-shipped' : ''}`;
}

function checkFiles(where: string, base: string, what: string, hint: string): void {
  const missing = ['.json', '.safetensors'].map((e) => base + e).filter((f) => !fs.existsSync(f));
  if (missing.length) {
    throw new CheckpointError(`${where}: ${what}`, {
      expected: `the checkpoint ${base}.{json,safetensors}`,
      received: `no such file ${missing.join(', ')}`,
      hint,
    });
  }
}

export interface Loaded1 {
  stage1: Stage1;
  meta: Record<string, unknown>;
  /** Semantic codes of the perturbation targets written beside it by stage-II training (target-pool.ts), if any. */
  pool?: Float32Array;
}
export interface Loaded2 {
  stage2: Stage2;
  meta: Record<string, unknown>;
}

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
    mine.catch(() => {
      if (cache.get(key) === mine) cache.delete(key);
    }); // a failed load is retried next time
  }
  return p;
}

/** How the errors of a load name the caller and what to do (`hint(stage)`: the sentence after the train command). */
export interface LoadContext {
  where: string;
  kind: Stage2Kind;
  hint: (stage: 1 | 2) => string;
}

/** Stage I at `p.stage1` (loaded once per process). */
export function loadStage1At(p: CheckpointPaths, ctx: LoadContext): Promise<Loaded1> {
  return cached(cache1, p.stage1, async () => {
    checkFiles(ctx.where, p.stage1, 'stage-I checkpoint', `Run ${trainCommand(1, ctx.kind, p.dir)} (or --stage all)${ctx.hint(1)}`);
    await ready();
    const r = await loadStage1(p.stage1);
    const pool = loadTargetPool(p.stage1, r.stage1.config.stage1.codeDim);
    return { stage1: r.stage1, meta: r.meta as Record<string, unknown>, ...(pool ? { pool } : {}) };
  });
}

/** Stage II at `p.stage2`, on the stage I at `p.stage1` (loaded once per process). */
export function loadStage2At(p: CheckpointPaths, ctx: LoadContext): Promise<Loaded2> {
  return cached(cache2, p.stage2, async () => {
    const what = `stage-II checkpoint (${ctx.kind.space}, ${ctx.kind.labels} labels)`;
    checkFiles(ctx.where, p.stage2, what, `Run ${trainCommand(2, ctx.kind, p.dir)} (needs stage I)${ctx.hint(2)}`);
    const { stage1 } = await loadStage1At(p, ctx);
    const r = await loadStage2(p.stage2, stage1.config);
    return { stage2: r.stage2, meta: r.meta as Record<string, unknown> };
  });
}

function drop<T>(cache: Map<string, Promise<T>>, key: string, free: (v: T) => void): void {
  const p = cache.get(key);
  if (!p) return;
  cache.delete(key);
  p.then(free, () => undefined);
}

/** Frees the loaded checkpoints at these paths (a later load reads them again); pass stage2 undefined to keep stage IIs. */
export function releaseCheckpoints(p: { stage1?: string; stage2?: string }): void {
  if (p.stage2) drop(cache2, p.stage2, (v) => disposeStage2(v.stage2));
  if (p.stage1) drop(cache1, p.stage1, (v) => disposeParams(v.stage1.params));
}

/** What is loaded now (absolute base paths), and how many loads were started in this process. */
export function hypCacheInfo(): { stage1: string[]; stage2: string[]; loads: number } {
  return { stage1: [...cache1.keys()], stage2: [...cache2.keys()], loads };
}
