/**
 * HypDAE inference, the one pipeline that the fluent `hyp` and the evaluation's few-shot methods both run,
 * as functions over loaded models and loaded pixels (32 × 32, [−1, 1]):
 *   1. encode      z = E(x) for every input image (stage I's semantic encoder), in batches        encodeAll
 *   2. group       h = toBall(z); with k shots per group, the hyperbolic mean of the group        groupCodes
 *                  (k = 1 and no edits: z itself; stage II is then not needed: plain Diff-AE reconstruction)
 *   3. edit        n output rows per group, each edit applied in order; perturb draws one target   outputCodes
 *                  per row: the ball code of a real seen-class image (target-pool.ts) or a random point
 *   4. stochastic  x_T of every row: DDIM inversion of its source shot (output j of a group uses   stochasticCodes
 *                  shot j mod k), or with `strength` s a fresh stochastic encoding of that shot per row
 *   5. decode      x = DDIM(x_T | fromBall(h')) with classifier-free guidance, in batches          decodeRows
 * Seeds are inputs (HypRequest.seeds), so the fluent API and the protocol each keep their recipe and the shipped
 * reports stay reproducible. The radius of an edit is checked here, once (checkCodeRadius).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, ValueError } from '../../core/errors';
import { progress as startProgress, type Progress } from '../../core/progress';
import { Rng, mixSeed } from '../../core/rng';
import { ddimSteps } from '../../diffusion/ddim';
import { guided } from '../../diffusion/guidance';
import { stochasticEncode } from '../../diffusion/sdedit';
import { geodesic } from '../../hyperbolic/geodesic';
import { Stage1, codeMap, encodeAll, nullCode, stage1Denoiser } from './stage1';
import { Stage2, fromBall, toBall } from './stage2';
import { spatialCodeWidth } from './config';
import {
  checkCodeRadius,
  fuseCodes,
  interpolateCodesUnchecked,
  perturbCodesAutoUnchecked,
  perturbCodesUnchecked,
  towardFraction,
} from './edits';
import { stochasticCode } from './generate';
import { PerturbTargets, targetIndices, targetPoolCodes } from './target-pool';

const SIDE = 32;
const PX = SIDE * SIDE;

export interface HypModels {
  s1: Stage1;
  s2?: Stage2;
  /** Semantic codes of the perturbation targets 'seen' (default: the Fashion-MNIST pool of target-pool.ts). */
  pool?: Float32Array;
}

/** An edit with everything resolved: the perturbation's targets and seed, the other images' pixels. */
export type PipelineEdit =
  | {
      readonly kind: 'perturb';
      readonly radius: number;
      readonly distance: number | 'auto';
      readonly toward: PerturbTargets;
      /** Group g draws its targets with mixSeed(seed, g). */
      readonly seed: number;
      /** The 'auto' step's turn is that of the ball at this radius (default `radius`; the Euclidean twin's ρ·R uses R). */
      readonly turnRadius?: number;
    }
  | {
      readonly kind: 'interpolate';
      readonly other: Float32Array;
      readonly otherShots: number;
      readonly t: number;
      readonly radius?: number;
    };

export interface HypRequest {
  /** N = G·k images, 32 × 32. */
  readonly pixels: Float32Array;
  /** Images fused into one code (consecutive groups of k). */
  readonly shots: number;
  /** Outputs per group. */
  readonly n: number;
  readonly edits: readonly PipelineEdit[];
  /** Stochastic encoding strength in (0, 1]; undefined = DDIM inversion. */
  readonly strength?: number;
  readonly steps: number;
  /** Classifier-free guidance scale (1 = plain conditional, sdk/diffusion/guidance.ts). */
  readonly guidance: number;
  readonly eta: number;
  /** Images per network call. */
  readonly batch: number;
  /**
   * Seed of the fresh stochastic encodings (with `strength`), and the seed (or the random stream, e.g. a RowRng
   * whose rows do not depend on the batch split) of the decode of rows [from, from + count).
   */
  readonly seeds: { readonly noise: number; readonly decode: (from: number, count: number) => number | Rng };
  /** Name of the progress bar and of errors (default 'hyp.sample(n)'). */
  readonly label?: string;
  /** Show a progress bar (default true; the evaluation has its own). */
  readonly progress?: boolean;
}

/** Stage II is needed for edits and for fusing several shots. */
export const needsStage2 = (r: { edits: readonly unknown[]; shots: number }): boolean => r.edits.length > 0 || r.shots > 1;

