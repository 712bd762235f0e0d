/**
 * Ctrl-C (SIGINT) and SIGTERM during training: the training loops ask `stopRequested()` before each step (in their
 * batch iterators), so the step in flight finishes, the trainer writes a checkpoint and returns; the command then
 * says how to resume and exits non-zero (128 + the signal's number). A second signal quits at once.
 * Only command-line entry points install the handlers (a notebook kernel uses SIGINT for its own interrupt).
 */
let requested: NodeJS.Signals | undefined;

/** The signal that asked training to stop, if any. */
export function stopRequested(): NodeJS.Signals | undefined {
  return requested;
}

const CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** The exit status for a stop by `sig` (130 for SIGINT, 143 for SIGTERM). */
export function stopExitCode(sig: NodeJS.Signals): number {
  return CODES[sig] ?? 1;
}

/** Installs the SIGINT/SIGTERM handlers; returns a function that removes them. */
export function catchStopSignals(say: (line: string) => void = (l) => process.stderr.write(l + '\n')): () => void {
  const handler = (sig: NodeJS.Signals) => {
    if (requested) {
      say(`${sig} again: quitting now (steps since the last checkpoint are lost).`);
      process.exit(stopExitCode(sig));
    }
    requested = sig;
    say(`${sig}: finishing the current step and writing a checkpoint (send it again to quit at once).`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
  };
}

/** After a command's run stopped by SIGINT/SIGTERM: says how to resume and sets the exit status 128 + signal. */
export function exitIfStopped(): void {
  const sig = requested;
  if (!sig) return;
  process.stderr.write(
    `Stopped by ${sig}; the checkpoint is written. Resume with the same command: hypnest ${process.argv.slice(2).join(' ')}\n`,
  );
  process.exitCode = stopExitCode(sig);
}
