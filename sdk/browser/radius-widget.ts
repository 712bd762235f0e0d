/// <reference lib="dom" />
/**
 * The radius explorer in the page: pick an input (or drop an image), drag the target on either disk, move the
 * radius slider; every change re-decodes four images (ball and Euclidean twin: the input at R, the step toward the
 * target at R). One computation runs at a time; changes made meanwhile collapse into the next one.
 */
import { drag } from 'd3-drag';
import { diskSvg } from './disk-svg';
import { geodesicArc } from '../viz/figures/geodesic-arc';
import { RADIUS_DEFAULTS, RadiusSettings, PreparedInput, disposePrepared, prepareInput, radiusUpdate } from './radius-compute';
import { hypdaeModels } from './models';
import { startRuntime } from './runtime';
import { bytesToPixels, fileToPixels, pixelsToDataUrl } from './pixels';
import { el, serialRunner } from './widget-dom';

export interface RadiusWidgetSpec {
  /** Few-shot inputs: label and 32 × 32 bytes (base64). */
  readonly inputs: readonly { readonly label: string; readonly pixels: string }[];
  readonly radius: { readonly min: number; readonly max: number; readonly initial: number };
  /** Initial angle of the target (radians, from the input's direction). */
  readonly angle: number;
  readonly settings?: Partial<RadiusSettings>;
}

const DISK = 220;
const PAD = 10;

interface Space {
  key: 'ball' | 'twin';
  title: string;
  scale: (r: number) => number;
}

