/** The notebook display bridge: show(), save(), in-notebook progress. Never imports tfjs. */
export { show, resetDisplay, bundleFor } from './show';
export { save, SAVE_EXTENSIONS } from './save';
export { installNotebookDisplay, uninstallNotebookDisplay } from './install';
export { html, toMimeBundle, imageType, isSvg, PLOTLY_MIME, type MimeBundle, type HtmlContent, type BundleOptions } from './mime';
export { isFigure, figureHtml, standaloneHtml, figureSummary, plotlyJs, plotlyScriptTag, type FigureLike } from './plotly-html';
export { notebookProgressSink, progressBundle, type ProgressState } from './progress-display';
export { inNotebook, sendDisplay, simulateNotebook } from './tslab';
export { table, type TableOptions, type Cell } from './table';
