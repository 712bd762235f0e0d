/**
 * A latent vector as a heat map (plain arrays, no tensors; the page and Node draw the same colours): d values laid
 * out row-major on a near-square grid (8 → 2 × 4, 64 → 8 × 8), coloured on a diverging scale, blue (−limit) through
 * white (0) to red (+limit), values beyond ±limit clipped.
 */
import { ValueError, describe } from '../../core/errors';
import type { ImageArray } from './image-array';

/** Rows × columns of the grid for d values: rows = 2^⌊log₂(d)/2⌋ when it divides d, else one row. */
export function heatmapShape(d: number): [number, number] {
  if (!Number.isInteger(d) || d < 1) throw new ValueError('heatmapShape(d)', { expected: 'a positive integer', received: describe(d) });
  const rows = 2 ** Math.floor(Math.log2(d) / 2);
  return d % rows === 0 ? [rows, d / rows] : [1, d];
}

/** RGB bytes of one value on the diverging scale. */
export function divergingColor(v: number, limit: number): [number, number, number] {
  const u = Math.max(-1, Math.min(1, v / limit));
  const hot: [number, number, number] = [178, 24, 43];
  const cold: [number, number, number] = [33, 102, 172];
  const end = u >= 0 ? hot : cold;
  const a = Math.abs(u);
  return [0, 1, 2].map((k) => Math.round(255 + (end[k] - 255) * a)) as [number, number, number];
}

/** Values [offset, offset + d) of `values` as an RGB image [rows, cols, 3]. */
export function latentHeatmap(values: ArrayLike<number>, d: number, offset = 0, limit = 3): ImageArray & { data: Uint8Array } {
  const [rows, cols] = heatmapShape(d);
  const data = new Uint8Array(rows * cols * 3);
  for (let i = 0; i < d; i++) data.set(divergingColor(values[offset + i], limit), 3 * i);
  return { data, shape: [rows, cols, 3], range: '[0,255]' };
}
