/**
 * The pool of perturbation targets that are codes of real images (the HypDAE authors' evaluation steps each code
 * toward the code of a randomly drawn real image, not toward a random point): TARGET_POOL images of Fashion-MNIST
 * split G's seen classes, the shipped checkpoints' own training data (no test image, no unseen class), every
 * ⌊n / TARGET_POOL⌋-th in file order. Their stage-I codes are computed once per loaded stage I (≈ 1 s here).
 * Without Debian's dataset-fashion-mnist the pool comes from the shipped subset (its G part: the first 3,000 train
 * images), so it works anywhere; images then differ from the shipped reports, which used the full data.
 * Stage-II training writes the pool of its own training codes beside the checkpoints (`target-pool.{json,safetensors}`,
 * the same stride over the training images); checkpoints trained on an image folder perturb toward those.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readCheckpointArrays, saveCheckpoint } from '../../core/checkpoint';
import { CheckpointError } from '../../core/errors';
import { Rng } from '../../core/rng';
import { splitG } from '../../data/splits';
import { Stage1, encodeAll } from './stage1';

/** Perturbation targets: random codes at R, or codes of real images of split G's seen classes. */
export type PerturbTargets = 'random' | 'seen';
export const PERTURB_TARGETS: readonly PerturbTargets[] = ['random', 'seen'];
export const TARGET_POOL = 2048;

/** The pool's rows of n rows of width w [n · w]: every ⌊n / TARGET_POOL⌋-th, at most TARGET_POOL. */
export function poolRows(rows: Float32Array, w: number): Float32Array {
  const N = rows.length / w;
  const stride = Math.max(1, Math.floor(N / TARGET_POOL));
  const n = Math.min(TARGET_POOL, N);
  const out = new Float32Array(n * w);
  for (let i = 0; i < n; i++) out.set(rows.subarray(i * stride * w, (i * stride + 1) * w), i * w);
  return out;
}

/** 32 × 32 images of the Fashion-MNIST pool [n · 1024]. */
export function targetPoolImages(): Float32Array {
  return poolRows(splitG({ seenOnly: true, size: 32, fallback: 'embedded' }).images, 1024);
}

/** The file stage-II training writes beside the checkpoints (base path, no extension). */
export const targetPoolFile = (dir: string): string => path.join(dir, 'target-pool');

/** Writes the pool of the training codes [n · codeDim] of checkpoints trained on `data` into `dir`. */
export async function saveTargetPool(dir: string, codes: Float32Array, codeDim: number, data: string): Promise<void> {
  const rows = poolRows(codes, codeDim);
  await saveCheckpoint(targetPoolFile(dir), {
    config: { model: 'hypdae-target-pool', codeDim },
    tensors: { codes: { data: rows, shape: [rows.length / codeDim, codeDim] } },
    meta: { data },
  });
}

/** The pool written beside stage I at `stage1Base` (semantic codes [n · codeDim]), or undefined when there is none. */
export function loadTargetPool(stage1Base: string, codeDim: number): Float32Array | undefined {
  const file = targetPoolFile(path.dirname(stage1Base));
  if (!fs.existsSync(file + '.json')) return undefined;
  const c = readCheckpointArrays(file, {}, 'loadTargetPool');
  const t = c.tensors.codes;
  if (!t || t.shape.length !== 2 || t.shape[1] !== codeDim) {
    throw new CheckpointError(`loadTargetPool(${file})`, {
      expected: `codes [n, ${codeDim}] (stage I's code width)`,
      received: t ? `shape [${t.shape.join(', ')}]` : 'no tensor codes',
      hint: 'Retrain stage II (it writes the pool), or delete the file to perturb toward random points.',
    });
  }
  return Float32Array.from(t.data as ArrayLike<number>);
}

/**
 * Whether perturbations toward 'seen' targets have real codes of the checkpoints' own kind of data: their own pool
 * (written by stage-II training), or the Fashion-MNIST pool for a stage I trained on Fashion-MNIST (its meta.data;
 * the shipped checkpoint predates meta.data and is one). A stage I trained on an image folder without a pool has none.
 */
export function poolFitsData(data: unknown, ownPool = false): boolean {
  return ownPool || typeof data !== 'string' || data.startsWith('fashion-mnist');
}

const pools = new WeakMap<Stage1, Float32Array>();

/** Stage-I semantic codes of the pool [n · codeDim], cached per stage I. */
export function targetPoolCodes(s1: Stage1): Float32Array {
  let p = pools.get(s1);
  if (!p) {
    p = encodeAll(s1, targetPoolImages());
    pools.set(s1, p);
  }
  return p;
}

/** Indices of n rows of a pool of P drawn uniformly with replacement, reproducibly for a seed. */
export function targetIndices(P: number, n: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  return Int32Array.from({ length: n }, () => rng.int(P));
}
