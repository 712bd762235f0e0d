/**
 * `installNotebookDisplay()`: when running inside a tslab kernel, routes progress reporting
 * (sdk/core/progress) to an in-place updating notebook display. Outside a notebook it does nothing,
 * so it is safe to call unconditionally (e.g. at the top of every notebook).
 */
import { setProgressSink } from '../../core/progress';
import { notebookProgressSink } from './progress-display';
import { inNotebook } from './tslab';

let installed = false;

/** Returns true when a notebook was detected and the progress display is (now or already) installed. */
export function installNotebookDisplay(opts: { intervalMs?: number } = {}): boolean {
  if (!inNotebook()) return false;
  if (!installed || opts.intervalMs !== undefined) setProgressSink(notebookProgressSink(opts));
  installed = true;
  return true;
}

/** Restores the default (terminal or log) progress reporting. */
export function uninstallNotebookDisplay(): void {
  if (installed) setProgressSink(undefined);
  installed = false;
}
