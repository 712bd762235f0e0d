/**
 * HypDAE's few-shot methods for `hypnest eval fewshot` (protocol: per unseen class 16 inputs × 8 outputs).
 *   stochastic[@s]        semantic code z = E(x) fixed; only the stochastic code varies: per output a fresh
 *                         stochastic encoding of the input at strength s (default s = 1: fresh noise, no pixel kept)
 *   hyperbolic[@R]        stage II in the ball (k-means pseudo-labels); each output's ball code is the input's
 *                         code perturbed at hyperbolic radius R (default 5.5) by the 'auto' distance (below)
 *   hyperbolic-real[@R]   the same with the stage II trained on the real labels
 *   euclidean[@R]         the Euclidean twin stage II at the *matching* radius R_e = ρ·R and auto distance
 * Perturbation methods keep the input's DDIM-inverted stochastic code (as the fluent `hyp` default), so the
 * 8 outputs of an input differ only in their semantic code.
 *
 * Perturbation: the 'auto' recipe of sdk/models/hypdae/edits.ts (perturbCodesAuto, also the fluent API's
 * default): the code is put at radius R and stepped toward a target code put at R, a fixed hyperbolic length (4.9) in
 * the ball. Targets (option `targets`): 'seen' (default) are codes of real images of split G's seen classes, one
 * drawn per output, as in the HypDAE authors' evaluation; 'random' are random points at R. The radius sets how far
 * the edit reaches: toward a random target ≈ 8° of turn at 6.2, 31° at 5.5, 77° at 4.5, 90° at 3.0; toward real
 * codes, near the boundary the step nearly reaches targets a few degrees away and barely moves toward far ones
 * (other categories), nearer the centre it reaches any target.
 *
 * The Euclidean twin. `euclidean@R` puts codes at R_e = ρ·R, ρ = mean code norm of the twin / mean code radius of
 * the ball (meta.radius.mean of the two checkpoints: the same fraction of the typical code radius), and takes the
 * straight step that turns a code toward a right-angle target by the ball's turn at R (autoTurn(R)): toward random
 * targets both spaces make edits of the same size at every R. Toward real codes the twin's turn hardly depends on
 * how far the target is; the ball's does. That difference is the geometry.
 */
import * as path from 'path';
import { CheckpointError, ConfigError, ShapeError, describe, nearest } from '../../core/errors';
import { assetPath } from '../../core/paths';
import { mixSeed } from '../../core/rng';
import { recentre } from '../../data/recentre';
import { LoadContext, Stage2Kind, checkpointPaths, loadStage1At, loadStage2At, releaseCheckpoints } from '../../models/hypdae/load';
import { HypModels, HypRequest, PipelineEdit, generateImages } from '../../models/hypdae/pipeline';
import { type PerturbTargets, poolFitsData } from '../../models/hypdae/target-pool';
import { FewShotMethod, FewShotRequest } from './method';
import { registerFewShotMethod } from './registry';

/** Radii of the sweep (hyperbolic; the Euclidean twin uses ρ·R). */
export const HYPDAE_RADII = [6.2, 5.5, 4.5, 3.0] as const;
export const DEFAULT_RADIUS = 5.5;
export { AUTO_STEP, autoPerturbDistance, autoTurn } from '../../models/hypdae/edits';

export { recentre } from '../../data/recentre';

type Kind = 'stochastic' | 'hyperbolic' | 'hyperbolic-real' | 'euclidean';
const KINDS: readonly Kind[] = ['stochastic', 'hyperbolic', 'hyperbolic-real', 'euclidean'];

export interface HypdaeMethodSpec {
  kind: Kind;
  /** strength (stochastic) or radius (the others) */ value: number;
}

/** 'hyperbolic@4.5' → { kind: 'hyperbolic', value: 4.5 }; a bare kind takes its default. */
export function parseHypdaeMethod(name: string): HypdaeMethodSpec {
  const [kind, v, extra] = name.split('@');
  if (!KINDS.includes(kind as Kind) || extra !== undefined) {
    const near = nearest(kind, KINDS);
    throw new ConfigError('hypdaeMethod(name)', {
      expected: `${KINDS.join(', ')}, optionally with @value`,
      received: JSON.stringify(name),
      hint: near ? `Did you mean '${near}'?` : undefined,
    });
  }
  const value = v === undefined ? (kind === 'stochastic' ? 1 : DEFAULT_RADIUS) : Number(v);
  if (v !== undefined && (v.trim() === '' || !Number.isFinite(value) || value <= 0)) {
    throw new ConfigError('hypdaeMethod(name)', {
      expected: `a positive number after '@' (${kind === 'stochastic' ? 'strength in (0, 1]' : 'radius'})`,
      received: JSON.stringify(name),
    });
  }
  return { kind: kind as Kind, value };
}

