/**
 * The geodesic walk's computation (tensor work only, no DOM; the page and Node run it alike).
 *   prepare  z_a, z_b = E(a, b); x_T^a, x_T^b = DDIM-invert(a | z_a), (b | z_b) (cached); h_a, h_b = toBall(z) in the
 *            hyperbolic stage II; the disk's plane through 0, h_a, h_b (it holds their whole geodesic).
 *   update   h(t) = γ_{h_a→h_b}(t) = h_a ⊕ (t ⊗ ((−h_a) ⊕ h_b))  (sdk/hyperbolic geodesic, no rescaling: the point stays
 *            on the drawn arc), x_T(t) = slerp(x_T^a, x_T^b, t) (Diff-AE's interpolation of stochastic codes),
 *            x(t) = DDIM(x_T(t) | fromBall(h(t))) with guidance w. t = 0 and 1 reconstruct a and b.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError, describe } from '../core/errors';
import { geodesic } from '../hyperbolic/geodesic';
import { slerp } from '../diffusion/slerp';
import { Stage1, codeMap, encodeSemantic } from '../models/hypdae/stage1';
import { Stage2, fromBall, toBall } from '../models/hypdae/stage2';
import { decodeCodes, stochasticCode } from '../models/hypdae/generate';
import { SIDE, checkImage, diskPlane, planeCoords } from './compute-common';

export interface WalkModels {
  readonly stage1: Stage1;
  readonly ball: Stage2;
}

export interface WalkSettings {
  /** DDIM steps of the cached inversions and of every decode. */
  readonly steps: number;
  /** Classifier-free guidance weight of the decode. */
  readonly guidance: number;
}

export const WALK_DEFAULTS: WalkSettings = Object.freeze({ steps: 6, guidance: 2 });

export interface PreparedWalk {
  /** Cached DDIM inversions [2, 32, 32, 1] of a and b. */
  readonly noise: tf.Tensor4D;
  /** Codes [2, d] of a and b in the ball. */
  readonly codes: tf.Tensor2D;
  /** Spatial maps [2, ·] of a's and b's codes (stage I's coarse layouts, outside the ball), when stage I has them. */
  readonly maps?: tf.Tensor2D;
  readonly plane: tf.Tensor2D;
  /** Disk coordinates of h_a and h_b. */
  readonly ends: number[][];
}

export interface WalkUpdate {
  /** The decoded image at t (32 × 32 in [−1, 1]). */
  readonly image: Float32Array;
  /** Disk coordinates of h(t). */
  readonly point: number[];
  readonly t: number;
}

export function prepareWalk(m: WalkModels, a: Float32Array, b: Float32Array, s: WalkSettings = WALK_DEFAULTS): PreparedWalk {
  checkImage('prepareWalk(a)', a);
  checkImage('prepareWalk(b)', b);
  return tf.tidy(() => {
    const x = tf.concat([tf.tensor4d(a, [1, SIDE, SIDE, 1]), tf.tensor4d(b, [1, SIDE, SIDE, 1])]);
    const z = encodeSemantic(m.stage1, x);
    const { noise } = stochasticCode(m.stage1, x, z, { method: 'invert', steps: s.steps });
    const codes = toBall(m.ball, z);
    const plane = diskPlane(tf.slice(codes, [0, 0], [1, -1]) as tf.Tensor2D, tf.slice(codes, [1, 0], [1, -1]) as tf.Tensor2D);
    return { noise, codes, maps: codeMap(m.stage1.config.stage1, z), plane, ends: planeCoords(codes, plane) };
  });
}

export function disposeWalk(p: PreparedWalk): void {
  tf.dispose([p.noise, p.codes, p.plane, ...(p.maps ? [p.maps] : [])]);
}

function checkT(t: number): void {
  if (typeof t !== 'number' || !(t >= 0 && t <= 1))
    throw new ValueError('walkUpdate(t)', { expected: 'a fraction t in [0, 1]', received: describe(t) });
}

/** The codes at fractions ts [k, d] of the ball (plain geodesic points). */
function walkCodes(m: WalkModels, p: PreparedWalk, ts: readonly number[]): tf.Tensor2D {
  return tf.tidy(() => {
    const ha = tf.slice(p.codes, [0, 0], [1, -1]);
    const hb = tf.slice(p.codes, [1, 0], [1, -1]);
    return tf.concat(ts.map((t) => geodesic(t, ha, hb, m.ball.config.stage2.c))) as tf.Tensor2D;
  });
}

/** Rows m_a + t·(m_b − m_a) [k, ·] of the two rows of `ends` [2, ·], one per fraction t. */
function lerpRows(ends: tf.Tensor2D, ts: readonly number[]): tf.Tensor2D {
  const a = tf.slice(ends, [0, 0], [1, -1]);
  const step = tf.sub(tf.slice(ends, [1, 0], [1, -1]), a);
  return tf.add(a, tf.mul(tf.tensor2d(ts as number[], [ts.length, 1]), step)) as tf.Tensor2D;
}

/** Decoded images (k × 1024) and disk points at fractions ts, in one batch. */
export async function walkImages(
  m: WalkModels,
  p: PreparedWalk,
  ts: readonly number[],
  s: WalkSettings = WALK_DEFAULTS,
): Promise<{ images: Float32Array; points: number[][] }> {
  ts.forEach(checkT);
  const h = walkCodes(m, p, ts);
  const points = planeCoords(h, p.plane);
  const out = tf.tidy(() => {
    const na = tf.slice(p.noise, [0, 0, 0, 0], [1, -1, -1, -1]);
    const nb = tf.slice(p.noise, [1, 0, 0, 0], [1, -1, -1, -1]);
    const noise = tf.concat(ts.map((t) => slerp(na, nb, t)));
    // A spatial map (a coarse layout, outside the ball) blends linearly from a's to b's: m_a + t·(m_b − m_a).
    const maps = p.maps && lerpRows(p.maps, ts);
    return decodeCodes(m.stage1, fromBall(m.ball, h, maps), { noise, steps: s.steps, guidance: s.guidance, eta: 0 });
  });
  h.dispose();
  try {
    return { images: (await out.data()) as Float32Array, points };
  } finally {
    out.dispose();
  }
}

/** One update of the slider: the image at t and where h(t) is on the disk. */
export async function walkUpdate(m: WalkModels, p: PreparedWalk, t: number, s: WalkSettings = WALK_DEFAULTS): Promise<WalkUpdate> {
  const { images, points } = await walkImages(m, p, [t], s);
  return { image: images, point: points[0], t };
}
