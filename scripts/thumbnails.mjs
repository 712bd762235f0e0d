#!/usr/bin/env node
// Small PNG thumbnails of the tutorials for the README, from the screenshots the browser tests take.
//
//   node scripts/thumbnails.mjs [--width 320] [--from out/tutorials/screenshots] [--out assets/thumbnails] [--top]
//
// For each notebooks/NN-*.ipynb: its first screenshot (`<name>.png`, the browser test's full page of the
// exported HTML; else `live-<name>.png`, the live test's full notebook; else the first `live-<name>*.png`) → a 4:3
// box of it → `<out>/<name>.png`, `width` px wide. The box frames the tallest picture on the page (a figure or an
// image: see pictureRuns), so a thumbnail shows what the notebook draws rather than its title; --top takes the top
// of the page instead.
// Prints a markdown table (notebook | thumbnail | what it shows) for the README; "what it shows" is the
// notebook's title and section headings. Exit status 1 if a notebook has no screenshot.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Rows of ink without a longer gap than 4 blank rows that make a picture rather than text. */
const MIN_PICTURE = 100;

function parseArgs(argv) {
  const o = { width: 320, from: join(root, 'out', 'tutorials', 'screenshots'), out: join(root, 'assets', 'thumbnails'), top: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--width') o.width = Number(argv[++i]);
    else if (a === '--from') o.from = resolve(argv[++i]);
    else if (a === '--out') o.out = resolve(argv[++i]);
    else if (a === '--top') o.top = true;
    else {
      console.error(`thumbnails: unknown option ${a} (known: --width PX, --from DIR, --out DIR, --top)`);
      process.exit(2);
    }
  }
  if (!(Number.isInteger(o.width) && o.width >= 16 && o.width <= 2000)) {
    console.error('thumbnails: --width needs an integer number of pixels in 16..2000');
    process.exit(2);
  }
  return o;
}

/** The tutorials, as scripts/tutorials.mjs lists them. */
function notebookNames() {
  return readdirSync(join(root, 'notebooks'))
    .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
    .sort()
    .map((f) => f.replace(/\.ipynb$/, ''));
}

function firstScreenshot(dir, name) {
  if (!existsSync(dir)) return undefined;
  for (const f of [`${name}.png`, `live-${name}.png`]) if (existsSync(join(dir, f))) return join(dir, f);
  const live = readdirSync(dir)
    .filter((f) => f.startsWith(`live-${name}`) && f.endsWith('.png'))
    .sort();
  return live.length ? join(dir, live[0]) : undefined;
}

