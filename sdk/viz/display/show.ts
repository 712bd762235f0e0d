/**
 * `show(x)`: the one way to display something. In a tslab notebook it sends a MIME bundle (figure JSON +
 * offline HTML for Plotly figures; PNG/JPEG; SVG; HTML; text). Outside a notebook it prints a one-line
 * text form to stdout (use `save` to write figures and images to files).
 */
import { toMimeBundle, PLOTLY_MIME, type MimeBundle } from './mime';
import { isFigure } from './plotly-html';
import { inNotebook, sendDisplay } from './tslab';

let plotlyInlined = false;

/** Forget that plotly.js was sent: the next figure inlines it again (e.g. after clearing all outputs). */
export function resetDisplay(): void {
  plotlyInlined = false;
}

/** The bundle `show(x)` would send now (the first figure of a session carries plotly.js). */
export function bundleFor(x: unknown): MimeBundle {
  const includePlotly = isFigure(x) && !plotlyInlined;
  return toMimeBundle(x, { includePlotly });
}

/** Displays `x` in the notebook (or prints its text form outside one). */
export function show(x: unknown): void {
  if (!inNotebook()) {
    const b = toMimeBundle(x);
    process.stdout.write(String(b['text/plain']) + '\n');
    return;
  }
  const bundle = bundleFor(x);
  if (sendDisplay(bundle) && PLOTLY_MIME in bundle) plotlyInlined = true;
}
