/**
 * Copy distance: mean pixel L2 distance from each generated image to its input,
 *   (1/n) Σᵢ ‖gᵢ − sᵢ‖₂   (pixels in the model's range, [-1, 1]; 0 means the model copies its input).
 * Row i of `generated` pairs with row i of `sources` (images flattened, or tensors [n, h, w, c]).
 */
import { FeaturesLike, checkCompatible, toFeatureMatrix } from './features';

export function copyDistance(generated: FeaturesLike, sources: FeaturesLike): number {
  const g = toFeatureMatrix(generated, 'copyDistance(generated)');
  const s = toFeatureMatrix(sources, 'copyDistance(sources)');
  checkCompatible('copyDistance(generated, sources)', g, s, true);
  const d = g.cols;
  let total = 0;
  for (let i = 0; i < g.rows; i++) {
    let sq = 0;
    for (let k = 0; k < d; k++) sq += (g.data[i * d + k] - s.data[i * d + k]) ** 2;
    total += Math.sqrt(sq);
  }
  return total / g.rows;
}
