/**
 * The checkpoint's JSON side: format, config, meta, hash and the manifest of tensors, plus the
 * comparisons that turn a mismatch into one precise message ("missing: a, b; unexpected: c; …").
 */
import { StDtype, normalizeDtype } from './dtypes';

export const CHECKPOINT_FORMAT = 'hypnest-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: StDtype;
}

export interface CheckpointJson {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** File name of the weights, relative to the json. */
  weights: string;
  /** sha256 (hex) of the .safetensors bytes. */
  hash: string;
  config: object;
  meta: object;
  manifest: ManifestEntry[];
  savedAt: string;
}

export interface Expectation {
  shape: number[];
  dtype?: string;
}

const sameShape = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const fmt = (s: number[]): string => `[${s.join(',')}]`;

/**
 * Compares actual tensors with expected ones; returns '' when they agree, else a message such as
 * "missing: a, b; unexpected: c; shape of w: expected [3,3] got [3,4]; dtype of b: expected F32 got I32".
 */
export function diffTensors(actual: Record<string, { shape: number[]; dtype: string }>, expected: Record<string, Expectation>): string {
  const parts: string[] = [];
  const missing = Object.keys(expected).filter((k) => !(k in actual));
  const unexpected = Object.keys(actual).filter((k) => !(k in expected));
  if (missing.length) parts.push(`missing: ${missing.join(', ')}`);
  if (unexpected.length) parts.push(`unexpected: ${unexpected.join(', ')}`);
  for (const [name, want] of Object.entries(expected)) {
    const got = actual[name];
    if (!got) continue;
    if (!sameShape(got.shape, want.shape)) parts.push(`shape of ${name}: expected ${fmt(want.shape)} got ${fmt(got.shape)}`);
    if (want.dtype !== undefined) {
      const w = normalizeDtype(want.dtype) ?? want.dtype;
      const g = normalizeDtype(got.dtype) ?? got.dtype;
      if (w !== g) parts.push(`dtype of ${name}: expected ${w} got ${g}`);
    }
  }
  return parts.join('; ');
}

function brief(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 40 ? s.slice(0, 37) + '...' : s;
}

/** Dotted paths where two JSON-like values differ, e.g. ["lr (stored 0.001, given 0.01)", "layers.2 (...)"]. */
export function diffConfig(stored: unknown, given: unknown, prefix = ''): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object';
  if (isObj(stored) && isObj(given) && Array.isArray(stored) === Array.isArray(given)) {
    const keys = [...new Set([...Object.keys(stored), ...Object.keys(given)])];
    return keys.flatMap((k) => diffConfig(stored[k], given[k], prefix ? `${prefix}.${k}` : k));
  }
  if (JSON.stringify(stored) === JSON.stringify(given)) return [];
  return [`${prefix || '(root)'} (stored ${brief(stored)}, given ${brief(given)})`];
}
