/**
 * What every native kernel shares: the wasm backend's heap interface, the call counts, and the fallback to the
 * kernel that was registered before (see kernels.ts).
 */
import * as tf from '@tensorflow/tfjs-core';

export type Info = tf.TensorInfo;
export type Attrs = Record<string, unknown>;
export type Args = { inputs: tf.NamedTensorInfoMap; attrs?: Attrs; backend: unknown };

export interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(t: Info): Float32Array;
  disposeData(dataId: object): boolean;
}

/** Calls per kernel that ran natively / fell back (tests check the native path really ran). */
export const nativeCounts: Record<string, { native: number; fallback: number }> = {};
/** The kernels the native ones replaced, by name: their fallbacks (set by registerNativeKernels). */
export const previous = new Map<string, tf.KernelFunc>();

export function count(name: string, native: boolean): void {
  const c = (nativeCounts[name] ??= { native: 0, fallback: 0 });
  if (native) c.native++;
  else c.fallback++;
}

export function fallback(name: string, args: Args): Info {
  count(name, false);
  const f = previous.get(name);
  if (!f) throw new Error(`native kernel ${name}: no wasm kernel to fall back to`);
  return f(args as unknown as Parameters<tf.KernelFunc>[0]) as Info;
}

export const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
export const isF32 = (...ts: (Info | undefined)[]) => ts.every((t) => !t || t.dtype === 'float32');
