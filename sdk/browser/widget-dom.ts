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
