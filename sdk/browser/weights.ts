/// <reference lib="dom" />
/**
 * Where the page's weights come from: bytes registered by a notebook output (base64, once per notebook) or files
 * fetched from the explorer site's own origin (weights/<key>.safetensors). Models are built once per key.
 */
import { CheckpointError } from '../core/errors';

const bytesByKey = new Map<string, Uint8Array>();
let base = '';

/** Decodes base64 (the notebook embeds weights as text). */
export function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Registers the bytes of one portable checkpoint (a notebook output does this once per key). */
export function registerWeights(key: string, data: string | Uint8Array): void {
  bytesByKey.set(key, typeof data === 'string' ? fromBase64(data) : data);
}

/** The standalone site: weights are files under this URL prefix (same origin). */
export function setWeightsBase(url: string): void {
  base = url;
}

export function hasWeights(key: string): boolean {
  return bytesByKey.has(key);
}

/** The bytes of `key`: registered ones, else fetched from the site's weights directory. */
export async function weightBytes(key: string): Promise<Uint8Array> {
  const got = bytesByKey.get(key);
  if (got) return got;
  if (!base)
    throw new CheckpointError(`weights(${key})`, {
      expected: 'weights registered by a notebook output or a site with weights/',
      received: 'neither',
      hint: 'Run the cell that shows the first widget again (it carries the weights).',
    });
  const r = await fetch(`${base}${key}.safetensors`);
  if (!r.ok)
    throw new CheckpointError(`weights(${key})`, {
      expected: `${base}${key}.safetensors`,
      received: `HTTP ${r.status}`,
      hint: 'Rebuild the site: npm run explorer.',
    });
  const bytes = new Uint8Array(await r.arrayBuffer());
  bytesByKey.set(key, bytes);
  return bytes;
}
