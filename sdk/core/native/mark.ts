/** Marks the native kernels' functions, so other registrations over the wasm backend leave them in place. */
const NATIVE = Symbol.for('hypnest.nativeKernel');

export function markNative<F extends object>(f: F): F {
  (f as Record<symbol, boolean>)[NATIVE] = true;
  return f;
}

export function isNativeKernel(f: unknown): boolean {
  return typeof f === 'function' && (f as unknown as Record<symbol, boolean>)[NATIVE] === true;
}
