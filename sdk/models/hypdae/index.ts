/** HypDAE: diffusion autoencoder (stage I), hyperbolic code autoencoder (stage II), edits and generation. */
export * from './config';
export * from './encoder';
export * from './augment';
export * from './stage1';
export * from './stage2';
export * from './kmeans';
export * from './edits';
export * from './target-pool';
export * from './generate';
export * from './pipeline';
export * from './load';
export * from './checkpoint';
export * from './train-stage1';
export * from './train-stage2';
export { runHypdaeTraining, hypdaeCommand, clustersFromData, type HypdaeTrainOptions } from './train-main';
