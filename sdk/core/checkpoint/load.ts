/**
 * Loading checkpoints, verifying everything: both files exist, the json parses, the weights' sha256
 * equals the json's hash, the safetensors header is valid, the tensors match the manifest, and (if
 * given) the caller's `expect` and `config`. Every failure is a CheckpointError naming the file.
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../backend';
import { CheckpointError, checkOptions, describe } from '../errors';
import { StDtype, TypedArray } from './dtypes';
import { CHECKPOINT_FORMAT, CheckpointJson, Expectation, diffConfig, diffTensors } from './manifest';
import { checkpointBase, sha256 } from './save';
import { parseSafetensors } from './safetensors';

/** `expected` of the CheckpointError raised when a checkpoint's stored config differs from the given one. */
export const CONFIG_MISMATCH = 'the stored config to equal the given one';

export interface LoadOptions {
  /** Tensors the caller needs: names, shapes and (optionally) dtypes ('F32' or 'float32'). */
  expect?: Record<string, Expectation>;
  /** The config the caller expects; every differing key is listed. */
  config?: object;
  /** How to obtain the checkpoint if missing (appended to the error). */
  hint?: string;
}

export interface CheckpointArrays {
  config: object;
  meta: object;
  hash: string;
  tensors: Record<string, { dtype: StDtype; shape: number[]; data: TypedArray }>;
}

const DEFAULT_HINT =
  'Create it with saveCheckpoint() (e.g. by running the training step that writes it), or copy both <name>.safetensors and <name>.json into place.';

function readFile(file: string, where: string, hint?: string): Buffer {
  if (!fs.existsSync(file)) {
    throw new CheckpointError(where, { expected: `the file ${file}`, received: 'no such file', hint: hint ?? DEFAULT_HINT });
  }
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new CheckpointError(where, { expected: `a readable file ${file}`, received: (e as Error).message });
  }
}

function parseJson(buf: Buffer, file: string, where: string): CheckpointJson {
  let j: CheckpointJson;
  try {
    j = JSON.parse(buf.toString('utf8')) as CheckpointJson;
  } catch (e) {
    throw new CheckpointError(where, {
      expected: `valid JSON in ${file}`,
      received: (e as Error).message,
      hint: 'Save the checkpoint again.',
    });
  }
  const ok =
    j &&
    typeof j === 'object' &&
    j.format === CHECKPOINT_FORMAT &&
    typeof j.hash === 'string' &&
    Array.isArray(j.manifest) &&
    j.config &&
    typeof j.config === 'object';
  if (!ok) {
    throw new CheckpointError(where, {
      expected: `a ${CHECKPOINT_FORMAT} json (format, hash, config, manifest) in ${file}`,
      received: describe(j),
      hint: 'Save the checkpoint again.',
    });
  }
  return j;
}

function manifestRecord(j: CheckpointJson, file: string, where: string): Record<string, Expectation> {
  const out: Record<string, Expectation> = {};
  for (const e of j.manifest) {
    if (!e || typeof e.name !== 'string' || !Array.isArray(e.shape) || typeof e.dtype !== 'string') {
      throw new CheckpointError(where, { expected: `manifest entries {name, shape, dtype} in ${file}`, received: describe(e) });
    }
    out[e.name] = { shape: e.shape, dtype: e.dtype };
  }
  return out;
}

/** Reads and verifies a checkpoint as plain typed arrays (no tfjs needed). */
export function readCheckpointArrays(basePath: string, opts: LoadOptions = {}, where = 'readCheckpointArrays'): CheckpointArrays {
  checkOptions(where, opts, ['expect', 'config', 'hint']);
  const base = checkpointBase(basePath);
  const jsonFile = base + '.json';
  const weightsFile = base + '.safetensors';
  const j = parseJson(readFile(jsonFile, `${where}(${basePath})`, opts.hint), jsonFile, `${where}(${basePath})`);
  const bytes = readFile(weightsFile, `${where}(${basePath})`, opts.hint);
  const at = `${where}(${weightsFile})`;
  const hash = sha256(bytes);
  if (hash !== j.hash) {
    throw new CheckpointError(at, {
      expected: `sha256 ${j.hash} (from ${jsonFile})`,
      received: `sha256 ${hash}`,
      hint: 'The weights are corrupt or belong to another checkpoint; save it again.',
    });
  }
  const st = parseSafetensors(bytes, at);
  const vsManifest = diffTensors(st.tensors, manifestRecord(j, jsonFile, at));
  if (vsManifest) throw new CheckpointError(at, { expected: `the tensors listed in ${jsonFile}`, received: vsManifest });
  if (opts.expect) {
    const vsExpect = diffTensors(st.tensors, opts.expect);
    if (vsExpect)
      throw new CheckpointError(at, {
        expected: 'the tensors the model needs',
        received: vsExpect,
        hint: 'The checkpoint was saved by a different model or config.',
      });
  }
  if (opts.config) {
    const diffs = diffConfig(j.config, JSON.parse(JSON.stringify(opts.config)));
    if (diffs.length) {
      throw new CheckpointError(`${where}(${jsonFile})`, {
        expected: CONFIG_MISMATCH,
        received: `differences at ${diffs.join('; ')}`,
        hint: 'Load with the stored config, or retrain.',
      });
    }
  }
  return { config: j.config, meta: j.meta ?? {}, hash, tensors: st.tensors };
}

/** Loads and verifies a checkpoint; tensors come back as tf.Tensors (U8/BOOL become int32) the caller owns. */
export async function loadCheckpoint(
  basePath: string,
  opts: LoadOptions = {},
): Promise<{ config: object; meta: object; hash: string; tensors: Record<string, tf.Tensor> }> {
  const a = readCheckpointArrays(basePath, opts, 'loadCheckpoint');
  await ready();
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(a.tensors)) {
    const data = t.data instanceof Uint8Array ? Int32Array.from(t.data) : t.data;
    tensors[name] = tf.tensor(data, t.shape, data instanceof Float32Array ? 'float32' : 'int32');
  }
  return { config: a.config, meta: a.meta, hash: a.hash, tensors };
}
