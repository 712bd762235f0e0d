/**
 * An image folder: one sub-folder per class (sorted names → labels 0, 1, …), each holding images of any
 * size and channel count. Every image is decoded by loadImage (resized, grayscale or RGB, in [-1, 1]).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, DataError, checkOptions, describe } from '../core/errors';
import { Dataset } from './dataset';
import { ImageOptions, imageOptions, loadImage } from './image';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.gif'];

export interface ImageFolderOptions extends ImageOptions {
  /** Read at most this many images per class (in sorted file order). */
  limitPerClass?: number;
  /** Images decoded at once (default 4). */
  concurrency?: number;
}

export type ImageFolderDataset = Dataset & { files: string[] };

function listDir(dir: string, where: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    throw new DataError(where, { expected: `a readable folder ${dir}`, received: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (e as Error).message, hint: 'Pass a folder with one sub-folder of images per class.' });
  }
}

/** The image files of each class folder, sorted. */
export function listImageFolder(dir: string, limitPerClass = Infinity): { classNames: string[]; files: string[][] } {
  const where = `loadImageFolder(${dir})`;
  const classNames = listDir(dir, where).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  if (classNames.length === 0) {
    throw new DataError(where, { expected: 'one sub-folder per class', received: 'no sub-folders', hint: 'Arrange images as <dir>/<class name>/<image>.png.' });
  }
  const files = classNames.map((c) => {
    const sub = path.join(dir, c);
    const imgs = listDir(sub, where)
      .filter((d) => !d.isDirectory() && !d.name.startsWith('.') && IMAGE_EXTENSIONS.includes(path.extname(d.name).toLowerCase()))
      .map((d) => path.join(sub, d.name));
    if (imgs.length === 0) throw new DataError(where, { expected: `images (${IMAGE_EXTENSIONS.join(', ')}) in class folder '${c}'`, received: 'none', hint: 'Add images or remove the folder.' });
    return imgs.slice(0, limitPerClass);
  });
  return { classNames, files };
}

/** Reads a class-per-sub-folder image collection into a Dataset (plus the file of each row). */
export async function loadImageFolder(dir: string, opts: ImageFolderOptions = {}): Promise<ImageFolderDataset> {
  checkOptions('loadImageFolder', opts, ['size', 'channels', 'fit', 'limitPerClass', 'concurrency']);
  const { limitPerClass = Infinity, concurrency = 4, ...imgOpts } = opts;
  const { size, channels } = imageOptions('loadImageFolder', imgOpts);
  if (!(limitPerClass >= 1) || !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new ConfigError('loadImageFolder', { expected: 'limitPerClass ≥ 1 and an integer concurrency ≥ 1', received: `${describe(limitPerClass)}, ${describe(concurrency)}` });
  }
  const { classNames, files } = listImageFolder(dir, limitPerClass);
  const flat = files.flatMap((fs_, label) => fs_.map((file) => ({ file, label })));
  const per = size * size * channels;
  const images = new Float32Array(flat.length * per);
  for (let s = 0; s < flat.length; s += concurrency) {
    const chunk = flat.slice(s, s + concurrency);
    const decoded = await Promise.all(chunk.map((f) => loadImage(f.file, imgOpts)));
    decoded.forEach((img, j) => images.set(img, (s + j) * per));
  }
  return {
    images, labels: Int32Array.from(flat, (f) => f.label), indices: Int32Array.from(flat, (_, i) => i),
    n: flat.length, height: size, width: size, channels, name: `folder:${dir}`, classNames, files: flat.map((f) => f.file),
  };
}
