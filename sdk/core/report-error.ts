/**
 * How the command line ends on an error, in one readable line:
 *   - an SDK error (HypnestError): `Name: message` (expected / received / what to do), exit 2;
 *   - a Node system error (ENOTDIR, EACCES, ENOSPC, …): `Error: CODE: message` and what to check, exit 1;
 *   - anything else is a bug: its stack, exit 1.
 * Errors are printed here rather than rethrown: a rejection that escapes main() is rethrown by the wasm
 * backend's Emscripten glue, which prints a minified line of tens of kilobytes. HYPNEST_DEBUG=1 adds stacks.
 */
import { HypnestError } from './errors';

const SYSTEM_HINTS: Record<string, string> = {
  ENOENT: 'Check that the path exists.',
  ENOTDIR: 'A part of the path is a file, not a folder: choose another --out (or path).',
  EACCES: 'No permission: choose a folder you can write to.',
  EPERM: 'No permission: choose a folder you can write to.',
  ENOSPC: 'The disk is full: free space, then rerun (training resumes from its last checkpoint).',
  EISDIR: 'A folder was given where a file is expected.',
  EEXIST: 'Something already exists at that path.',
};

/** Prints the error to stderr and returns the exit status. */
export function reportError(e: unknown): number {
  const debug = process.env.HYPNEST_DEBUG === '1';
  if (e instanceof HypnestError) {
    console.error(`${e.name}: ${e.message}`);
    if (debug && e.stack) console.error(e.stack);
    return 2;
  }
  const code = (e as { code?: unknown })?.code;
  if (e instanceof Error && typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    console.error(`Error: ${e.message}. ${SYSTEM_HINTS[code] ?? ''}`.trimEnd());
    if (debug && e.stack) console.error(e.stack);
    return 1;
  }
  console.error('Unexpected error (please report it with the command you ran):');
  console.error(e instanceof Error ? (e.stack ?? String(e)) : String(e));
  return 1;
}
