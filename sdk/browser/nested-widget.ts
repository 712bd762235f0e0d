/// <reference lib="dom" />
/**
 * Nested diffusion level by level in the page: n samples generated coarse to fine by the shipped L5 model; each
 * latent level's z̃ is a heat map (rows = samples), the pixels last. Per level: a guidance slider, a σ² slider
 * (latent levels) and a re-draw button; any change re-runs that level and the finer ones while every coarser latent
 * stays (nested-compute.ts generateFrom).
 */
import { heatmapShape, latentHeatmap } from '../viz/images/heatmap';
import { LevelSettings, LevelState, generateFrom, levelDefaults } from './nested-compute';
import { nestedL5 } from './models';
import { startRuntime } from './runtime';
import { pixelsToDataUrl, rgbToDataUrl } from './pixels';
import { el, serialRunner, slider } from './widget-dom';

export interface NestedWidgetSpec {
  /** Guidance scale per level (coarse to fine). */
  readonly guidance: readonly number[];
  readonly n?: number;
  readonly steps?: number;
  readonly latentSteps?: number;
}

export async function mountNested(root: HTMLElement, spec: NestedWidgetSpec): Promise<void> {
  root.classList.add('hypnest-widget', 'hypnest-nested');
  const status = el(root, 'div', 'hx-status');
  status.textContent = 'starting the TensorFlow.js runtime…';
  const info = await startRuntime();
  const m = await nestedL5();
  const L = m.config.levels;
  const d0 = levelDefaults(m, spec.guidance);
  const s: { -readonly [K in keyof LevelSettings]: LevelSettings[K] } = {
    ...d0,
    n: spec.n ?? d0.n,
    steps: spec.steps ?? d0.steps,
    latentSteps: spec.latentSteps ?? d0.latentSteps,
    guidance: [...d0.guidance],
    sigma2: [...d0.sigma2],
    seeds: [...d0.seeds],
  };
  let state: LevelState | undefined;
  let from = 1;
  const rerun = (level: number) => {
    from = Math.min(from, level);
    runner.request();
  };
  const grid = el(root, 'div', 'hx-levels');
  grid.style.gridTemplateColumns = `repeat(${L}, auto)`;
  const cells: HTMLImageElement[][] = [];
  for (let l = 1; l <= L; l++) {
    const col = el(grid, 'div', `hx-level hx-level-${l}`);
    const pixel = l === L;
    el(col, 'div', 'hx-title').textContent = pixel
      ? `level ${l}: pixels`
      : `level ${l}: ${m.config.features[l - 1]} (d = ${m.config.dims[l - 1]})`;
    slider(
      col,
      'w',
      'hx-guidance',
      { min: 1, max: 4, step: 0.1, value: s.guidance[l - 1] },
      (v) => {
        s.guidance = s.guidance.map((g, i) => (i === l - 1 ? v : g));
        rerun(l);
      },
      1,
    );
    if (!pixel)
      slider(col, 'σ²', 'hx-sigma', { min: 0, max: 1, step: 0.05, value: s.sigma2[l - 1] }, (v) => {
        s.sigma2 = s.sigma2.map((g, i) => (i === l - 1 ? v : g));
        rerun(l);
      });
    const btn = el(col, 'button', 'hx-redraw');
    btn.textContent = `re-draw level ${l}`;
    btn.onclick = () => {
      s.seeds = s.seeds.map((v, i) => (i === l - 1 ? v + 1000 : v));
      rerun(l);
    };
    cells.push(
      Array.from({ length: s.n }, () => {
        const img = el(col, 'img', pixel ? 'hx-out' : 'hx-heat') as HTMLImageElement;
        img.width = 96;
        img.height = pixel ? 96 : Math.round((96 * heatRows(m.config.dims[l - 1])) / heatCols(m.config.dims[l - 1]));
        return img;
      }),
    );
  }
  const runner = serialRunner(root, status, info, async () => {
    const level = from;
    from = L + 1;
    state = await generateFrom(m, s, level, state);
    for (let l = level; l <= L; l++)
      cells[l - 1].forEach((img, i) => {
        const d = m.config.dims[l - 1];
        img.src =
          l === L
            ? pixelsToDataUrl(state!.images, i * 1024)
            : rgbToDataUrl(latentHeatmap(state!.latents[l - 1], d, i * d), 96 / heatCols(d));
      });
    root.dataset.from = String(level);
    Object.assign(root, { hypnestLast: { state, from: level, settings: { ...s } } });
    return `levels ${level}–${L} re-drawn (coarser ones held) · ${s.n} samples · ${s.latentSteps} latent / ${s.steps} pixel DDIM steps (η = 1) · w [${s.guidance.join(', ')}] · σ² [${s.sigma2.join(', ')}]`;
  });
  await runner.run();
}

const heatRows = (d: number) => heatmapShape(d)[0];
const heatCols = (d: number) => heatmapShape(d)[1];
