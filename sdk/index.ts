/** hypnest — the public entry point. */
export * from './core';
