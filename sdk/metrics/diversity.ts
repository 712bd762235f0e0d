/**
 * Diversity (the LPIPS stand-in): mean distance between unit-normalised evaluator activations over all
 * pairs of images in one set (the images generated for one class).
 *
 * For a layer with activations a ∈ ℝ^{P×C} per image (P = H·W positions, C channels; a dense layer has P = 1):
 *   â_p = a_p / (‖a_p‖₂ + ε)                         (channel-wise unit normalisation, as in LPIPS)
 *   d_l(x, y) = (1/P) Σ_p ‖â_p(x) − â_p(y)‖²           (in [0, 4])
 *   diversity = (1/L) Σ_l  mean_{i<j} d_l(xᵢ, xⱼ)
 * LPIPS additionally weights channels with learned weights; we use uniform weights.
 * Computed through the Gram matrix: ‖u − v‖² = ‖u‖² + ‖v‖² − 2uᵀv, clamped at 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, describe } from '../core/errors';

const EPS = 1e-10;

/** Per-image flattened unit-normalised activations [n, P·C] and P, for one layer [n, ...spatial, C]. */
function normalisedRows(layer: tf.Tensor): { rows: tf.Tensor2D; positions: number } {
  const n = layer.shape[0];
  const c = layer.shape[layer.rank - 1];
  const positions = layer.size / (n * c);
  const rows = tf.tidy(() => {
    const a = tf.reshape(layer, [n, positions, c]);
    const norm = tf.add(tf.sqrt(tf.sum(tf.square(a), -1, true)), EPS);
    return tf.reshape(tf.div(a, norm), [n, positions * c]) as tf.Tensor2D;
  });
  return { rows, positions };
}

/** The n × n matrix of d_l between all images of one layer (float64, row-major). */
export function layerDistances(layer: tf.Tensor): Float64Array {
  if (layer.rank < 2 || layer.shape[0] < 1) {
    throw new ShapeError('layerDistances(layer)', { expected: 'activations [n, c] or [n, h, w, c]', received: describe(layer) });
  }
  const n = layer.shape[0];
  const { rows, positions } = normalisedRows(layer);
  const gramT = tf.matMul(rows, rows, false, true);
  const g = gramT.dataSync();
  rows.dispose();
  gramT.dispose();
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      out[i * n + j] = i === j ? 0 : Math.max(g[i * n + i] + g[j * n + j] - 2 * g[i * n + j], 0) / positions;
    }
  }
  return out;
}

/** Mean over pairs i < j of an n × n distance matrix. */
export function meanPairDistance(dist: Float64Array, n: number): number {
  if (n < 2) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += dist[i * n + j];
  return s / ((n * (n - 1)) / 2);
}

/**
 * Diversity of one image set from its activations at several layers (each [n, ...]; same n).
 * Identical images give 0; the value grows as the images differ.
 */
export function diversity(layers: tf.Tensor[]): number {
  if (!layers.length)
    throw new ShapeError('diversity(layers)', { expected: 'at least one layer of activations', received: 'an empty list' });
  const n = layers[0].shape[0];
  let total = 0;
  for (const [i, layer] of layers.entries()) {
    if (layer.shape[0] !== n) {
      throw new ShapeError(`diversity(layers[${i}])`, { expected: `${n} images like layers[0]`, received: describe(layer) });
    }
    total += meanPairDistance(layerDistances(layer), n);
  }
  return total / layers.length;
}