/** "Title — section · section · …" from the notebook's markdown headings. */
export function describeNotebook(file) {
  const nb = JSON.parse(readFileSync(file, 'utf8'));
  const text = nb.cells
    .filter((c) => c.cell_type === 'markdown')
    .map((c) => [c.source].flat().join(''))
    .join('\n');
  const clean = (s) =>
    s
      .replace(/^\d+\s*·\s*/, '')
      .replace(/\$([^$]*)\$/g, '$1')
      .replace(/[*`]/g, '')
      .replace(/\|/g, '\\|')
      .trim();
  const title = (/^#\s+(.+)$/m.exec(text) ?? [])[1];
  const sections = [...text.matchAll(/^##\s+(.+)$/gm)].map((m) => clean(m[1]));
  return [title ? clean(title) : undefined, sections.join(' · ')].filter(Boolean).join(' — ');
}

/**
 * Which pixel rows belong to a picture (a figure or an image), judged in the middle 70 % of the width (away from
 * page borders and shadows). A row is code when ≥ 30 % of it is the light neutral gray of code cells (240–250),
 * ink when it holds a dark (lum < 200) or coloured (chroma > 50) pixel, blank otherwise. Runs of ink rows joined
 * across gaps of ≤ 3 rows are pictures when at least MIN_PICTURE rows tall: lines of text are 10–30 rows with
 * blank rows between them, while a plot, a disk or a grid of images has ink in every row.
 */
export function pictureRuns({ data, width, height, channels }) {
  const x0 = Math.round(0.15 * width);
  const x1 = Math.round(0.85 * width);
  const runs = [];
  let start = -1;
  let lastInk = -10;
  for (let y = 0; y <= height; y++) {
    let code = 0;
    let ink = false;
    if (y < height) {
      for (let x = x0; x < x1; x++) {
        const i = (y * width + x) * channels;
        const r = data[i],
          g = data[i + 1],
          b = data[i + 2];
        const lum = 0.299 * r + 0.587 * g + 0.114 * b;
        const chroma = Math.max(r, g, b) - Math.min(r, g, b);
        if (chroma <= 2 && lum >= 240 && lum <= 250) code++;
        else if (lum < 200 || chroma > 50) ink = true;
      }
    }
    const isInk = y < height && ink && code < 0.3 * (x1 - x0);
    if (isInk) {
      if (start < 0 || y - lastInk > 4) {
        if (start >= 0) runs.push([start, lastInk + 1]);
        start = y;
      }
      lastInk = y;
    } else if (y === height && start >= 0) runs.push([start, lastInk + 1]);
  }
  return runs.filter(([a, b]) => b - a >= MIN_PICTURE);
}

/** Columns [left, right) holding ink (as pictureRuns judges it) in rows [a, b). */
function inkColumns({ data, width, channels }, a, b) {
  let left = width;
  let right = 0;
  for (let y = a; y < b; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const r = data[i],
        g = data[i + 1],
        bl = data[i + 2];
      const lum = 0.299 * r + 0.587 * g + 0.114 * bl;
      if (lum < 200 || Math.max(r, g, bl) - Math.min(r, g, bl) > 50) {
        if (x < left) left = x;
        if (x >= right) right = x + 1;
      }
    }
  }
  return right > left ? [left, right] : [0, width];
}

/**
 * The 4:3 box to show: around the tallest picture (the first of equals) with a margin, widened or heightened to
 * 4:3 and kept inside the page; the top of the page, full width, when there is no picture (or with --top).
 */
export function pictureBox(raw, runs) {
  const { width, height } = raw;
  const fit = (w, h) => (w / h > 4 / 3 ? [w, Math.round((w * 3) / 4)] : [Math.round((h * 4) / 3), h]);
  if (!runs.length) {
    const [w, h] = fit(width, Math.min(height, Math.round((width * 3) / 4)));
    return { left: 0, top: 0, width: Math.min(w, width), height: Math.min(h, height) };
  }
  const [a, b] = runs.reduce((best, r) => (r[1] - r[0] > best[1] - best[0] ? r : best));
  const [l, r] = inkColumns(raw, a, b);
  const margin = 16;
  let [w, h] = fit(r - l + 2 * margin, b - a + 2 * margin);
  w = Math.min(w, width);
  h = Math.min(h, height);
  const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
  return {
    left: clamp(Math.round((l + r - w) / 2), 0, width - w),
    top: clamp(Math.round((a + b - h) / 2), 0, height - h),
    width: w,
    height: h,
  };
}

async function thumbnail(shot, target, o) {
  const raw = await sharp(shot).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = { data: raw.data, ...raw.info };
  const box = pictureBox(image, o.top ? [] : pictureRuns(image));
  const png = await sharp(raw.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .extract(box)
    .resize({ width: o.width, kernel: 'lanczos3' })
    .png({ compressionLevel: 9, palette: true, quality: 90 })
    .toBuffer();
  const tmp = `${target}.${process.pid}.tmp`;
  writeFileSync(tmp, png);
  renameSync(tmp, target); // atomic: a reader never sees half a PNG
  return { box, bytes: png.length };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  mkdirSync(o.out, { recursive: true });
  const rows = [];
  let missing = 0;
  for (const name of notebookNames()) {
    const what = describeNotebook(join(root, 'notebooks', `${name}.ipynb`));
    const shot = firstScreenshot(o.from, name);
    if (!shot) {
      missing++;
      console.error(
        `thumbnails: no screenshot of ${name} in ${relative(root, o.from)} (run the browser test: npx uvu -r tsx/cjs test/notebooks browser)`,
      );
      rows.push(`| \`${name}\` | (no screenshot) | ${what} |`);
      continue;
    }
    const target = join(o.out, `${name}.png`);
    const t = await thumbnail(shot, target, o);
    console.error(
      `thumbnails: ${relative(root, shot)} [${t.box.width}×${t.box.height} at ${t.box.left},${t.box.top}] → ${relative(root, target)} (${(t.bytes / 1024).toFixed(1)} KiB)`,
    );
    rows.push(`| \`${name}\` | ![${name}](${relative(root, target)}) | ${what} |`);
  }
  console.log(['| notebook | thumbnail | what it shows |', '|---|---|---|', ...rows].join('\n'));
  process.exit(missing ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(`thumbnails: ${e.message}`);
    process.exit(1);
  });
}
