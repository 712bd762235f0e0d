/// <reference lib="dom" />
/**
 * The DDIM scrubber in the page: pick a few-shot input; stage I generates from seeded noise with the input's code
 * and inverts the input (ddim-compute.ts), keeping x_t and the predicted x̂₀ of every step; the slider scrubs
 * through the steps of both. "new noise" re-draws the generation's x_T. Computing is a run of the serial runner;
 * scrubbing only shows stored frames (data-frame).
 */
import { SCRUB_DEFAULTS, ScrubSettings, Trajectories, scrubTrajectories } from './ddim-compute';
import { hypdaeStage1 } from './models';
import { startRuntime } from './runtime';
import { bytesToPixels, pixelsToDataUrl } from './pixels';
import { el, outputImage, serialRunner, slider } from './widget-dom';

export interface ScrubWidgetSpec {
  readonly inputs: readonly { readonly label: string; readonly pixels: string }[];
  readonly settings?: Partial<ScrubSettings>;
}

export async function mountScrubber(root: HTMLElement, spec: ScrubWidgetSpec): Promise<void> {
  const s: { -readonly [K in keyof ScrubSettings]: ScrubSettings[K] } = { ...SCRUB_DEFAULTS, ...spec.settings };
  root.classList.add('hypnest-widget', 'hypnest-ddim');
  const status = el(root, 'div', 'hx-status');
  status.textContent = 'starting the TensorFlow.js runtime…';
  let index = 0;
  let frame = 0;
  let traj: Trajectories | undefined;
  const picker = el(root, 'div', 'hx-inputs');
  const thumbs = spec.inputs.map((inp, i) => {
    const img = el(picker, 'img', 'hx-input') as HTMLImageElement;
    img.src = pixelsToDataUrl(bytesToPixels(inp.pixels), 0, 2);
    img.title = inp.label;
    img.onclick = () => {
      index = i;
      thumbs.forEach((x, j) => x.classList.toggle('hx-chosen', j === i));
      runner.request();
    };
    return img;
  });
  thumbs[0]?.classList.add('hx-chosen');
  const controls = el(root, 'div', 'hx-controls');
  const fresh = el(controls, 'button', 'hx-new-noise');
  fresh.textContent = 'new noise';
  fresh.onclick = () => {
    s.seed += 1;
    runner.request();
  };
  slider(
    controls,
    ' step',
    'hx-step',
    { min: 0, max: s.steps, step: 1, value: 0 },
    (v) => {
      frame = v;
      showFrame();
    },
    0,
  );
  const when = el(controls, 'span', 'hx-when');
  const info = await startRuntime();
  const stage1 = await hypdaeStage1();
  const panes = el(root, 'div', 'hx-panes');
  const pane = (title: string) => {
    const p = el(panes, 'div', 'hx-pane');
    el(p, 'div', 'hx-title').textContent = title;
    const o = el(p, 'div', 'hx-outputs');
    return [outputImage(o, 'xₜ'), outputImage(o, 'x̂₀ predicted')];
  };
  const gen = pane('generation: x_T (seeded) → x₀, code of the input');
  const inv = pane('inversion: the input x₀ → x_T');
  function showFrame(): void {
    if (!traj) return;
    const g = traj.generation;
    const v = traj.inversion;
    gen[0].src = pixelsToDataUrl(g.x, frame * 1024);
    gen[1].src = pixelsToDataUrl(g.x0, frame * 1024);
    inv[0].src = pixelsToDataUrl(v.x, frame * 1024);
    inv[1].src = pixelsToDataUrl(v.x0, frame * 1024);
    when.textContent = ` generation t = ${g.t[frame]} · inversion t = ${v.t[frame]}`;
    root.dataset.frame = String(frame);
  }
  const runner = serialRunner(root, status, info, async () => {
    traj = scrubTrajectories(stage1, bytesToPixels(spec.inputs[index].pixels), s);
    showFrame();
    Object.assign(root, { hypnestLast: { traj, input: index, seed: s.seed } });
    return `one generation (seed ${s.seed}, guidance ${s.guidance}) and one inversion of the input · ${s.steps} DDIM steps each`;
  });
  await runner.run();
}
