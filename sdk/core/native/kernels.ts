/**
 * Native (oneDNN) kernels registered over the wasm backend: Conv2D, FusedConv2D (bias, linear activation),
 * Conv2DBackpropInput, Conv2DBackpropFilter, BatchMatMul and _FusedMatMul (bias, linear activation), with
 * any transposes; and our fused group norm and its gradient (HypnestGroupNormAffine[Grad], same formulas as
 * sdk/core/grad/wasm-group-norm.ts, on OpenMP threads); Sum over any axes and Transpose (the wasm Sum
 * transposes whenever the reduced axes are not the innermost, e.g. every bias gradient); Concat (the U-Nets' skip
 * connections) and SplitV (its gradient), Sigmoid (in every SiLU), slow in wasm. They read and write the tensors
 * where they live, in the wasm heap: the output is allocated first (an allocation can grow the heap and detach earlier views), then every operand is viewed as a
 * Float32Array over the heap and handed to the addon. Every other op stays a wasm kernel.
 *
 * The kernels live by family in dnnl-kernels.ts, norm-kernels.ts and shape-kernels.ts; this file registers them.
 *
 * Cases outside what the addon does (NCHW, other dtypes, activations other than linear, partial batch
 * broadcasts, empty tensors) go to the kernel that was registered before (the SDK's or the stock wasm one).
 */
import * as tf from '@tensorflow/tfjs-core';
import { nativeAddon } from './addon';
import { isNativeKernel, markNative } from './mark';
import { previous } from './kernel-common';
import { dnnlKernels } from './dnnl-kernels';
import { normKernels } from './norm-kernels';
import { shapeKernels } from './shape-kernels';

export { nativeCounts } from './kernel-common';

/**
 * Registers the native kernels over the wasm backend's current ones (which become their fallbacks).
 * Idempotent; returns the kernel names it registered, [] without the addon.
 */
export function registerNativeKernels(): string[] {
  const addon = nativeAddon();
  if (!addon) return [];
  const kernels = [...dnnlKernels(addon), ...normKernels(addon), ...shapeKernels(addon)];
  const added: string[] = [];
  for (const [kernelName, kernelFunc] of kernels) {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (!existing || isNativeKernel(existing.kernelFunc)) continue;
    previous.set(kernelName, existing.kernelFunc);
    tf.unregisterKernel(kernelName, 'wasm');
    // Keep the setupFunc: the fallback (stock wasm kernel) needs its wasm functions bound.
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc, setupFunc: existing.setupFunc });
    markNative(kernelFunc);
    added.push(kernelName);
  }
  return added;
}

/** Puts back the kernels registered before `registerNativeKernels` (tests compare both paths in one process). */
export function unregisterNativeKernels(): string[] {
  const removed: string[] = [];
  for (const [kernelName, kernelFunc] of previous) {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (!existing || !isNativeKernel(existing.kernelFunc)) continue;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc, setupFunc: existing.setupFunc });
    removed.push(kernelName);
  }
  return removed;
}

/** True when the native kernels are the registered wasm kernels right now. */
export function nativeKernelsActive(): boolean {
  const k = tf.getKernel('Conv2D', 'wasm');
  return Boolean(k && isNativeKernel(k.kernelFunc));
}
