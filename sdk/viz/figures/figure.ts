/**
 * A figure is plain Plotly JSON: `{ data, layout, frames? }`. Nothing here imports plotly.js; the display
 * bridge (sdk/viz/display) renders it. Traces and layouts are typed loosely (plain records) on purpose:
 * Plotly's schema is huge and the figure builders are the only writers.
 */
export type PlotlyTrace = Record<string, unknown>;
export type PlotlyLayout = Record<string, unknown>;

export interface PlotlyFrame {
  name: string;
  data?: PlotlyTrace[];
  layout?: PlotlyLayout;
  traces?: number[];
}

export interface Figure {
  data: PlotlyTrace[];
  layout: PlotlyLayout;
  frames?: PlotlyFrame[];
}

/** Tableau 10 (d3.schemeTableau10): distinct, colour-blind-friendlier class colours. */
export const CLASS_COLORS = [
  '#4e79a7',
  '#f28e2c',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc949',
  '#af7aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ab',
] as const;

export function classColor(k: number): string {
  return CLASS_COLORS[((k % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length];
}

/** Shared clean look: white background, no grid, readable font. */
export function baseLayout(title?: string): PlotlyLayout {
  return {
    ...(title ? { title: { text: title, x: 0.5, xanchor: 'center' } } : {}),
    paper_bgcolor: 'white',
    plot_bgcolor: 'white',
    font: { family: 'Helvetica, Arial, sans-serif', size: 13, color: '#333' },
    margin: { l: 50, r: 20, t: title ? 50 : 20, b: 45 },
  };
}

/** A plain axis: thin line, outside ticks, no grid. */
export function plainAxis(title: string): Record<string, unknown> {
  return {
    title: { text: title },
    showgrid: false,
    zeroline: false,
    showline: true,
    linecolor: '#888',
    ticks: 'outside',
    tickcolor: '#888',
  };
}

/**
 * Class index per point and class names, from labels given as indices (with optional names) or as strings
 * (names in order of first appearance).
 */
export function indexLabels(labels: readonly (number | string)[], classNames?: readonly string[]): { index: number[]; names: string[] } {
  if (labels.every((l) => typeof l === 'number')) {
    const idx = labels as number[];
    const k = idx.reduce((m, v) => Math.max(m, v), -1) + 1;
    const names = Array.from({ length: Math.max(k, classNames?.length ?? 0) }, (_, i) => classNames?.[i] ?? `class ${i}`);
    return { index: idx, names };
  }
  const names = classNames ? [...classNames] : [];
  const index = labels.map((l) => {
    const s = String(l);
    let i = names.indexOf(s);
    if (i < 0) i = names.push(s) - 1;
    return i;
  });
  return { index, names };
}
