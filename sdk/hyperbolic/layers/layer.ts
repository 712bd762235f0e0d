/** The small interface every hyperbolic / Euclidean layer shares, plus weight initialisation. */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError, describe } from '../../core/errors';
import { Rng } from '../../core/rng';
import { PointLike, toPoint } from '../guards';

/** A layer: a config (plain, printable data), a forward function, and named trainable variables. */
export interface Layer<C extends object = object> {
  readonly config: Readonly<C>;
  /** Forward pass; x is [..., inFeatures], the result [..., outFeatures]. Tidy, no leaks. */
  apply(x: PointLike): tf.Tensor;
  /** Trainable variables under stable names (checkpoint keys, e.g. 'weight', 'bias'). */
  variables(): Record<string, tf.Variable>;
  /** Frees the variables; the layer is unusable afterwards. */
  dispose(): void;
}

/** Throws ConfigError unless v is an integer ≥ 1. */
export function checkFeatures(where: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ConfigError(`${where}(${name})`, { expected: 'an integer ≥ 1', received: describe(v) });
  }
}

/** Uniform in (−bound, bound), seeded, as a new trainable variable. */
export function uniformVariable(shape: number[], bound: number, rng: Rng): tf.Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (2 * rng.next() - 1) * bound;
  const init = tf.tensor(data, shape, 'float32');
  const v = tf.variable(init, true);
  init.dispose(); // the variable holds its own reference to the data
  return v;
}

/** Converts the input and checks its last axis; call inside tf.tidy. */
export function layerInput(where: string, x: PointLike, inFeatures: number): tf.Tensor {
  const p = toPoint(`${where}(x)`, x);
  if (p.shape[p.rank - 1] !== inFeatures) {
    throw new ShapeError(`${where}(x)`, { expected: `[..., ${inFeatures}] (inFeatures = ${inFeatures})`, received: describe(p) });
  }
  return p;
}

/** Disposes every variable of a record. */
export function disposeAll(vars: Record<string, tf.Variable>): void {
  for (const v of Object.values(vars)) v.dispose();
}