/** Row r = g·n + j of the output comes from group g; its stochastic code from shot g·k + (j mod k). */
export function rowIndex(G: number, n: number, k: number): { group: Int32Array; shot: Int32Array } {
  const group = new Int32Array(G * n);
  const shot = new Int32Array(G * n);
  for (let g = 0; g < G; g++) {
    for (let j = 0; j < n; j++) {
      group[g * n + j] = g;
      shot[g * n + j] = g * k + (j % k);
    }
  }
  return { group, shot };
}

/** Step 2: ball codes of N images (their semantic codes [N·codeDim]) fused in groups of k → [N / k, d] (caller disposes). */
export function groupCodes(s1: Stage1, s2: Stage2, codes: Float32Array, k: number): tf.Tensor2D {
  const D = s1.config.stage1.codeDim;
  const N = codes.length / D;
  return tf.tidy(() => {
    const h = toBall(s2, tf.tensor2d(codes, [N, D]));
    if (k === 1) return h;
    return tf.concat(Array.from({ length: N / k }, (_, g) => fuseCodes(s2, tf.slice(h, [g * k, 0], [k, -1])))) as tf.Tensor2D;
  });
}

/**
 * The spatial maps of N codes [N·codeDim] (stage I's coarse layouts, which stay out of the ball) averaged in groups
 * of k → [N / k, size²·channels], or undefined when stage I's code has no map (caller disposes).
 */
export function groupMaps(s1: Stage1, codes: Float32Array, k: number): tf.Tensor2D | undefined {
  const D = s1.config.stage1.codeDim;
  if (!spatialCodeWidth(s1.config.stage1)) return undefined;
  return tf.tidy(() => {
    const maps = codeMap(s1.config.stage1, tf.tensor2d(codes, [codes.length / D, D]))!;
    return k === 1 ? maps : (tf.mean(tf.reshape(maps, [-1, k, maps.shape[1]]), 1) as tf.Tensor2D);
  });
}

/** Pool rows for the G·n output rows of a perturbation: group g draws its n with mixSeed(seed, g) (targetIndices). */
function rowTargetIndices(P: number, G: number, n: number, seed: number): tf.Tensor1D {
  const idx = new Int32Array(G * n);
  for (let g = 0; g < G; g++) idx.set(targetIndices(P, n, mixSeed(seed, g)), g * n);
  return tf.tensor1d(idx, 'int32');
}

/** Rows [G·n, ·] of `x`: one row for all, or one per group of n. */
function perRow(x: tf.Tensor2D, G: number, n: number): tf.Tensor2D {
  return tf.tidy(() => (x.shape[0] === 1 ? tf.tile(x, [G * n, 1]) : tf.gather(x, rowIndex(G, n, 1).group)) as tf.Tensor2D);
}

/**
 * Step 3, one edit on the rows h [G·n, d] (groups of n consecutive rows). `other`: for a perturbation, the target of
 * every row [G·n, d] (undefined: random targets); for an interpolation, the other code [1, d] or one per group [G, d].
 */
function applyEdit(s2: Stage2, h: tf.Tensor2D, e: PipelineEdit, n: number, other?: tf.Tensor2D): tf.Tensor2D {
  const G = h.shape[0] / n;
  if (e.kind === 'perturb') {
    return tf.tidy(
      () =>
        tf.concat(
          Array.from({ length: G }, (_, g) => {
            const rows = tf.slice(h, [g * n, 0], [n, -1]);
            const seed = mixSeed(e.seed, g);
            const toward = other && tf.slice(other, [g * n, 0], [n, -1]);
            return e.distance === 'auto'
              ? perturbCodesAutoUnchecked(s2, rows, { radius: e.radius, seed, toward, turnRadius: e.turnRadius })
              : perturbCodesUnchecked(s2, rows, { radius: e.radius, distance: e.distance, seed, toward });
          }),
        ) as tf.Tensor2D,
    );
  }
  const o = other as tf.Tensor2D;
  return tf.tidy(() => {
    const b = perRow(o, G, n);
    if (e.radius !== undefined) return interpolateCodesUnchecked(s2, h, b, e.t, e.radius);
    if (s2.config.stage2.space === 'hyperbolic') return geodesic(e.t, h, b, s2.config.stage2.c) as tf.Tensor2D;
    return tf.add(h, tf.mul(tf.sub(b, h), e.t)) as tf.Tensor2D;
  });
}

/**
 * One edit's effect on the rows' spatial maps [G·n, ·] (stage I's coarse layouts, which stay out of the ball):
 *   perturb      toward image codes: each map moves toward its target image's map by the fraction its code turned
 *                toward the target (towardFraction), so the radius decides how much of the layout changes too;
 *                toward random points (no image, no map) it stays
 *   interpolate  blends toward the other image's map by t
 * `before`/`after`: the rows' ball codes around the edit; `target`/`targetMap`: each row's target and its map.
 */
