/**
 * The WebAssembly heap's limit as a typed error. When a tensor op needs more memory than the wasm heap can grow
 * to, the backend throws an untyped `RuntimeError: memory access out of bounds` (or emscripten's "Cannot enlarge
 * memory" / "Aborted(OOM)"). Callers that process unbounded n in batches wrap their work with this, so a user sees
 * a BackendError that says what to do instead of a raw wasm trap.
 */
import { BackendError, HypnestError } from './errors';

const OOM =
  /memory access out of bounds|Cannot enlarge memory|Aborted\(OOM\)|Out of memory|Array buffer allocation failed|Invalid typed array length/i;

/** Is `e` the wasm heap (or the JS heap) running out of memory? */
export function isOutOfMemory(e: unknown): boolean {
  if (e instanceof HypnestError) return false;
  return e instanceof Error && OOM.test(e.message);
}

/** `e` itself, or a BackendError naming `where` when `e` is an out-of-memory trap (throw the result). */
export function outOfMemory(where: string, e: unknown, hint: string): unknown {
  if (!isOutOfMemory(e)) return e;
  return new BackendError(where, {
    expected: 'enough memory for one batch',
    received: `an out-of-memory error from the tensor backend (${String((e as Error).message)
      .split('\n')[0]
      .slice(0, 120)})`,
    hint,
  });
}
