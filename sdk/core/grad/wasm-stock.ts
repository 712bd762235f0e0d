/**
 * The wasm package's own kernels that ours replace but still call (ours handle some cases faster and hand
 * the rest back). registerWasmKernels records each one before registering the replacement.
 */
import type * as tf from '@tensorflow/tfjs-core';

const stock = new Map<string, tf.KernelFunc>();

export function rememberStock(name: string, f: tf.KernelFunc): void {
  if (!stock.has(name)) stock.set(name, f);
}

/** The stock wasm kernel `name` (throws if it was never recorded). */
export function stockKernel(name: string): tf.KernelFunc {
  const f = stock.get(name);
  if (!f) throw new Error(`wasm kernel '${name}': the stock kernel was not recorded before ours replaced it`);
  return f;
}
