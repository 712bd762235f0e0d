/**
 * hypnest — the public entry point. Notebooks and user code import this (built: build/sdk/index.js).
 * Core utilities are flat (ready, errors, Rng, checkpoints...); each layer is a namespace.
 */
export * from './core';
export * as hyperbolic from './hyperbolic';
export { PoincareBall } from './hyperbolic';
export * as diffusion from './diffusion';
export * as nn from './nn';
export * as train from './train';
export * as data from './data';
export * as metrics from './metrics';
export * as evaluator from './models/evaluator';
export * as hypdae from './models/hypdae';
export * as nestedModels from './models/nested';
export * as baselines from './pipelines/baselines';
export * as evaluation from './pipelines/eval';
export * as viz from './viz';
export { show, save, installNotebookDisplay } from './viz';
export { nested, NestedBuilder, type NestedTrace, type NestedLevelTrace } from './fluent/nested';
export { hyp, Hyp, HypBuilder, ImageBatch, type Embedding } from './fluent';
export * as explore from './explore';
