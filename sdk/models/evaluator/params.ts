/**
 * Evaluator parameters: tf.Variables under stable names ('conv1.w', 'conv1.b', …, 'fc2.b'), He-normal
 * initialised from a seeded Rng (w ~ N(0, 2/fan_in), biases 0), so a checkpoint saves and loads them by name.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../core/rng';
import { EVALUATOR_SIZE, EvaluatorConfig } from './config';

export type EvaluatorParams = Record<string, tf.Variable>;

/** Parameter name → shape for a config. */
export function evaluatorParamShapes(c: EvaluatorConfig): Record<string, number[]> {
  const [c1, c2, c3] = c.channels;
  const side = EVALUATOR_SIZE / 4; // two 2×2 max-pools
  return {
    'conv1.w': [3, 3, 1, c1],
    'conv1.b': [c1],
    'conv2.w': [3, 3, c1, c2],
    'conv2.b': [c2],
    'conv3.w': [3, 3, c2, c3],
    'conv3.b': [c3],
    'fc1.w': [side * side * c3, c.hidden],
    'fc1.b': [c.hidden],
    'fc2.w': [c.hidden, c.classes],
    'fc2.b': [c.classes],
  };
}

/** Fresh trainable parameters. */
export function initEvaluatorParams(c: EvaluatorConfig, seed: number): EvaluatorParams {
  const rng = new Rng(seed);
  const params: EvaluatorParams = {};
  for (const [name, shape] of Object.entries(evaluatorParamShapes(c))) {
    const n = shape.reduce((a, b) => a * b, 1);
    let values = new Float32Array(n);
    if (name.endsWith('.w')) {
      const std = Math.sqrt(2 / shape.slice(0, -1).reduce((a, b) => a * b, 1));
      values = rng.normals(n).map((v) => v * std);
    }
    const init = tf.tensor(values, shape, 'float32');
    params[name] = tf.variable(init, true);
    init.dispose(); // the variable holds its own copy
  }
  return params;
}

/** Total number of scalars. */
export function evaluatorParamCount(params: EvaluatorParams): number {
  return Object.values(params).reduce((s, v) => s + v.size, 0);
}
