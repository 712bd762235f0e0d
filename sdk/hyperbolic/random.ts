/** Seeded random directions and points. */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, describe } from '../core/errors';
import { Rng } from '../core/rng';
import { checkCurvature } from './guards';
import { checkRadius } from './project';

function rngOf(seed: number | Rng): Rng {
  return seed instanceof Rng ? seed : new Rng(seed);
}

/**
 * Unit tangent directions u/‖u‖ with u ~ N(0, I): uniform on the sphere S^{dim−1}.
 * Returns [...lead, dim]; the same seed gives the same directions on every backend.
 */
export function randomUnitTangent(lead: number | number[], dim: number, seed: number | Rng): tf.Tensor {
  const shape = typeof lead === 'number' ? [lead] : lead;
  if (!Number.isInteger(dim) || dim < 1 || shape.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new ShapeError('randomUnitTangent', {
      expected: 'non-negative integer leading dims and dim ≥ 1',
      received: `lead ${describe(lead)}, dim ${describe(dim)}`,
    });
  }
  const rng = rngOf(seed);
  const count = shape.reduce((a, b) => a * b, 1);
  const data = rng.normals(count * dim);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += data[i * dim + j] ** 2;
    const inv = 1 / Math.sqrt(Math.max(s, 1e-30));
    for (let j = 0; j < dim; j++) data[i * dim + j] *= inv;
  }
  return tf.tensor(data, [...shape, dim], 'float32');
}

/** Random points at hyperbolic radius R (uniform directions): tanh(√c R/2)/√c · u. Returns [...lead, dim]. */
export function randomAtRadius(lead: number | number[], dim: number, R: number, c: number, seed: number | Rng): tf.Tensor {
  checkCurvature('randomAtRadius', c);
  checkRadius('randomAtRadius(R)', R, c);
  return randomAtRadiusRaw(lead, dim, R, c, seed);
}

/** randomAtRadius with R and c already checked by the caller (the public entry that took them). */
export function randomAtRadiusRaw(lead: number | number[], dim: number, R: number, c: number, seed: number | Rng): tf.Tensor {
  return tf.tidy(() => tf.mul(randomUnitTangent(lead, dim, seed), Math.tanh((Math.sqrt(c) * R) / 2) / Math.sqrt(c)));
}
