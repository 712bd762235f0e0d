/**
 * What a `hyp` builder's terminal call computes, on loaded models and loaded pixels (all tensor work is here).
 *   1. z = E(x) for every input image (stage I's semantic encoder), in batches.
 *   2. Group codes: with k shots per group, h = toBall(z) fused by the hyperbolic mean (fuseCodes); k = 1 and
 *      no edits: z itself (stage II is then not needed: the decode is the plain Diff-AE reconstruction path).
 *   3. n output rows per group, each edit applied in order (perturb draws one target per row: the ball code of a
 *      real seen-class training image, sdk/models/hypdae/target-pool.ts, or with toward 'random' a random point).
 *   4. z' = fromBall(h') and the stochastic code of each row: DDIM inversion of its source shot (default;
 *      output j of a group uses shot j mod k), or with `strength` s a fresh stochastic encoding of that shot per row.
 *   5. x = DDIM(x_T | z') with classifier-free guidance, in batches, one progress bar for the whole call.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, ValueError, describe } from '../core/errors';
import { progress as startProgress, type Progress } from '../core/progress';
import { RowRng } from '../core/rng';
import { ddimSteps } from '../diffusion/ddim';
import { guided } from '../diffusion/guidance';
import { stochasticEncode } from '../diffusion/sdedit';
import { geodesic } from '../hyperbolic/geodesic';
import { checkRadius } from '../hyperbolic/project';
import { Stage1, nullCode, stage1Denoiser } from '../models/hypdae/stage1';
import { Stage2, fromBall, toBall } from '../models/hypdae/stage2';
import { fuseCodes, interpolateCodes, perturbCodes, perturbCodesAuto } from '../models/hypdae/edits';
import { stochasticCode } from '../models/hypdae/generate';
import { encodeAll } from '../models/hypdae/train-stage2';
import { PerturbTargets, drawTargets, targetPoolCodes } from '../models/hypdae/target-pool';
import { mixSeed } from '../pipelines/eval/method';
import type { ImageSource } from './input';
import { SIDE } from './input';

export type Edit =
  | { readonly kind: 'perturb'; readonly radius: number; readonly distance: number | 'auto'; readonly toward: PerturbTargets | 'auto'; readonly seed?: number }
  | { readonly kind: 'interpolate'; readonly other: ImageSource; readonly otherShots: number; readonly t: number; readonly radius?: number };

/** Everything a builder holds (frozen plain data; the pixels stay inside the sources). */
export interface HypPlan {
  readonly source: ImageSource;
  /** Images fused into one code (consecutive groups of `shots`). */
  readonly shots: number;
  /** Outputs per group when the terminal call gives no count. */
  readonly perOutput: number;
  readonly edits: readonly Edit[];
  /** Stochastic encoding strength in (0, 1]; undefined = DDIM inversion. */
  readonly strength?: number;
  readonly steps?: number;
  readonly guidance?: number;
  readonly seed: number;
}

export interface Models { s1: Stage1; s2?: Stage2 }

/** Stage II is needed for edits, for fusing several shots, and for embedding. */
export const needsStage2 = (p: HypPlan): boolean => p.edits.length > 0 || p.shots > 1;

const PX = SIDE * SIDE;

/** Row r = g·n + j of the output comes from group g; its stochastic code from shot g·k + (j mod k). */
function rowIndex(G: number, n: number, k: number): { group: Int32Array; shot: Int32Array } {
  const group = new Int32Array(G * n);
  const shot = new Int32Array(G * n);
  for (let g = 0; g < G; g++) for (let j = 0; j < n; j++) { group[g * n + j] = g; shot[g * n + j] = g * k + (j % k); }
  return { group, shot };
}

/** Ball codes of N images (their semantic codes [N·codeDim]) fused in groups of k → [N / k, d] (caller disposes). */
function groupCodes(m: Models, codes: Float32Array, k: number): tf.Tensor2D {
  const s2 = m.s2 as Stage2;
  const N = codes.length / m.s1.config.stage1.codeDim;
  return tf.tidy(() => {
    const h = toBall(s2, tf.tensor2d(codes, [N, m.s1.config.stage1.codeDim]));
    if (k === 1) return h;
    return tf.concat(Array.from({ length: N / k }, (_, g) => fuseCodes(s2, tf.slice(h, [g * k, 0], [k, -1])))) as tf.Tensor2D;
  });
}

