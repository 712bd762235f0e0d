/** Visualisation: plain arrays in, Plotly figures / images out, and the notebook display bridge. */
export * from './display';
