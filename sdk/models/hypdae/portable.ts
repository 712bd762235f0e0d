/**
 * HypDAE's stages from portable checkpoint bytes (sdk/core/checkpoint/portable.ts): the browser's loader, with
 * no file system. The stored config rebuilds the model; every tensor name and shape is checked as in loadStage1.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parsePortable, type PortableCheckpoint } from '../../core/checkpoint/portable';
import { CheckpointError, describe } from '../../core/errors';
import { Params, assignParams } from '../../nn/params';
import { HypdaeConfig, hypdaeConfig } from './config';
import type { Stage1Stored, Stage2Stored } from './checkpoint';
import { Stage1, createStage1 } from './stage1';
import { Stage2, createStage2, disposeStage2 } from './stage2';

function assignPortable(where: string, params: Params, p: PortableCheckpoint): void {
  const extra = Object.keys(p.tensors).filter((k) => !(k in params));
  if (extra.length)
    throw new CheckpointError(where, { expected: "only the model's tensors", received: `unexpected: ${extra.slice(0, 5).join(', ')}` });
  const tensors = Object.fromEntries(
    Object.entries(p.tensors).map(([k, t]) => [k, tf.tensor(t.data, t.shape, t.data instanceof Float32Array ? 'float32' : 'int32')]),
  );
  try {
    assignParams(params, tensors, where);
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

function model(where: string, p: PortableCheckpoint, want: string): void {
  const got = (p.config as { model?: unknown }).model;
  if (got !== want) throw new CheckpointError(where, { expected: `a '${want}' checkpoint`, received: `model ${describe(got)}` });
}

/** Stage I from portable bytes. */
export function stage1FromPortable(bytes: Uint8Array, where = 'stage1FromPortable'): { stage1: Stage1; meta: object } {
  const p = parsePortable(bytes, where);
  model(where, p, 'hypdae-stage1');
  const st = p.config as Stage1Stored;
  const s = createStage1(hypdaeConfig({ stage1: st.stage1, sample: st.sample }));
  try {
    assignPortable(where, s.params, p);
  } catch (e) {
    tf.dispose(Object.values(s.params));
    throw e;
  }
  return { stage1: s, meta: p.meta };
}

/** Stage II from portable bytes, on stage I's config (its stage2 part replaced by the stored one). */
export function stage2FromPortable(
  bytes: Uint8Array,
  config: HypdaeConfig,
  where = 'stage2FromPortable',
): { stage2: Stage2; meta: object } {
  const p = parsePortable(bytes, where);
  model(where, p, 'hypdae-stage2');
  const st = p.config as Stage2Stored;
  if (st.codeDim !== config.stage1.codeDim) {
    throw new CheckpointError(where, {
      expected: `codes of width ${config.stage1.codeDim} (the stage-I config)`,
      received: `codeDim ${st.codeDim}`,
    });
  }
  const s = createStage2(hypdaeConfig({ stage1: config.stage1, sample: config.sample, stage2: st.stage2 }), st.numClasses);
  try {
    assignPortable(where, s.params, p);
  } catch (e) {
    disposeStage2(s);
    throw e;
  }
  return { stage2: s, meta: p.meta };
}
