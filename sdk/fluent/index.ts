/** The fluent facade: `hyp` (HypDAE). Builders hold frozen data; nothing runs until a terminal await. */
export { hyp, Hyp, type FewShotOptions, type LoadedHyp } from './hyp';
export { HypBuilder, type PerturbOptions, type InterpolateOptions } from './hyp-builder';
export { ImageBatch, type ImageBatchInfo } from './image-batch';
export type { Embedding } from './embed';
export type { HypPlan, Edit } from './engine';
export type { ImageLike, ImagesLike } from './input';
export { hypCacheInfo, type HypFromOptions } from './models';
