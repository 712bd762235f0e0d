/** A child process running a TypeScript entry point (node --import tsx), with its stderr read line by line. */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..', '..');

export interface ChildRun {
  proc: ChildProcess;
  /** stderr lines so far. */
  lines: string[];
  /** Resolves with the exit code (null when killed) and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first stderr line matching `re` (rejects if the process exits first). */
  waitFor(re: RegExp): Promise<RegExpMatchArray>;
}

/** Starts `node --import tsx <script> ...args` in the repository root. */
export function startTs(script: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildRun {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void; reject: (e: Error) => void }[] = [];
  let partial = '';
  proc.stdout!.resume();
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters]) {
        const m = line.match(w.re);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => {
      for (const w of waiters.splice(0))
        w.reject(new Error(`${script} exited (${code ?? signal}) before printing ${w.re}; stderr:\n${lines.slice(-20).join('\n')}`));
      resolve({ code, signal });
    });
  });
  const waitFor = (re: RegExp) => {
    const hit = lines.map((l) => l.match(re)).find((m) => m);
    if (hit) return Promise.resolve(hit);
    if (proc.exitCode !== null || proc.signalCode !== null) return Promise.reject(new Error(`${script} already exited`));
    return new Promise<RegExpMatchArray>((resolve, reject) => waiters.push({ re, resolve, reject }));
  };
  return { proc, lines, exited, waitFor };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
