/**
 * Portable checkpoints: one self-describing safetensors file (config and meta in its __metadata__), parsed from
 * bytes with no file system, for the browser. The weights are float16 (half the bytes; the page converts them to
 * float32 on load). `source` names the float32 checkpoint they were rounded from (its sha256), so a portable file
 * can be traced back; the export is deterministic (same source → same bytes).
 */
import { CheckpointError, describe } from '../errors';
import type { StDtype, TypedArray } from './dtypes';
import { encodeSafetensors, parseSafetensors } from './safetensors';

export const PORTABLE_FORMAT = 'hypnest-portable';

export interface PortableCheckpoint {
  config: object;
  meta: object;
  /** sha256 of the float32 weights this file was rounded from. */
  source: string;
  tensors: Record<string, { dtype: StDtype; shape: number[]; data: TypedArray }>;
}

/** Portable bytes of a checkpoint: Float32Array tensors stored as F16, others as they are; keys in sorted order. */
export function encodePortable(c: PortableCheckpoint): Uint8Array {
  const tensors: Record<string, { shape: number[]; data: TypedArray; dtype?: 'F16' }> = {};
  for (const name of Object.keys(c.tensors).sort()) {
    const t = c.tensors[name];
    tensors[name] = { shape: t.shape, data: t.data, dtype: t.data instanceof Float32Array ? 'F16' : undefined };
  }
  return encodeSafetensors(tensors, {
    format: PORTABLE_FORMAT,
    config: JSON.stringify(c.config),
    meta: JSON.stringify(c.meta),
    source: c.source,
  });
}

function jsonField(m: Record<string, string>, key: string, where: string): object {
  try {
    const v = JSON.parse(m[key] ?? 'null') as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
    throw new Error(`not an object: ${describe(v)}`);
  } catch (e) {
    throw new CheckpointError(where, {
      expected: `a JSON object in __metadata__.${key}`,
      received: (e as Error).message,
      hint: 'Export the portable weights again (npm run export:browser-weights).',
    });
  }
}

/** Parses portable bytes (F16 tensors come back as Float32Array); throws CheckpointError naming `where`. */
export function parsePortable(bytes: Uint8Array, where = 'parsePortable'): PortableCheckpoint {
  const st = parseSafetensors(bytes, where);
  if (st.metadata.format !== PORTABLE_FORMAT) {
    throw new CheckpointError(where, {
      expected: `__metadata__.format '${PORTABLE_FORMAT}'`,
      received: describe(st.metadata.format),
      hint: 'Pass a file written by scripts/export-browser-weights.ts.',
    });
  }
  return {
    config: jsonField(st.metadata, 'config', where),
    meta: jsonField(st.metadata, 'meta', where),
    source: st.metadata.source ?? '',
    tensors: st.tensors,
  };
}