const stage2Of = (kind: Kind): Stage2Kind | undefined =>
  kind === 'hyperbolic'
    ? { space: 'hyperbolic', labels: 'pseudo' }
    : kind === 'hyperbolic-real'
      ? { space: 'hyperbolic', labels: 'real' }
      : kind === 'euclidean'
        ? { space: 'euclidean', labels: 'pseudo' }
        : undefined;

const context = (kind: Stage2Kind): LoadContext => ({
  where: 'hypdae eval',
  kind,
  hint: () => ', or pass --checkpoints DIR (a folder that has it).',
});

/** The checkpoints of one kind of method (stage II undefined for 'stochastic'), loaded once per process (load.ts). */
async function stagesOf(dir: string, kind: Kind, targets: PerturbTargets, loaded: Set<string>): Promise<HypModels> {
  const k2 = stage2Of(kind);
  const p = checkpointPaths(dir, k2 ?? { space: 'hyperbolic', labels: 'pseudo' });
  loaded.add(p.stage1);
  const { stage1: s1, meta, pool } = await loadStage1At(p, context(k2 ?? { space: 'hyperbolic', labels: 'pseudo' }));
  if (!k2) return { s1 };
  if (targets === 'seen' && !poolFitsData(meta.data, pool !== undefined)) {
    throw new ConfigError(`hypdae eval (${p.dir})`, {
      expected: '--targets seen: checkpoints trained on Fashion-MNIST, or a target-pool file beside them (stage-II training writes it)',
      received: `stage I trained on ${String(meta.data)}, no target pool`,
      hint: 'Retrain stage II, or pass --targets random.',
    });
  }
  loaded.add(p.stage2);
  return { s1, s2: (await loadStage2At(p, context(k2))).stage2, pool };
}

/** ρ = mean code radius of the Euclidean twin / of the hyperbolic (pseudo-label) stage II, from their meta. */
export async function euclideanRadiusRatio(dir: string = assetPath('hypdae')): Promise<number> {
  const mean = async (kind: Stage2Kind): Promise<number> => {
    const p = checkpointPaths(dir, kind);
    const m = (await loadStage2At(p, context(kind))).meta.radius as { mean?: unknown } | undefined;
    if (typeof m?.mean !== 'number' || !(m.mean > 0)) {
      throw new CheckpointError(`hypdae eval: ${p.stage2}`, {
        expected: 'meta.radius.mean > 0 (written by train-stage2)',
        received: describe(m?.mean),
        hint: 'Retrain stage II.',
      });
    }
    return m.mean;
  };
  return (await mean({ space: 'euclidean', labels: 'pseudo' })) / (await mean({ space: 'hyperbolic', labels: 'pseudo' }));
}

/** The checkpoints a set of methods loaded, freed together (methods load again when next run). */
class Loaded {
  readonly paths = new Set<string>();
  constructor(readonly dir: string) {}
  dispose(): Promise<void> {
    for (const p of this.paths) releaseCheckpoints({ stage1: p, stage2: p });
    this.paths.clear();
    return Promise.resolve();
  }
}

/** Inputs as 32×32 (padded from 28 if needed), or a ShapeError. */
function inputs32(req: FewShotRequest): Float32Array {
  if (req.side === 32) return req.inputs.subarray(0, req.count * 1024);
  if (req.side === 28) return recentre(req.inputs, req.count, 28, 32);
  throw new ShapeError('hypdae method(inputs)', { expected: 'images of side 28 or 32', received: `side ${req.side}` });
}

/**
 * The pipeline's request for one class: m outputs per input, the protocol's seed recipe (perturbation of input i:
 * mixSeed(seed, i); fresh noise: seed for the stochastic method, mixSeed(seed, 2000) with --strength; decode of
 * rows [i, i + batch): mixSeed(seed, 1000 + i)).
 */
