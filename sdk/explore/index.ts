export type { ExplorerWidget, RadiusExplorerOptions, WidgetKind } from './widgets';
export { radiusExplorer, resetWidgetEmbeds } from './widgets';
export { explorerSite, serveExplorer, writeExplorerSite } from './site';
export type { GeodesicWalkOptions, NestedLevelsOptions, DdimScrubberOptions } from './more-widgets';
export { geodesicWalk, nestedLevels, ddimScrubber, geodesicWalkWidget, nestedLevelsWidget, ddimScrubberWidget } from './more-widgets';
