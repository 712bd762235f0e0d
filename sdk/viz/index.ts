/** Visualisation: plain arrays in, Plotly figures / images out, and the notebook display bridge. */
export * from './display';
export * from './figures';
export * as images from './images';
