/**
 * The pool of perturbation targets that are codes of real images (the HypDAE authors' evaluation steps each code
 * toward the code of a randomly drawn real image, not toward a random point): TARGET_POOL images of Fashion-MNIST
 * split G's seen classes, the shipped checkpoints' own training data (no test image, no unseen class), every
 * ⌊n / TARGET_POOL⌋-th in file order. Their stage-I codes are computed once per loaded stage I (≈ 1 s here).
 * Without Debian's dataset-fashion-mnist the pool comes from the shipped subset (its G part: the first 3,000 train
 * images), so it works anywhere; images then differ from the shipped reports, which used the full data.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../core/rng';
import { splitG } from '../../data/splits';
import { Stage1, encodeAll } from './stage1';

/** Perturbation targets: random codes at R, or codes of real images of split G's seen classes. */
export type PerturbTargets = 'random' | 'seen';
export const PERTURB_TARGETS: readonly PerturbTargets[] = ['random', 'seen'];
export const TARGET_POOL = 2048;

/** 32 × 32 images of the pool [n · 1024]. */
export function targetPoolImages(): Float32Array {
  const g = splitG({ seenOnly: true, size: 32, fallback: 'embedded' });
  const stride = Math.max(1, Math.floor(g.n / TARGET_POOL));
  const n = Math.min(TARGET_POOL, g.n);
  const out = new Float32Array(n * 1024);
  for (let i = 0; i < n; i++) out.set(g.images.subarray(i * stride * 1024, (i * stride + 1) * 1024), i * 1024);
  return out;
}

/**
 * Whether a stage I trained on `data` (its checkpoint's meta.data) suits this pool: one trained on Fashion-MNIST
 * does (the shipped checkpoint predates meta.data and is one); one trained on an image folder does not.
 */
export function poolFitsData(data: unknown): boolean {
  return typeof data !== 'string' || data.startsWith('fashion-mnist');
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

/** n rows of `pool` [P, d] drawn uniformly with replacement, reproducibly for a seed → [n, d]. */
export function drawTargets(pool: tf.Tensor2D, n: number, seed: number): tf.Tensor2D {
  const rng = new Rng(seed);
  return tf.tidy(() => tf.gather(pool, tf.tensor1d(Array.from({ length: n }, () => rng.int(pool.shape[0])), 'int32')) as tf.Tensor2D);
}
