/**
 * Classifier-free guidance (Ho & Salimans 2022) as a denoiser wrapper.
 *
 *   ε̃ = ε_u + w·(ε_c − ε_u) = (1 − w)·ε_u + w·ε_c,
 *
 * with ε_c = ε(x, t, cond) and ε_u = ε(x, t, ∅) where ∅ is the (learned) null condition supplied by the caller.
 * Convention, the one of every `guidance` in this SDK (hyp.guidance, nested.cfg, the CLI's --guidance): w is diffusers'
 * `guidance_scale`. w = 1 gives exactly the conditional prediction (no guidance, one network call), w = 0 exactly the
 * unconditional one, w > 1 extrapolates away from the unconditional one; Ho & Salimans' w is this w − 1.
 * Conditional and unconditional halves go through the denoiser in ONE call on a batch of 2B.
 * Guidance is linear in the prediction, so it applies to ε- and v-predictions alike.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError, ValueError, checkOptions, describe } from '../core/errors';
import type { Denoiser } from './denoiser';

export interface GuidanceOptions {
  /** Guidance scale w (0 = unconditional, 1 = conditional). */
  weight: number;
  /** The null condition ∅: one row (shape of cond without its batch axis, or [1, …]) or a full batch [B, …]. */
  nullCond: tf.Tensor;
}

function nullBatch(nullCond: tf.Tensor, cond: tf.Tensor): tf.Tensor {
  const row = cond.shape.slice(1);
  const B = cond.shape[0];
  if (tf.util.arraysEqual(nullCond.shape, cond.shape)) return nullCond;
  if (tf.util.arraysEqual(nullCond.shape, row)) return tf.broadcastTo(tf.expandDims(nullCond, 0), cond.shape);
  if (nullCond.shape[0] === 1 && tf.util.arraysEqual(nullCond.shape.slice(1), row)) return tf.broadcastTo(nullCond, cond.shape);
  throw new ShapeError('guided(nullCond)', {
    expected: `a null condition of shape [${row.join(', ')}], [1, ${row.join(', ')}] or [${B}, ${row.join(', ')}] to match cond`,
    received: describe(nullCond),
  });
}

/** Throws unless `w` is a guidance scale: a finite number (1 = plain conditional). The one check of every guidance option. */
export function checkGuidanceScale(where: string, w: unknown): number {
  if (typeof w !== 'number' || !Number.isFinite(w)) {
    throw new ValueError(where, {
      expected: "a finite guidance scale (diffusers' guidance_scale: 1 = plain conditional, 0 = unconditional)",
      received: describe(w),
    });
  }
  return w;
}

/** Wraps `denoiser` with classifier-free guidance; without `cond` the wrapper returns the unconditional prediction. */
export function guided(denoiser: Denoiser, options: GuidanceOptions): Denoiser {
  checkOptions('guided(options)', options, ['weight', 'nullCond']);
  const { weight: w, nullCond } = options ?? ({} as GuidanceOptions);
  if (typeof w !== 'number' || !Number.isFinite(w))
    throw new ConfigError('guided(options.weight)', { expected: 'a finite number', received: describe(w) });
  if (!(nullCond instanceof tf.Tensor))
    throw new ConfigError('guided(options.nullCond)', { expected: 'a tensor (the learned null condition)', received: describe(nullCond) });
  return (x, t, cond) =>
    tf.tidy(() => {
      if (cond === undefined) {
        // No condition: the null condition for every item ([B, …] as is, [1, …] broadcast, else one row).
        const B = x.shape[0];
        const rows = nullCond.rank > 1 && (nullCond.shape[0] === B || nullCond.shape[0] === 1) ? nullCond : tf.expandDims(nullCond, 0);
        return denoiser(x, t, tf.broadcastTo(rows, [B, ...rows.shape.slice(1)]));
      }
      const B = x.shape[0];
      const both = denoiser(tf.concat([x, x]), tf.concat([t, t]), tf.concat([cond, nullBatch(nullCond, cond)]));
      const [c, u] = tf.split(both, [B, B]);
      return tf.add(tf.mul(u, 1 - w), tf.mul(c, w));
    });
}
