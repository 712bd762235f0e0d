/**
 * Thread variants of a bench row (bench/README.md): with the native (oneDNN) kernels loaded, the row is timed at
 * 1 and at 2 native threads in the same process (setNativeThreads before each variant) and named
 * `<name> [1 thread]` / `<name> [2 threads]`; on plain wasm (HYPNEST_NATIVE=0: scripts/bench.mjs's wasm pass, or
 * no addon) only `[1 thread]` runs, since the wasm kernels use one thread. The peers use the same suffixes.
 */
import * as os from 'os';
import { nativeStatus, setNativeThreads } from '../sdk/core/native/addon';

export interface ThreadVariant {
  threads: number;
  suffix: string;
  /** Sets the native threads for the rows that follow (no-op on plain wasm). */
  apply(): void;
  /** What runs, for the row note: "native oneDNN, 2 threads" or "wasm, 1 thread". */
  label: string;
}

export const suffixOf = (n: number): string => ` [${n} thread${n > 1 ? 's' : ''}]`;

/** True when the native kernels are loaded in this process (not HYPNEST_NATIVE=0, addon built). */
export const nativeLoaded = (): boolean => nativeStatus().available;

/** [1, 2] threads with the native kernels (up to the core count), [1] on plain wasm. */
export function threadVariants(): ThreadVariant[] {
  if (!nativeLoaded()) return [{ threads: 1, suffix: suffixOf(1), apply: () => undefined, label: 'wasm, 1 thread' }];
  const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  return [1, 2]
    .filter((n) => n === 1 || n <= cores)
    .map((n) => ({
      threads: n,
      suffix: suffixOf(n),
      apply: () => setNativeThreads(n),
      label: `wasm + native oneDNN, ${n} thread${n > 1 ? 's' : ''}`,
    }));
}

/** Restores the default native threads (all cores on the main thread) after the variants. */
export function restoreThreads(): void {
  if (!nativeLoaded()) return;
  setNativeThreads(Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
}
