/**
 * One file per trained nested model (core's checkpoint format: safetensors + json, atomic):
 *   config { model: 'nested', nested: NestedConfig, explained: number[] }
 *   tensors  enc.*                      the feature encoder
 *            latent.<l>.{mean,std,basis} each latent level's standardisation and SVD basis
 *            level.<l>.<name>           level l's network (EMA weights)
 * Loading rebuilds the networks from the stored config and checks every tensor's name and shape.
 */
import * as tf from '@tensorflow/tfjs-core';
import { saveCheckpoint, loadCheckpoint } from '../../core/checkpoint';
import type { NestedModel } from './model';
import { nestedFromTensors, type NestedStored } from './from-tensors';

export type { NestedStored };

export async function saveNested(path: string, m: NestedModel, meta: object = {}): Promise<string> {
  const tensors: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(m.encoder)) tensors[k] = v;
  m.spaces.forEach((s, i) => {
    tensors[`latent.${i + 1}.mean`] = s.mean;
    tensors[`latent.${i + 1}.std`] = s.std;
    tensors[`latent.${i + 1}.basis`] = s.basis;
  });
  m.nets.forEach((n, i) => {
    for (const [k, v] of Object.entries(n.params)) tensors[`level.${i + 1}.${k}`] = v;
  });
  const config: NestedStored = { model: 'nested', nested: m.config, explained: m.spaces.map((s) => s.explained) };
  const { hash } = await saveCheckpoint(path, { config, tensors, meta });
  return hash;
}

/** Loads a nested model written by `saveNested` (hint names the command that makes it). */
export async function loadNested(
  path: string,
  hint = 'Train it with `npx hypnest train nested --levels L`.',
): Promise<{ model: NestedModel; meta: object }> {
  const c = await loadCheckpoint(path, { hint });
  try {
    return { model: nestedFromTensors(`loadNested(${path})`, c.config as Partial<NestedStored>, c.tensors), meta: c.meta };
  } finally {
    tf.dispose(Object.values(c.tensors));
  }
}

export function disposeNested(m: NestedModel): void {
  for (const n of m.nets) tf.dispose(Object.values(n.params));
  tf.dispose(Object.values(m.encoder));
  for (const s of m.spaces) tf.dispose([s.mean, s.std, s.basis]);
}
