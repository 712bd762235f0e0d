/**
 * Plotly figures as HTML that works offline: plotly.js is read from the installed plotly.js-dist-min
 * package and inlined (never a CDN), then each figure is a div plus a `Plotly.newPlot` call.
 * In a notebook plotly.js is inlined once (the first figure); later figures wait for `window.Plotly`.
 */
import * as fs from 'fs';
import { DataError } from '../../core/errors';

/** A Plotly figure as plain JSON. Structural, so the builders' own `Figure` type fits. */
export interface FigureLike {
  data: readonly object[];
  layout?: object;
  frames?: readonly object[];
  config?: object;
}

/** True for `{ data: object[], layout?: object }`. */
export function isFigure(x: unknown): x is FigureLike {
  if (typeof x !== 'object' || x === null || ArrayBuffer.isView(x)) return false;
  const f = x as { data?: unknown; layout?: unknown };
  return (
    Array.isArray(f.data) &&
    f.data.every((t) => typeof t === 'object' && t !== null) &&
    (f.layout === undefined || (typeof f.layout === 'object' && f.layout !== null))
  );
}

let plotlySource: { version: string; code: string } | undefined;

/** plotly.min.js of the installed plotly.js-dist-min (read once). */
export function plotlyJs(): { version: string; code: string } {
  if (!plotlySource) {
    let file: string;
    try {
      file = require.resolve('plotly.js-dist-min');
    } catch {
      throw new DataError('plotlyJs()', {
        expected: 'the plotly.js-dist-min package',
        received: 'nothing (not installed)',
        hint: 'Run npm ci.',
      });
    }
    const pkg = JSON.parse(fs.readFileSync(require.resolve('plotly.js-dist-min/package.json'), 'utf8')) as { version: string };
    plotlySource = { version: pkg.version, code: fs.readFileSync(file, 'utf8') };
  }
  return plotlySource;
}

/**
 * A <script> defining window.Plotly. Its UMD header would register an AMD module instead when
 * require.js is on the page (classic Jupyter notebook), so `define`/`module`/`exports` are shadowed.
 */
export function plotlyScriptTag(): string {
  const { version, code } = plotlyJs();
  if (/<\/script/i.test(code)) {
    throw new DataError('plotlyScriptTag()', {
      expected: 'plotly.js without "</script"',
      received: `plotly.js ${version} containing it`,
      hint: 'Report this: the inlining needs escaping.',
    });
  }
  return (
    `<script type="text/javascript">/* plotly.js ${version}, inlined by hypnest */\n` +
    `if (!window.Plotly) { (function (define, module, exports) {\n${code}\n}).call(window); }\n</script>`
  );
}

/** JSON that is safe inside a <script> element (no `</script>`, no `<!--`). */
export function scriptSafeJson(x: unknown): string {
  return JSON.stringify(x)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

let counter = 0;
function newId(): string {
  counter += 1;
  return `hypnest-plot-${Date.now().toString(36)}-${counter}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

function size(fig: FigureLike): { width: string; height: string } {
  const layout = (fig.layout ?? {}) as { width?: unknown; height?: unknown };
  const px = (v: unknown, fallback: string) => (typeof v === 'number' && v > 0 ? `${v}px` : fallback);
  return { width: px(layout.width, '100%'), height: px(layout.height, '450px') };
}

/** A div and the script drawing `fig` into it; with `includePlotly`, plotly.js goes first. */
export function figureHtml(fig: FigureLike, opts: { includePlotly?: boolean; id?: string } = {}): string {
  const id = opts.id ?? newId();
  const { width, height } = size(fig);
  const config = { responsive: true, displaylogo: false, ...(fig.config ?? {}) };
  const payload = { data: fig.data, layout: fig.layout ?? {}, frames: fig.frames ?? [], config };
  const draw = `<script type="text/javascript">(function () {
  var fig = ${scriptSafeJson(payload)};
  var tries = 0;
  // Figures whose layout.meta.imageHover is set carry a data-URI image in customdata[0] of each point:
  // show it in a corner of the plot while the pointer is over the point (Plotly's hover box cannot hold <img>).
  function imageHover(el) {
    if (!(fig.layout && fig.layout.meta && fig.layout.meta.imageHover) || !el.on) return;
    el.style.position = 'relative';
    var img = document.createElement('img');
    img.style.cssText = 'position:absolute;right:8px;bottom:8px;width:112px;height:112px;image-rendering:pixelated;border:1px solid #ccc;background:#fff;display:none;pointer-events:none';
    el.appendChild(img);
    el.on('plotly_hover', function (ev) {
      var cd = ev.points[0].customdata;
      var uri = Array.isArray(cd) ? cd[0] : null;
      if (uri) { img.src = uri; img.style.display = 'block'; }
    });
    el.on('plotly_unhover', function () { img.style.display = 'none'; });
  }
  function draw() {
    var el = document.getElementById(${JSON.stringify(id)});
    if (!el) return;
    if (window.Plotly) { var done = window.Plotly.newPlot(el, fig); if (done && done.then) done.then(function () { imageHover(el); }); return; }
    if (++tries < 200) { setTimeout(draw, 50); return; }
    el.textContent = 'plotly.js is not loaded: run the notebook from the top (the first figure inlines it), or trust the notebook.';
  }
  draw();
})();</script>`;
  const div = `<div id="${id}" class="hypnest-plot" style="width:${width};height:${height};"></div>`;
  return (opts.includePlotly ? plotlyScriptTag() + '\n' : '') + div + '\n' + draw;
}

/** A complete HTML page showing `fig`, with plotly.js inlined (opens offline). */
export function standaloneHtml(fig: FigureLike, title = 'hypnest figure'): string {
  const esc = title.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return (
    `<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>${esc}</title>\n${plotlyScriptTag()}\n</head>\n` +
    `<body style="margin:0">\n${figureHtml(fig)}\n</body>\n</html>\n`
  );
}

/** One line for text/plain: `<Plotly figure "title": 2 traces (scatter, heatmap)>`. */
export function figureSummary(fig: FigureLike): string {
  const layout = (fig.layout ?? {}) as { title?: unknown };
  const t = layout.title;
  const title =
    typeof t === 'string'
      ? t
      : typeof t === 'object' && t && typeof (t as { text?: unknown }).text === 'string'
        ? (t as { text: string }).text
        : '';
  const types = fig.data.map((d) => String((d as { type?: unknown }).type ?? 'scatter'));
  return `<Plotly figure${title ? ` "${title}"` : ''}: ${fig.data.length} trace${fig.data.length === 1 ? '' : 's'} (${types.join(', ')})>`;
}
