export type { ImageArray, PixelRange, Rgb } from './image-array';
export { toRgb, splitBatch, resizeNearest, asImage, heatmap } from './image-array';
export { imageGrid, gridGeometry } from './image-grid';
export type { GridOptions, GridGeometry } from './image-grid';
export { trajectoryStrip, nestedStrip } from './strips';
export type { TrajectoryStep, NestedLevel } from './strips';
export { toDataUri, encodePng, imagesToDataUris } from './data-uri';
