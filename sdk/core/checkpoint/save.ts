/**
 * saveCheckpoint: `<base>.safetensors` (weights) then `<base>.json` (config, meta, hash, manifest),
 * each written atomically. The json is written last, so a json on disk always names complete weights.
 */
import { createHash } from 'crypto';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic, writeJsonAtomic } from '../atomic';
import { CheckpointError, ShapeError, describe } from '../errors';
import { TypedArray, dtypeOfArray } from './dtypes';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointJson, ManifestEntry } from './manifest';
import { encodeSafetensors } from './safetensors';

export type TensorLike = tf.Tensor | { data: TypedArray; shape: number[] };

export interface CheckpointContent {
  config: object;
  tensors: Record<string, TensorLike>;
  meta?: object;
}

/** `model.safetensors` / `model.json` / `model` → `model`. */
export function checkpointBase(basePath: string): string {
  return basePath.replace(/\.(safetensors|json)$/, '');
}

/** sha256 hex of bytes. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function toArray(name: string, t: TensorLike): Promise<{ data: TypedArray; shape: number[] }> {
  const where = `saveCheckpoint(tensors.${name})`;
  if (t instanceof tf.Tensor) {
    if (t.isDisposed) throw new CheckpointError(where, { expected: 'a live tensor', received: 'a disposed tensor' });
    if (!['float32', 'int32', 'bool'].includes(t.dtype)) {
      throw new CheckpointError(where, { expected: 'a float32, int32 or bool tensor', received: describe(t) });
    }
    return { data: (await t.data()) as TypedArray, shape: t.shape.slice() };
  }
  const ok = t && (t.data instanceof Float32Array || t.data instanceof Int32Array || t.data instanceof Uint8Array);
  if (!ok || !Array.isArray(t.shape)) {
    throw new CheckpointError(where, {
      expected: 'a tf.Tensor or {data: Float32Array|Int32Array|Uint8Array, shape}',
      received: describe(t),
    });
  }
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || n !== t.data.length) {
    throw new ShapeError(where, { expected: `data of length prod(shape)`, received: `shape [${t.shape}] with ${describe(t.data)}` });
  }
  return { data: t.data, shape: t.shape.slice() };
}

/** Saves a checkpoint; returns the sha256 of the weights and the two files written (weights first). */
export async function saveCheckpoint(basePath: string, c: CheckpointContent): Promise<{ hash: string; files: string[] }> {
  if (!c || typeof c !== 'object' || !c.tensors || typeof c.config !== 'object' || c.config === null) {
    throw new CheckpointError('saveCheckpoint(c)', {
      expected: '{ config: object, tensors: Record<string, Tensor>, meta? }',
      received: describe(c),
    });
  }
  const base = checkpointBase(basePath);
  const arrays: Record<string, { data: TypedArray; shape: number[] }> = {};
  for (const [name, t] of Object.entries(c.tensors)) {
    if (!name || name === '__metadata__' || name === '__proto__') {
      throw new CheckpointError('saveCheckpoint(tensors)', {
        expected: 'tensor names other than "", __metadata__, __proto__',
        received: describe(name),
      });
    }
    arrays[name] = await toArray(name, t);
  }
  const config = JSON.parse(JSON.stringify(c.config)) as object;
  const bytes = encodeSafetensors(arrays, { format: CHECKPOINT_FORMAT, config: JSON.stringify(config) });
  const hash = sha256(bytes);
  const manifest: ManifestEntry[] = Object.keys(arrays).map((name) => ({
    name,
    shape: arrays[name].shape,
    dtype: dtypeOfArray(arrays[name].data),
  }));
  const json: CheckpointJson = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    weights: path.basename(base) + '.safetensors',
    hash,
    config,
    meta: c.meta ?? {},
    manifest,
    savedAt: new Date().toISOString(),
  };
  const files = [base + '.safetensors', base + '.json'];
  await writeFileAtomic(files[0], bytes);
  await writeJsonAtomic(files[1], json);
  return { hash, files };
}
