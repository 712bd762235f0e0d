/// <reference lib="dom" />
/** The drawn Poincaré disk the widgets share: an SVG of `size` px with the boundary circle (`pad` px inside). */
import { select } from 'd3-selection';

export function diskSvg(parent: HTMLElement, size: number, pad: number, cls: string) {
  const svg = select(parent).append('svg').attr('width', size).attr('height', size).attr('class', cls);
  svg
    .append('circle')
    .attr('cx', size / 2)
    .attr('cy', size / 2)
    .attr('r', size / 2 - pad)
    .attr('fill', '#f7f7fb')
    .attr('stroke', '#333');
  return svg;
}
