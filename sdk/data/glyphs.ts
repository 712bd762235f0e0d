/**
 * A second class-per-folder data set that any Debian machine can make: letters rendered from the installed
 * font families (fontconfig), one class per letter, each image a random face (family × weight × slant) with a
 * small random rotation, scale and shift, white on black at 28×28 like Fashion-MNIST. Classes split into
 * seen/ (for training) and unseen/ (for few-shot evaluation); the same seed and fonts give the same bytes.
 *
 * Why letters: a class is a shape that survives every face, while faces vary texture and stroke — the
 * category-level vs instance-level split that HypDAE's radius is meant to order. A horizontal flip changes
 * some letters' identity (b/d), which is why augmentations tuned to garments must be optional.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { writeFileAtomic, writeJsonAtomicSync } from '../core/atomic';
import { ConfigError, DataError, checkOptions, describe } from '../core/errors';
import { progress } from '../core/progress';
import { Rng } from '../core/rng';

/** Text families tried, in this order; the ones fontconfig has are used (fonts-dejavu-core, fonts-liberation2,
 *  fonts-urw-base35 and fonts-freefont-ttf add to it). Symbol and script faces are left out on purpose. */
export const GLYPH_FAMILIES = [
  'DejaVu Sans',
  'DejaVu Sans Mono',
  'DejaVu Serif',
  'DejaVu Sans Condensed',
  'DejaVu Serif Condensed',
  'DejaVu Sans Light',
  'Liberation Sans',
  'Liberation Serif',
  'Liberation Mono',
  'Liberation Sans Narrow',
  'Nimbus Sans',
  'Nimbus Roman',
  'Nimbus Mono PS',
  'URW Bookman',
  'URW Gothic',
  'C059',
  'P052',
  'FreeSans',
  'FreeSerif',
  'FreeMono',
] as const;

export interface GlyphDataOptions {
  /** Characters of the seen classes (default 'ABCDEFGHKMNPRTUVWY': 18 letters). */
  seen?: string;
  /** Characters of the unseen classes (default 'JLQSXZ' minus any seen: 6 letters). */
  unseen?: string;
  /** Images per seen class (default 600) and per unseen class (default 200). */
  perSeenClass?: number;
  perUnseenClass?: number;
  /** Seed of the faces and jitters (default 0). */
  seed?: number;
  /** Side in pixels (default 28). */
  size?: number;
  /** Families to use (default: the installed ones among GLYPH_FAMILIES). */
  families?: readonly string[];
}

export interface GlyphDataManifest {
  kind: 'glyphs';
  seen: string;
  unseen: string;
  perSeenClass: number;
  perUnseenClass: number;
  seed: number;
  size: number;
  families: string[];
}

/** The families of `candidates` that fontconfig knows (exact family name match). */
export function installedFamilies(candidates: readonly string[] = GLYPH_FAMILIES): string[] {
  let listed: string;
  try {
    listed = execFileSync('fc-list', [':', 'family'], { encoding: 'utf8', timeout: 20_000 });
  } catch {
    return [];
  }
  const names = new Set(
    listed
      .split('\n')
      .flatMap((l) => l.split(',').map((s) => s.trim()))
      .filter(Boolean),
  );
  return candidates.filter((f) => names.has(f));
}

/** A folder name for a character that is safe on every file system and unique (case kept: 'A' vs 'a_lower'). */
export function classFolderName(ch: string): string {
  if (/^[A-Z0-9]$/.test(ch)) return ch;
  if (/^[a-z]$/.test(ch)) return `${ch}_lower`;
  return `u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`;
}

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A glyph's face and jitter: drawn from `rng` in a fixed order (the same seed gives the same glyph). */
export interface GlyphStyle {
  family: string;
  bold: boolean;
  italic: boolean;
  /** Rotation in degrees, in [−12, 12]. */
  angle: number;
  /** Side of the box the glyph is fitted into, as a fraction of the image (0.6–0.85; MNIST uses 20/28). */
  box: number;
  /** Shift of the box's centre in pixels, each in [−1.5, 1.5]. */
  dx: number;
  dy: number;
}