function editMap(
  maps: tf.Tensor2D,
  e: PipelineEdit,
  before: tf.Tensor2D,
  after: tf.Tensor2D,
  target?: tf.Tensor2D,
  targetMap?: tf.Tensor2D,
): tf.Tensor2D {
  if (!targetMap) return maps.clone();
  return tf.tidy(() => {
    const f = e.kind === 'perturb' ? tf.expandDims(towardFraction(before, after, target!), 1) : e.t;
    return tf.add(maps, tf.mul(tf.sub(targetMap, maps), f)) as tf.Tensor2D;
  });
}

export interface Codes {
  /** Codes of the groups before any edit [G, d] (stage II present). */
  source?: tf.Tensor2D;
  /** Codes of the n outputs of every group [G·n, d] (stage II present). */
  edited?: tf.Tensor2D;
  /** Semantic codes the decoder is conditioned on [G·n, codeDim]. */
  z: tf.Tensor2D;
}

/** Steps 2–3 (+ fromBall): the codes of G·n outputs from the shots' semantic codes [N·codeDim] (step 1). Tensors are the caller's. */
export function outputCodes(m: HypModels, r: Pick<HypRequest, 'shots' | 'n' | 'edits'>, shotCodes: Float32Array): Codes {
  const { shots: k, n } = r;
  const D = m.s1.config.stage1.codeDim;
  const G = shotCodes.length / D / k;
  const { group } = rowIndex(G, n, k);
  if (!m.s2) return { z: tf.tidy(() => tf.gather(tf.tensor2d(shotCodes, [G * k, D]), group)) as tf.Tensor2D };
  const s2 = m.s2;
  for (const e of r.edits) {
    if (e.kind === 'perturb') checkCodeRadius('hyp.perturb(radius)', s2, e.radius);
    else if (e.radius !== undefined) checkCodeRadius('hyp.interpolate(radius)', s2, e.radius);
  }
  const source = groupCodes(m.s1, s2, shotCodes, k);
  const G2 = source.shape[0];
  // per edit: the other codes (interpolate) or every row's target (perturb toward images), and their maps per row
  const others: (tf.Tensor2D | undefined)[] = [];
  const otherMaps: (tf.Tensor2D | undefined)[] = [];
  const maps = groupMaps(m.s1, shotCodes, k);
  let edited: tf.Tensor2D | undefined;
  let z: tf.Tensor2D | undefined;
  try {
    r.edits.forEach((e, i) => {
      if (e.kind === 'interpolate') {
        const codes = encodeAll(m.s1, e.other);
        others[i] = groupCodes(m.s1, s2, codes, e.otherShots);
        const om = groupMaps(m.s1, codes, e.otherShots);
        otherMaps[i] = om && perRow(om, G2, n);
        om?.dispose();
      }
      if (e.kind === 'perturb' && e.toward === 'seen') {
        const pool = m.pool ?? targetPoolCodes(m.s1);
        const [poolBall, poolMaps] = [groupCodes(m.s1, s2, pool, 1), groupMaps(m.s1, pool, 1)];
        const idx = rowTargetIndices(poolBall.shape[0], G2, n, e.seed);
        others[i] = tf.gather(poolBall, idx) as tf.Tensor2D;
        otherMaps[i] = poolMaps && (tf.gather(poolMaps, idx) as tf.Tensor2D);
        tf.dispose([poolBall, idx, ...(poolMaps ? [poolMaps] : [])]);
      }
    });
    const out = tf.tidy(() => {
      let h = tf.gather(source, group) as tf.Tensor2D;
      let mp = maps && (tf.gather(maps, group) as tf.Tensor2D);
      r.edits.forEach((e, i) => {
        const next = applyEdit(s2, h, e, n, others[i]);
        if (mp) mp = editMap(mp, e, h, next, others[i], otherMaps[i]);
        h = next;
      });
      return mp ? [h, fromBall(s2, h, mp)] : [h, fromBall(s2, h)];
    });
    [edited, z] = out;
    return { source, edited, z };
  } catch (err) {
    source.dispose();
    edited?.dispose();
    throw err;
  } finally {
    tf.dispose([...others, ...otherMaps, maps].filter((t): t is tf.Tensor2D => t !== undefined));
  }
}

export interface Noise {
  x: tf.Tensor4D;
  startIndex?: number;
}

