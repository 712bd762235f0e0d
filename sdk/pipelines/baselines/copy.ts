/** The `copy` baseline: every output is its input (diversity floor; FD sanity check; copy distance 0). */
import { FewShotMethod } from '../eval/method';

export const copyMethod: FewShotMethod = ({ inputs, count, side, outputsPerInput }) => {
  const p = side * side;
  const out = new Float32Array(count * outputsPerInput * p);
  for (let i = 0; i < count; i++) {
    const src = inputs.subarray(i * p, (i + 1) * p);
    for (let k = 0; k < outputsPerInput; k++) out.set(src, (i * outputsPerInput + k) * p);
  }
  return out;
};
