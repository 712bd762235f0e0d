/** Two plain Plotly figures from arrays: a bar chart and a labelled scatter plot (notebooks stop writing trace objects). */
import { ShapeError, checkOptions, describe } from '../../core/errors';
import { Figure, baseLayout, plainAxis } from './figure';

export interface BarInput {
  x: readonly string[];
  y: readonly number[];
  /** Text above each bar. */
  text?: readonly string[];
  /** One colour, or one per bar. */
  color?: string | readonly string[];
  /** Error bars (one per bar). */
  error?: readonly number[];
  title?: string;
  yTitle?: string;
}

export interface ScatterInput {
  x: readonly number[];
  y: readonly number[];
  /** A label beside each point. */
  text?: readonly string[];
  /** A number per point, coloured on a scale (with a colour bar titled `colorTitle`). */
  color?: readonly number[];
  colorTitle?: string;
  /** Plotly marker symbol per point ('circle', 'diamond', …). */
  symbol?: readonly string[];
  title?: string;
  xTitle?: string;
  yTitle?: string;
}

function checkLengths(where: string, n: number, arrays: Record<string, readonly unknown[] | string | undefined>): void {
  for (const [name, a] of Object.entries(arrays)) {
    if (Array.isArray(a) && a.length !== n)
      throw new ShapeError(`${where}(${name})`, { expected: `${n} entries (one per point)`, received: describe(a) });
  }
}

/** A bar chart (y from 0). */
export function barFigure(input: BarInput): Figure {
  checkOptions('barFigure', input, ['x', 'y', 'text', 'color', 'error', 'title', 'yTitle']);
  checkLengths('barFigure', input.x.length, {
    y: input.y as number[],
    text: input.text as string[],
    color: input.color,
    error: input.error as number[],
  });
  const trace = {
    type: 'bar',
    x: [...input.x],
    y: [...input.y],
    ...(input.text ? { text: [...input.text], textposition: 'outside' } : {}),
    ...(input.error ? { error_y: { type: 'data', array: [...input.error], visible: true } } : {}),
    marker: { color: typeof input.color === 'string' || input.color === undefined ? (input.color ?? '#4e79a7') : [...input.color] },
  };
  const layout = { ...baseLayout(input.title), yaxis: { ...plainAxis(input.yTitle ?? ''), rangemode: 'tozero' }, height: 380, width: 760 };
  return { data: [trace], layout };
}

/** A scatter plot with a label beside each point. */
export function scatterFigure(input: ScatterInput): Figure {
  checkOptions('scatterFigure', input, ['x', 'y', 'text', 'color', 'colorTitle', 'symbol', 'title', 'xTitle', 'yTitle']);
  checkLengths('scatterFigure', input.x.length, {
    y: input.y as number[],
    text: input.text as string[],
    color: input.color as number[],
    symbol: input.symbol as string[],
  });
  const scale = input.color
    ? { color: [...input.color], colorscale: 'Viridis', showscale: true, colorbar: { title: { text: input.colorTitle ?? '' } } }
    : { color: '#4e79a7' };
  const trace = {
    type: 'scatter',
    mode: input.text ? 'markers+text' : 'markers',
    x: [...input.x],
    y: [...input.y],
    ...(input.text ? { text: [...input.text], textposition: 'top center' } : {}),
    marker: { size: 10, ...scale, ...(input.symbol ? { symbol: [...input.symbol] } : {}) },
  };
  const layout = {
    ...baseLayout(input.title),
    xaxis: plainAxis(input.xTitle ?? ''),
    yaxis: plainAxis(input.yTitle ?? ''),
    height: 420,
    width: 760,
  };
  return { data: [trace], layout };
}
