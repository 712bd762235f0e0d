/**
 * Makes the embedded Fashion-MNIST subset shipped in assets/data/fashion-mnist-subset/, used when
 * Debian's dataset-fashion-mnist is missing ({ fallback: 'embedded' }).
 *
 *   npx tsx scripts/make-data-subset.ts [--dir /usr/share/datasets/fashion-mnist] [--t 3000] [--g 3000] [--e 1000]
 *
 * Contents (original indices, half-open ranges, recorded in subset.json):
 *   t10k  [0, t)               — T: includes the 16 few-shot inputs of every unseen class (all within the
 *                                first ~200 images) and the rest as reference images
 *   train [0, g) ∪ [30000, 30000 + e) — G and E, all classes
 * Files use the Debian names (gzipped IDX), so the same reader loads both.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomicSync, writeJsonAtomicSync } from '../sdk/core/atomic';
import { DEFAULT_FASHION_MNIST_DIR, readPart } from '../sdk/data/fashion-mnist';
import { encodeIdx } from '../sdk/data/idx';
import { UNSEEN_CLASSES } from '../sdk/data/classes';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

const dir = arg('dir', process.env.HYPNEST_FASHION_MNIST ?? DEFAULT_FASHION_MNIST_DIR);
const nT = Number(arg('t', '3000'));
const nG = Number(arg('g', '3000'));
const nE = Number(arg('e', '1000'));
const out = path.join(__dirname, '..', 'assets', 'data', 'fashion-mnist-subset');

const parts = {
  t10k: { ranges: [[0, nT]] as [number, number][] },
  train: {
    ranges: [
      [0, nG],
      [30000, 30000 + nE],
    ].filter(([a, b]) => b > a) as [number, number][],
  },
};

fs.mkdirSync(out, { recursive: true });
const summary: Record<string, unknown> = {};
for (const [part, { ranges }] of Object.entries(parts) as ['train' | 't10k', { ranges: [number, number][] }][]) {
  const raw = readPart(dir, part);
  const per = raw.rows * raw.cols;
  const idx = ranges.flatMap(([a, b]) => Array.from({ length: b - a }, (_, i) => a + i));
  const images = new Uint8Array(idx.length * per);
  const labels = new Uint8Array(idx.length);
  idx.forEach((j, i) => {
    images.set(raw.images.subarray(j * per, (j + 1) * per), i * per);
    labels[i] = raw.labels[j];
  });
  writeFileAtomicSync(path.join(out, `${part}-images-idx3-ubyte.gz`), encodeIdx([idx.length, raw.rows, raw.cols], images));
  writeFileAtomicSync(path.join(out, `${part}-labels-idx1-ubyte.gz`), encodeIdx([idx.length], labels));
  const counts = Array.from({ length: 10 }, (_, c) => labels.filter((l) => l === c).length);
  summary[part] = { n: idx.length, classCounts: counts };
  if (part === 't10k') {
    for (const c of UNSEEN_CLASSES) if (counts[c] < 16) throw new Error(`t10k subset has only ${counts[c]} images of unseen class ${c}`);
  }
}

writeJsonAtomicSync(path.join(out, 'subset.json'), {
  description:
    'Fashion-MNIST subset shipped with hypnest (used with { fallback: "embedded" }). Ranges are half-open [start, end) of original file indices.',
  source: `${dir} (Debian dataset-fashion-mnist)`,
  madeBy: 'npx tsx scripts/make-data-subset.ts',
  license: 'Fashion-MNIST © Zalando SE, MIT license',
  parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, { ...v, ...(summary[k] as object) }])),
});
const bytes = fs.readdirSync(out).reduce((s, f) => s + fs.statSync(path.join(out, f)).size, 0);
console.log(`wrote ${out}: ${(bytes / 1e6).toFixed(2)} MB`, JSON.stringify(summary));
