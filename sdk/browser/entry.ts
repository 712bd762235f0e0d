/// <reference lib="dom" />
/**
 * The explorer bundle's entry (esbuild → build/browser/hypnest-explorer.js): defines `window.hypnest`, which the
 * notebook outputs and the site's pages call. Everything it needs (tfjs, the wasm binaries, D3) is inside.
 */
import { mountRadius } from './radius-widget';
import { mountGeodesic } from './geodesic-widget';
import { mountNested } from './nested-widget';
import { mountScrubber } from './ddim-widget';
import { registerWeights, hasWeights, setWeightsBase } from './weights';
import { startRuntime } from './runtime';
import { chooseBackend } from './backend-choice';
import { WIDGET_CSS } from './style';

const widgets = { radius: mountRadius, geodesic: mountGeodesic, nested: mountNested, ddim: mountScrubber } as const;
export type WidgetKind = keyof typeof widgets;

function addStyle(): void {
  if (document.getElementById('hypnest-widget-css')) return;
  const s = document.createElement('style');
  s.id = 'hypnest-widget-css';
  s.textContent = WIDGET_CSS;
  document.head.appendChild(s);
}

/** Mounts widget `kind` into the element with id `id` (errors are shown in the element and logged). */
function mount(kind: WidgetKind, id: string, spec: unknown): void {
  addStyle();
  const root = document.getElementById(id);
  if (!root) throw new Error(`hypnest.mount: no element #${id}`);
  const f = widgets[kind] as (r: HTMLElement, s: unknown) => Promise<void>;
  if (!f) throw new Error(`hypnest.mount: unknown widget '${kind}' (known: ${Object.keys(widgets).join(', ')})`);
  f(root, spec)
    .then(() => {
      // the live widget replaces the static picture rendered in Node (kept for readers without JavaScript)
      const still = document.getElementById(`${id}-static`);
      if (still) still.style.display = 'none';
    })
    .catch((e: Error) => {
      root.textContent = `hypnest ${kind} widget failed: ${e.message}`;
      console.error(e);
    });
}

const api = { mount, registerWeights, hasWeights, setWeightsBase, startRuntime, chooseBackend, version: 1 };
(globalThis as unknown as { hypnest: typeof api }).hypnest ??= api;
