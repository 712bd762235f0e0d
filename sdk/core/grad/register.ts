/**
 * Gradient registration. tfjs-core's CommonJS build carries no gradients, so nothing can be trained until
 * they are registered: we load tfjs-core's own through the @tensorflow/tfjs umbrella package (its CommonJS
 * bundle runs register_all_gradients against the same tfjs-core, sharing the one engine), zero gradients for the
 * piecewise-constant kernels tfjs leaves without one (so tf.where(x > 0, …) differentiates), and, for the
 * wasm backend, the kernels those gradients call that wasm lacks (wasm-kernels.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernels } from './wasm-kernels';
import { registerOverrides } from './overrides';

/** Kernels whose output is piecewise constant in their inputs: ∂out/∂in = 0 almost everywhere. */
const ZERO_BINARY = ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr', 'LogicalXor'];
const ZERO_UNARY = ['LogicalNot', 'IsNan', 'IsInf', 'IsFinite'];
export const ZERO_GRADIENT_KERNELS = [...ZERO_BINARY, ...ZERO_UNARY];

function zeroGradient(kernelName: string, inputs: string[]): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: inputs,
    gradFunc: (_dy, saved) => Object.fromEntries(inputs.map((name, i) => [name, () => tf.zerosLike(saved[i])])),
  };
}

let done = false;
/** Registers every gradient above once (idempotent); returns the kernel names newly given a gradient. */
export function registerGradients(): string[] {
  const added: string[] = [];
  if (done) return added;
  done = true;
  const hadSum = Boolean(tf.getGradient('Sum'));
  require('@tensorflow/tfjs'); // registers tfjs-core's gradients (and its layers/converter, which we do not use)
  if (!hadSum && tf.getGradient('Sum')) added.push('tfjs-core gradients');
  for (const name of ZERO_GRADIENT_KERNELS) {
    if (tf.getGradient(name)) continue;
    tf.registerGradient(zeroGradient(name, ZERO_BINARY.includes(name) ? ['a', 'b'] : ['x']));
    added.push(name);
  }
  added.push(...registerOverrides());
  return added;
}

export { registerWasmKernels };
