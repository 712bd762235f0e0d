/**
 * The radius explorer's computation (tensor work only, no DOM): the same code runs in the page and in Node, so the
 * agreement test compares like with like.
 *   prepare   z = E(x), x_T = DDIM-invert(x | z) with `steps` steps (cached per input), h = toBall(z) in the ball and
 *             in its Euclidean twin, and the plane of the disk: u₁ = h/‖h‖, u₂ = the unit part of a second code
 *             orthogonal to u₁ (Gram–Schmidt), per space.
 *   update    target e = the point of the plane at angle φ, put at radius R; per space two codes:
 *             rescale(R, h) (the input at R) and perturbCodesAuto(h → e at R) (the 'auto' step toward e);
 *             the four codes decode together: x = DDIM(x_T | fromBall(h')) with guidance w.
 * Geodesics between points of a plane through the origin stay in that plane, so the disk shows the codes exactly
 * (no projection): coordinates ⟨p, u₁⟩, ⟨p, u₂⟩.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError, describe } from '../core/errors';
import { SIDE, checkImage, diskPlane } from './compute-common';
import { Stage1, codeMap, encodeSemantic } from '../models/hypdae/stage1';
import { Stage2, fromBall, toBall } from '../models/hypdae/stage2';
import { codeRadii, perturbCodesAuto, rescaleCodes } from '../models/hypdae/edits';
import { decodeCodes, stochasticCode } from '../models/hypdae/generate';

export interface RadiusModels {
  stage1: Stage1;
  ball: Stage2;
  twin: Stage2;
}

export interface RadiusSettings {
  /** DDIM steps of the cached inversion and of every decode. */
  readonly steps: number;
  /** Classifier-free guidance weight of the decode. */
  readonly guidance: number;
}

/** The widget's defaults: fewer DDIM steps than the shipped 20 (speed), the shipped guidance. */
export const RADIUS_DEFAULTS: RadiusSettings = Object.freeze({ steps: 6, guidance: 2 });

export interface PreparedInput {
  /** Cached DDIM inversion x_T [1, 32, 32, 1] of the input (reused by every update). */
  readonly noise: tf.Tensor4D;
  readonly ball: tf.Tensor2D;
  readonly twin: tf.Tensor2D;
  /** The spatial map [1, ·] of the input's code (stage I's coarse layout, outside the ball), when stage I has one. */
  readonly map?: tf.Tensor2D;
  /** Plane basis [2, d] of each space (rows u₁, u₂). */
  readonly planes: { readonly ball: tf.Tensor2D; readonly twin: tf.Tensor2D };
  /** Radius of the input's code in each space (dist0 in the ball, ‖h‖ in the twin). */
  readonly radius: { readonly ball: number; readonly twin: number };
}

export interface RadiusUpdate {
  /** 4 images [4 × 32 × 32] in [−1, 1]: ball at R, ball toward e, twin at R, twin toward e. */
  readonly images: Float32Array;
  /** Plane coordinates [x, y] of: the input at R, the edited code, the target, per space. */
  readonly disk: { readonly ball: number[][]; readonly twin: number[][] };
}