export function drawGlyphStyle(families: readonly string[], rng: Rng): GlyphStyle {
  return {
    family: families[rng.int(families.length)],
    bold: rng.next() < 0.5,
    italic: rng.next() < 0.3,
    angle: (rng.next() * 2 - 1) * 12,
    box: 0.6 + rng.next() * 0.25,
    dx: (rng.next() * 2 - 1) * 1.5,
    dy: (rng.next() * 2 - 1) * 1.5,
  };
}

/** One glyph as a large SVG (white on black, rotated), to be trimmed to its ink and fitted into the box. */
export function glyphSvg(ch: string, st: GlyphStyle): string {
  const s = 256;
  const c = s / 2;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${s}" height="${s}"><rect width="${s}" height="${s}" fill="black"/>` +
    `<text x="${c}" y="${c}" font-family="${escapeXml(st.family)}" font-size="128" font-weight="${st.bold ? 'bold' : 'normal'}" ` +
    `font-style="${st.italic ? 'italic' : 'normal'}" fill="white" text-anchor="middle" dominant-baseline="central" ` +
    `transform="rotate(${st.angle.toFixed(2)} ${c} ${c})">${escapeXml(ch)}</text></svg>`
  );
}

/**
 * Renders a glyph as a grayscale PNG of `size`×`size` (the MNIST recipe: the ink's bounding box fitted into a
 * centred box, aspect kept); `mean` is the mean byte (≈ 0: the family lacks the character and drew nothing).
 */
export async function renderGlyph(ch: string, st: GlyphStyle, size: number): Promise<{ png: Buffer; mean: number }> {
  let ink: Buffer;
  try {
    ink = await sharp(Buffer.from(glyphSvg(ch, st)))
      .greyscale()
      .trim({ background: '#000000', threshold: 10 })
      .png()
      .toBuffer();
  } catch {
    return { png: Buffer.alloc(0), mean: 0 }; // nothing to trim: a blank render
  }
  const box = Math.max(4, Math.round(size * st.box));
  const fitted = await sharp(ink).resize(box, box, { fit: 'contain', background: '#000000' }).greyscale().raw().toBuffer();
  const data = new Uint8Array(size * size);
  const x0 = Math.round((size - box) / 2 + st.dx);
  const y0 = Math.round((size - box) / 2 + st.dy);
  let sum = 0;
  for (let y = 0; y < box; y++) {
    for (let x = 0; x < box; x++) {
      const v = fitted[y * box + x];
      const X = x + x0;
      const Y = y + y0;
      if (X >= 0 && X < size && Y >= 0 && Y < size) data[Y * size + X] = v;
      sum += v;
    }
  }
  const png = await sharp(Buffer.from(data), { raw: { width: size, height: size, channels: 1 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
  return { png, mean: sum / (size * size) };
}

function checkChars(where: string, name: string, chars: string): string[] {
  const list = [...chars];
  if (list.length === 0 || new Set(list).size !== list.length || list.some((c) => /\s/.test(c))) {
    throw new ConfigError(where, {
      expected: `${name}: distinct non-space characters`,
      received: describe(chars),
      hint: "For example 'ABCDEF'.",
    });
  }
  return list;
}

function checkCount(where: string, name: string, n: number, max: number): void {
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new ConfigError(where, { expected: `${name}: an integer in [1, ${max}]`, received: describe(n) });
  }
}

/** The validated, printable settings of a glyph data set (defaults filled in; families resolved). */
export function glyphManifest(opts: GlyphDataOptions = {}): GlyphDataManifest {
  const where = 'makeGlyphData';
  checkOptions(where, opts, ['seen', 'unseen', 'perSeenClass', 'perUnseenClass', 'seed', 'size', 'families']);
  const seen = checkChars(where, 'seen', opts.seen ?? 'ABCDEFGHKMNPRTUVWY');
  const unseen = checkChars(where, 'unseen', opts.unseen ?? [...'JLQSXZ'].filter((c) => !seen.includes(c)).join(''));
  const both = seen.filter((c) => unseen.includes(c));
  if (both.length)
    throw new ConfigError(where, { expected: 'seen and unseen characters to be disjoint', received: `both hold ${both.join('')}` });
  const { perSeenClass = 600, perUnseenClass = 200, seed = 0, size = 28 } = opts;
  checkCount(where, 'perSeenClass', perSeenClass, 100_000);
  checkCount(where, 'perUnseenClass', perUnseenClass, 100_000);
  checkCount(where, 'size', size, 256);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) {
    throw new ConfigError(where, { expected: 'seed: an integer in [0, 2³¹ − 1]', received: describe(seed) });
  }
  const families = [...(opts.families ?? installedFamilies())];
  if (families.length === 0) {
    throw new DataError(where, {
      expected: 'at least one installed text font family (fontconfig)',
      received: `none of ${GLYPH_FAMILIES.slice(0, 4).join(', ')}, …`,
      hint: 'As root: apt-get install fontconfig fonts-dejavu-core fonts-liberation2 (fonts-urw-base35 and fonts-freefont-ttf add faces).',
    });
  }
  return { kind: 'glyphs', seen: seen.join(''), unseen: unseen.join(''), perSeenClass, perUnseenClass, seed, size, families };
}

/** Renders one image of `ch`, redrawing with another face when the family lacks the character (blank). */
async function visibleGlyph(ch: string, m: GlyphDataManifest, rng: Rng): Promise<Buffer> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const img = await renderGlyph(ch, drawGlyphStyle(m.families, rng), m.size);
    if (img.mean > 2) return img.png;
  }
  throw new DataError('makeGlyphData', {
    expected: `a visible '${ch}' in one of ${m.families.length} families`,
    received: '8 blank renders',
    hint: 'Install a text font that has this character, or leave it out.',
  });
}

