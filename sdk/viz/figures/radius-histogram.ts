/**
 * Overlaid per-class histograms of hyperbolic radius R = dist0(x) = 2/√c · artanh(√c‖x‖).
 * Bins are computed here (float64, shared by all classes: nbins equal bins over [min R, max R]) and drawn
 * as overlaid bar traces, so the counts in the figure JSON are exactly the counts of the data.
 */
import { ShapeError, ValueError, checkOptions, describe } from '../../core/errors';
import { checkCurvature, dist0 } from './ball-math';
import { Figure, baseLayout, classColor, indexLabels, plainAxis } from './figure';

export interface RadiusHistogramInput {
  /** Ball points (any dimension); or give `radii` directly. */
  points?: readonly (readonly number[])[];
  /** Hyperbolic radii, one per sample. */
  radii?: readonly number[];
  labels?: readonly (number | string)[];
  classNames?: readonly string[];
  /** Number of bins (default 30). */
  nbins?: number;
  /** 'count' (default) or 'density' (each class's bars integrate to 1). */
  normalize?: 'count' | 'density';
  c?: number;
  title?: string;
}

const KNOWN = ['points', 'radii', 'labels', 'classNames', 'nbins', 'normalize', 'c', 'title'];

export interface Bins {
  /** Left edges; bin i is [edges[i], edges[i+1]) and the last bin also holds the maximum. */
  edges: number[];
  counts: number[];
}

/** Counts of `values` in `nbins` equal bins over [lo, hi]. */
export function histogram(values: readonly number[], lo: number, hi: number, nbins: number): Bins {
  const width = hi > lo ? (hi - lo) / nbins : 1;
  const edges = Array.from({ length: nbins + 1 }, (_, i) => lo + i * width);
  const counts = new Array<number>(nbins).fill(0);
  for (const v of values) counts[Math.min(nbins - 1, Math.max(0, Math.floor((v - lo) / width)))]++;
  return { edges, counts };
}

export function radiusHistogramFigure(input: RadiusHistogramInput): Figure {
  checkOptions('radiusHistogramFigure', input, KNOWN);
  const c = input.c ?? 1;
  checkCurvature('radiusHistogramFigure', c);
  const radii = input.radii ? [...input.radii] : input.points ? input.points.map((p) => dist0(p, c)) : undefined;
  if (!radii || radii.length === 0 || !radii.every(Number.isFinite)) {
    throw new ShapeError('radiusHistogramFigure', { expected: 'non-empty finite `points` or `radii`', received: describe(radii) });
  }
  const nbins = input.nbins ?? 30;
  if (!Number.isInteger(nbins) || nbins < 1) {
    throw new ValueError('radiusHistogramFigure(nbins)', { expected: 'an integer ≥ 1', received: describe(nbins) });
  }
  if (input.labels && input.labels.length !== radii.length) {
    throw new ShapeError('radiusHistogramFigure(labels)', { expected: `${radii.length} labels`, received: describe(input.labels) });
  }
  const { index, names } = indexLabels(input.labels ?? radii.map(() => 0), input.classNames ?? (input.labels ? undefined : ['all']));
  const lo = radii.reduce((m, v) => Math.min(m, v), Infinity);
  const hi = radii.reduce((m, v) => Math.max(m, v), -Infinity);
  const density = input.normalize === 'density';
  const data = names
    .map((name, k) => {
      const mine = radii.filter((_, i) => index[i] === k);
      const { edges, counts } = histogram(mine, lo, hi, nbins);
      const width = edges[1] - edges[0];
      const y = density ? counts.map((n) => n / Math.max(1, mine.length) / width) : counts;
      return {
        type: 'bar',
        name: `${name} (${mine.length})`,
        x: edges.slice(0, nbins),
        y,
        width,
        offset: 0,
        customdata: edges.slice(1),
        marker: { color: classColor(k), line: { width: 0 } },
        opacity: 0.5,
        hovertemplate: `<b>${name}</b><br>R ∈ [%{x:.2f}, %{customdata:.2f})<br>%{y}<extra></extra>`,
      };
    })
    .filter((_, k) => index.includes(k));
  return {
    data,
    layout: {
      ...baseLayout(input.title),
      barmode: 'overlay',
      bargap: 0,
      xaxis: plainAxis('hyperbolic radius R = d(0, x)'),
      yaxis: plainAxis(density ? 'density' : 'count'),
      legend: { bgcolor: 'rgba(255,255,255,0.8)' },
      width: 720,
      height: 420,
    },
  };
}