export async function mountRadius(root: HTMLElement, spec: RadiusWidgetSpec): Promise<void> {
  const settings: RadiusSettings = { ...RADIUS_DEFAULTS, ...spec.settings };
  root.classList.add('hypnest-widget', 'hypnest-radius');
  const status = el(root, 'div', 'hx-status');
  status.textContent = 'starting the TensorFlow.js runtime…';
  const picker = el(root, 'div', 'hx-inputs');
  const controls = el(root, 'div', 'hx-controls');
  const label = el(controls, 'label');
  label.textContent = 'R ';
  const slider = el(label, 'input') as HTMLInputElement;
  Object.assign(slider, {
    type: 'range',
    min: String(spec.radius.min),
    max: String(spec.radius.max),
    step: '0.05',
    value: String(spec.radius.initial),
  });
  slider.className = 'hx-radius';
  const rText = el(label, 'span', 'hx-radius-value');
  const panes = el(root, 'div', 'hx-panes');
  const maxR = spec.radius.max;
  const spaces: Space[] = [
    { key: 'ball', title: 'Poincaré ball (hyperbolic stage II)', scale: (r) => r },
    { key: 'twin', title: 'Euclidean twin (same stage I)', scale: (r) => r / (maxR * 1.08) },
  ];
  let angle = spec.angle;
  let index = 0;
  let pixels = bytesToPixels(spec.inputs[0].pixels);
  let prepared: PreparedInput | undefined;
  const live: { runner?: ReturnType<typeof serialRunner> } = {};

  const info = await startRuntime();
  const models = await hypdaeModels();
  const views = spaces.map((sp) => {
    const pane = el(panes, 'div', 'hx-pane');
    el(pane, 'div', 'hx-title').textContent = sp.title;
    const svg = diskSvg(pane, DISK, PAD, `hx-disk hx-disk-${sp.key}`);
    const c = DISK / 2;
    const px = (p: number[]): [number, number] => [c + sp.scale(p[0]) * (c - PAD), c - sp.scale(p[1]) * (c - PAD)];
    const ring = svg
      .append('circle')
      .attr('cx', c)
      .attr('cy', c)
      .attr('fill', 'none')
      .attr('stroke', '#999')
      .attr('stroke-dasharray', '3,3');
    const path = svg.append('path').attr('fill', 'none').attr('stroke', '#d62728').attr('stroke-width', 1.5);
    const input = svg.append('circle').attr('r', 5).attr('fill', '#1f77b4');
    const edited = svg.append('circle').attr('r', 5).attr('fill', '#d62728');
    const target = svg.append('circle').attr('r', 8).attr('fill', '#ff7f0e').attr('class', 'hx-target').style('cursor', 'grab');
    target.call(
      drag<SVGCircleElement, unknown>().on('drag', (ev: { x: number; y: number }) => {
        angle = Math.atan2(-(ev.y - c), ev.x - c);
        redrawTargets();
        request();
      }),
    );
    const imgs = el(pane, 'div', 'hx-outputs');
    const outs = ['at R', 'toward the target'].map((t) => {
      const fig = el(imgs, 'figure');
      const img = el(fig, 'img', 'hx-out') as HTMLImageElement;
      img.width = 96;
      img.height = 96;
      el(fig, 'figcaption').textContent = t;
      return img;
    });
    const draw = (pts: number[][]) => {
      const R = Number(slider.value);
      const ringR = sp.key === 'ball' ? Math.tanh(R / 2) : sp.scale(R);
      ring.attr('r', ringR * (c - PAD));
      const [a, b, t] = pts;
      input.attr('cx', px(a)[0]).attr('cy', px(a)[1]);
      edited.attr('cx', px(b)[0]).attr('cy', px(b)[1]);
      target.attr('cx', px(t)[0]).attr('cy', px(t)[1]);
      const line = sp.key === 'ball' ? geodesicArc(a, t, 48) : [a, t];
      path.attr('d', 'M' + line.map((p) => px(p).join(',')).join('L'));
    };
    const drawTarget = () => {
      const R = Number(slider.value);
      const r = sp.key === 'ball' ? Math.tanh(R / 2) : R;
      const p = [r * Math.cos(angle), r * Math.sin(angle)];
      target.attr('cx', px(p)[0]).attr('cy', px(p)[1]);
    };
    return { sp, outs, draw, drawTarget };
  });
  const redrawTargets = () => views.forEach((v) => v.drawTarget());

  spec.inputs.forEach((inp, i) => {
    const img = el(picker, 'img', 'hx-input') as HTMLImageElement;
    img.src = pixelsToDataUrl(bytesToPixels(inp.pixels), 0, 2);
    img.title = inp.label;
    img.onclick = () => {
      index = i;
      pixels = bytesToPixels(inp.pixels);
      reprepare();
    };
  });
  const drop = el(picker, 'span', 'hx-drop');
  drop.textContent = 'or drop an image here';
  root.addEventListener('dragover', (e) => e.preventDefault());
  root.addEventListener('drop', (e) => {
    e.preventDefault();
    const f = e.dataTransfer?.files?.[0];
    if (f)
      void fileToPixels(f).then((p) => {
        index = -1;
        pixels = p;
        reprepare();
      });
  });
  slider.addEventListener('input', () => {
    rText.textContent = Number(slider.value).toFixed(2);
    redrawTargets();
    request();
  });
  rText.textContent = Number(slider.value).toFixed(2);

  function reprepare(): void {
    if (prepared) disposePrepared(prepared);
    prepared = undefined;
    request();
  }

  function request(): void {
    live.runner?.request();
  }

  const runner = (live.runner = serialRunner(root, status, info, async () => {
    if (!prepared) {
      const t0 = performance.now();
      const other = bytesToPixels(spec.inputs[(Math.max(index, 0) + 1) % spec.inputs.length].pixels);
      prepared = prepareInput(models, pixels, other, settings);
      root.dataset.inversionMs = String(Math.round(performance.now() - t0));
    }
    const R = Number(slider.value);
    const u = await radiusUpdate(models, prepared, R, angle, settings);
    views.forEach((v, i) => {
      v.outs.forEach((img, j) => {
        img.src = pixelsToDataUrl(u.images, (2 * i + j) * 1024);
      });
      v.draw(u.disk[v.sp.key]);
    });
    Object.assign(root, { hypnestLast: { images: u.images, radius: R, angle, input: index, disk: u.disk } });
    return `4 decodes · ${settings.steps} DDIM steps from a cached DDIM inversion of the input · guidance ${settings.guidance}`;
  }));
  await runner.run();
}
