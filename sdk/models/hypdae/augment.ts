/**
 * Augmentation of the semantic encoder's input (stage I; the decoder's target stays clean).
 * Plain arrays, seeded. One inverse-mapped bilinear resampling per image combines
 *   flip ∘ rotation ∘ scale ∘ shift (an affine map about the centre) and an elastic warp
 * (a smooth displacement field: 4×4 grid of N(0, elastic²) offsets, bilinearly upsampled),
 * filling outside pixels with the background −1; then, with probability `blur`, a 3×3 Gaussian blur.
 */
import { Rng } from '../../core/rng';
import { ShapeError } from '../../core/errors';
import type { AugmentConfig } from './config';

const GRID = 4;

function sample(src: Float32Array, off: number, S: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xx: number, yy: number) => (xx < 0 || yy < 0 || xx >= S || yy >= S ? -1 : src[off + yy * S + xx]);
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}

/** Bilinear lookup of a GRID×GRID field at pixel (x, y) of an S×S image. */
function field(g: Float32Array, S: number, x: number, y: number): number {
  const gx = (x / (S - 1)) * (GRID - 1);
  const gy = (y / (S - 1)) * (GRID - 1);
  const i = Math.min(Math.floor(gx), GRID - 2);
  const j = Math.min(Math.floor(gy), GRID - 2);
  const fx = gx - i;
  const fy = gy - j;
  const v = (a: number, b: number) => g[b * GRID + a];
  return (1 - fy) * ((1 - fx) * v(i, j) + fx * v(i + 1, j)) + fy * ((1 - fx) * v(i, j + 1) + fx * v(i + 1, j + 1));
}

function blur3(img: Float32Array, off: number, S: number): void {
  const k = [0.25, 0.5, 0.25];
  const tmp = new Float32Array(S * S);
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      let s = 0;
      for (let d = -1; d <= 1; d++) s += k[d + 1] * img[off + y * S + Math.min(S - 1, Math.max(0, x + d))];
      tmp[y * S + x] = s;
    }
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      let s = 0;
      for (let d = -1; d <= 1; d++) s += k[d + 1] * tmp[Math.min(S - 1, Math.max(0, y + d)) * S + x];
      img[off + y * S + x] = s;
    }
}

/** Augments a batch of n square single-channel images (row-major, n·S·S values); returns a new array. */
export function augmentBatch(images: Float32Array, n: number, cfg: AugmentConfig, rng: Rng): Float32Array {
  const S = Math.round(Math.sqrt(images.length / Math.max(n, 1)));
  if (n < 1 || S * S * n !== images.length) {
    throw new ShapeError('augmentBatch(images)', {
      expected: `n·S·S values for n = ${n} square images`,
      received: `${images.length} values`,
    });
  }
  const out = new Float32Array(images.length);
  const cx = (S - 1) / 2;
  const gx = new Float32Array(GRID * GRID);
  const gy = new Float32Array(GRID * GRID);
  for (let b = 0; b < n; b++) {
    const off = b * S * S;
    const flip = rng.next() < cfg.flip ? -1 : 1;
    const ang = ((2 * rng.next() - 1) * cfg.rotate * Math.PI) / 180;
    const sc = 1 + (2 * rng.next() - 1) * cfg.scale;
    const tx = (2 * rng.next() - 1) * cfg.shift;
    const ty = (2 * rng.next() - 1) * cfg.shift;
    for (let i = 0; i < gx.length; i++) {
      gx[i] = rng.normal() * cfg.elastic;
      gy[i] = rng.normal() * cfg.elastic;
    }
    const cos = Math.cos(ang) / sc;
    const sin = Math.sin(ang) / sc;
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) {
        // inverse map: output pixel → source pixel
        const ux = x - cx - tx + field(gx, S, x, y);
        const uy = y - cx - ty + field(gy, S, x, y);
        const sx = flip * (cos * ux + sin * uy) + cx;
        const sy = -sin * ux + cos * uy + cx;
        out[off + y * S + x] = sample(images, off, S, sx, sy);
      }
    if (rng.next() < cfg.blur) blur3(out, off, S);
  }
  return out;
}
