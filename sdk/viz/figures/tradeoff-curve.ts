/**
 * Trade-off curve: Fréchet distance (y, lower is better) against diversity (x, higher is better), one line
 * per method, each point labelled (e.g. by its radius or truncation), with optional error bars (± one
 * standard deviation over seeds, say).
 */
import { ShapeError, checkOptions, describe } from '../../core/errors';
import { Figure, baseLayout, classColor, plainAxis } from './figure';

export interface TradeoffPoint {
  fd: number;
  diversity: number;
  /** Text next to the marker, e.g. 'R=3'. */
  label?: string;
  fdErr?: number;
  diversityErr?: number;
}

export interface TradeoffSeries {
  name: string;
  points: readonly TradeoffPoint[];
}

export interface TradeoffInput {
  series: readonly TradeoffSeries[];
  title?: string;
  xTitle?: string;
  yTitle?: string;
}

const KNOWN = ['series', 'title', 'xTitle', 'yTitle'];

export function tradeoffFigure(input: TradeoffInput): Figure {
  checkOptions('tradeoffFigure', input, KNOWN);
  if (!Array.isArray(input.series) || input.series.length === 0) {
    throw new ShapeError('tradeoffFigure(series)', { expected: 'a non-empty array of { name, points }', received: describe(input.series) });
  }
  const data = input.series.map((s: TradeoffSeries, k: number) => {
    const pts = s.points;
    pts.forEach((p, i) => {
      if (!Number.isFinite(p.fd) || !Number.isFinite(p.diversity)) {
        throw new ShapeError(`tradeoffFigure(series[${k}].points[${i}])`, {
          expected: 'finite fd and diversity',
          received: JSON.stringify(p),
        });
      }
    });
    const err = (key: 'fdErr' | 'diversityErr') =>
      pts.some((p) => p[key] !== undefined)
        ? { error: { type: 'data', array: pts.map((p) => p[key] ?? 0), visible: true, thickness: 1, width: 3, color: classColor(k) } }
        : {};
    const hasLabels = pts.some((p) => p.label !== undefined);
    return {
      type: 'scatter',
      name: s.name,
      mode: hasLabels ? 'lines+markers+text' : 'lines+markers',
      x: pts.map((p) => p.diversity),
      y: pts.map((p) => p.fd),
      text: pts.map((p) => p.label ?? ''),
      textposition: 'top right',
      textfont: { size: 10, color: classColor(k) },
      line: { color: classColor(k), width: 1.5 },
      marker: { color: classColor(k), size: 7 },
      ...(err('diversityErr').error ? { error_x: err('diversityErr').error } : {}),
      ...(err('fdErr').error ? { error_y: err('fdErr').error } : {}),
      hovertemplate: `<b>${s.name}</b> %{text}<br>diversity %{x:.3f}<br>FD %{y:.2f}<extra></extra>`,
    };
  });
  return {
    data,
    layout: {
      ...baseLayout(input.title),
      xaxis: plainAxis(input.xTitle ?? 'diversity (higher is better) →'),
      yaxis: plainAxis(input.yTitle ?? 'Fréchet distance (lower is better)'),
      legend: { bgcolor: 'rgba(255,255,255,0.8)' },
      width: 720,
      height: 480,
    },
  };
}
