/**
 * The geodesic walk, nested level by level and the DDIM scrubber as values `viz.show()` displays. Each has a sync
 * `…Widget(options)` (the live part only: the standalone site's pages) and an async function (the live part and a
 * static picture rendered in Node, for notebooks): `hn.show(await hn.explore.geodesicWalk())`.
 */
import { ValueError, checkOptions, describe } from '../core/errors';
import { WALK_DEFAULTS, type WalkSettings } from '../browser/geodesic-compute';
import { SCRUB_DEFAULTS, type ScrubSettings } from '../browser/ddim-compute';
import { levelDefaults } from '../browser/nested-compute';
import type { GeodesicWidgetSpec } from '../browser/geodesic-widget';
import type { ScrubWidgetSpec } from '../browser/ddim-widget';
import type { NestedWidgetSpec } from '../browser/nested-widget';
import { defaultGuidance } from '../models/nested/config';
import { fewShotPictures } from './assets';
import { ExplorerWidget, widgetOf, withStill } from './widgets';
import { geodesicStill, nestedModel, nestedStill, scrubStill } from './stills';

const HYPDAE = ['hypdae-stage1', 'hypdae-stage2-hyperbolic'] as const;

function steps(where: string, v: number | undefined, dflt: number): number {
  const n = v ?? dflt;
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new ValueError(where, { expected: 'an integer in 1..100', received: describe(n) });
  return n;
}

export interface GeodesicWalkOptions {
  /** Few-shot inputs per unseen class offered (default 2). */
  perClass?: number;
  /** Initial picks A and B (indices into the offered inputs; default 0 and 2: two classes). */
  a?: number;
  b?: number;
  /** Initial t (default 0.5). */
  t?: number;
  /** DDIM steps of the cached inversions and of every decode (default 6). */
  steps?: number;
  /** Guidance weight (default 2). */
  guidance?: number;
}

/** The geodesic walk's live part. */
export function geodesicWalkWidget(o: GeodesicWalkOptions = {}): ExplorerWidget {
  checkOptions('geodesicWalk', o, ['perClass', 'a', 'b', 't', 'steps', 'guidance']);
  const inputs = fewShotPictures(o.perClass ?? 2);
  const pick = (k: 'a' | 'b', d: number) => {
    const i = o[k] ?? d;
    if (!Number.isInteger(i) || i < 0 || i >= inputs.length)
      throw new ValueError(`geodesicWalk(${k})`, { expected: `an input index in 0..${inputs.length - 1}`, received: describe(i) });
    return i;
  };
  const t = o.t ?? 0.5;
  if (!(t >= 0 && t <= 1)) throw new ValueError('geodesicWalk(t)', { expected: 'a fraction in [0, 1]', received: describe(t) });
  const settings: WalkSettings = {
    steps: steps('geodesicWalk(steps)', o.steps, WALK_DEFAULTS.steps),
    guidance: o.guidance ?? WALK_DEFAULTS.guidance,
  };
  const spec: GeodesicWidgetSpec = { inputs, a: pick('a', 0), b: pick('b', Math.min(2, inputs.length - 1)), t, settings };
  return widgetOf('geodesic', 'HypDAE geodesic walk', spec, HYPDAE);
}

/** Two few-shot inputs, a slider for t, the image decoded at t, the point moving along the geodesic on the disk. */
export async function geodesicWalk(o: GeodesicWalkOptions = {}): Promise<ExplorerWidget> {
  const w = geodesicWalkWidget(o);
  const s = w.spec as GeodesicWidgetSpec;
  return withStill(w, await geodesicStill(s.inputs[s.a].pixels, s.inputs[s.b].pixels, s.settings as WalkSettings));
}

export interface NestedLevelsOptions {
  /** Samples side by side (default 4). */
  n?: number;
  /** DDIM steps of the pixel level (default 10) and of the latent levels (default 10). */
  steps?: number;
  latentSteps?: number;
  /** Initial guidance scale per level, coarse to fine (default: the SDK's decaying default for L = 5). */
  guidance?: readonly number[];
}

/** Nested level by level's live part. */
export function nestedLevelsWidget(o: NestedLevelsOptions = {}): ExplorerWidget {
  checkOptions('nestedLevels', o, ['n', 'steps', 'latentSteps', 'guidance']);
  const guidance = o.guidance ?? defaultGuidance(5);
  if (!Array.isArray(guidance) || guidance.length !== 5 || guidance.some((g) => !(g >= 1 && g <= 4)))
    throw new ValueError('nestedLevels(guidance)', {
      expected: '5 guidance scales in [1, 4], coarse to fine',
      received: describe(guidance),
    });
  const n = o.n ?? 4;
  if (!Number.isInteger(n) || n < 1 || n > 8)
    throw new ValueError('nestedLevels(n)', { expected: 'an integer in 1..8', received: describe(n) });
  const spec: NestedWidgetSpec = {
    guidance: [...guidance],
    n,
    steps: steps('nestedLevels(steps)', o.steps, 10),
    latentSteps: steps('nestedLevels(latentSteps)', o.latentSteps, 10),
  };
  return widgetOf('nested', 'Nested diffusion, level by level', spec, ['nested-L5']);
}

/** Generate coarse to fine with the nested L5 model; latents as heat maps; re-draw a level, guidance and σ² per level. */
export async function nestedLevels(o: NestedLevelsOptions = {}): Promise<ExplorerWidget> {
  const w = nestedLevelsWidget(o);
  const s = w.spec as Required<NestedWidgetSpec>;
  const m = await nestedModel();
  return withStill(w, await nestedStill({ ...levelDefaults(m, s.guidance), n: s.n, steps: s.steps, latentSteps: s.latentSteps }));
}

export interface DdimScrubberOptions {
  perClass?: number;
  /** DDIM steps of the generation and of the inversion (default 10). */
  steps?: number;
  guidance?: number;
  seed?: number;
}

/** The DDIM scrubber's live part. */
export function ddimScrubberWidget(o: DdimScrubberOptions = {}): ExplorerWidget {
  checkOptions('ddimScrubber', o, ['perClass', 'steps', 'guidance', 'seed']);
  const settings: ScrubSettings = {
    steps: steps('ddimScrubber(steps)', o.steps, SCRUB_DEFAULTS.steps),
    guidance: o.guidance ?? SCRUB_DEFAULTS.guidance,
    seed: o.seed ?? SCRUB_DEFAULTS.seed,
  };
  const spec: ScrubWidgetSpec = { inputs: fewShotPictures(o.perClass ?? 2), settings };
  return widgetOf('ddim', 'DDIM scrubber (generation and inversion)', spec, ['hypdae-stage1']);
}

/** x_t and the predicted x̂₀ at every step of a generation and of an inversion (HypDAE stage I), on a slider. */
export async function ddimScrubber(o: DdimScrubberOptions = {}): Promise<ExplorerWidget> {
  const w = ddimScrubberWidget(o);
  const s = w.spec as ScrubWidgetSpec;
  return withStill(w, await scrubStill(s.inputs[0].pixels, s.settings as ScrubSettings));
}
