/**
 * Dendrogram of class prototypes by hyperbolic distance, as a standalone SVG string (no DOM needed).
 * Distances dist(x, y) = 2/√c · artanh(√c‖(−x) ⊕ y‖) in float64, clustered by average linkage; leaf order
 * and vertical positions come from d3-hierarchy's cluster layout, the horizontal position of each node is
 * its merge distance (leaves at 0 on the right, the root on the left), and links are right-angled elbows.
 */
import { cluster, hierarchy, HierarchyPointNode } from 'd3-hierarchy';
import { scaleLinear } from 'd3-scale';
import { ShapeError, checkOptions, describe } from '../../core/errors';
import { checkCurvature, distanceMatrix } from './ball-math';
import { averageLinkage, ClusterNode } from './average-linkage';
import { classColor } from './figure';

export interface PrototypeDendrogramInput {
  /** Prototype points in the ball (any dimension, all the same). */
  prototypes: readonly (readonly number[])[];
  names: readonly string[];
  /** Optional data-URI image per leaf, drawn beside its label. */
  thumbnails?: readonly string[];
  c?: number;
  title?: string;
  /** Total width in px (default 640). */
  width?: number;
}

const KNOWN = ['prototypes', 'names', 'thumbnails', 'c', 'title', 'width'];

/** Escape text for XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch] as string);
}

const f = (v: number) => Number(v.toFixed(2));

export function prototypeDendrogramSvg(input: PrototypeDendrogramInput): string {
  checkOptions('prototypeDendrogramSvg', input, KNOWN);
  const c = input.c ?? 1;
  checkCurvature('prototypeDendrogramSvg', c);
  const { prototypes, names, thumbnails } = input;
  if (!Array.isArray(prototypes) || prototypes.length < 2) {
    throw new ShapeError('prototypeDendrogramSvg(prototypes)', { expected: 'at least 2 prototype points', received: describe(prototypes) });
  }
  if (!Array.isArray(names) || names.length !== prototypes.length) {
    throw new ShapeError('prototypeDendrogramSvg(names)', { expected: `${prototypes.length} names`, received: describe(names) });
  }
  if (thumbnails && thumbnails.length !== prototypes.length) {
    throw new ShapeError('prototypeDendrogramSvg(thumbnails)', {
      expected: `${prototypes.length} data URIs`,
      received: describe(thumbnails),
    });
  }
  const tree = averageLinkage(distanceMatrix(prototypes, c), names);
  const n = prototypes.length;
  const thumb = thumbnails ? 26 : 0;
  const rowH = Math.max(22, thumb + 4);
  const labelW = 10 + thumb + 8 * Math.max(...names.map((s) => s.length));
  const width = input.width ?? 640;
  const m = { top: input.title ? 40 : 16, right: labelW, bottom: 46, left: 20 };
  const innerW = Math.max(100, width - m.left - m.right);
  const innerH = (n - 1) * rowH;
  const height = m.top + innerH + m.bottom;

  const root = cluster<ClusterNode>()
    .size([innerH, innerW])
    .separation(() => 1)(hierarchy(tree, (d) => d.children));
  const x = scaleLinear().domain([tree.height, 0]).range([0, innerW]);
  const px = (node: HierarchyPointNode<ClusterNode>) => f(m.left + x(node.data.height));
  const py = (node: HierarchyPointNode<ClusterNode>) => f(m.top + node.x);

  const links = root.links().map(({ source, target }) => `<path d="M${px(source)},${py(source)}V${py(target)}H${px(target)}"/>`);
  const leafEls = root.leaves().map((leaf) => {
    const i = leaf.data.index as number;
    const lx = px(leaf);
    const ly = py(leaf);
    const img = thumbnails
      ? `<image href="${escapeXml(thumbnails[i])}" xlink:href="${escapeXml(thumbnails[i])}" x="${f(lx + 8)}" y="${f(ly - thumb / 2)}" width="${thumb}" height="${thumb}" style="image-rendering:pixelated" preserveAspectRatio="none"/>`
      : '';
    return (
      `<g class="leaf"><circle cx="${lx}" cy="${ly}" r="3.5" fill="${classColor(i)}"/>${img}` +
      `<text class="leaf-label" x="${f(lx + 10 + thumb + (thumb ? 4 : 0))}" y="${ly}" dominant-baseline="middle">${escapeXml(names[i])}</text></g>`
    );
  });
  const axisY = f(m.top + innerH + 14);
  const ticks = x
    .ticks(6)
    .map(
      (t) =>
        `<g class="tick"><line x1="${f(m.left + x(t))}" x2="${f(m.left + x(t))}" y1="${axisY}" y2="${axisY + 5}"/>` +
        `<text x="${f(m.left + x(t))}" y="${axisY + 17}" text-anchor="middle" stroke="none">${Number(t.toPrecision(6))}</text></g>`,
    );
  const title = input.title
    ? `<text class="title" x="${f(width / 2)}" y="22" text-anchor="middle" font-size="15">${escapeXml(input.title)}</text>`
    : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${f(height)}" viewBox="0 0 ${width} ${f(height)}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    title,
    `<g class="links" fill="none" stroke="#555" stroke-width="1.3">${links.join('')}</g>`,
    `<g class="leaves" fill="#333">${leafEls.join('')}</g>`,
    `<g class="axis" stroke="#888" fill="#555" font-size="10"><line x1="${m.left}" x2="${f(m.left + innerW)}" y1="${axisY}" y2="${axisY}"/>${ticks.join('')}</g>`,
    `<text class="axis-title" x="${f(m.left + innerW / 2)}" y="${f(height - 4)}" text-anchor="middle" fill="#555" font-size="11">hyperbolic distance (average linkage)</text>`,
    `</svg>`,
  ].join('\n');
}
