/**
 * Progress in a notebook: one output per loop that updates in place (Jupyter display ids and
 * `update_display_data`), showing a bar, counts, elapsed time, ETA and the latest values (loss, ...).
 * Updates are throttled to one per `intervalMs` so a fast loop does not flood the front end.
 */
import { randomBytes } from 'crypto';
import type { Progress, ProgressInfo, ProgressSink } from '../../core/progress';
import type { MimeBundle } from './mime';
import { sendDisplay } from './tslab';

export interface ProgressState {
  label: string;
  value: number;
  total: number;
  seconds: number;
  info?: ProgressInfo;
  done: boolean;
}

function num(v: number): string {
  if (Number.isInteger(v) || Math.abs(v) >= 100) return v.toFixed(0);
  return v.toPrecision(3);
}

function infoText(info?: ProgressInfo): string {
  if (!info) return '';
  return Object.entries(info)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? num(v) : v}`)
    .join(' ');
}

function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${Math.round(s - 60 * m)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Text and HTML for one progress state. ETA = elapsed · (total − value) / value. */
export function progressBundle(s: ProgressState): MimeBundle {
  const frac = s.total > 0 ? Math.min(1, s.value / s.total) : 0;
  const pct = Math.floor(100 * frac);
  const eta = s.value > 0 ? (s.seconds * (s.total - s.value)) / s.value : NaN;
  const time = s.done ? `done in ${duration(s.seconds)}` : `${duration(s.seconds)} · eta ${duration(eta)}`;
  const info = infoText(s.info);
  const text = `${s.label}: ${s.value}/${s.total} ${pct}% ${time}${info ? ' ' + info : ''}`;
  const color = s.done ? '#59a14f' : '#4e79a7';
  const html =
    `<div class="hypnest-progress" style="font-family:monospace;font-size:12px;line-height:1.6">` +
    `<span style="display:inline-block;vertical-align:middle;width:220px;height:10px;background:#eee;border-radius:3px;overflow:hidden">` +
    `<span style="display:block;height:100%;width:${(100 * frac).toFixed(1)}%;background:${color}"></span></span> ` +
    `${escapeHtml(s.label)} ${s.value}/${s.total} (${pct}%) · ${escapeHtml(time)}${info ? ' · ' + escapeHtml(info) : ''}</div>`;
  return { 'text/html': html, 'text/plain': text };
}

/** A ProgressSink drawing into the notebook (install it with `setProgressSink`). */
export function notebookProgressSink(opts: { intervalMs?: number } = {}): ProgressSink {
  const intervalMs = opts.intervalMs ?? 200;
  return {
    start(label: string, total: number): Progress {
      const displayId = `hypnest-progress-${randomBytes(6).toString('hex')}`;
      const t0 = Date.now();
      let value = 0;
      let info: ProgressInfo | undefined;
      let last = 0;
      let finished = false;
      const send = (done: boolean, update: boolean) => {
        last = Date.now();
        sendDisplay(progressBundle({ label, value, total, seconds: (last - t0) / 1000, info, done }), { displayId, update });
      };
      send(false, false);
      return {
        tick(n = 1, i?: ProgressInfo) {
          value += n;
          if (i) info = i;
          if (!finished && Date.now() - last >= intervalMs) send(false, true);
        },
        done() {
          if (finished) return;
          finished = true;
          send(true, true);
        },
      };
    },
  };
}
