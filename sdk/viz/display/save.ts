/**
 * `save(x, path)`: writes a figure or image to a file, atomically (temp file + rename), chosen by the
 * extension: .html (plotly.js inlined: opens offline), .json (figure JSON), .svg (SVG strings),
 * .png (PNG bytes, or an SVG string rasterised with sharp). A Plotly figure becomes SVG/PNG only in a
 * browser, so for figures use .html or .json.
 */
import * as path from 'path';
import { writeFileAtomic } from '../../core/atomic';
import { ValueError, describe } from '../../core/errors';
import { imageType, isHtmlContent, isSvg } from './mime';
import { isFigure, standaloneHtml } from './plotly-html';

export const SAVE_EXTENSIONS = ['.html', '.json', '.svg', '.png'] as const;

function page(body: string, title: string): string {
  return `<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>${title.replace(/</g, '&lt;')}</title>\n</head>\n<body>\n${body}\n</body>\n</html>\n`;
}

function unsupported(target: string, x: unknown, hint: string): ValueError {
  return new ValueError(`save(x, ${JSON.stringify(target)})`, {
    expected: `something ${path.extname(target)} can hold`,
    received: describe(x),
    hint,
  });
}

async function svgToPng(svg: string): Promise<Uint8Array> {
  // sharp is loaded only here: it is large and most callers never need it.
  const sharp = require('sharp') as typeof import('sharp');
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function encode(x: unknown, target: string): Promise<string | Uint8Array> {
  const ext = path.extname(target).toLowerCase();
  const title = path.basename(target, ext);
  const bytes = x instanceof Uint8Array ? x : undefined;
  switch (ext) {
    case '.html':
      if (isFigure(x)) return standaloneHtml(x, title);
      if (bytes && imageType(bytes))
        return page(`<img src="data:${imageType(bytes)};base64,${Buffer.from(bytes).toString('base64')}">`, title);
      if (typeof x === 'string' && isSvg(x)) return page(x, title);
      if (isHtmlContent(x)) return /<html[\s>]/i.test(x.html) ? x.html : page(x.html, title);
      throw unsupported(target, x, 'Pass a Plotly figure, PNG/JPEG bytes, an SVG string or html(...).');
    case '.json':
      if (isFigure(x)) return JSON.stringify(x) + '\n';
      throw unsupported(target, x, 'Only Plotly figures are saved as .json.');
    case '.svg':
      if (typeof x === 'string' && isSvg(x)) return x;
      throw unsupported(
        target,
        x,
        isFigure(x) ? 'A Plotly figure needs a browser to become SVG: save it as .html or .json.' : 'Pass an SVG string.',
      );
    case '.png':
      if (bytes && imageType(bytes) === 'image/png') return bytes;
      if (typeof x === 'string' && isSvg(x)) return svgToPng(x);
      throw unsupported(
        target,
        x,
        isFigure(x) ? 'A Plotly figure needs a browser to become PNG: save it as .html or .json.' : 'Pass PNG bytes or an SVG string.',
      );
    default:
      throw new ValueError(`save(x, ${JSON.stringify(target)})`, {
        expected: `a file name ending in ${SAVE_EXTENSIONS.join(', ')}`,
        received: JSON.stringify(ext || '(no extension)'),
      });
  }
}

/** Writes `x` to `target` (format from the extension); creates folders; returns the absolute path. */
export async function save(x: unknown, target: string): Promise<string> {
  const abs = path.resolve(target);
  const data = await encode(x, abs);
  await writeFileAtomic(abs, data);
  return abs;
}
