/**
 * An image folder: one sub-folder per class (sorted names → labels 0, 1, …), each holding images of any
 * size and channel count. Every image is decoded by loadImage (resized, grayscale or RGB, in [-1, 1]).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, DataError, checkOptions, describe } from '../core/errors';
import { Dataset } from './dataset';
import { FileKind, ImageOptions, fileKind, imageOptions, loadImage } from './image';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.gif'];

export interface ImageFolderOptions extends ImageOptions {
  /** Read at most this many images per class (in sorted file order). */
  limitPerClass?: number;
  /** Images decoded at once (default 4). */
  concurrency?: number;
}

export type ImageFolderDataset = Dataset & { files: string[] };

/** One entry of a folder, its type seen through symlinks (a symlinked class folder or image is followed). */
interface Entry {
  name: string;
  path: string;
  kind: FileKind;
}

function listDir(dir: string, where: string): Entry[] {
  let names: Buffer[];
  try {
    names = fs.readdirSync(dir, { encoding: 'buffer' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(where, {
      expected: `a readable folder ${dir}`,
      received: code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'a file, not a folder' : (e as Error).message,
      hint: 'Pass a folder with one sub-folder of images per class.',
    });
  }
  return names
    .filter((b) => b[0] !== 0x2e) // hidden entries ('.')
    .map((b) => {
      const name = b.toString('utf8');
      const full = path.join(dir, name);
      // a name that is not UTF-8 decodes with U+FFFD and would be opened under another name (ENOENT): refuse it by name
      if (!Buffer.from(name, 'utf8').equals(b)) {
        throw new DataError(where, {
          expected: 'file and folder names in UTF-8',
          received: `a name that is not valid UTF-8 in ${dir}: ${JSON.stringify(b.toString('latin1'))} (bytes ${b.toString('hex')})`,
          hint: 'Rename it (e.g. with convmv -f latin1 -t utf8) or move it out of the folder.',
        });
      }
      return { name, path: full, kind: fileKind(full) };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The image files of each class folder, sorted. */
export function listImageFolder(dir: string, limitPerClass = Infinity): { classNames: string[]; files: string[][] } {
  const where = `loadImageFolder(${dir})`;
  const top = listDir(dir, where);
  const broken = top.find((d) => d.kind === 'a broken symlink');
  if (broken)
    throw new DataError(where, {
      expected: 'class folders that exist',
      received: `${broken.path}, a symlink to nothing`,
      hint: 'Fix or remove the link.',
    });
  const classNames = top.filter((d) => d.kind === 'folder').map((d) => d.name);
  if (classNames.length === 0) {
    throw new DataError(where, {
      expected: 'one sub-folder per class',
      received: 'no sub-folders',
      hint: 'Arrange images as <dir>/<class name>/<image>.png.',
    });
  }
  const files = classNames.map((c) => {
    const sub = path.join(dir, c);
    const imgs = listDir(sub, where).filter((d) => IMAGE_EXTENSIONS.includes(path.extname(d.name).toLowerCase()));
    const odd = imgs.find((d) => d.kind !== 'file');
    if (odd)
      throw new DataError(where, {
        expected: 'regular image files in each class folder',
        received: `${odd.path}, ${odd.kind}`,
        hint: 'Remove it or replace it with the image file (reading a pipe or a device would block or never end).',
      });
    if (imgs.length === 0)
      throw new DataError(where, {
        expected: `images (${IMAGE_EXTENSIONS.join(', ')}) in class folder '${c}'`,
        received: 'none',
        hint: 'Add images or remove the folder.',
      });
    return imgs.slice(0, limitPerClass).map((d) => d.path);
  });
  return { classNames, files };
}

/** Reads a class-per-sub-folder image collection into a Dataset (plus the file of each row). */
export async function loadImageFolder(dir: string, opts: ImageFolderOptions = {}): Promise<ImageFolderDataset> {
  checkOptions('loadImageFolder', opts, ['size', 'channels', 'fit', 'limitPerClass', 'concurrency']);
  const { limitPerClass = Infinity, concurrency = 4, ...imgOpts } = opts;
  const { size, channels } = imageOptions('loadImageFolder', imgOpts);
  if (!(limitPerClass >= 1) || !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new ConfigError('loadImageFolder', {
      expected: 'limitPerClass ≥ 1 and an integer concurrency ≥ 1',
      received: `${describe(limitPerClass)}, ${describe(concurrency)}`,
    });
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
    images,
    labels: Int32Array.from(flat, (f) => f.label),
    indices: Int32Array.from(flat, (_, i) => i),
    n: flat.length,
    height: size,
    width: size,
    channels,
    name: `folder:${dir}`,
    classNames,
    files: flat.map((f) => f.file),
  };
}
