import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import sharp from 'sharp';
import {
  poincareDiskFigure,
  prototypeDendrogramSvg,
  radiusHistogramFigure,
  radiusSweepFigure,
  tradeoffFigure,
  PlotlyTrace,
} from '../../sdk/viz/figures';
import { dist0, euclideanRadius, expmap0 } from '../../sdk/viz/figures/ball-math';
import { histogram } from '../../sdk/viz/figures/radius-histogram';
import { ConfigError, ShapeError } from '../../sdk/core/errors';
import { Rng } from '../../sdk/core/rng';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
const isPureJson = (x: unknown) => assert.equal(JSON.parse(JSON.stringify(x)), x, 'figure is plain JSON (no undefined, no functions)');

function cloud(seed: number, n: number, d = 2): { points: number[][]; labels: number[] } {
  const rng = new Rng(seed);
  const points = Array.from({ length: n }, () => expmap0(Array.from({ length: d }, () => rng.normal())));
  return { points, labels: points.map((_, i) => i % 3) };
}

test('poincareDiskFigure: traces, points, radii in customdata, rings at tanh(R/2), equal axes', () => {
  const { points, labels } = cloud(1, 30);
  const images = points.map((_, i) => `data:image/png;base64,AAA${i}`);
  const fig = poincareDiskFigure({
    points,
    labels,
    classNames: ['a', 'b', 'c'],
    images,
    rings: [1, 2, 3],
    geodesics: [
      [
        [0.1, 0.2],
        [-0.5, 0.3],
      ],
    ],
  });
  isPureJson(fig);
  assert.is(fig.data.length, 3 + 3, 'boundary, rings, geodesics + one per class');
  const classes = fig.data.slice(3) as PlotlyTrace[];
  assert.equal(
    classes.map((t) => t.name),
    ['a', 'b', 'c'],
  );
  assert.is(
    classes.reduce((s, t) => s + (t.x as number[]).length, 0),
    30,
  );
  for (const t of classes) {
    (t.customdata as [string, number, number][]).forEach(([uri, R, i], k) => {
      assert.is(uri, images[i]);
      close(R, dist0(points[i]));
      assert.is((t.x as number[])[k], points[i][0]);
    });
  }
  const ring = fig.data[1] as { x: (number | null)[]; y: (number | null)[] };
  const radii = [1, 2, 3].map((R) => Math.tanh(R / 2));
  ring.x.forEach((x, i) => {
    if (x === null) return;
    const r = Math.hypot(x, ring.y[i] as number);
    assert.ok(
      radii.some((e) => Math.abs(r - e) < 1e-12),
      `ring point at Euclidean radius ${r}`,
    );
  });
  const ann = fig.layout.annotations as { y: number; text: string }[];
  assert.equal(
    ann.map((a) => a.text),
    ['R=1', 'R=2', 'R=3'],
  );
  ann.forEach((a, k) => close(a.y, radii[k], 1e-15));
  assert.is((fig.layout.yaxis as Record<string, unknown>).scaleanchor, 'x');
  assert.is((fig.layout.meta as Record<string, unknown>).imageHover, true);
});

test('poincareDiskFigure: curvature, crowded rings unlabelled, projection of high-dim codes', () => {
  const c = 2;
  const fig = poincareDiskFigure({
    points: [
      [0.1, 0.1],
      [0.2, -0.3],
    ],
    rings: [1, 2, 6, 7],
    c,
  });
  const boundary = fig.data[0] as { x: number[]; y: number[] };
  close(Math.hypot(boundary.x[5], boundary.y[5]), 1 / Math.sqrt(2), 1e-12);
  const ann = fig.layout.annotations as { y: number; text: string }[];
  assert.equal(
    ann.map((a) => a.text),
    ['R=1', 'R=2', 'R=6'],
    'R=7 is within 0.05 of R=6 near the boundary',
  );
  close(ann[1].y, euclideanRadius(2, c), 1e-15);
  assert.is((fig.layout.meta as Record<string, unknown>).imageHover, false);
  const hi = cloud(2, 20, 16);
  assert.throws(
    () => poincareDiskFigure({ points: hi.points }),
    (e: unknown) => e instanceof ShapeError,
  );
  const proj = poincareDiskFigure({ points: hi.points, labels: hi.labels, project: 'pca' });
  assert.is(proj.data.length, 2 + 3);
  assert.throws(
    () => poincareDiskFigure({ points: hi.points, project: 'pca', labels: [0] }),
    (e: unknown) => e instanceof ShapeError,
  );
  assert.throws(
    () => poincareDiskFigure({ points: [[0, 0]], ring: [1] } as never),
    (e: unknown) => e instanceof ConfigError && /rings/.test(e.message),
  );
});

