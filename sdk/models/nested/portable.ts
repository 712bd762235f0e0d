/**
 * A nested model from portable checkpoint bytes (sdk/core/checkpoint/portable.ts): the browser's loader, with no
 * file system. Builds the model as `loadNested` does (from-tensors.ts), from the config stored in the file.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parsePortable } from '../../core/checkpoint/portable';
import { nestedFromTensors, type NestedStored } from './from-tensors';
import type { NestedModel } from './model';

export function nestedFromPortable(bytes: Uint8Array, where = 'nestedFromPortable'): { model: NestedModel; meta: object } {
  const p = parsePortable(bytes, where);
  const tensors = Object.fromEntries(
    Object.entries(p.tensors).map(([k, t]) => [k, tf.tensor(t.data, t.shape, t.data instanceof Float32Array ? 'float32' : 'int32')]),
  );
  try {
    return { model: nestedFromTensors(where, p.config as Partial<NestedStored>, tensors), meta: p.meta };
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
