/**
 * Image warps for the `augment` baseline, on one grayscale image (side × side, row-major, background −1).
 * Elastic deformation (Simard et al. 2003): a displacement field of i.i.d. U(−1, 1) values, smoothed by a
 * Gaussian of std σ and scaled by α; the image is then resampled bilinearly at
 *   (r, c) ↦ (r + α·gσ∗δr − shiftR,  c' + α·gσ∗δc − shiftC),   c' = side−1−c if flipped else c.
 */
import { Rng } from '../../core/rng';

export interface WarpParams {
  flip: boolean;
  shiftR: number;
  shiftC: number;
  /** Displacement fields (side × side) in pixels, or undefined for none. */
  dr?: Float32Array;
  dc?: Float32Array;
}

/** 1-D Gaussian kernel of std σ, radius ⌈3σ⌉, normalised to sum 1. */
export function gaussianKernel(sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = Float32Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const s = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / s);
}

/** Separable Gaussian blur of a side × side field (zero outside). */
export function blurField(f: Float32Array, side: number, sigma: number): Float32Array {
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const tmp = new Float32Array(f.length);
  const out = new Float32Array(f.length);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) if (x + i >= 0 && x + i < side) s += k[i + r] * f[y * side + x + i];
      tmp[y * side + x] = s;
    }
  }
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) if (y + i >= 0 && y + i < side) s += k[i + r] * tmp[(y + i) * side + x];
      out[y * side + x] = s;
    }
  }
  return out;
}

/** A smooth random displacement field: α · (Gσ ∗ U(−1, 1)). */
export function elasticField(rng: Rng, side: number, alpha: number, sigma: number): Float32Array {
  const raw = Float32Array.from({ length: side * side }, () => 2 * rng.next() - 1);
  return blurField(raw, side, sigma).map((v) => v * alpha);
}

/** Bilinear sample of img at (r, c), background −1 outside the image. */
function sample(img: Float32Array, side: number, r: number, c: number): number {
  const r0 = Math.floor(r);
  const c0 = Math.floor(c);
  const fr = r - r0;
  const fc = c - c0;
  const at = (y: number, x: number) => (y >= 0 && y < side && x >= 0 && x < side ? img[y * side + x] : -1);
  return (1 - fr) * ((1 - fc) * at(r0, c0) + fc * at(r0, c0 + 1)) + fr * ((1 - fc) * at(r0 + 1, c0) + fc * at(r0 + 1, c0 + 1));
}

/** Applies flip, shift and displacement to one image. */
export function warpImage(img: Float32Array, side: number, w: WarpParams): Float32Array {
  const out = new Float32Array(side * side);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const i = r * side + c;
      const cc = w.flip ? side - 1 - c : c;
      out[i] = sample(img, side, r + (w.dr?.[i] ?? 0) - w.shiftR, cc + (w.dc?.[i] ?? 0) - w.shiftC);
    }
  }
  return out;
}
