export type { ExplorerWidget, RadiusExplorerOptions, WidgetKind } from './widgets';
export { radiusExplorer, resetWidgetEmbeds } from './widgets';
export { explorerSite, serveExplorer, writeExplorerSite } from './site';