test('radius histogram: shared bins, counts add up per class, density integrates to 1', () => {
  const h = histogram([0, 0.5, 1, 1.5, 2], 0, 2, 4);
  assert.equal(h.counts, [1, 1, 1, 2], 'the maximum goes in the last bin');
  const { points, labels } = cloud(3, 60, 5);
  const fig = radiusHistogramFigure({ points, labels, classNames: ['a', 'b', 'c'], nbins: 12 });
  isPureJson(fig);
  assert.is(fig.data.length, 3);
  for (const t of fig.data) {
    assert.is((t.y as number[]).length, 12);
    assert.is(
      (t.y as number[]).reduce((a, b) => a + b, 0),
      20,
    );
    assert.equal(t.x, fig.data[0].x, 'all classes share bins');
  }
  const lo = Math.min(...points.map((p) => dist0(p)));
  close((fig.data[0].x as number[])[0], lo, 1e-12);
  const dens = radiusHistogramFigure({ radii: points.map((p) => dist0(p)), normalize: 'density', nbins: 7 });
  const t = dens.data[0];
  close((t.y as number[]).reduce((a, b) => a + b, 0) * (t.width as number), 1, 1e-12);
  assert.throws(
    () => radiusHistogramFigure({ radii: [1, 2], labels: [0] }),
    (e: unknown) => e instanceof ShapeError,
  );
  assert.throws(
    () => radiusHistogramFigure({}),
    (e: unknown) => e instanceof ShapeError,
  );
});

test('radiusSweepFigure: one frame per radius, slider steps point at the frames, images padded', () => {
  const radii = [0.5, 1, 2, 4];
  const images = radii.map((_, i) => Array.from({ length: i === 2 ? 3 : 5 }, (_, j) => `data:image/png;base64,${i}${j}`));
  const fig = radiusSweepFigure({ radii, images, cols: 3 });
  isPureJson(fig);
  assert.is(fig.frames!.length, radii.length);
  const steps = (fig.layout.sliders as { steps: { args: [string[]] }[] }[])[0].steps;
  assert.equal(
    steps.map((s) => s.args[0][0]),
    fig.frames!.map((f) => f.name),
  );
  fig.frames!.forEach((f, i) => {
    const imgs = f.layout!.images as { source: string; visible: boolean; x: number; y: number }[];
    assert.is(imgs.length, 5);
    assert.is(imgs.filter((im) => im.visible).length, images[i].length);
    assert.is(imgs[0].source, images[i][0]);
    assert.ok(imgs[4].x < 3 && imgs[4].y < -1, 'fifth image on the second row of three columns');
  });
  assert.equal(fig.layout.images, fig.frames![0].layout!.images);
  assert.throws(
    () => radiusSweepFigure({ radii, images: images.slice(1) }),
    (e: unknown) => e instanceof ShapeError,
  );
});

test('tradeoffFigure: one line per series, labels and error bars only when given', () => {
  const fig = tradeoffFigure({
    series: [
      {
        name: 'radius',
        points: [
          { fd: 30, diversity: 0.1, label: 'R=1', fdErr: 2 },
          { fd: 20, diversity: 0.2, label: 'R=2' },
        ],
      },
      { name: 'truncation', points: [{ fd: 25, diversity: 0.15 }] },
    ],
  });
  isPureJson(fig);
  assert.is(fig.data.length, 2);
  assert.equal(fig.data[0].y, [30, 20]);
  assert.equal((fig.data[0].error_y as { array: number[] }).array, [2, 0]);
  assert.is(fig.data[0].error_x, undefined);
  assert.is(fig.data[1].mode, 'lines+markers');
  assert.throws(
    () => tradeoffFigure({ series: [{ name: 'x', points: [{ fd: NaN, diversity: 1 }] }] }),
    (e: unknown) => e instanceof ShapeError,
  );
});

/** Rough XML check: every opened tag is closed in order; returns the count of each element name. */
function parseXml(svg: string): Map<string, number> {
  const stack: string[] = [];
  const counts = new Map<string, number>();
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    if (closing) assert.is(stack.pop(), name, `closing </${name}>`);
    else {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (!selfClosing) stack.push(name);
    }
  }
  assert.equal(stack, [], 'all tags closed');
  assert.not.match(svg.replace(/<[^>]*>/g, ''), /[<>]/, 'no stray angle brackets in text');
  return counts;
}

test('prototypeDendrogramSvg: well-formed, one leaf per prototype, escaped names, rasterizes', async () => {
  const rng = new Rng(6);
  const names = ['T-shirt', 'Trouser', 'Pull<over>', 'Dress & Coat', 'Bag'];
  const prototypes = names.map(() => expmap0([rng.normal(), rng.normal(), rng.normal()]));
  const thumbnails = names.map(() => 'data:image/png;base64,iVBORw0KGgo=');
  const svg = prototypeDendrogramSvg({ prototypes, names, thumbnails, title: 'a < b' });
  const counts = parseXml(svg);
  assert.is((svg.match(/class="leaf"/g) ?? []).length, names.length);
  assert.is(counts.get('image'), names.length);
  assert.is(counts.get('path'), 2 * names.length - 2, 'one elbow per tree edge');
  assert.ok(svg.includes('Pull&lt;over&gt;') && svg.includes('Dress &amp; Coat'));
  const plain = prototypeDendrogramSvg({ prototypes, names, width: 500 });
  const meta = await sharp(Buffer.from(plain)).metadata();
  assert.is(meta.width, 500);
  assert.throws(
    () => prototypeDendrogramSvg({ prototypes, names: names.slice(1) }),
    (e: unknown) => e instanceof ShapeError,
  );
});

test('sdk/viz imports neither the tensor library nor the backend', () => {
  for (const dir of ['figures', 'images']) {
    const root = join(__dirname, '../../sdk/viz', dir);
    for (const f of readdirSync(root).filter((n) => n.endsWith('.ts'))) {
      const src = readFileSync(join(root, f), 'utf8');
      assert.not.match(src, /from '[^']*(tfjs|core\/backend)[^']*'/, `${dir}/${f}`);
    }
  }
});

test.run();
