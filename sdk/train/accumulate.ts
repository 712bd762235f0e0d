/**
 * Gradient accumulation: one optimiser step over a batch computed as k micro-batches,
 *   ∇L = (1/k) Σ_j ∇L_j,  L = (1/k) Σ_j L_j   (equal-sized parts, each loss a mean over its part).
 * Activation memory falls k-fold (the wasm heap holds ~80 MB per 32×32 image in a U-Net step,
 * so batch 64 in one piece exceeds its 4 GB), at the same FLOPs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, describe } from '../core';
import type { GradFn } from './trainer';

/** Splits a tensor, or a record/array of tensors, into k equal parts along axis 0 (caller disposes the parts). */
export function splitBatch<B>(batch: B, k: number): B[] {
  const split = (v: unknown): unknown[] => {
    if (v instanceof tf.Tensor) {
      if (v.shape[0] % k !== 0)
        throw new ConfigError('splitBatch(k)', { expected: `a divisor of the batch size ${v.shape[0]}`, received: describe(k) });
      return tf.split(v, k, 0);
    }
    if (Array.isArray(v)) {
      const parts = v.map(split);
      return Array.from({ length: k }, (_, j) => parts.map((p) => p[j]));
    }
    if (v && typeof v === 'object') {
      const entries = Object.entries(v).map(([key, x]) => [key, split(x)] as const);
      return Array.from({ length: k }, (_, j) => Object.fromEntries(entries.map(([key, p]) => [key, p[j]])));
    }
    return Array.from({ length: k }, () => v);
  };
  return split(batch) as B[];
}

/** A GradFn that runs `inner` on k micro-batches and averages losses and gradients. */
export function accumulateGrads<B>(inner: GradFn<B>, k: number, split: (batch: B, k: number) => B[] = splitBatch): GradFn<B> {
  if (!Number.isInteger(k) || k < 1) throw new ConfigError('accumulateGrads(k)', { expected: 'a positive integer', received: describe(k) });
  return async (batch, ctx) => {
    if (k === 1) return inner(batch, ctx);
    const parts = split(batch, k);
    let loss = 0;
    let sum: Record<string, tf.Tensor> = {};
    for (const part of parts) {
      const r = await inner(part, ctx);
      tf.dispose(part as unknown as tf.TensorContainer);
      loss += r.loss / k;
      const next: Record<string, tf.Tensor> = {};
      for (const [name, g] of Object.entries(r.grads)) next[name] = sum[name] ? tf.add(sum[name], g) : tf.clone(g);
      tf.dispose([...Object.values(sum), ...Object.values(r.grads)]);
      sum = next;
    }
    const grads: Record<string, tf.Tensor> = {};
    for (const [name, g] of Object.entries(sum)) grads[name] = tf.mul(g, 1 / k);
    tf.dispose(Object.values(sum));
    return { loss, grads };
  };
}
