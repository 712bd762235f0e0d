/**
 * Labelled image grid → PNG. Images (rows × cols, row-major) are upscaled by nearest neighbour into equal
 * cells, pasted onto a white canvas, and row/column labels and a title are drawn by compositing an SVG text
 * overlay (rendered by sharp's librsvg).
 */
import sharp from 'sharp';
import { ShapeError, ValueError, checkOptions, describe } from '../../core/errors';
import { ImageArray, Rgb, asImageList, resizeNearest, toRgb } from './image-array';

export interface GridOptions {
  /** Columns (default: all images in one row, at most 10). */
  cols?: number;
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  title?: string;
  /** Cell size in px (default: the largest image side × 3, at least 56 and at least the longest column label). */
  cellSize?: number;
  /** Gap between cells in px (default 2). */
  gap?: number;
  /** Font size of labels in px (default 12). */
  fontSize?: number;
}

const KNOWN = ['cols', 'rowLabels', 'colLabels', 'title', 'cellSize', 'gap', 'fontSize'];

export interface GridGeometry {
  rows: number;
  cols: number;
  cell: number;
  gap: number;
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Where everything goes: canvas size and the top-left corner of cell (0, 0). */
export function gridGeometry(count: number, maxSide: number, opts: GridOptions = {}): GridGeometry {
  const cols = opts.cols ?? Math.min(10, count);
  const rows = Math.ceil(count / cols);
  const gap = opts.gap ?? 2;
  const font = opts.fontSize ?? 12;
  // Wide enough for the longest column label unless the caller fixed the size.
  const longestCol = Math.max(0, ...(opts.colLabels ?? []).map((s) => s.length));
  const cell = opts.cellSize ?? Math.max(56, 3 * maxSide, Math.ceil(longestCol * font * 0.62) + 6);
  const longest = Math.max(0, ...(opts.rowLabels ?? []).map((s) => s.length));
  const left = opts.rowLabels ? Math.ceil(longest * font * 0.62) + 12 : gap;
  const top = (opts.title ? Math.round(font * 2.2) : 0) + (opts.colLabels ? Math.round(font * 1.8) : 0) + gap;
  return {
    rows,
    cols,
    cell,
    gap,
    left,
    top,
    width: left + cols * cell + (cols - 1) * gap + gap,
    height: top + rows * cell + (rows - 1) * gap + gap,
  };
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch] as string);
}

function labelSvg(g: GridGeometry, opts: GridOptions): string {
  const font = opts.fontSize ?? 12;
  const texts: string[] = [];
  if (opts.title)
    texts.push(
      `<text x="${g.width / 2}" y="${Math.round(font * 1.5)}" text-anchor="middle" font-size="${font + 2}" font-weight="bold">${escapeXml(opts.title)}</text>`,
    );
  const colY = g.top - g.gap - Math.round(font * 0.5);
  (opts.colLabels ?? []).forEach((s, j) => {
    const cx = g.left + j * (g.cell + g.gap) + g.cell / 2;
    texts.push(`<text x="${cx}" y="${colY}" text-anchor="middle">${escapeXml(s)}</text>`);
  });
  (opts.rowLabels ?? []).forEach((s, i) => {
    const cy = g.top + i * (g.cell + g.gap) + g.cell / 2;
    texts.push(`<text x="${g.left - 8}" y="${cy}" text-anchor="end" dominant-baseline="middle">${escapeXml(s)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${g.height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="${font}" fill="#222">${texts.join('')}</svg>`;
}

function paste(canvas: Uint8Array, canvasWidth: number, img: Rgb, left: number, top: number): void {
  for (let y = 0; y < img.height; y++) {
    canvas.set(img.data.subarray(3 * y * img.width, 3 * (y + 1) * img.width), 3 * ((top + y) * canvasWidth + left));
  }
}

/** Grid of images → PNG Buffer. `images` is a list of single images or one batch [n, h, w(, c)]. */
export async function imageGrid(images: readonly ImageArray[] | ImageArray, opts: GridOptions = {}): Promise<Buffer> {
  checkOptions('imageGrid', opts, KNOWN);
  const list = asImageList(images).map(toRgb);
  if (list.length === 0) throw new ShapeError('imageGrid(images)', { expected: 'at least one image', received: 'none' });
  const cols = opts.cols ?? Math.min(10, list.length);
  if (!Number.isInteger(cols) || cols < 1)
    throw new ValueError('imageGrid(cols)', { expected: 'an integer ≥ 1', received: describe(cols) });
  const g = gridGeometry(list.length, Math.max(...list.map((r) => Math.max(r.height, r.width))), { ...opts, cols });
  for (const [key, want] of [
    ['rowLabels', g.rows],
    ['colLabels', g.cols],
  ] as const) {
    const labels = opts[key];
    if (labels && labels.length !== want) {
      throw new ShapeError(`imageGrid(${key})`, { expected: `${want} labels`, received: describe(labels) });
    }
  }
  const canvas = new Uint8Array(g.width * g.height * 3).fill(255);
  list.forEach((rgb, k) => {
    const i = Math.floor(k / g.cols);
    const j = k % g.cols;
    paste(canvas, g.width, resizeNearest(rgb, g.cell, g.cell), g.left + j * (g.cell + g.gap), g.top + i * (g.cell + g.gap));
  });
  let img = sharp(Buffer.from(canvas.buffer, canvas.byteOffset, canvas.byteLength), {
    raw: { width: g.width, height: g.height, channels: 3 },
  });
  if (opts.title || opts.rowLabels || opts.colLabels) img = img.composite([{ input: Buffer.from(labelSvg(g, opts)), top: 0, left: 0 }]);
  return img.png().toBuffer();
}
