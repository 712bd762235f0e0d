/**
 * Importing this module makes training work: it registers tfjs-core's gradients (absent from its CommonJS
 * build) and, once the wasm backend is active, the kernels those gradients need that wasm lacks.
 */
import { onWasmReady } from '../backend';
import { registerGradients, registerWasmKernels } from './register';

import * as tf from '@tensorflow/tfjs-core';

registerGradients();
// Register over the wasm package's kernels only once it has registered its own (else it warns and undoes ours).
if (tf.getKernel('Conv2D', 'wasm')) registerWasmKernels();
onWasmReady(() => void registerWasmKernels());

export { registerGradients, registerWasmKernels, ZERO_GRADIENT_KERNELS } from './register';
export { WASM_SUPPLIED_KERNELS } from './wasm-kernels';
