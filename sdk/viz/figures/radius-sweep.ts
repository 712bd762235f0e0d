/**
 * Radius sweep: a slider over hyperbolic radii R₁ … R_m; each position shows the images generated at that
 * radius. One Plotly frame per radius carries `layout.images` (data-URI sources), and the slider steps
 * animate to that frame, so the whole sweep lives in the figure JSON and works in a saved notebook with no
 * kernel. Images are drawn stretched into unit cells of a [0, cols] × [−rows, 0] plot; pass pre-upscaled
 * PNGs (encodePng(img, { scale: 4 })) so browsers do not blur them.
 */
import { ShapeError, ValueError, checkOptions, describe } from '../../core/errors';
import { Figure, PlotlyFrame, PlotlyLayout, baseLayout } from './figure';

export interface RadiusSweepInput {
  /** Hyperbolic radii, one per slider step. */
  radii: readonly number[];
  /** images[i] = data-URI images generated at radii[i] (same count per radius is typical, not required). */
  images: readonly (readonly string[])[];
  /** Images per row (default: all in one row, at most 8). */
  cols?: number;
  /** Cell size in px (default 96). */
  cellSize?: number;
  title?: string;
}

const KNOWN = ['radii', 'images', 'cols', 'cellSize', 'title'];

function frameName(R: number): string {
  return `R=${Number(R.toFixed(3))}`;
}

/** layout.images for one radius, padded with hidden entries to `total` so frames fully replace each other. */
function imageLayout(uris: readonly string[], cols: number, total: number): Record<string, unknown>[] {
  return Array.from({ length: total }, (_, i) => ({
    source: uris[i] ?? '',
    visible: i < uris.length,
    xref: 'x',
    yref: 'y',
    x: (i % cols) + 0.04,
    y: -Math.floor(i / cols) - 0.04,
    sizex: 0.92,
    sizey: 0.92,
    xanchor: 'left',
    yanchor: 'top',
    sizing: 'stretch',
    layer: 'above',
  }));
}

export function radiusSweepFigure(input: RadiusSweepInput): Figure {
  checkOptions('radiusSweepFigure', input, KNOWN);
  const { radii, images } = input;
  if (!Array.isArray(radii) || radii.length === 0 || !radii.every(Number.isFinite)) {
    throw new ShapeError('radiusSweepFigure(radii)', { expected: 'a non-empty array of finite radii', received: describe(radii) });
  }
  if (!Array.isArray(images) || images.length !== radii.length) {
    throw new ShapeError('radiusSweepFigure(images)', {
      expected: `${radii.length} image lists (one per radius)`,
      received: describe(images),
    });
  }
  const most = images.reduce((m, l) => Math.max(m, l.length), 0);
  if (most === 0) throw new ValueError('radiusSweepFigure(images)', { expected: 'at least one image', received: 'only empty lists' });
  const cols = input.cols ?? Math.min(8, most);
  const rows = Math.ceil(most / cols);
  const cell = input.cellSize ?? 96;
  const frames: PlotlyFrame[] = radii.map((R, i) => ({
    name: frameName(R),
    layout: { images: imageLayout(images[i], cols, most) },
  }));
  const animateTo = (name: string) => [[name], { mode: 'immediate', frame: { duration: 0, redraw: true }, transition: { duration: 0 } }];
  const layout: PlotlyLayout = {
    ...baseLayout(input.title),
    width: cols * cell + 40,
    height: rows * cell + 150 + (input.title ? 40 : 0),
    margin: { l: 20, r: 20, t: input.title ? 50 : 10, b: 10 },
    xaxis: { range: [0, cols], visible: false, fixedrange: true },
    yaxis: { range: [-rows, 0], visible: false, fixedrange: true, scaleanchor: 'x', scaleratio: 1 },
    images: imageLayout(images[0], cols, most),
    showlegend: false,
    sliders: [
      {
        active: 0,
        currentvalue: { prefix: 'hyperbolic radius ', font: { size: 13 } },
        x: 0.16,
        len: 0.84,
        y: 0,
        yanchor: 'top',
        pad: { t: 30, b: 10 },
        steps: radii.map((R) => ({ label: Number(R.toFixed(2)).toString(), method: 'animate', args: animateTo(frameName(R)) })),
      },
    ],
    updatemenus: [
      {
        type: 'buttons',
        direction: 'left',
        showactive: false,
        x: 0,
        y: 0,
        xanchor: 'left',
        yanchor: 'top',
        pad: { t: 52 },
        buttons: [
          {
            label: '▶',
            method: 'animate',
            args: [null, { mode: 'immediate', fromcurrent: true, frame: { duration: 600, redraw: true }, transition: { duration: 0 } }],
          },
          { label: '❚❚', method: 'animate', args: [[null], { mode: 'immediate', frame: { duration: 0, redraw: false } }] },
        ],
      },
    ],
  };
  // An invisible trace spanning the cells keeps the axes (and so the image coordinates) in place.
  const anchor = {
    type: 'scatter',
    mode: 'markers',
    x: [0, cols],
    y: [-rows, 0],
    marker: { opacity: 0 },
    hoverinfo: 'skip',
    showlegend: false,
  };
  return { data: [anchor], layout, frames };
}
