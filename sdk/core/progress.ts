/**
 * Progress reporting for every long loop (training, sampling, evaluation).
 * In a terminal: a cli-progress bar. In a notebook: whatever sink the display bridge installs
 * (an in-place updating display). Elsewhere (CI logs, pipes): a plain line every 10% or 10 s.
 * `HYPNEST_PROGRESS=0` silences it for a process; `quietly(run)` (or setProgressQuiet) for a part of one, e.g. a notebook cell.
 */
import { ConfigError, describe } from './errors';

export type ProgressInfo = Record<string, string | number>;

export interface Progress {
  /** Advance by n steps (default 1), optionally updating the shown values (loss, images/s...). */
  tick(n?: number, info?: ProgressInfo): void;
  /** Finish (idempotent). */
  done(): void;
}

export interface ProgressSink {
  start(label: string, total: number): Progress;
}

let sink: ProgressSink | undefined;

/** Installs a sink (the notebook display bridge does this); undefined restores the default. */
export function setProgressSink(s: ProgressSink | undefined): void {
  if (s !== undefined && (s === null || typeof s !== 'object' || typeof (s as Partial<ProgressSink>).start !== 'function')) {
    throw new ConfigError('setProgressSink(sink)', {
      expected: 'undefined or an object with a start(label, total) method returning { tick, done }',
      received: describe(s),
      hint:
        typeof s === 'function'
          ? 'Wrap the function: setProgressSink({ start: (label, total) => ({ tick() {}, done() {} }) }).'
          : 'Pass undefined to restore the default bar.',
    });
  }
  sink = s;
}

function fmt(info: ProgressInfo): string {
  return Object.entries(info)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? (Math.abs(v) >= 100 || Number.isInteger(v) ? v.toFixed(0) : v.toPrecision(3)) : v}`)
    .join(' ');
}

const silent: Progress = { tick() {}, done() {} };

function terminalBar(label: string, total: number): Progress {
  // Required here, in a terminal only: the browser bundle (no terminal) leaves cli-progress out.
  const { SingleBar } = require('cli-progress') as typeof import('cli-progress');
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted} {info}`,
    hideCursor: true,
    stream: process.stderr,
  });
  bar.start(total, 0, { info: '' });
  let finished = false;
  return {
    tick(n = 1, info) {
      bar.increment(n, info ? { info: fmt(info) } : undefined);
    },
    done() {
      if (!finished) bar.stop();
      finished = true;
    },
  };
}

function lineLogger(label: string, total: number): Progress {
  let value = 0;
  let lastPct = -1;
  let lastTime = Date.now();
  const t0 = Date.now();
  let finished = false;
  const say = (info?: ProgressInfo) => {
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    process.stderr.write(`${label}: ${value}/${total} (${secs}s)${info ? ' ' + fmt(info) : ''}\n`);
  };
  return {
    tick(n = 1, info) {
      value += n;
      const pct = Math.floor((10 * value) / Math.max(total, 1));
      if (pct > lastPct || Date.now() - lastTime > 10_000) {
        lastPct = pct;
        lastTime = Date.now();
        say(info);
      }
    },
    done() {
      if (!finished && lastPct < 10) say();
      finished = true;
    },
  };
}

let quietDepth = 0;

/** Silences every progress report (true) until called with false; calls nest. */
export function setProgressQuiet(quiet: boolean): void {
  quietDepth = Math.max(0, quietDepth + (quiet ? 1 : -1));
}

/** Runs `run` with progress reports silenced (restored when it settles, also on error). */
export async function quietly<T>(run: () => T | Promise<T>): Promise<T> {
  setProgressQuiet(true);
  try {
    return await run();
  } finally {
    setProgressQuiet(false);
  }
}

/**
 * Runs `jobs` one after the other under one progress bar (one tick per job), each job quietly: a cell that runs
 * several generations shows one bar instead of one per generation and level.
 */
export async function underOneBar<T>(label: string, jobs: readonly (() => T | Promise<T>)[]): Promise<T[]> {
  if (!Array.isArray(jobs) || jobs.some((j) => typeof j !== 'function')) {
    throw new ConfigError('underOneBar(jobs)', { expected: 'a list of functions (each runs one job)', received: describe(jobs) });
  }
  const bar = progress(label, jobs.length);
  try {
    const out: T[] = [];
    for (const job of jobs) {
      out.push(await quietly(job));
      bar.tick();
    }
    return out;
  } finally {
    bar.done();
  }
}

/** Starts reporting progress over `total` steps. */
export function progress(label: string, total: number): Progress {
  if (process.env.HYPNEST_PROGRESS === '0' || quietDepth > 0) return silent;
  if (sink) return sink.start(label, total);
  return process.stderr.isTTY ? terminalBar(label, total) : lineLogger(label, total);
}
