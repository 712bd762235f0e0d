/** The widgets' CSS (inserted once per page). */
export const WIDGET_CSS = `
.hypnest-widget { font: 13px/1.4 system-ui, sans-serif; border: 1px solid #ddd; border-radius: 6px; padding: 8px; margin: 4px 0; max-width: 980px; }
.hypnest-widget .hx-status { color: #555; margin-bottom: 6px; min-height: 1.4em; }
.hypnest-widget .hx-inputs { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; margin-bottom: 6px; }
.hypnest-widget .hx-input { width: 48px; height: 48px; image-rendering: pixelated; cursor: pointer; border: 2px solid transparent; }
.hypnest-widget .hx-input:hover { border-color: #1f77b4; }
.hypnest-widget .hx-drop { color: #888; margin-left: 8px; }
.hypnest-widget .hx-controls input[type=range] { width: 320px; vertical-align: middle; }
.hypnest-widget .hx-panes { display: flex; flex-wrap: wrap; gap: 16px; }
.hypnest-widget .hx-pane { display: flex; flex-direction: column; align-items: center; }
.hypnest-widget .hx-title { font-weight: 600; margin: 4px 0; }
.hypnest-widget .hx-outputs { display: flex; gap: 8px; }
.hypnest-widget figure { margin: 0; text-align: center; }
.hypnest-widget figcaption { color: #555; font-size: 12px; }
.hypnest-widget img.hx-out { image-rendering: pixelated; background: #000; }

.hypnest-widget .hx-input.hx-chosen { border-color: #d62728; }
.hypnest-widget .hx-pick-label { width: 1.5em; font-weight: 600; }
.hypnest-widget .hx-controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin-bottom: 6px; }
.hypnest-widget .hx-levels { display: grid; gap: 10px; align-items: start; }
.hypnest-widget .hx-level { display: flex; flex-direction: column; align-items: center; gap: 4px; }
.hypnest-widget .hx-level input[type=range] { width: 90px; }
.hypnest-widget label.hx-slider { white-space: nowrap; font-weight: normal; margin: 0; }
/* a page's own CSS may make range inputs blocks (Jupyter Notebook 6's Bootstrap: slider, then its value, on lines of their own) */
.hypnest-widget input[type=range] { display: inline-block; vertical-align: middle; margin: 0 4px; }
.hypnest-widget img.hx-heat { image-rendering: pixelated; border: 1px solid #ccc; }
`;
