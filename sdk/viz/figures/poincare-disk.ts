/**
 * Poincaré disk figure: boundary circle, rings at chosen hyperbolic radii (labelled with R), optional
 * geodesics drawn as exact arcs, and points coloured by class with a legend.
 *
 * A ring at hyperbolic radius R sits at Euclidean radius tanh(√c R/2)/√c (R = dist0). Images on hover:
 * Plotly hover labels cannot show <img>, so each point's `customdata` is `[imageDataUri | null, R, index]`
 * and `layout.meta.imageHover = true`; the display bridge attaches a `plotly_hover` listener that shows
 * `customdata[0]` in a side panel.
 */
import { ShapeError, describe, checkOptions } from '../../core/errors';
import { checkCurvature, euclideanRadius, hyperbolicRadius } from './ball-math';
import { Figure, PlotlyTrace, baseLayout, classColor, indexLabels } from './figure';
import { geodesicArc } from './geodesic-arc';
import { DiskProjection, projectToDisk } from './project-to-disk';

export interface PoincareDiskInput {
  /** Points in the ball: 2-D, or any dimension when `project` is given. */
  points: readonly (readonly number[])[];
  /** Class per point: indices (names from `classNames`) or names. Omitted: one class. */
  labels?: readonly (number | string)[];
  classNames?: readonly string[];
  /** One data-URI image per point, shown on hover by the display bridge. */
  images?: readonly (string | null)[];
  /** Hyperbolic radii of the reference rings (default [1, 2, 3, 4]). */
  rings?: readonly number[];
  /** Pairs of 2-D points joined by geodesic arcs. */
  geodesics?: readonly (readonly [readonly number[], readonly number[]])[];
  /** Curvature (disk radius 1/√c). Default 1. */
  c?: number;
  /** How to reduce points of dimension > 2 (see projectToDisk). */
  project?: DiskProjection;
  title?: string;
  markerSize?: number;
  /** Plot height in px (width adds room for the legend). Default 600. */
  size?: number;
  /** Classes drawn as outlined stars (class means, inputs…), by class name: one colour or one per point, and text above each. */
  stars?: Readonly<Record<string, StarStyle>>;
}

export interface StarStyle {
  color?: string | readonly string[];
  text?: readonly string[];
}

const KNOWN = ['points', 'labels', 'classNames', 'images', 'rings', 'geodesics', 'c', 'project', 'title', 'markerSize', 'size', 'stars'];

function starred(trace: PlotlyTrace, style: StarStyle): PlotlyTrace {
  const color = style.color ?? (trace.marker as { color: string }).color;
  const marker = { symbol: 'star', size: 16, color, line: { color: '#222', width: 1 } };
  if (!style.text) return { ...trace, marker };
  return {
    ...trace,
    marker,
    mode: 'markers+text',
    text: [...style.text],
    textposition: 'top center',
    textfont: { size: 10, color: '#222' },
  };
}

/** Closed circle of Euclidean radius r as x/y arrays (n segments). */
function circleXY(r: number, n = 181): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i <= n; i++) {
    const a = (2 * Math.PI * i) / n;
    x.push(r * Math.cos(a));
    y.push(r * Math.sin(a));
  }
  return { x, y };
}

/** Concatenate polylines into one trace's x/y, separated by null (Plotly breaks the line there). */
function joinLines(lines: { x: number[]; y: number[] }[]): { x: (number | null)[]; y: (number | null)[] } {
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  lines.forEach((l, i) => {
    if (i > 0) {
      x.push(null);
      y.push(null);
    }
    x.push(...l.x);
    y.push(...l.y);
  });
  return { x, y };
}

/**
 * Ring labels as annotations (drawn above the points, on a light background), just inside each ring on the
 * upward ray. A ring too close to the last labelled one (rings crowd towards the boundary) stays unlabelled.
 */
export function ringAnnotations(rings: readonly number[], c = 1): Record<string, unknown>[] {
  const labelled: number[] = [];
  for (const R of [...rings].sort((a, b) => a - b)) {
    const last = labelled[labelled.length - 1];
    if (last === undefined || euclideanRadius(R, c) - euclideanRadius(last, c) >= 0.05 / Math.sqrt(c)) labelled.push(R);
  }
  return labelled.map((R) => ({
    x: 0,
    y: euclideanRadius(R, c),
    xref: 'x',
    yref: 'y',
    text: `R=${R}`,
    showarrow: false,
    yanchor: 'top',
    font: { size: 10, color: '#888' },
    bgcolor: 'rgba(255,255,255,0.75)',
    borderpad: 1,
  }));
}