/** Step 4: the stochastic code of every output row [G·n, 32, 32, 1]; ticks the bar per inverted batch. */
export function stochasticCodes(s1: Stage1, r: HypRequest, shotCodes: Float32Array, bar?: Progress): Noise {
  const N = r.pixels.length / PX;
  const { shot } = rowIndex(N / r.shots, r.n, r.shots);
  const x = tf.tensor4d(r.pixels, [N, SIDE, SIDE, 1]);
  try {
    if (r.strength !== undefined) {
      const strength = r.strength;
      return tf.tidy(() => {
        const enc = stochasticEncode(tf.gather(x, shot), s1.schedule, { strength, steps: r.steps, seed: r.seeds.noise });
        return { x: enc.x as tf.Tensor4D, startIndex: enc.startIndex };
      });
    }
    const D = s1.config.stage1.codeDim;
    const parts: tf.Tensor[] = [];
    try {
      for (let i = 0; i < N; i += r.batch) {
        parts.push(
          tf.tidy(() => {
            const xi = tf.slice(x, [i, 0, 0, 0], [Math.min(r.batch, N - i), -1, -1, -1]);
            const zi = tf.tensor2d(shotCodes.subarray(i * D, (i + xi.shape[0]) * D), [xi.shape[0], D]);
            return stochasticCode(s1, xi, zi, { steps: r.steps }).noise;
          }),
        );
        bar?.tick(r.steps, { stage: 'invert' });
      }
      return { x: tf.tidy(() => tf.gather(parts.length === 1 ? parts[0] : tf.concat(parts), shot)) as tf.Tensor4D };
    } finally {
      tf.dispose(parts);
    }
  } finally {
    x.dispose();
  }
}

/** Step 5: DDIM decode of rows [from, to) → pixels; ticks the bar once per step. */
export function decodeRows(
  s1: Stage1,
  z: tf.Tensor2D,
  noise: Noise,
  from: number,
  to: number,
  r: HypRequest,
  bar?: Progress,
): Float32Array {
  return tf.tidy(() => {
    const den = r.guidance === 1 ? stage1Denoiser(s1) : guided(stage1Denoiser(s1), { weight: r.guidance, nullCond: nullCode(s1) });
    const zs = tf.slice(z, [from, 0], [to - from, -1]);
    const xs = tf.slice(noise.x, [from, 0, 0, 0], [to - from, -1, -1, -1]);
    let out: Float32Array | undefined;
    const d = r.seeds.decode(from, to - from);
    const o = {
      steps: r.steps,
      cond: zs,
      eta: r.eta,
      ...(typeof d === 'number' ? { seed: d } : { rng: d }),
      clipX0: 1,
      startIndex: noise.startIndex,
    };
    for (const step of ddimSteps(den, xs, s1.schedule, o)) {
      bar?.tick(1, { stage: 'decode', t: step.t });
      if (step.index === 0) out = tf.clipByValue(step.x, -1, 1).dataSync() as Float32Array;
    }
    if (!out) throw new ValueError('hyp.sample', { expected: 'at least one DDIM step', received: '0 steps' });
    return out;
  });
}

/** Steps 1–5: G·n images (pixels [G·n, 32, 32, 1] in [−1, 1]), with one progress bar for the whole call. */
export function generateImages(m: HypModels, r: HypRequest): Float32Array {
  const N = r.pixels.length / PX;
  if (!Number.isInteger(N / r.shots))
    throw new ShapeError(r.label ?? 'hyp.sample', { expected: `a multiple of ${r.shots} images (shots per group)`, received: `${N}` });
  const rows = (N / r.shots) * r.n;
  const B = r.batch;
  const decodeSteps = r.strength === undefined ? r.steps : Math.floor(r.steps * r.strength + 1e-9);
  const total = (r.strength === undefined ? r.steps * Math.ceil(N / B) : 0) + decodeSteps * Math.ceil(rows / B);
  const bar = r.progress === false ? undefined : startProgress(r.label ?? `hyp.sample(${r.n})`, total);
  let codes: Codes | undefined;
  let noise: Noise | undefined;
  try {
    const shotCodes = encodeAll(m.s1, r.pixels);
    codes = outputCodes(m, r, shotCodes);
    noise = stochasticCodes(m.s1, r, shotCodes, bar);
    const out = new Float32Array(rows * PX);
    for (let i = 0; i < rows; i += B) out.set(decodeRows(m.s1, codes.z, noise, i, Math.min(rows, i + B), r, bar), i * PX);
    return out;
  } finally {
    bar?.done();
    for (const t of [codes?.z, codes?.source, codes?.edited, noise?.x]) t?.dispose();
  }
}
