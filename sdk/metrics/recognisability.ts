/**
 * Recognisability: the share of generated images the evaluator assigns to the intended class,
 *   (1/n) Σᵢ [argmax logitsᵢ = targetᵢ].
 * `predicted` is either class indices (length n) or logits/probabilities (n × classes).
 */
import { ShapeError, describe } from '../core/errors';
import { FeaturesLike, toFeatureMatrix } from './features';

function argmaxRows(x: FeaturesLike): Int32Array {
  const m = toFeatureMatrix(x, 'recognisability(predicted)');
  const out = new Int32Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let best = 0;
    for (let k = 1; k < m.cols; k++) if (m.data[i * m.cols + k] > m.data[i * m.cols + best]) best = k;
    out[i] = best;
  }
  return out;
}

export function recognisability(predicted: ArrayLike<number> | FeaturesLike, target: number | ArrayLike<number>): number {
  const isLabels =
    (ArrayBuffer.isView(predicted) && !('rows' in (predicted as object))) || (Array.isArray(predicted) && typeof predicted[0] === 'number');
  const labels = isLabels ? (predicted as ArrayLike<number>) : argmaxRows(predicted as FeaturesLike);
  const n = labels.length;
  if (n === 0) throw new ShapeError('recognisability(predicted)', { expected: 'at least one prediction', received: describe(predicted) });
  if (typeof target !== 'number' && target.length !== n) {
    throw new ShapeError('recognisability(target)', { expected: `a class index or ${n} targets`, received: describe(target) });
  }
  let hits = 0;
  for (let i = 0; i < n; i++) if (labels[i] === (typeof target === 'number' ? target : target[i])) hits++;
  return hits / n;
}
