/**
 * Global-norm gradient clipping (Pascanu et al. 2013): n = √(Σ_k ‖g_k‖²);
 * if n > maxNorm every g_k is scaled by maxNorm / n.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError, describe } from '../core';

/** √(Σ‖g‖²) over all gradients. */
export function globalNorm(grads: Record<string, tf.Tensor>): number {
  const s = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
  const n = s.dataSync()[0];
  s.dispose();
  return n;
}

/**
 * Returns clipped gradients (new tensors when scaled; the same tensors otherwise — the caller disposes
 * the inputs and, if different, the outputs) and the norm before clipping.
 */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): { grads: Record<string, tf.Tensor>; norm: number } {
  if (!(maxNorm > 0)) throw new ValueError('clipByGlobalNorm(maxNorm)', { expected: 'a positive number', received: describe(maxNorm) });
  const norm = globalNorm(grads);
  if (!Number.isFinite(norm))
    throw new ValueError('clipByGlobalNorm(grads)', {
      expected: 'finite gradients',
      received: `global norm ${norm}`,
      hint: 'Lower the learning rate or check the loss for NaN.',
    });
  if (norm <= maxNorm) return { grads, norm };
  const scale = maxNorm / norm;
  const out: Record<string, tf.Tensor> = {};
  for (const [k, g] of Object.entries(grads)) out[k] = tf.mul(g, scale);
  return { grads: out, norm };
}