function checkEditRadius(where: string, s2: Stage2, R: number): void {
  if (s2.config.stage2.space === 'hyperbolic') checkRadius(where, R, s2.config.stage2.c);
  else if (!(R > 0) || !Number.isFinite(R)) throw new ValueError(where, { expected: 'a radius 0 < R < ∞ (‖h‖ in the Euclidean twin)', received: describe(R) });
}

/** Applies one edit to the rows h [G·n, d] (groups of n consecutive rows); returns new rows. */
function applyEdit(s2: Stage2, h: tf.Tensor2D, e: Edit, i: number, G: number, n: number, seed: number, other?: tf.Tensor2D): tf.Tensor2D {
  if (e.kind === 'perturb') {
    checkEditRadius('hyp.perturb(radius)', s2, e.radius);
    const base = e.seed ?? mixSeed(seed, 1 + i);
    return tf.tidy(() => tf.concat(Array.from({ length: G }, (_, g) => {
      const rows = tf.slice(h, [g * n, 0], [n, -1]);
      const toward = other && drawTargets(other, n, mixSeed(base, g)); // ball codes of the target pool, one per row
      return e.distance === 'auto'
        ? perturbCodesAuto(s2, rows, { radius: e.radius, seed: mixSeed(base, g), toward })
        : perturbCodes(s2, rows, { radius: e.radius, distance: e.distance, seed: mixSeed(base, g), toward });
    })) as tf.Tensor2D);
  }
  if (e.radius !== undefined) checkEditRadius('hyp.interpolate(radius)', s2, e.radius);
  const o = other as tf.Tensor2D;
  return tf.tidy(() => {
    // one other code for all rows, or one per group
    const b = o.shape[0] === 1 ? tf.broadcastTo(o, h.shape) : tf.gather(o, rowIndex(G, n, 1).group);
    if (e.radius !== undefined) return interpolateCodes(s2, h, b, e.t, e.radius);
    if (s2.config.stage2.space === 'hyperbolic') return geodesic(e.t, h, b, s2.config.stage2.c) as tf.Tensor2D;
    return tf.add(h, tf.mul(tf.sub(b, h), e.t)) as tf.Tensor2D;
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

/**
 * Steps 2–3 (+ fromBall): the codes of G·n outputs from the semantic codes of the N = G·k shots
 * [N·codeDim] (step 1, `encodeAll`). Tensors are the caller's.
 */
export function outputCodes(m: Models, p: HypPlan, n: number, shotCodes: Float32Array, others: Float32Array[]): Codes {
  const k = p.shots;
  const D = m.s1.config.stage1.codeDim;
  const G = shotCodes.length / D / k;
  const { group } = rowIndex(G, n, k);
  if (!m.s2) return { z: tf.tidy(() => tf.gather(tf.tensor2d(shotCodes, [G * k, D]), group)) as tf.Tensor2D };
  const s2 = m.s2;
  const source = groupCodes(m, shotCodes, k);
  const otherCodes: tf.Tensor2D[] = [];
  let edited: tf.Tensor2D | undefined;
  try {
    p.edits.forEach((e, i) => {
      if (e.kind === 'interpolate') otherCodes[i] = groupCodes(m, encodeAll(m.s1, others[i]), e.otherShots);
      if (e.kind === 'perturb' && e.toward === 'seen') otherCodes[i] = groupCodes(m, targetPoolCodes(m.s1), 1);
    });
    edited = tf.tidy(() => {
      let h = tf.gather(source, group) as tf.Tensor2D;
      p.edits.forEach((e, i) => { h = applyEdit(s2, h, e, i, G, n, p.seed, otherCodes[i]); });
      return h;
    });
    return { source, edited, z: fromBall(s2, edited) };
  } catch (err) {
    source.dispose();
    edited?.dispose();
    throw err;
  } finally {
    tf.dispose(otherCodes.filter(Boolean));
  }
}

interface Noise { x: tf.Tensor4D; startIndex?: number }

/** Step 4: the stochastic code of every output row [G·n, 32, 32, 1] (shotCodes: the shots' semantic codes). */
function stochasticCodes(m: Models, p: HypPlan, n: number, pixels: Float32Array, shotCodes: Float32Array, steps: number, B: number, bar: Progress): Noise {
  const N = pixels.length / PX;
  const { shot } = rowIndex(N / p.shots, n, p.shots);
  const x = tf.tensor4d(pixels, [N, SIDE, SIDE, 1]);
  try {
    if (p.strength !== undefined) {
      const strength = p.strength;
      return tf.tidy(() => {
        const enc = stochasticEncode(tf.gather(x, shot), m.s1.schedule, { strength, steps, seed: mixSeed(p.seed, 0) });
        return { x: enc.x as tf.Tensor4D, startIndex: enc.startIndex };
      });
    }
    const parts: tf.Tensor[] = [];
    try {
      for (let i = 0; i < N; i += B) {
        parts.push(tf.tidy(() => {
          const xi = tf.slice(x, [i, 0, 0, 0], [Math.min(B, N - i), -1, -1, -1]);
          const D = m.s1.config.stage1.codeDim;
          const zi = tf.tensor2d(shotCodes.subarray(i * D, (i + xi.shape[0]) * D), [xi.shape[0], D]);
          return stochasticCode(m.s1, xi, zi, { steps }).noise;
        }));
        bar.tick(steps, { stage: 'invert' });
      }
      return { x: tf.tidy(() => tf.gather(parts.length === 1 ? parts[0] : tf.concat(parts), shot)) as tf.Tensor4D };
    } finally {
      tf.dispose(parts);
    }
  } finally {
    x.dispose();
  }
}

export interface SampleSettings { steps: number; guidance: number; eta: number }

export function sampleSettings(s1: Stage1, p: HypPlan): SampleSettings {
  return { steps: p.steps ?? s1.config.sample.steps, guidance: p.guidance ?? s1.config.sample.guidance, eta: s1.config.sample.eta };
}

/** Step 5: DDIM decode of rows [from, to) → pixels; ticks the bar once per step. */
function decodeRows(s1: Stage1, z: tf.Tensor2D, noise: Noise, from: number, to: number, o: SampleSettings & { seed: number }, bar: Progress): Float32Array {
  return tf.tidy(() => {
    const den = o.guidance === 1 ? stage1Denoiser(s1) : guided(stage1Denoiser(s1), { weight: o.guidance, nullCond: nullCode(s1) });
    const zs = tf.slice(z, [from, 0], [to - from, -1]);
    const xs = tf.slice(noise.x, [from, 0, 0, 0], [to - from, -1, -1, -1]);
    let out: Float32Array | undefined;
    for (const step of ddimSteps(den, xs, s1.schedule, { steps: o.steps, cond: zs, eta: o.eta, rng: new RowRng(o.seed, from, to - from), clipX0: 1, startIndex: noise.startIndex })) {
      bar.tick(1, { stage: 'decode', t: step.t });
      if (step.index === 0) out = tf.clipByValue(step.x, -1, 1).dataSync() as Float32Array;
    }
    if (!out) throw new ValueError('hyp.sample', { expected: 'at least one DDIM step', received: '0 steps' });
    return out;
  });
}

/** Steps 1–5: G·n images (pixels [G·n, 32, 32, 1] in [−1, 1]). */
export function generate(m: Models, p: HypPlan, n: number, pixels: Float32Array, others: Float32Array[], B: number): Float32Array {
  const N = pixels.length / PX;
  if (!Number.isInteger(N / p.shots)) throw new ShapeError('hyp.sample', { expected: `a multiple of ${p.shots} images (shots per group)`, received: `${N}` });
  const G = N / p.shots;
  const o = { ...sampleSettings(m.s1, p), seed: p.seed };
  const rows = G * n;
  const decodeSteps = p.strength === undefined ? o.steps : Math.floor(o.steps * p.strength + 1e-9);
  const bar = startProgress(`hyp.sample(${n})`, (p.strength === undefined ? o.steps * Math.ceil(N / B) : 0) + decodeSteps * Math.ceil(rows / B));
  const shotCodes = encodeAll(m.s1, pixels);
  const codes = outputCodes(m, p, n, shotCodes, others);
  let noise: Noise | undefined;
  try {
    noise = stochasticCodes(m, p, n, pixels, shotCodes, o.steps, B, bar);
    const out = new Float32Array(rows * PX);
    for (let i = 0; i < rows; i += B) out.set(decodeRows(m.s1, codes.z, noise, i, Math.min(rows, i + B), o, bar), i * PX);
    return out;
  } finally {
    bar.done();
    for (const t of [codes.z, codes.source, codes.edited, noise?.x]) t?.dispose();
  }
}
