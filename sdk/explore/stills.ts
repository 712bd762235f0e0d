/**
 * The static pictures of the widgets, rendered in Node when a widget function is called: the same computation as
 * the page (sdk/browser/*-compute.ts) with the same float16 weights, drawn as PNG grids (sdk/viz) and an SVG disk.
 * They stand beside the live widget for readers of an exported notebook without JavaScript (the page hides them once
 * the widget runs).
 */
import { ready } from '../core/backend';
import { geodesicArc } from '../viz/figures/geodesic-arc';
import { imageGrid } from '../viz/images/image-grid';
import { nestedStrip, trajectoryStrip } from '../viz/images/strips';
import { toDataUri } from '../viz/images/data-uri';
import { latentHeatmap } from '../viz/images/heatmap';
import { stage1FromPortable, stage2FromPortable } from '../models/hypdae/portable';
import { nestedFromPortable } from '../models/nested/portable';
import type { NestedModel } from '../models/nested/model';
import { WalkModels, WalkSettings, disposeWalk, prepareWalk, walkImages } from '../browser/geodesic-compute';
import { ScrubSettings, Trajectory, scrubTrajectories } from '../browser/ddim-compute';
import { LevelSettings, generateFrom } from '../browser/nested-compute';
import { portableWeights } from './assets';

let hyp: WalkModels | undefined;
let nested: NestedModel | undefined;

async function hypdae(): Promise<WalkModels> {
  await ready();
  if (!hyp) {
    const { stage1 } = stage1FromPortable(portableWeights('hypdae-stage1'));
    hyp = { stage1, ball: stage2FromPortable(portableWeights('hypdae-stage2-hyperbolic'), stage1.config).stage2 };
  }
  return hyp;
}

export async function nestedModel(): Promise<NestedModel> {
  await ready();
  nested ??= nestedFromPortable(portableWeights('nested-L5')).model;
  return nested;
}

const pixels = (b64: string) => Float32Array.from(Buffer.from(b64, 'base64'), (v) => v / 127.5 - 1);
const img = (data: Float32Array, i: number) => ({ data: data.subarray(i * 1024, (i + 1) * 1024), shape: [32, 32] });
const pngTag = (png: Buffer, alt: string) => `<img alt="${alt}" src="${toDataUri(png)}">`;

function diskSvg(a: number[], b: number[], points: number[][], c: number): string {
  const S = 200;
  const m = S / 2;
  const px = (p: number[]) => [m + p[0] * Math.sqrt(c) * (m - 8), m - p[1] * Math.sqrt(c) * (m - 8)].map((v) => v.toFixed(1));
  const arc = geodesicArc(a, b, 64, c)
    .map((p) => px(p).join(','))
    .join(' ');
  const dots = points.map((p) => `<circle cx="${px(p)[0]}" cy="${px(p)[1]}" r="4" fill="#d62728"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${S}" height="${S}"><circle cx="${m}" cy="${m}" r="${m - 8}" fill="#f7f7fb" stroke="#333"/><polyline points="${arc}" fill="none" stroke="#888" stroke-width="1.5"/>${dots}<circle cx="${px(a)[0]}" cy="${px(a)[1]}" r="5" fill="#1f77b4"/><circle cx="${px(b)[0]}" cy="${px(b)[1]}" r="5" fill="#2ca02c"/></svg>`;
}

/** The walk at t = 0, ¼, ½, ¾, 1: the disk with the arc and the five points, and the five decoded images. */
export async function geodesicStill(a: string, b: string, s: WalkSettings): Promise<string> {
  const m = await hypdae();
  const p = prepareWalk(m, pixels(a), pixels(b), s);
  try {
    const ts = [0, 0.25, 0.5, 0.75, 1];
    const { images, points } = await walkImages(m, p, ts, s);
    const grid = await imageGrid(
      ts.map((_, i) => img(images, i)),
      { cols: ts.length, colLabels: ts.map((t) => `t = ${t}`), cellSize: 72 },
    );
    return `${diskSvg(p.ends[0], p.ends[1], points, m.ball.config.stage2.c)} ${pngTag(grid, 'decoded along the geodesic')}`;
  } finally {
    disposeWalk(p);
  }
}

/** One generation and one inversion, x_t over x̂₀ at every step. */
export async function scrubStill(image: string, s: ScrubSettings): Promise<string> {
  const m = await hypdae();
  const tr = scrubTrajectories(m.stage1, pixels(image), s);
  const strip = (t: Trajectory, title: string) =>
    trajectoryStrip(
      t.t.map((tt, i) => ({ t: tt, x: img(t.x, i), x0: img(t.x0, i) })),
      { maxSteps: 11, title, cellSize: 56 },
    );
  const [g, v] = await Promise.all([strip(tr.generation, 'generation'), strip(tr.inversion, 'inversion')]);
  return `${pngTag(g, 'DDIM generation')}<br>${pngTag(v, 'DDIM inversion')}`;
}

/** n samples: each latent level's heat map, then the image. */
export async function nestedStill(s: LevelSettings): Promise<string> {
  const m = await nestedModel();
  const st = await generateFrom(m, s, 1);
  const levels = m.config.dims.map((d, l) => ({
    name: `level ${l + 1} (${d})`,
    images: Array.from({ length: s.n }, (_, i) => latentHeatmap(st.latents[l], d, i * d)),
  }));
  const png = await nestedStrip([...levels, { name: 'pixels', images: Array.from({ length: s.n }, (_, i) => img(st.images, i)) }], {
    cellSize: 72,
  });
  return pngTag(png, 'nested generation, level by level');
}
