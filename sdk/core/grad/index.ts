/**
 * Importing this module makes training work: it registers tfjs-core's gradients (absent from its CommonJS
 * build) and, once the wasm backend is active, the kernels those gradients need that wasm lacks.
 */
import { onWasmReady } from '../backend';
import { registerGradients, registerWasmKernels } from './register';
import { registerNativeKernels } from '../native/kernels';

import * as tf from '@tensorflow/tfjs-core';

registerGradients();
// Register over the wasm package's kernels only once it has registered its own (else it warns and undoes ours).
// The native (oneDNN) kernels go over those, keeping them as fallbacks (sdk/core/native/).
const registerAll = () => {
  registerWasmKernels();
  registerNativeKernels();
};
if (tf.getKernel('Conv2D', 'wasm')) registerAll();
onWasmReady(registerAll);

export { registerGradients, registerWasmKernels, ZERO_GRADIENT_KERNELS } from './register';
export { WASM_SUPPLIED_KERNELS } from './wasm-kernels';
