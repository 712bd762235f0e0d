/**
 * What a `hyp` builder's plan asks of the HypDAE pipeline (sdk/models/hypdae/pipeline.ts, shared with the
 * evaluation): the plan's edits resolved into the pipeline's request, with the fluent API's seed recipe
 * (perturbation g of edit i: mixSeed(seed ?? mixSeed(plan seed, 1 + i), g); fresh noise: mixSeed(plan seed, 0);
 * decode of rows [from, …): mixSeed(plan seed, from)).
 */
import { ConfigError } from '../core/errors';
import { RowRng, mixSeed } from '../core/rng';
import type { HypRequest, PipelineEdit } from '../models/hypdae/pipeline';
import { type PerturbTargets, poolFitsData } from '../models/hypdae/target-pool';
import type { Stage1 } from '../models/hypdae/stage1';
import type { ImageSource } from './input';

export type Edit =
  | {
      readonly kind: 'perturb';
      readonly radius: number;
      readonly distance: number | 'auto';
      readonly toward: PerturbTargets | 'auto';
      readonly seed?: number;
    }
  | {
      readonly kind: 'interpolate';
      readonly other: ImageSource;
      readonly otherShots: number;
      readonly t: number;
      readonly radius?: number;
    };

/**
 * Everything a builder holds (frozen plain data; the pixels stay inside the sources): the pipeline's settings
 * (shots, strength; steps and guidance default to the checkpoint's), the edits as the user gave them, and the seed.
 */
export interface HypPlan extends Pick<HypRequest, 'shots' | 'strength'>, Partial<Pick<HypRequest, 'steps' | 'guidance'>> {
  readonly source: ImageSource;
  /** Outputs per group when the terminal call gives no count. */
  readonly perOutput: number;
  readonly edits: readonly Edit[];
  readonly seed: number;
}

export interface SampleSettings {
  steps: number;
  guidance: number;
  eta: number;
}

export function sampleSettings(s1: Stage1, p: HypPlan): SampleSettings {
  return { steps: p.steps ?? s1.config.sample.steps, guidance: p.guidance ?? s1.config.sample.guidance, eta: s1.config.sample.eta };
}

/**
 * A perturbation's targets for checkpoints trained on `data` (stage I's meta.data): 'auto' is 'seen' when they have
 * a pool of real codes (poolFitsData), else 'random'; an explicit 'seen' without one is a ConfigError.
 */
function resolveTargets(toward: PerturbTargets | 'auto', data: unknown, ownPool: boolean): PerturbTargets {
  const fits = poolFitsData(data, ownPool);
  if (toward === 'seen' && !fits) {
    throw new ConfigError('hyp.perturb(options.toward)', {
      expected:
        "toward 'seen' only with checkpoints trained on Fashion-MNIST, or with the target pool stage-II training writes beside them",
      received: `checkpoints trained on ${String(data)}, no target-pool file beside them`,
      hint: "Retrain stage II (it writes the pool), leave toward at 'auto', or pass { toward: 'random' } to step toward random points.",
    });
  }
  return toward === 'auto' ? (fits ? 'seen' : 'random') : toward;
}

/**
 * The pipeline's request for n outputs per group of a plan, on checkpoints trained on `data.data` (stage I's meta.data),
 * given the loaded pixels of the source and of every interpolate edit's other images.
 */
export function pipelineRequest(
  s1: Stage1,
  p: HypPlan,
  data: { data: unknown; ownPool: boolean },
  n: number,
  pixels: Float32Array,
  others: Float32Array[],
  batch: number,
): HypRequest {
  const edits = p.edits.map((e, i): PipelineEdit => {
    if (e.kind === 'interpolate') return { kind: 'interpolate', other: others[i], otherShots: e.otherShots, t: e.t, radius: e.radius };
    return {
      kind: 'perturb',
      radius: e.radius,
      distance: e.distance,
      toward: resolveTargets(e.toward, data.data, data.ownPool),
      seed: e.seed ?? mixSeed(p.seed, 1 + i),
    };
  });
  // decode noise per row (RowRng): an output's image does not depend on how the outputs are batched
  const seeds = { noise: mixSeed(p.seed, 0), decode: (from: number, count: number) => new RowRng(p.seed, from, count) };
  return { pixels, shots: p.shots, n, edits, strength: p.strength, ...sampleSettings(s1, p), batch, seeds, label: `hyp.sample(${n})` };
}
