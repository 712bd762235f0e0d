/**
 * Scores one class's generated images: FD and KID against the class's reference features, and diversity,
 * identity, recognisability, copy distance and the share of blank images (see sdk/metrics for each formula).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Evaluator } from '../../models/evaluator';
import { blankShare, copyDistance, diversity, frechetDistance, identity, kernelInceptionDistance, recognisability } from '../../metrics';

export interface FewShotScores {
  fd: number;
  kid: number;
  diversity: number;
  identity: number;
  recognisability: number;
  copyDistance: number;
  /** Share of generated images with no ink (sdk/metrics/blank.ts); absent (—) in reports written before it. */
  blank: number;
}

export const SCORE_KEYS: (keyof FewShotScores)[] = ['fd', 'kid', 'diversity', 'identity', 'recognisability', 'copyDistance', 'blank'];

export interface ClassContext {
  classId: number;
  /** False when the evaluator does not know the class: recognisability is then NaN (shown as —). */
  recognisable?: boolean;
  side: number;
  /** The inputs' pixels and penultimate features. */
  inputs: Float32Array;
  inputFeatures: { data: Float32Array; rows: number; cols: number };
  referenceFeatures: { data: Float32Array; rows: number; cols: number };
}

/** Repeats each row m times (row i of the result pairs with generated image i). */
function repeatRows(data: Float32Array, rows: number, cols: number, m: number): { data: Float32Array; rows: number; cols: number } {
  const out = new Float32Array(rows * m * cols);
  for (let i = 0; i < rows; i++) for (let k = 0; k < m; k++) out.set(data.subarray(i * cols, (i + 1) * cols), (i * m + k) * cols);
  return { data: out, rows: rows * m, cols };
}

export function scoreClass(ev: Evaluator, ctx: ClassContext, generated: Float32Array, outputsPerInput: number): FewShotScores {
  const f = ev.features(generated, { layers: true });
  try {
    const gen = { data: f.penultimate.dataSync() as Float32Array, rows: f.penultimate.shape[0], cols: f.penultimate.shape[1] };
    const p = ctx.side * ctx.side;
    const nIn = ctx.inputFeatures.rows;
    return {
      fd: frechetDistance(gen, ctx.referenceFeatures),
      kid: kernelInceptionDistance(gen, ctx.referenceFeatures).mean,
      diversity: diversity(f.layers),
      identity: identity(gen, repeatRows(ctx.inputFeatures.data, nIn, ctx.inputFeatures.cols, outputsPerInput)),
      recognisability: ctx.recognisable === false ? NaN : recognisability(f.logits, ctx.classId),
      copyDistance: copyDistance({ data: generated, rows: gen.rows, cols: p }, repeatRows(ctx.inputs, nIn, p, outputsPerInput)),
      blank: blankShare({ data: generated, rows: gen.rows, cols: p }),
    };
  } finally {
    tf.dispose([f.penultimate, f.logits, ...f.layers]);
  }
}

/** Mean of each score over a list. */
export function meanScores(list: FewShotScores[]): FewShotScores {
  const out = {} as FewShotScores;
  for (const k of SCORE_KEYS) out[k] = list.reduce((s, x) => s + x[k], 0) / list.length;
  return out;
}

/** Sample standard deviation of each score (0 for a single entry). */
export function stdScores(list: FewShotScores[]): FewShotScores {
  const mu = meanScores(list);
  const out = {} as FewShotScores;
  for (const k of SCORE_KEYS)
    out[k] = list.length < 2 ? 0 : Math.sqrt(list.reduce((s, x) => s + (x[k] - mu[k]) ** 2, 0) / (list.length - 1));
  return out;
}
