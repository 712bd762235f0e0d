/**
 * The explorer's widgets as values `viz.show()` displays: each returns an ExplorerWidget whose MIME bundle is HTML
 * that runs the model in the page (sdk/browser). The runtime and each model's weights are embedded once per
 * notebook (the first widget shown carries them; later ones reuse them), so an exported notebook works offline.
 */
import { maxRadius } from '../hyperbolic/project';
import { RADIUS_DEFAULTS, type RadiusSettings } from '../browser/radius-compute';
import type { RadiusWidgetSpec } from '../browser/radius-widget';
import { ValueError, checkOptions, describe } from '../core/errors';
import { explorerBundle, fewShotPictures, portableWeights } from './assets';

export type WidgetKind = 'radius' | 'geodesic' | 'nested' | 'ddim';

export interface ExplorerWidget {
  readonly kind: WidgetKind;
  readonly title: string;
  /** Plain data the page's widget starts from. */
  readonly spec: object;
  /** Portable weights the widget needs. */
  readonly weights: readonly string[];
  /** A static picture of the widget (HTML, rendered in Node), shown until the live widget runs. */
  readonly still?: string;
  /** The HTML of one notebook output (embeds what this notebook has not received yet). */
  toMimeBundle(): Record<string, string>;
}

const embedded = new Set<string>();

/** Forget what was embedded: the next widget carries the runtime and weights again (e.g. after clearing outputs). */
export function resetWidgetEmbeds(): void {
  embedded.clear();
}

let counter = 0;
const json = (x: unknown): string => JSON.stringify(x).replace(/</g, '\\u003c');

/** `<script>` tags with the runtime and the weights this page lacks (`once`: remember them as sent). */
export function embedScripts(w: ExplorerWidget, once = true): string {
  const parts: string[] = [];
  if (!once || !embedded.has('runtime')) parts.push(`<script>${explorerBundle()}</script>`);
  for (const key of w.weights) {
    if (once && embedded.has(key)) continue;
    parts.push(`<script>hypnest.registerWeights(${json(key)}, "${Buffer.from(portableWeights(key)).toString('base64')}");</script>`);
  }
  if (once) for (const k of ['runtime', ...w.weights]) embedded.add(k);
  return parts.join('\n');
}

/** The widget's element and the script that mounts it (the runtime must be on the page). */
export function mountHtml(w: ExplorerWidget): string {
  const id = `hypnest-${w.kind}-${Date.now().toString(36)}-${counter++}`;
  const still = w.still ? `<div id="${id}-static" class="hypnest-static">${w.still}</div>\n` : '';
  return `${still}<div id="${id}" class="hypnest-widget-host" data-kind="${w.kind}"></div>\n<script>hypnest.mount(${json(w.kind)}, ${json(id)}, ${json(w.spec)});</script>`;
}

export function widgetOf(kind: WidgetKind, title: string, spec: object, weights: readonly string[], still?: string): ExplorerWidget {
  const w: ExplorerWidget = {
    kind,
    title,
    spec,
    weights,
    still,
    toMimeBundle: () => ({
      'text/html': `${embedScripts(w)}\n${mountHtml(w)}`,
      'text/plain': `<hypnest ${kind} widget: ${title} (needs JavaScript)>`,
    }),
  };
  return Object.freeze(w);
}

export interface RadiusExplorerOptions {
  /** Initial radius R (default 5.5). */
  radius?: number;
  /** Few-shot inputs per unseen class offered (default 2). */
  perClass?: number;
  /** DDIM steps of the cached inversion and of every decode (default 6). */
  steps?: number;
  /** Guidance weight (default 2, the shipped stage I's). */
  guidance?: number;
}

/** HypDAE's radius knob, live: input, its code on the disk, radius slider, draggable target, ball and twin side by side. */
export function radiusExplorer(o: RadiusExplorerOptions = {}): ExplorerWidget {
  checkOptions('radiusExplorer', o, ['radius', 'perClass', 'steps', 'guidance']);
  const max = Math.floor(maxRadius(1) * 20) / 20;
  const radius = o.radius ?? 5.5;
  if (!(radius >= 1 && radius <= max))
    throw new ValueError('radiusExplorer(radius)', { expected: `a radius in [1, ${max}]`, received: describe(radius) });
  const steps = o.steps ?? RADIUS_DEFAULTS.steps;
  if (!Number.isInteger(steps) || steps < 1 || steps > 100)
    throw new ValueError('radiusExplorer(steps)', { expected: 'an integer in 1..100', received: describe(steps) });
  const settings: RadiusSettings = { steps, guidance: o.guidance ?? RADIUS_DEFAULTS.guidance };
  const spec: RadiusWidgetSpec = {
    inputs: fewShotPictures(o.perClass ?? 2),
    radius: { min: 1, max, initial: radius },
    angle: 1.2,
    settings,
  };
  return widgetOf('radius', 'HypDAE radius explorer', spec, ['hypdae-stage1', 'hypdae-stage2-hyperbolic', 'hypdae-stage2-euclidean']);
}

/** A widget with its static picture (rendered in Node now). */
export function withStill(w: ExplorerWidget, still: string): ExplorerWidget {
  return widgetOf(w.kind, w.title, w.spec, w.weights, still);
}
