/// <reference lib="dom" />
/**
 * The geodesic walk in the page: pick two few-shot inputs A and B; their codes and the geodesic between them are
 * drawn on the Poincaré disk (the plane through 0, h_A, h_B holds it exactly); the slider t moves the point along the
 * arc and re-decodes the image at t (geodesic-compute.ts). One computation at a time (widget-dom serialRunner).
 */
import { diskSvg } from './disk-svg';
import { geodesicArc } from '../viz/figures/geodesic-arc';
import { WALK_DEFAULTS, WalkSettings, PreparedWalk, disposeWalk, prepareWalk, walkImages, walkUpdate } from './geodesic-compute';
import { hypdaeBall } from './models';
import { startRuntime } from './runtime';
import { bytesToPixels, pixelsToDataUrl } from './pixels';
import { el, outputImage, serialRunner, slider } from './widget-dom';

export interface GeodesicWidgetSpec {
  readonly inputs: readonly { readonly label: string; readonly pixels: string }[];
  /** Initial picks (indices into inputs) and t. */
  readonly a: number;
  readonly b: number;
  readonly t: number;
  readonly settings?: Partial<WalkSettings>;
}

const DISK = 240;
const PAD = 10;

function picker(parent: HTMLElement, name: string, spec: GeodesicWidgetSpec, chosen: number, onPick: (i: number) => void): void {
  const row = el(parent, 'div', `hx-inputs hx-pick-${name.toLowerCase()}`);
  el(row, 'span', 'hx-pick-label').textContent = `${name}:`;
  const imgs = spec.inputs.map((inp, i) => {
    const img = el(row, 'img', 'hx-input') as HTMLImageElement;
    img.src = pixelsToDataUrl(bytesToPixels(inp.pixels), 0, 2);
    img.title = inp.label;
    img.onclick = () => {
      imgs.forEach((x, j) => x.classList.toggle('hx-chosen', j === i));
      onPick(i);
    };
    return img;
  });
  imgs[chosen]?.classList.add('hx-chosen');
}

export async function mountGeodesic(root: HTMLElement, spec: GeodesicWidgetSpec): Promise<void> {
  const settings: WalkSettings = { ...WALK_DEFAULTS, ...spec.settings };
  root.classList.add('hypnest-widget', 'hypnest-geodesic');
  const status = el(root, 'div', 'hx-status');
  status.textContent = 'starting the TensorFlow.js runtime…';
  const picks = { a: spec.a, b: spec.b };
  let t = spec.t;
  let prepared: PreparedWalk | undefined;
  let stale = true;
  picker(root, 'A', spec, picks.a, (i) => {
    picks.a = i;
    reprepare();
  });
  picker(root, 'B', spec, picks.b, (i) => {
    picks.b = i;
    reprepare();
  });
  const controls = el(root, 'div', 'hx-controls');
  slider(controls, 't', 'hx-t', { min: 0, max: 1, step: 0.05, value: t }, (v) => {
    t = v;
    runner.request();
  });
  const info = await startRuntime();
  const models = await hypdaeBall();
  const c = models.ball.config.stage2.c;
  const pane = el(root, 'div', 'hx-panes');
  const left = el(pane, 'div', 'hx-pane');
  el(left, 'div', 'hx-title').textContent = 'Poincaré disk (plane through 0, h_A, h_B)';
  const svg = diskSvg(left, DISK, PAD, 'hx-disk hx-disk-ball');
  const mid = DISK / 2;
  const px = (p: number[]): [number, number] => [mid + p[0] * Math.sqrt(c) * (mid - PAD), mid - p[1] * Math.sqrt(c) * (mid - PAD)];
  const arc = svg.append('path').attr('fill', 'none').attr('stroke', '#888').attr('stroke-width', 1.5).attr('class', 'hx-arc');
  const dotA = svg.append('circle').attr('r', 5).attr('fill', '#1f77b4');
  const dotB = svg.append('circle').attr('r', 5).attr('fill', '#2ca02c');
  const dotT = svg.append('circle').attr('r', 7).attr('fill', '#d62728').attr('class', 'hx-point');
  const right = el(pane, 'div', 'hx-pane');
  el(right, 'div', 'hx-title').textContent = 'decoded (stage I, DDIM from slerp of the cached inversions)';
  const outs = el(right, 'div', 'hx-outputs');
  const imgA = outputImage(outs, 'A (t = 0)');
  const imgT = outputImage(outs, 'at t');
  const imgB = outputImage(outs, 'B (t = 1)');

  const runner = serialRunner(root, status, info, async () => {
    if (stale || !prepared) {
      const t0 = performance.now();
      stale = false;
      if (prepared) disposeWalk(prepared);
      prepared = prepareWalk(models, bytesToPixels(spec.inputs[picks.a].pixels), bytesToPixels(spec.inputs[picks.b].pixels), settings);
      const ends = await walkImages(models, prepared, [0, 1], settings);
      imgA.src = pixelsToDataUrl(ends.images, 0);
      imgB.src = pixelsToDataUrl(ends.images, 1024);
      const [a, b] = prepared.ends;
      arc.attr(
        'd',
        'M' +
          geodesicArc(a, b, 64, c)
            .map((p) => px(p).join(','))
            .join('L'),
      );
      dotA.attr('cx', px(a)[0]).attr('cy', px(a)[1]);
      dotB.attr('cx', px(b)[0]).attr('cy', px(b)[1]);
      root.dataset.prepareMs = String(Math.round(performance.now() - t0));
    }
    const u = await walkUpdate(models, prepared!, t, settings);
    imgT.src = pixelsToDataUrl(u.image, 0);
    dotT.attr('cx', px(u.point)[0]).attr('cy', px(u.point)[1]);
    Object.assign(root, { hypnestLast: { image: u.image, t, a: picks.a, b: picks.b, point: u.point } });
    return `1 decode at t = ${t.toFixed(2)} · ${settings.steps} DDIM steps from cached DDIM inversions of A and B · guidance ${settings.guidance}`;
  });
  function reprepare(): void {
    stale = true;
    runner.request();
  }
  await runner.run();
}