function request(
  st: HypModels,
  spec: HypdaeMethodSpec,
  req: FewShotRequest,
  x32: Float32Array,
  rho: number,
  o: HypdaeMethodsOptions,
  batch: number,
): HypRequest {
  const { s1, s2 } = st;
  const edits: PipelineEdit[] = s2
    ? [
        {
          kind: 'perturb',
          radius: s2.config.stage2.space === 'euclidean' ? spec.value * rho : spec.value,
          distance: 'auto',
          toward: o.targets ?? 'seen',
          seed: req.seed,
          turnRadius: spec.value,
        },
      ]
    : [];
  const strength = s2 ? o.strength : spec.value;
  return {
    pixels: x32,
    shots: 1,
    n: req.outputsPerInput,
    edits,
    strength,
    steps: o.steps ?? s1.config.sample.steps,
    guidance: o.guidance ?? s1.config.sample.guidance,
    eta: o.eta ?? s1.config.sample.eta,
    batch,
    seeds: { noise: s2 ? mixSeed(req.seed, 2000) : req.seed, decode: (from) => mixSeed(req.seed, 1000 + from) },
    label: `hypdae method ${spec.kind}`,
    progress: false,
  };
}

/** A runnable method for `name` (e.g. 'hyperbolic@4.5') over the checkpoints in `loaded.dir`. */
function methodFor(name: string, loaded: Loaded, batch: number, o: HypdaeMethodsOptions): FewShotMethod {
  const spec = parseHypdaeMethod(name);
  if (spec.kind === 'stochastic' && spec.value > 1)
    throw new ConfigError('hypdaeMethod(name)', { expected: 'a strength in (0, 1]', received: JSON.stringify(name) });
  let rho: number | undefined;
  return async (req) => {
    const st = await stagesOf(loaded.dir, spec.kind, o.targets ?? 'seen', loaded.paths);
    if (spec.kind === 'euclidean') rho ??= await euclideanRadiusRatio(loaded.dir);
    const out = generateImages(st, request(st, spec, req, inputs32(req), rho ?? 1, o, batch));
    return req.side === 32 ? out : recentre(out, req.count * req.outputsPerInput, 32, req.side);
  };
}

/** Every name registerHypdaeMethods adds. */
export function hypdaeMethodNames(): string[] {
  const sweep = (k: string) => HYPDAE_RADII.map((R) => `${k}@${R.toFixed(1)}`);
  return [
    'stochastic',
    'stochastic@0.5',
    'hyperbolic',
    ...sweep('hyperbolic'),
    'hyperbolic-real',
    ...sweep('hyperbolic-real'),
    'euclidean',
    ...sweep('euclidean'),
  ];
}

export interface HypdaeMethodsOptions {
  /** Images per decoder call (default 32). */
  batch?: number;
  /** DDIM steps of inversion and decoding (default: the stage-I checkpoint's sample.steps, 20). */
  steps?: number;
  /** DDIM η of decoding (default: the stage-I checkpoint's sample.eta). */
  eta?: number;
  /** Guidance weight of decoding (default: the stage-I checkpoint's sample.guidance). */
  guidance?: number;
  /**
   * Stochastic code of the perturbation methods: undefined = the input's DDIM inversion (deterministic); a strength
   * s ∈ (0, 1] = a fresh stochastic encoding of the input per output (1: nearly pure noise).
   */
  strength?: number;
  /**
   * Targets of the perturbation methods: 'seen' (default: codes of real images of split G's seen classes, put at
   * R, one drawn per output; sdk/models/hypdae/target-pool.ts) or 'random' (random codes at R).
   */
  targets?: PerturbTargets;
  /** Further names to register beside hypdaeMethodNames(), any radius or strength (e.g. 'hyperbolic@5.0'). */
  extra?: string[];
}

/**
 * Registers the HypDAE methods (names: hypdaeMethodNames()) over the checkpoints in `dir` (default the shipped
 * assets/hypdae). Nothing is loaded until a method first runs; `dispose()` frees what was loaded.
 */
export function registerHypdaeMethods(
  dir: string = assetPath('hypdae'),
  options: HypdaeMethodsOptions = {},
): { names: string[]; dispose: () => Promise<void> } {
  const loaded = new Loaded(path.resolve(dir));
  const batch = options.batch ?? 32;
  const names = [...new Set([...hypdaeMethodNames(), ...(options.extra ?? []).filter((n) => KINDS.includes(n.split('@')[0] as Kind))])];
  for (const name of names) registerFewShotMethod(name, () => methodFor(name, loaded, batch, options));
  return { names, dispose: () => loaded.dispose() };
}

/** One method by name (any radius or strength, e.g. 'hyperbolic@5.0'), with its own checkpoint cache. */
export function hypdaeMethod(
  name: string,
  dir: string = assetPath('hypdae'),
  options: HypdaeMethodsOptions = {},
): { name: string; run: FewShotMethod; dispose: () => Promise<void> } {
  const loaded = new Loaded(path.resolve(dir));
  return { name, run: methodFor(name, loaded, options.batch ?? 32, options), dispose: () => loaded.dispose() };
}
