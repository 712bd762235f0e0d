/**
 * The parameter store: a flat record of tf.Variables under stable dotted names
 * ('down.0.res.0.conv1.w'), so checkpoints (safetensors) can save and load them by name.
 * Layers are plain functions `layer(p, name, x)` that read `p[name + '.w']` etc.;
 * their `init*` twins create those entries from a seeded Rng.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '../core/errors';
import { Rng } from '../core/rng';

export type Params = Record<string, tf.Variable>;

export type Init = 'he' | 'glorot' | 'zeros' | 'ones' | { normal: number };

/** Creates `p[name]` with the given shape. he: N(0, 2/fanIn); glorot: N(0, 2/(fanIn+fanOut)). */
export function addParam(p: Params, name: string, shape: number[], init: Init, rng: Rng, fan?: { in: number; out: number }): tf.Variable {
  if (p[name])
    throw new ConfigError(`addParam(${name})`, {
      expected: 'a new parameter name',
      received: 'a name already in the store',
      hint: 'Use distinct prefixes for each layer.',
    });
  const n = shape.reduce((a, b) => a * b, 1);
  let values: Float32Array;
  if (init === 'zeros') values = new Float32Array(n);
  else if (init === 'ones') values = new Float32Array(n).fill(1);
  else {
    const fanIn = fan?.in ?? shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const fanOut = fan?.out ?? shape[shape.length - 1];
    const std = typeof init === 'object' ? init.normal : init === 'he' ? Math.sqrt(2 / fanIn) : Math.sqrt(2 / (fanIn + fanOut));
    values = rng.normals(n);
    for (let i = 0; i < n; i++) values[i] *= std;
  }
  // tfjs variable names must be globally unique; our stable name is the record key.
  const init0 = tf.tensor(values, shape, 'float32');
  const v = tf.variable(init0, true);
  init0.dispose(); // the variable keeps its own reference to the data
  p[name] = v;
  return v;
}

/** Reads `p[name]`, failing with the missing name (and a near one) if absent. */
export function param(p: Params, name: string): tf.Variable {
  const v = p[name];
  if (!v) {
    throw new ConfigError(`param(${name})`, {
      expected: `a parameter named '${name}' in the store`,
      received: `${Object.keys(p).length} parameters without it`,
      hint: 'Was the layer initialised under this prefix (init* with the same name)?',
    });
  }
  return v;
}

/** Total number of scalar parameters. */
export function paramCount(p: Params): number {
  let n = 0;
  for (const v of Object.values(p)) n += v.size;
  return n;
}

/** Disposes every variable of the store (and empties it). */
export function disposeParams(p: Params): void {
  for (const k of Object.keys(p)) {
    p[k].dispose();
    delete p[k];
  }
}

/** A non-trainable variable holding a copy of `t` (no extra tensor left behind). */
export function variableLike(t: tf.Tensor, zeros = false): tf.Variable {
  const init0 = zeros ? tf.zerosLike(t) : tf.clone(t);
  const v = tf.variable(init0, false);
  init0.dispose();
  return v;
}

/** Copies of the current values as plain tensors (for checkpoints, EMA init). Caller disposes. */
export function snapshot(p: Params): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(p)) out[k] = v.clone();
  return out;
}

/** Assigns values by name; every name of `p` must be present with the same shape. */
export function assignParams(p: Params, values: Record<string, tf.Tensor>, where = 'assignParams'): void {
  for (const [k, v] of Object.entries(p)) {
    const t = values[k];
    if (!t)
      throw new ShapeError(`${where}(${k})`, {
        expected: `a tensor for parameter '${k}'`,
        received: 'none',
        hint: 'The checkpoint was written by a different network config.',
      });
    if (t.shape.join(',') !== v.shape.join(',')) {
      throw new ShapeError(`${where}(${k})`, { expected: `shape [${v.shape}]`, received: `shape [${t.shape}]` });
    }
    if (t.dtype === 'float32') v.assign(t);
    else tf.tidy(() => v.assign(tf.cast(t, 'float32')));
  }
}

/** Checks the rank (and optionally last dim) of an input; throws ShapeError naming `where`. */
export function checkRank(where: string, x: tf.Tensor, rank: number, lastDim?: number): void {
  if (x.rank !== rank || (lastDim !== undefined && x.shape[rank - 1] !== lastDim)) {
    throw new ShapeError(where, {
      expected: `a rank-${rank} tensor${lastDim !== undefined ? ` with last dimension ${lastDim}` : ''}`,
      received: `shape [${x.shape.join(', ')}]`,
    });
  }
}
