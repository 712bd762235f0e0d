/**
 * Training-state checkpoints: parameters, AdamW moments, EMA weights, step and seed, written with
 * core's saveCheckpoint into two alternating slots `<base>.a` / `<base>.b`. Each file is written
 * atomically, but a kill between the weights and the json could leave one slot inconsistent; the other
 * slot then still holds the previous complete state, and `loadTrainState` takes the newest valid slot.
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs-core';
import { saveCheckpoint, loadCheckpoint, checkpointBase, CheckpointError, CONFIG_MISMATCH } from '../core';
import { Params } from '../nn';

export const TRAIN_STATE_KIND = 'hypnest-train-state';

export interface TrainStateMeta {
  kind: typeof TRAIN_STATE_KIND;
  /** Completed optimisation steps. */
  step: number;
  seed: number;
  adamT: number;
  emaT: number;
  /** Loss of each completed step (so a resumed run reports its whole curve). */
  losses: number[];
}

export interface TrainStateContent {
  meta: TrainStateMeta;
  config: object;
  params: Params;
  extra: Record<string, tf.Tensor>;
}

export function slotPaths(basePath: string): [string, string] {
  const base = checkpointBase(basePath);
  return [`${base}.a`, `${base}.b`];
}

/** Saves into the slot not holding the newest state (step parity of checkpoint number). */
export async function saveTrainState(basePath: string, s: TrainStateContent, slot: 0 | 1): Promise<string> {
  const tensors: Record<string, tf.Tensor> = { ...s.extra };
  for (const [k, v] of Object.entries(s.params)) tensors[`param/${k}`] = v;
  const target = slotPaths(basePath)[slot];
  await saveCheckpoint(target, { config: s.config, tensors, meta: s.meta });
  return target;
}

export interface LoadedTrainState {
  meta: TrainStateMeta;
  tensors: Record<string, tf.Tensor>;
  slot: 0 | 1;
  path: string;
}

/**
 * Loads the newest valid slot, or undefined when none exists. A slot that exists but fails to load is
 * skipped if the other is valid; if both fail, the first error is thrown.
 */
export async function loadTrainState(basePath: string, config?: object): Promise<LoadedTrainState | undefined> {
  const found: LoadedTrainState[] = [];
  const errors: unknown[] = [];
  for (const [i, p] of slotPaths(basePath).entries()) {
    if (!fs.existsSync(`${p}.json`)) continue;
    try {
      const c = await loadCheckpoint(p, config ? { config } : {});
      const meta = c.meta as TrainStateMeta;
      if (meta.kind !== TRAIN_STATE_KIND || !Number.isInteger(meta.step)) {
        tf.dispose(c.tensors);
        throw new CheckpointError(`loadTrainState(${p})`, {
          expected: `a ${TRAIN_STATE_KIND} checkpoint`,
          received: `meta.kind ${JSON.stringify(meta.kind)}`,
          hint: 'Use a different checkpointPath for training state.',
        });
      }
      found.push({ meta, tensors: c.tensors, slot: i as 0 | 1, path: p });
    } catch (e) {
      errors.push(e);
    }
  }
  if (!found.length) {
    const e = errors[0];
    if (e instanceof CheckpointError && e.expected === CONFIG_MISMATCH) {
      // a resumable state of a different run (e.g. the defaults changed): say which files to move away
      throw new CheckpointError(`loadTrainState(${basePath})`, {
        expected: e.expected,
        received: e.received,
        hint: `This training state belongs to a run with another config. To start afresh with the new one, delete (or move away) ${checkpointBase(basePath)}.{a,b}.{json,safetensors}; to continue the old run, use its options.`,
      });
    }
    if (errors.length) throw e;
    return undefined;
  }
  found.sort((a, b) => b.meta.step - a.meta.step);
  for (const f of found.slice(1)) tf.dispose(f.tensors);
  return found[0];
}
