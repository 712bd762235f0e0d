/**
 * Importing this module makes training work: it registers tfjs-core's gradients (absent from its CommonJS
 * build) and, once the wasm backend is active, the kernels those gradients need that wasm lacks.
 */
import { registerGradients } from './register';

registerGradients();
// The kernels these gradients need on wasm (and the native ones over them) are registered by the wasm backend
// itself when it starts (sdk/core/backend.ts), for every caller.

export { registerGradients, registerWasmKernels, ZERO_GRADIENT_KERNELS } from './register';
export { WASM_SUPPLIED_KERNELS } from './wasm-kernels';
