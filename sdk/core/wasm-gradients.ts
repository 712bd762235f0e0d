/** Entry point kept for the name in the plan: see ./grad (gradients for every backend, wasm kernels). */
export * from './grad';
