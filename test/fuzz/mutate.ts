import type { Rng } from '../../sdk/core/rng';

/** Seeded mutation: truncation, random bytes, bit flips (anywhere or in the header), byte overwrites. */
export function mutate(src: Uint8Array, rng: Rng): Uint8Array {
  const kind = rng.int(5);
  if (kind === 0) return src.slice(0, rng.int(src.length)); // truncated
  if (kind === 1) return Uint8Array.from({ length: rng.int(512) }, () => rng.int(256)); // random bytes
  const out = Uint8Array.from(src);
  const edits = 1 + rng.int(kind === 4 ? 32 : 4);
  // kind 3 aims at the first 64 bytes (headers), 2 and 4 anywhere
  for (let e = 0; e < edits; e++) {
    const at = kind === 3 ? rng.int(Math.min(64, out.length)) : rng.int(out.length);
    if (kind === 4) out[at] = rng.int(256);
    else out[at] ^= 1 << rng.int(8);
  }
  return out;
}