/**
 * Writes `out/seen/<class>/NNNNN.png`, `out/unseen/<class>/NNNNN.png` and `out/glyphs.json` (the manifest).
 * Shows progress (a bar in the terminal, an updating display in a notebook).
 */
export async function makeGlyphData(out: string, opts: GlyphDataOptions = {}): Promise<GlyphDataManifest> {
  const m = glyphManifest(opts);
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0 && !fs.existsSync(path.join(out, 'glyphs.json'))) {
    throw new DataError('makeGlyphData', {
      expected: `an empty folder or an earlier glyph data set at ${out}`,
      received: 'a folder with other files',
      hint: 'Pass a new --out folder.',
    });
  }
  const jobs = [
    ...[...m.seen].map((ch) => ({ split: 'seen', ch, n: m.perSeenClass })),
    ...[...m.unseen].map((ch) => ({ split: 'unseen', ch, n: m.perUnseenClass })),
  ];
  const bar = progress(
    'glyphs',
    jobs.reduce((a, j) => a + j.n, 0),
  );
  try {
    for (const { split, ch, n } of jobs) {
      // One stream per class: adding a class or changing a count leaves the other classes' images unchanged.
      const rng = new Rng(m.seed * 1_000_003 + ch.codePointAt(0)! * 7919 + (split === 'seen' ? 0 : 1));
      const dir = path.join(out, split, classFolderName(ch));
      for (let i = 0; i < n; i++) {
        await writeFileAtomic(path.join(dir, `${String(i).padStart(5, '0')}.png`), await visibleGlyph(ch, m, rng));
        bar.tick();
      }
    }
  } finally {
    bar.done();
  }
  writeJsonAtomicSync(path.join(out, 'glyphs.json'), m);
  return m;
}