function guideTraces(rings: readonly number[], geodesics: PoincareDiskInput['geodesics'], c: number): PlotlyTrace[] {
  const guide = { mode: 'lines', hoverinfo: 'skip', showlegend: false, type: 'scatter' };
  const boundary = { ...guide, name: 'boundary', ...circleXY(1 / Math.sqrt(c)), line: { color: '#444', width: 1.5 } };
  const ringLines = joinLines(rings.map((R) => circleXY(euclideanRadius(R, c))));
  const ringTrace = { ...guide, name: 'rings', ...ringLines, line: { color: '#bbb', width: 1, dash: 'dot' } };
  const traces: PlotlyTrace[] = [boundary, ringTrace];
  if (geodesics && geodesics.length > 0) {
    const arcs = geodesics.map(([a, b]) => {
      const pts = geodesicArc(a, b, 64, c);
      return { x: pts.map((p) => p[0]), y: pts.map((p) => p[1]) };
    });
    traces.push({ ...guide, name: 'geodesics', ...joinLines(arcs), line: { color: '#666', width: 1.2 } });
  }
  return traces;
}

/** The Poincaré disk figure (trace order: boundary, rings, [geodesics], one trace per class; ring labels are annotations). */
export function poincareDiskFigure(input: PoincareDiskInput): Figure {
  checkOptions('poincareDiskFigure', input, KNOWN);
  const c = input.c ?? 1;
  checkCurvature('poincareDiskFigure', c);
  const raw = input.points;
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ShapeError('poincareDiskFigure(points)', { expected: 'a non-empty array of points', received: describe(raw) });
  }
  const dim = raw[0].length;
  if (dim !== 2 && !input.project) {
    throw new ShapeError('poincareDiskFigure(points)', {
      expected: '2-D points',
      received: `points of dimension ${dim}`,
      hint: "Pass project: 'pca' (or 'first2'), or call projectToDisk(points) first.",
    });
  }
  const points = dim === 2 ? raw.map((p) => [p[0], p[1]]) : projectToDisk(raw, input.project, c);
  const n = points.length;
  for (const [name, arr] of [
    ['labels', input.labels],
    ['images', input.images],
  ] as const) {
    if (arr && arr.length !== n) {
      throw new ShapeError(`poincareDiskFigure(${name})`, { expected: `${n} entries (one per point)`, received: describe(arr) });
    }
  }
  const { index, names } = indexLabels(input.labels ?? points.map(() => 0), input.classNames ?? (input.labels ? undefined : ['points']));
  const classTraces: PlotlyTrace[] = names
    .map((name, k) => {
      const members = index.map((v, i) => (v === k ? i : -1)).filter((i) => i >= 0);
      return {
        type: 'scatter',
        mode: 'markers',
        name,
        x: members.map((i) => points[i][0]),
        y: members.map((i) => points[i][1]),
        customdata: members.map((i) => [input.images?.[i] ?? null, hyperbolicRadius(Math.hypot(points[i][0], points[i][1]), c), i]),
        hovertemplate: `<b>${name}</b><br>R = %{customdata[1]:.2f}<br>#%{customdata[2]}<extra></extra>`,
        marker: { color: classColor(k), size: input.markerSize ?? 7, opacity: 0.85, line: { color: 'white', width: 0.5 } },
      };
    })
    .filter((t) => (t.x as number[]).length > 0)
    .map((t) => (input.stars?.[t.name as string] ? starred(t, input.stars[t.name as string]) : t));
  const lim = 1.04 / Math.sqrt(c);
  const axis = { range: [-lim, lim], visible: false, showgrid: false, zeroline: false, fixedrange: false };
  const size = input.size ?? 600;
  const rings = input.rings ?? [1, 2, 3, 4];
  return {
    data: [...guideTraces(rings, input.geodesics, c), ...classTraces],
    layout: {
      ...baseLayout(input.title),
      width: size + 160,
      height: size,
      xaxis: { ...axis, constrain: 'domain' },
      yaxis: { ...axis, scaleanchor: 'x', scaleratio: 1, constrain: 'domain' },
      legend: { itemsizing: 'constant', bgcolor: 'rgba(255,255,255,0.8)' },
      hovermode: 'closest',
      annotations: ringAnnotations(rings, c),
      meta: { imageHover: Boolean(input.images), imageField: 'customdata[0]', curvature: c },
    },
  };
}
