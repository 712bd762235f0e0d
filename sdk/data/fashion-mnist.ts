/**
 * Where Fashion-MNIST comes from: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/),
 * a folder given by option or HYPNEST_FASHION_MNIST, or — when asked with { fallback: 'embedded' } —
 * the subset shipped in assets/data/fashion-mnist-subset (its subset.json lists the original indices).
 * Parsed files are cached per folder and part, as bytes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, DataError, describe } from '../core/errors';
import { assetPath } from '../core/paths';
import { NUM_CLASSES } from './classes';
import { readIdxImages, readIdxLabels } from './idx';

export const DEFAULT_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export type Part = 'train' | 't10k';

export interface SourceOptions {
  /** Folder with the four IDX files (default: HYPNEST_FASHION_MNIST, else the Debian path). */
  dir?: string;
  /** 'embedded': use the shipped subset when the full data set is missing. Default 'none'. */
  fallback?: 'embedded' | 'none';
}

export interface RawPart {
  /** n × rows × cols bytes. */
  images: Uint8Array;
  labels: Uint8Array;
  /** Original index of each image in the full file. */
  indices: Int32Array;
  n: number;
  rows: number;
  cols: number;
  origin: 'full' | 'embedded';
  dir: string;
}

/** The shipped subset (made by scripts/make-data-subset.ts). */
export function embeddedDir(): string {
  return assetPath('data', 'fashion-mnist-subset');
}

function fileOf(dir: string, part: Part, kind: 'images-idx3' | 'labels-idx1'): string | undefined {
  const base = path.join(dir, `${part}-${kind}-ubyte`);
  return [base + '.gz', base].find((f) => fs.existsSync(f));
}

/** The folder that will be read, or undefined if the full data set is not there. */
export function fashionMnistDir(opts: SourceOptions = {}): { dir: string; found: boolean } {
  const dir = opts.dir ?? process.env.HYPNEST_FASHION_MNIST ?? DEFAULT_FASHION_MNIST_DIR;
  const found = (['train', 't10k'] as Part[]).every((p) => fileOf(dir, p, 'images-idx3') && fileOf(dir, p, 'labels-idx1'));
  return { dir, found };
}

/** Original indices listed by a subset.json: { parts: { train: { ranges: [[start, end), …] } } }. */
function subsetIndices(dir: string, part: Part, n: number): Int32Array | undefined {
  const file = path.join(dir, 'subset.json');
  if (!fs.existsSync(file)) return undefined;
  let ranges: [number, number][];
  try {
    ranges = JSON.parse(fs.readFileSync(file, 'utf8')).parts[part].ranges;
  } catch (e) {
    throw new DataError(`fashion-mnist subset (${file})`, { expected: `parts.${part}.ranges`, received: (e as Error).message });
  }
  const idx = ranges.flatMap(([a, b]) => Array.from({ length: b - a }, (_, i) => a + i));
  if (idx.length !== n)
    throw new DataError(`fashion-mnist subset (${file})`, { expected: `${n} indices for ${part}`, received: `${idx.length}` });
  return Int32Array.from(idx);
}

const cache = new Map<string, RawPart>();

/** Reads (once) one part of Fashion-MNIST from `dir`, checking counts and label range. */
export function readPart(dir: string, part: Part): RawPart {
  const key = `${path.resolve(dir)}|${part}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const imgFile = fileOf(dir, part, 'images-idx3');
  const lblFile = fileOf(dir, part, 'labels-idx1');
  if (!imgFile || !lblFile) {
    throw new DataError(`Fashion-MNIST (${part})`, {
      expected: `${part}-images-idx3-ubyte.gz and ${part}-labels-idx1-ubyte.gz in ${dir}`,
      received: 'missing files',
      hint: "Run `apt-get install dataset-fashion-mnist`, set HYPNEST_FASHION_MNIST, or pass { fallback: 'embedded' }.",
    });
  }
  const img = readIdxImages(imgFile);
  const lbl = readIdxLabels(lblFile);
  if (img.n !== lbl.n)
    throw new DataError(`Fashion-MNIST (${dir})`, { expected: `as many labels as images (${img.n})`, received: `${lbl.n} labels` });
  const bad = lbl.labels.findIndex((l) => l >= NUM_CLASSES);
  if (bad >= 0)
    throw new DataError(lblFile, { expected: `labels in 0..${NUM_CLASSES - 1}`, received: `${lbl.labels[bad]} at index ${bad}` });
  const sub = subsetIndices(dir, part, img.n);
  const raw: RawPart = {
    images: img.images,
    labels: lbl.labels,
    indices: sub ?? Int32Array.from({ length: img.n }, (_, i) => i),
    n: img.n,
    rows: img.rows,
    cols: img.cols,
    origin: sub ? 'embedded' : 'full',
    dir,
  };
  cache.set(key, raw);
  return raw;
}

/** One part from the configured folder, falling back to the embedded subset if asked. */
export function fashionMnistPart(part: Part, opts: SourceOptions = {}): RawPart {
  const fb = opts.fallback ?? 'none';
  if (fb !== 'none' && fb !== 'embedded') {
    throw new ConfigError('fashion-mnist option fallback', { expected: "'embedded' or 'none'", received: describe(fb) });
  }
  const { dir, found } = fashionMnistDir(opts);
  if (found) return readPart(dir, part);
  if (fb === 'embedded') return readPart(embeddedDir(), part);
  throw new DataError('Fashion-MNIST', {
    expected: `the IDX files (train-images-idx3-ubyte.gz, …) in ${dir}`,
    received: 'missing files',
    hint: "Run `apt-get install dataset-fashion-mnist`, point HYPNEST_FASHION_MNIST (or the dir option) at a copy, or pass { fallback: 'embedded' } to use the small shipped subset.",
  });
}

/** Forgets cached files (tests, or after the files changed). */
export function clearFashionMnistCache(): void {
  cache.clear();
}
