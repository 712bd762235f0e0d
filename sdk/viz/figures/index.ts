// Public API of the figure builders. The float64 ball formulas in ./ball-math stay internal so they never
// clash with the tensor versions exported by sdk/hyperbolic; only distanceMatrix (plain arrays in, out) is public.
export type { Figure, PlotlyFrame, PlotlyLayout, PlotlyTrace } from './figure';
export { CLASS_COLORS, classColor } from './figure';
export { geodesicArc, orthogonalCircle } from './geodesic-arc';
export type { OrthogonalCircle } from './geodesic-arc';
export { projectToDisk, projectionInfo, diskLayout } from './project-to-disk';
export type { DiskProjection, ProjectionInfo } from './project-to-disk';
export { poincareDiskFigure, ringAnnotations } from './poincare-disk';
export type { PoincareDiskInput, StarStyle } from './poincare-disk';
export { radiusHistogramFigure } from './radius-histogram';
export type { RadiusHistogramInput } from './radius-histogram';
export { radiusSweepFigure } from './radius-sweep';
export type { RadiusSweepInput } from './radius-sweep';
export { tradeoffFigure } from './tradeoff-curve';
export type { TradeoffInput, TradeoffPoint, TradeoffSeries } from './tradeoff-curve';
export { averageLinkage } from './average-linkage';
export type { ClusterNode } from './average-linkage';
export { prototypeDendrogramSvg } from './prototype-dendrogram';
export type { PrototypeDendrogramInput } from './prototype-dendrogram';
export { barFigure, scatterFigure } from './simple';
export type { BarInput, ScatterInput } from './simple';
export { distanceMatrix } from './ball-math';
