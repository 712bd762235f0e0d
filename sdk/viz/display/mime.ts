/**
 * MIME bundles: what a notebook output is made of. A bundle maps MIME types to data (a string, base64 for
 * binary images, or a JSON object for `application/*+json` types); the front end shows the richest type it
 * knows (JupyterLab with the Plotly extension: the figure JSON; classic notebook, nbconvert HTML: text/html).
 */
import * as util from 'util';
import { figureHtml, isFigure, figureSummary, type FigureLike } from './plotly-html';

export type MimeBundle = Record<string, string | object>;

/** Marks a string as HTML for `show` (plain strings are shown as text). */
export interface HtmlContent {
  readonly html: string;
}
export function html(s: string): HtmlContent {
  return { html: s };
}

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** PNG starts with \x89PNG, JPEG with FF D8 FF. */
export function imageType(b: Uint8Array): 'image/png' | 'image/jpeg' | undefined {
  if (b.length >= 4 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  return undefined;
}

/** An SVG document as a string (optionally after an XML prolog or comment). */
export function isSvg(s: string): boolean {
  return /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(s);
}

export function isHtmlContent(x: unknown): x is HtmlContent {
  return typeof x === 'object' && x !== null && typeof (x as HtmlContent).html === 'string' && Object.keys(x).length === 1;
}

export interface BundleOptions {
  /** Put plotly.js itself into the figure's text/html (the first figure of a notebook needs it). */
  includePlotly?: boolean;
  /** Element id for a figure's div (default: random). */
  id?: string;
}

/**
 * The MIME bundle for a value: a Plotly figure ({data, layout}), PNG/JPEG bytes, an SVG string, `html(s)`,
 * an object with its own `toMimeBundle()`, or anything else as text/plain (strings as they are, other values through util.inspect).
 */
export function toMimeBundle(x: unknown, opts: BundleOptions = {}): MimeBundle {
  if (isFigure(x)) {
    return {
      [PLOTLY_MIME]: JSON.parse(JSON.stringify(x)) as object,
      'text/html': figureHtml(x as FigureLike, opts),
      'text/plain': figureSummary(x as FigureLike),
    };
  }
  if (x instanceof Uint8Array) {
    const type = imageType(x);
    if (type)
      return {
        [type]: Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64'),
        'text/plain': `<${type} image, ${x.length} bytes>`,
      };
  }
  if (typeof x === 'string') {
    return isSvg(x) ? { 'image/svg+xml': x, 'text/plain': `<SVG image, ${x.length} chars>` } : { 'text/plain': x };
  }
  if (isHtmlContent(x)) return { 'text/html': x.html, 'text/plain': x.html.replace(/<[^>]*>/g, '').slice(0, 200) };
  // objects that know their own bundle (e.g. the fluent API's ImageBatch: a PNG grid)
  const own = (x as { toMimeBundle?: unknown } | null)?.toMimeBundle;
  if (typeof own === 'function') return own.call(x) as MimeBundle;
  return { 'text/plain': util.inspect(x, { depth: 4, colors: false }) };
}
