/** Nested diffusion: feature encoder, latent spaces, L-level networks, coarse-to-fine generation, training. */
export * from './config';
export * from './encoder';
export * from './latents';
export * from './model';
export * from './sample';
export * from './checkpoint';
export { trainNested, runName, type TrainNestedOptions, type TrainNestedResult } from './train';
export { runNestedTraining, nestedCommand, type NestedTrainOptions } from './train-main';
export { nestedFromPortable } from './portable';