/** Codes, cached inversion and disk planes of `image`; `other` (a second image) fixes the plane's second axis. */
export function prepareInput(
  m: RadiusModels,
  image: Float32Array,
  other: Float32Array,
  s: RadiusSettings = RADIUS_DEFAULTS,
): PreparedInput {
  checkImage('prepareInput(image)', image);
  checkImage('prepareInput(other)', other);
  return tf.tidy(() => {
    const x = tf.tensor4d(image, [1, SIDE, SIDE, 1]);
    const zs = encodeSemantic(m.stage1, tf.concat([x, tf.tensor4d(other, [1, SIDE, SIDE, 1])]));
    const z = tf.slice(zs, [0, 0], [1, -1]);
    const { noise } = stochasticCode(m.stage1, x, z, { method: 'invert', steps: s.steps });
    const hb = toBall(m.ball, zs);
    const ht = toBall(m.twin, zs);
    const ball = tf.slice(hb, [0, 0], [1, -1]) as tf.Tensor2D;
    const twin = tf.slice(ht, [0, 0], [1, -1]) as tf.Tensor2D;
    const planes = {
      ball: diskPlane(ball, tf.slice(hb, [1, 0], [1, -1]) as tf.Tensor2D),
      twin: diskPlane(twin, tf.slice(ht, [1, 0], [1, -1]) as tf.Tensor2D),
    };
    const radius = { ball: codeRadii(m.ball, ball).dataSync()[0], twin: codeRadii(m.twin, twin).dataSync()[0] };
    return { noise, ball, twin, map: codeMap(m.stage1.config.stage1, z as tf.Tensor2D), planes, radius };
  });
}

export function disposePrepared(p: PreparedInput): void {
  tf.dispose([p.noise, p.ball, p.twin, p.planes.ball, p.planes.twin, ...(p.map ? [p.map] : [])]);
}

/** The target of angle φ in a plane [2, d], as a direction [1, d] (its radius is set by the edit). */
function direction(planeRows: tf.Tensor2D, angle: number): tf.Tensor2D {
  return tf.matMul(tf.tensor2d([[Math.cos(angle), Math.sin(angle)]]), planeRows) as tf.Tensor2D;
}

function editCodes(
  s: Stage2,
  h: tf.Tensor2D,
  planeRows: tf.Tensor2D,
  R: number,
  angle: number,
): { codes: tf.Tensor2D; target: tf.Tensor2D } {
  const target = rescaleCodes(s, tf.mul(direction(planeRows, angle), 0.5), R);
  const atR = rescaleCodes(s, h, R);
  const moved = perturbCodesAuto(s, h, { radius: R, seed: 0, toward: target });
  return { codes: tf.concat([atR, moved]) as tf.Tensor2D, target };
}

/** The codes of one update (ball at R, ball edited, twin at R, twin edited) and the disk coordinates. */
export function radiusCodes(m: RadiusModels, p: PreparedInput, R: number, angle: number): { z: tf.Tensor2D; disk: RadiusUpdate['disk'] } {
  if (!Number.isFinite(angle))
    throw new ValueError('radiusCodes(angle)', { expected: 'a finite angle in radians', received: describe(angle) });
  return tf.tidy(() => {
    const b = editCodes(m.ball, p.ball, p.planes.ball, R, angle);
    const t = editCodes(m.twin, p.twin, p.planes.twin, R, angle);
    const map = p.map && tf.tile(p.map, [2, 1]); // the input's layout (outside the ball) for both codes of a space
    const z = tf.concat([fromBall(m.ball, b.codes, map), fromBall(m.twin, t.codes, map)]) as tf.Tensor2D;
    const coords = (codes: tf.Tensor2D, target: tf.Tensor2D, pl: tf.Tensor2D) =>
      tf.matMul(tf.concat([codes, target]), pl, false, true).arraySync() as number[][];
    return { z, disk: { ball: coords(b.codes, b.target, p.planes.ball), twin: coords(t.codes, t.target, p.planes.twin) } };
  });
}

/** One update: the four decoded images at radius R with the target at angle φ. */
export async function radiusUpdate(
  m: RadiusModels,
  p: PreparedInput,
  R: number,
  angle: number,
  s: RadiusSettings = RADIUS_DEFAULTS,
): Promise<RadiusUpdate> {
  const { z, disk } = radiusCodes(m, p, R, angle);
  const out = tf.tidy(() =>
    decodeCodes(m.stage1, z, { noise: tf.tile(p.noise, [4, 1, 1, 1]), steps: s.steps, guidance: s.guidance, eta: 0 }),
  );
  z.dispose();
  try {
    return { images: (await out.data()) as Float32Array, disk };
  } finally {
    out.dispose();
  }
}
