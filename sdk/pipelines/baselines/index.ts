export * from './copy';
export * from './warp';
export * from './augment';
