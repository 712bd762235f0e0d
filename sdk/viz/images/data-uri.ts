/** PNG encoding of single images and data URIs (for hover images, layout.images and <image href>). */
import sharp from 'sharp';
import { ImageArray, asImageList, resizeNearest, toRgb } from './image-array';

/** `data:<mime>;base64,<bytes>` */
export function toDataUri(png: Buffer | Uint8Array, mime = 'image/png'): string {
  return `data:${mime};base64,${Buffer.from(png).toString('base64')}`;
}

/** One image → PNG Buffer, upscaled by an integer `scale` with nearest neighbour (default 1). */
export async function encodePng(image: ImageArray, opts: { scale?: number } = {}): Promise<Buffer> {
  const s = Math.max(1, Math.round(opts.scale ?? 1));
  const src = toRgb(image);
  const rgb = s === 1 ? src : resizeNearest(src, src.height * s, src.width * s);
  return sharp(Buffer.from(rgb.data.buffer, rgb.data.byteOffset, rgb.data.byteLength), {
    raw: { width: rgb.width, height: rgb.height, channels: 3 },
  })
    .png()
    .toBuffer();
}

/** Many images (list or batch) → PNG data URIs. */
export async function imagesToDataUris(images: readonly ImageArray[] | ImageArray, opts: { scale?: number } = {}): Promise<string[]> {
  return Promise.all(asImageList(images).map(async (img) => toDataUri(await encodePng(img, opts))));
}
