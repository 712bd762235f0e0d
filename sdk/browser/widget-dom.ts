/// <reference lib="dom" />
/** Small DOM helpers shared by the widgets, and the status line every widget shows (backend, time per update). */
import type { RuntimeInfo } from './runtime';

export interface WidgetState {
  updates: number;
  lastMs: number;
  busy: boolean;
}

export function el<K extends keyof HTMLElementTagNameMap>(parent: HTMLElement, tag: K, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  parent.appendChild(e);
  return e;
}

/** "backend wasm (no GPU: …) · last update 812 ms · <what runs>". */
export function statusLine(info: RuntimeInfo, s: WidgetState, what: string): string {
  const ms = Number.isFinite(s.lastMs) ? `${Math.round(s.lastMs)} ms per update` : 'no update yet';
  return `backend ${info.backend} (${info.reason}) · ${ms} · ${what}`;
}

/**
 * One computation at a time: `request()` marks work pending and starts `work` unless it runs; requests made meanwhile
 * collapse into one more run. Each run is timed; the host element carries data-updates, data-last-ms, data-busy (the
 * tests and the bench read them) and the status line.
 */
export function serialRunner(
  root: HTMLElement,
  status: HTMLElement,
  info: RuntimeInfo,
  work: () => Promise<string>,
): { request: () => void; run: () => Promise<void>; state: WidgetState } {
  const state: WidgetState = { updates: 0, lastMs: NaN, busy: false };
  let pending = true;
  async function run(): Promise<void> {
    state.busy = true;
    root.dataset.busy = '1';
    try {
      while (pending) {
        pending = false;
        const t0 = performance.now();
        const what = await work();
        state.updates += 1;
        state.lastMs = performance.now() - t0;
        root.dataset.updates = String(state.updates);
        root.dataset.lastMs = String(Math.round(state.lastMs));
        status.textContent = statusLine(info, state, what);
      }
    } catch (e) {
      status.textContent = `error: ${(e as Error).message}`;
      console.error(e);
    } finally {
      state.busy = false;
      root.dataset.busy = '0';
    }
  }
  const request = () => {
    pending = true;
    if (!state.busy) void run();
  };
  root.dataset.backend = info.backend;
  return { request, run, state };
}

/** A range input with a label and a value read-out; `onInput` gets the value. */
export function slider(
  parent: HTMLElement,
  text: string,
  cls: string,
  r: { min: number; max: number; step: number; value: number },
  onInput: (v: number) => void,
  digits = 2,
): HTMLInputElement {
  const label = el(parent, 'label', 'hx-slider');
  label.append(`${text} `);
  const input = el(label, 'input', cls) as HTMLInputElement;
  Object.assign(input, { type: 'range', min: String(r.min), max: String(r.max), step: String(r.step), value: String(r.value) });
  const out = el(label, 'span', 'hx-value');
  const show = () => (out.textContent = Number(input.value).toFixed(digits));
  show();
  input.addEventListener('input', () => {
    show();
    onInput(Number(input.value));
  });
  return input;
}

/** An output image (96 px, class hx-out) with a caption. */
export function outputImage(parent: HTMLElement, caption: string, size = 96): HTMLImageElement {
  const fig = el(parent, 'figure');
  const img = el(fig, 'img', 'hx-out') as HTMLImageElement;
  img.width = size;
  img.height = size;
  el(fig, 'figcaption').textContent = caption;
  return img;
}
