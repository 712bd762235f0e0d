/**
 * The result of `.sample(n)`: n images as plain Float32 pixels in [−1, 1] (no tensors: nothing to dispose).
 * It is an image array `{ data, shape, range }` itself, so every sdk/viz image function takes it as it is.
 *   batch.png           the PNG grid (one row per input group), encoded once: `show(batch.png)` in a notebook
 *   batch.save(path)    writes that PNG atomically (temp file + rename)
 *   batch.image(i)      one image as an image array (also accepted by hyp.encode)
 *   batch.group(g)      the images of input group g; batch.groupData(g) their pixels, back to back
 *   batch.toMimeBundle()  { image/png, text/plain } for a display bridge that asks objects for their bundle
 */
import * as path from 'path';
import * as util from 'util';
import { writeFileAtomic } from '../core/atomic';
import { ShapeError, ValueError, describe } from '../core/errors';
import { imageGrid } from '../viz/images/image-grid';
import type { ImageArray, PixelRange } from '../viz/images/image-array';
import { SIDE } from './input';

export interface ImageBatchInfo {
  /** Input groups (rows of the grid). */
  groups: number;
  /** Outputs per group (columns of the grid). */
  perGroup: number;
  /** Wall time of the terminal call, in seconds. */
  seconds: number;
  /** Settings used (for the record). */
  settings: Readonly<Record<string, unknown>>;
}

export class ImageBatch implements ImageArray {
  readonly data: Float32Array;
  readonly shape: readonly [number, number, number, number];
  readonly range: PixelRange = '[-1,1]';
  readonly info: Readonly<ImageBatchInfo>;
  /** PNG bytes of the grid. */
  readonly png: Uint8Array;

  private constructor(data: Float32Array, info: ImageBatchInfo, png: Uint8Array) {
    this.data = data;
    this.shape = Object.freeze([data.length / (SIDE * SIDE), SIDE, SIDE, 1]) as readonly [number, number, number, number];
    this.info = Object.freeze({ ...info, settings: Object.freeze({ ...info.settings }) });
    this.png = png;
    Object.freeze(this);
  }

  /** Builds the batch and encodes its grid (cells 3× the image size, groups as rows). */
  static async create(data: Float32Array, info: ImageBatchInfo): Promise<ImageBatch> {
    if (data.length !== info.groups * info.perGroup * SIDE * SIDE) {
      throw new ShapeError('ImageBatch', {
        expected: `${info.groups}×${info.perGroup} images of ${SIDE}×${SIDE}`,
        received: describe(data),
      });
    }
    const shape = [data.length / (SIDE * SIDE), SIDE, SIDE, 1];
    const png = await imageGrid({ data, shape, range: '[-1,1]' }, { cols: Math.min(info.perGroup, 16) });
    return new ImageBatch(data, info, new Uint8Array(png.buffer, png.byteOffset, png.byteLength));
  }

  get count(): number {
    return this.shape[0];
  }

  /** Image i as an image array (a view of the pixels). */
  image(i: number): ImageArray {
    if (!Number.isInteger(i) || i < 0 || i >= this.count)
      throw new ValueError('ImageBatch.image(i)', { expected: `an index in [0, ${this.count})`, received: describe(i) });
    return { data: this.data.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE), shape: [SIDE, SIDE, 1], range: this.range };
  }

  /** The images of group g (the n outputs of one input or k-shot group, in order), as image arrays (views). */
  group(g: number): ImageArray[] {
    const { groups, perGroup } = this.info;
    if (!Number.isInteger(g) || g < 0 || g >= groups)
      throw new ValueError('ImageBatch.group(g)', { expected: `a group index in [0, ${groups})`, received: describe(g) });
    return Array.from({ length: perGroup }, (_, j) => this.image(g * perGroup + j));
  }

  /** The pixels of group g (its n images back to back, a view): what the evaluator and the metrics take. */
  groupData(g: number): Float32Array {
    const { groups, perGroup } = this.info;
    if (!Number.isInteger(g) || g < 0 || g >= groups)
      throw new ValueError('ImageBatch.groupData(g)', { expected: `a group index in [0, ${groups})`, received: describe(g) });
    const size = perGroup * SIDE * SIDE;
    return this.data.subarray(g * size, (g + 1) * size);
  }

  /** Writes the PNG grid to `target` (must end in .png) atomically; returns the absolute path. */
  async save(target: string): Promise<string> {
    if (typeof target !== 'string' || path.extname(target).toLowerCase() !== '.png') {
      throw new ValueError('ImageBatch.save(path)', { expected: 'a file name ending in .png', received: describe(target) });
    }
    const abs = path.resolve(target);
    await writeFileAtomic(abs, this.png);
    return abs;
  }

  toString(): string {
    return `ImageBatch(${this.info.groups} × ${this.info.perGroup} images of ${SIDE}×${SIDE}, ${this.info.seconds.toFixed(2)} s)`;
  }

  /** The notebook MIME bundle: the grid as PNG, and one line of text. */
  toMimeBundle(): Record<string, string> {
    return { 'image/png': Buffer.from(this.png).toString('base64'), 'text/plain': this.toString() };
  }

  [util.inspect.custom](): string {
    return this.toString();
  }
}
