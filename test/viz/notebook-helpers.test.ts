/** The viz helpers that keep notebook cells short: diskLayout, asImage, heatmap, barFigure, scatterFigure, stars. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ShapeError } from '../../sdk/core/errors';
import { barFigure, diskLayout, poincareDiskFigure, scatterFigure } from '../../sdk/viz/figures';
import { asImage, heatmap } from '../../sdk/viz/images';
import { throwsTyped } from '../helpers/expect-error';

test('diskLayout puts each point at its true hyperbolic radius, in the PCA direction', () => {
  const points = [
    [0.5, 0.1, 0.0],
    [-0.3, 0.4, 0.1],
    [0.2, -0.6, 0.0],
  ];
  const radii = [1, 3, 5.5];
  for (const c of [1, 2]) {
    const placed = diskLayout(points, radii, c);
    placed.forEach(([x, y], i) => {
      const r = Math.hypot(x, y);
      const R = (2 / Math.sqrt(c)) * Math.atanh(Math.sqrt(c) * r); // dist0 of the placed point
      assert.ok(Math.abs(R - radii[i]) < 1e-9, `c ${c} point ${i}: R ${R}`);
    });
  }
  throwsTyped(() => diskLayout(points, [1, 2]), ShapeError, 'diskLayout(radii)', '3 finite radii');
  throwsTyped(() => diskLayout(points, [1, NaN, 2]), ShapeError, 'diskLayout(radii)');
});

test('asImage wraps square pixels; heatmap colours a vector blue < 0 < red with grey padding', () => {
  const px = new Float32Array(1024).fill(0.5);
  const img = asImage(px);
  assert.equal(img.shape, [32, 32]);
  assert.is(img.data, px);
  throwsTyped(() => asImage(new Float32Array(1000)), ShapeError, 'asImage(pixels)');
  const h = heatmap([2.5, -2.5, 0, 10, -1, 0.3]); // d = 6: 2 rows × 3 columns
  assert.equal(h.shape, [2, 3, 3]);
  assert.equal(Array.from(h.data.slice(0, 9)), [255, 0, 0, 0, 0, 255, 255, 255, 255]);
  assert.equal(Array.from(h.data.slice(9, 12)), [255, 0, 0]); // 10 is clipped at +2.5
  const padded = heatmap([1, 1, 1]); // 1 row × 3: no padding; 5 values → 2 × 3 with one grey cell
  assert.equal(padded.shape, [1, 3, 3]);
  assert.equal(Array.from(heatmap([0, 0, 0, 0, 0]).data.slice(15, 18)), [235, 235, 235]);
  throwsTyped(() => heatmap([]), ShapeError, 'heatmap(values)');
});

test('barFigure and scatterFigure build one trace from arrays; lengths must match', () => {
  const bar = barFigure({
    x: ['a', 'b'],
    y: [1, 2],
    text: ['1', '2'],
    color: ['red', 'blue'],
    error: [0.1, 0.2],
    title: 'T',
    yTitle: 'ms',
  });
  assert.is(bar.data.length, 1);
  assert.equal(bar.data[0].y, [1, 2]);
  assert.equal((bar.data[0].marker as { color: string[] }).color, ['red', 'blue']);
  assert.equal((bar.data[0].error_y as { array: number[] }).array, [0.1, 0.2]);
  const sc = scatterFigure({
    x: [1, 2],
    y: [3, 4],
    text: ['p', 'q'],
    color: [1, 5],
    symbol: ['circle', 'diamond'],
    xTitle: 's',
    yTitle: 'FD',
  });
  assert.is(sc.data[0].mode, 'markers+text');
  assert.equal((sc.data[0].marker as { symbol: string[] }).symbol, ['circle', 'diamond']);
  throwsTyped(() => barFigure({ x: ['a'], y: [1, 2] }), ShapeError, 'barFigure(y)');
  throwsTyped(() => scatterFigure({ x: [1, 2], y: [1], text: ['a', 'b'] }), ShapeError, 'scatterFigure(y)');
});

test('poincareDiskFigure draws the classes named in `stars` as outlined stars with their text', () => {
  const fig = poincareDiskFigure({
    points: [
      [0.1, 0.2],
      [0.3, -0.1],
      [0, 0.05],
    ],
    labels: [0, 0, 1],
    classNames: ['codes', 'means'],
    stars: { means: { color: ['#123456'], text: ['mean'] } },
  });
  const means = fig.data.find((t) => t.name === 'means')!;
  const codes = fig.data.find((t) => t.name === 'codes')!;
  assert.is((means.marker as { symbol: string }).symbol, 'star');
  assert.equal((means.marker as { color: string[] }).color, ['#123456']);
  assert.equal(means.text, ['mean']);
  assert.is((codes.marker as { symbol?: string }).symbol, undefined);
});

test.run();
