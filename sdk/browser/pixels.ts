/// <reference lib="dom" />
/** Pixels between the page and the models: 32 × 32 grayscale in [−1, 1] ↔ bytes, PNG data URLs, dropped files. */
import { fromBase64 } from './weights';

export const SIDE = 32;

/** Bytes (base64, 0…255) → pixels in [−1, 1] (x = byte / 127.5 − 1, as sdk/data). */
export function bytesToPixels(b64: string): Float32Array {
  return Float32Array.from(fromBase64(b64), (v) => v / 127.5 - 1);
}

/** One 32 × 32 image in [−1, 1] as a PNG data URL (`scale` pixels per pixel). */
export function pixelsToDataUrl(px: Float32Array, offset = 0, scale = 3): string {
  const c = document.createElement('canvas');
  c.width = SIDE * scale;
  c.height = SIDE * scale;
  const ctx = c.getContext('2d') as CanvasRenderingContext2D;
  const img = ctx.createImageData(SIDE, SIDE);
  for (let i = 0; i < SIDE * SIDE; i++) {
    const v = Math.round(Math.min(1, Math.max(-1, px[offset + i])) * 127.5 + 127.5);
    img.data.set([v, v, v, 255], 4 * i);
  }
  const small = document.createElement('canvas');
  small.width = SIDE;
  small.height = SIDE;
  (small.getContext('2d') as CanvasRenderingContext2D).putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, c.width, c.height);
  return c.toDataURL('image/png');
}

/**
 * A dropped picture as a Fashion-MNIST-like input: grayscale, fitted into 28 × 28, padded to 32 × 32 with
 * background −1; light backgrounds (mean > ½) are inverted, since the models saw light garments on black.
 */
export async function fileToPixels(file: Blob): Promise<Float32Array> {
  const bmp = await createImageBitmap(file);
  const c = document.createElement('canvas');
  c.width = SIDE;
  c.height = SIDE;
  const ctx = c.getContext('2d') as CanvasRenderingContext2D;
  const s = 28 / Math.max(bmp.width, bmp.height);
  const w = bmp.width * s;
  const h = bmp.height * s;
  ctx.fillStyle = 'black';
  ctx.fillRect(0, 0, SIDE, SIDE);
  ctx.drawImage(bmp, (SIDE - w) / 2, (SIDE - h) / 2, w, h);
  const d = ctx.getImageData(0, 0, SIDE, SIDE).data;
  const g = Float32Array.from({ length: SIDE * SIDE }, (_, i) => (0.299 * d[4 * i] + 0.587 * d[4 * i + 1] + 0.114 * d[4 * i + 2]) / 255);
  const inner = g.filter((_, i) => {
    const x = i % SIDE;
    const y = Math.floor(i / SIDE);
    return x >= 2 && x < 30 && y >= 2 && y < 30;
  });
  const invert = inner.reduce((a, b) => a + b, 0) / inner.length > 0.5;
  return g.map((v, i) => {
    const x = i % SIDE;
    const y = Math.floor(i / SIDE);
    const inside = x >= 2 && x < 30 && y >= 2 && y < 30;
    return inside ? (invert ? 1 - v : v) * 2 - 1 : -1;
  });
}

/** An RGB raster [h, w, 3] (bytes) as a PNG data URL, `scale` pixels per value (heat maps). */
export function rgbToDataUrl(img: { data: Uint8Array; shape: readonly number[] }, scale: number): string {
  const [h, w] = img.shape;
  const small = document.createElement('canvas');
  small.width = w;
  small.height = h;
  const sctx = small.getContext('2d') as CanvasRenderingContext2D;
  const id = sctx.createImageData(w, h);
  for (let i = 0; i < w * h; i++) id.data.set([img.data[3 * i], img.data[3 * i + 1], img.data[3 * i + 2], 255], 4 * i);
  sctx.putImageData(id, 0, 0);
  const c = document.createElement('canvas');
  c.width = w * scale;
  c.height = h * scale;
  const ctx = c.getContext('2d') as CanvasRenderingContext2D;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, c.width, c.height);
  return c.toDataURL('image/png');
}
