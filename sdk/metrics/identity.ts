/**
 * Identity (the CLIP-S stand-in): mean cosine similarity between the evaluator features of each generated
 * image and those of the input it came from:  (1/n) Σᵢ ⟨gᵢ, sᵢ⟩ / (‖gᵢ‖ ‖sᵢ‖).
 * Row i of `generated` pairs with row i of `sources` (repeat each input's row once per output).
 */
import { FeaturesLike, checkCompatible, toFeatureMatrix } from './features';

export function identity(generated: FeaturesLike, sources: FeaturesLike): number {
  const g = toFeatureMatrix(generated, 'identity(generated)');
  const s = toFeatureMatrix(sources, 'identity(sources)');
  checkCompatible('identity(generated, sources)', g, s, true);
  const d = g.cols;
  let total = 0;
  for (let i = 0; i < g.rows; i++) {
    let dot = 0;
    let ng = 0;
    let ns = 0;
    for (let k = 0; k < d; k++) {
      const a = g.data[i * d + k];
      const b = s.data[i * d + k];
      dot += a * b;
      ng += a * a;
      ns += b * b;
    }
    total += ng > 0 && ns > 0 ? dot / Math.sqrt(ng * ns) : 0;
  }
  return total / g.rows;
}
