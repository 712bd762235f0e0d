/**
 * Condition dropout for classifier-free guidance (Ho & Salimans 2022): each sample's condition vector is
 * replaced by the learned null embedding (a Param, e.g. 'cond.null' of the U-Net) with probability p:
 *   c'_i = m_i · null + (1 − m_i) · c_i,   m_i ~ Bernoulli(p) drawn from the seeded Rng.
 * Gradients flow to the null embedding through the dropped rows.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError, ShapeError, describe } from '../core/errors';
import { Rng } from '../core/rng';

export function dropCond(cond: tf.Tensor, nullEmbedding: tf.Tensor, p: number, rng: Rng): tf.Tensor2D {
  if (!(p >= 0 && p <= 1)) throw new ValueError('dropCond(p)', { expected: 'a probability in [0, 1]', received: describe(p) });
  if (cond.rank !== 2 || nullEmbedding.size !== cond.shape[1]) {
    throw new ShapeError('dropCond(cond, nullEmbedding)', {
      expected: 'cond [B, D] and a null embedding of D values',
      received: `${describe(cond)}, ${describe(nullEmbedding)}`,
    });
  }
  const B = cond.shape[0];
  const mask = Float32Array.from({ length: B }, () => (rng.next() < p ? 1 : 0));
  return tf.tidy(() => {
    const m = tf.tensor2d(mask, [B, 1]);
    return tf.add(tf.mul(m, tf.reshape(nullEmbedding, [1, -1])), tf.mul(tf.sub(1, m), cond)) as tf.Tensor2D;
  });
}
