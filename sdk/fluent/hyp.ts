/**
 * `hyp`: the fluent entry point to HypDAE.
 *   hyp.encode(img)                       a builder over one image (see hyp-builder.ts)
 *   hyp.fewShot(images, { shots, perOutput })   consecutive groups of `shots` images, each group fused into one
 *                                         code by the hyperbolic mean; `.sample()` gives `perOutput` images per group
 *   hyp.from({ dir, space, labels, … })   the same API on other checkpoints (default: the shipped
 *                                         assets/hypdae, stage II hyperbolic with pseudo-labels)
 *   hyp.faithful()                        the shipped faithful recipe (assets/hypdae-faithful): a semantic code that
 *                                         keeps an unseen class from fresh noise (`.strength(1)`), narrower radius range
 *   hyp.load()                            load the checkpoints now (optional: terminal calls load them lazily)
 *   hyp.dispose()                         free the loaded checkpoints (they load again when next needed)
 * Checkpoints are loaded at the first terminal call and cached per process (sdk/fluent/models.ts).
 */
import * as path from 'path';
import * as util from 'util';
import { ready } from '../core/backend';
import { outOfMemory } from '../core/out-of-memory';
import { ConfigError, ShapeError, checkOptions, describe } from '../core/errors';
import { assetPath } from '../core/paths';
import { embedding, type Embedding } from './embed';
import { HypPlan, pipelineRequest, sampleSettings } from './engine';
import { HypBuilder, type HypRunner } from './hyp-builder';
import { ImageBatch } from './image-batch';
import { ImageLike, ImageSource, ImagesLike, SIDE, imageSource, imagesSource } from './input';
import { HypFromOptions, ModelSpec, checkpointPaths, disposeModels, loadStage1Of, loadStage2Of, modelSpec } from './models';
import { type HypModels, type HypRequest, generateImages, needsStage2, outputCodes } from '../models/hypdae/pipeline';
import { type Stage1, encodeAll } from '../models/hypdae/stage1';
import type { Stage2 } from '../models/hypdae/stage2';

export interface FewShotOptions {
  /** Images fused into one code (consecutive groups; default 1). */
  shots?: number;
  /** Images `.sample()` makes per group when given no count (default 8, the protocol's). */
  perOutput?: number;
}

export interface LoadedHyp {
  stage1: Stage1;
  stage2?: Stage2;
  paths: { stage1: string; stage2: string; dir: string };
  /** The checkpoints' meta (training step, complete, stage II accuracy and radii, …). */
  meta: { stage1: Record<string, unknown>; stage2?: Record<string, unknown> };
}

/** The shipped faithful checkpoints' folder. */
const FAITHFUL_DIR = (): string => assetPath('hypdae-faithful');

export class Hyp implements HypRunner {
  readonly spec: ModelSpec;

  constructor(spec: ModelSpec = modelSpec({})) {
    this.spec = spec;
  }

  get label(): string {
    const s = this.spec;
    const faithful = s.dir === FAITHFUL_DIR();
    const where = s.dir && !faithful ? `dir ${JSON.stringify(s.dir)}, ` : '';
    const base = faithful ? 'hyp.faithful()' : 'hyp';
    return (s.dir && !faithful) || s.space !== 'hyperbolic' || s.labels !== 'pseudo' || s.stage1 || s.stage2
      ? `${base}.from({ ${where}space '${s.space}', labels '${s.labels}' })`
      : base;
  }

  /**
   * The same API on the shipped faithful checkpoints (assets/hypdae-faithful, `hypnest train hypdae --faithful`):
   * v-prediction, no encoder augmentation, and a semantic code with an 8×8 layout map. Fresh noise
   * (`.strength(1)`) keeps an unseen class; perturbations keep the class at large radii and take seen-class layouts
   * below about R = 5.5 (docs/results.md).
   */
  faithful(): Hyp {
    return this.from({ dir: FAITHFUL_DIR() });
  }

  /** The same API bound to other checkpoints (options on top of this hyp's). */
  from(options: HypFromOptions): Hyp {
    return new Hyp(modelSpec(options, this.spec));
  }

  /** @internal HypRunner: the checkpoint files. */
  get key(): string {
    const p = checkpointPaths(this.spec);
    return `${p.stage1}|${p.stage2}`;
  }

  private builder(plan: HypPlan): HypBuilder {
    return new HypBuilder(this, plan);
  }

  /** A builder over one image (path, tensor, Float32Array or image array; 32×32, or 28×28 padded). */
  encode(image: ImageLike): HypBuilder {
    return this.builder({ source: imageSource('hyp.encode(image)', image), shots: 1, perOutput: 1, edits: [], seed: 0 });
  }

  /** A builder over several images in groups of `shots` (each group one fused code). */
  fewShot(images: ImagesLike, options: FewShotOptions = {}): HypBuilder {
    checkOptions('hyp.fewShot(options)', options, ['shots', 'perOutput']);
    const { shots = 1, perOutput = 8 } = options;
    const source = imagesSource('hyp.fewShot(images)', images);
    if (!Number.isInteger(shots) || shots < 1 || source.count % shots !== 0) {
      throw new ShapeError('hyp.fewShot(shots)', {
        expected: `an integer ≥ 1 dividing the ${source.count} images`,
        received: describe(shots),
      });
    }
    if (!Number.isInteger(perOutput) || perOutput < 1 || perOutput > 4096)
      throw new ConfigError('hyp.fewShot(perOutput)', { expected: 'an integer in [1, 4096]', received: describe(perOutput) });
    return this.builder({ source, shots, perOutput, edits: [], seed: 0 });
  }

  /** @internal HypRunner: a source for interpolate(). */
  source(where: string, x: ImageLike): ImageSource {
    return imageSource(where, x);
  }

  /**
   * Loads the checkpoints now (terminal calls do it lazily) and returns the models for the lower-level API
   * (sdk/models/hypdae); they stay owned by the cache: free them with dispose(), not one by one.
   */
  async load(options: { stage2?: boolean } = {}): Promise<LoadedHyp> {
    checkOptions('hyp.load(options)', options, ['stage2']);
    const paths = checkpointPaths(this.spec);
    const s1 = await loadStage1Of(this.spec);
    if (options.stage2 === false) return { stage1: s1.stage1, paths, meta: { stage1: s1.meta } };
    const s2 = await loadStage2Of(this.spec);
    return { stage1: s1.stage1, stage2: s2.stage2, paths, meta: { stage1: s1.meta, stage2: s2.meta } };
  }

  /** The loaded models and the pipeline's request for n outputs per group of `plan`. */
  private async request(plan: HypPlan, n: number, withStage2: boolean): Promise<{ m: HypModels; r: HypRequest }> {
    await ready();
    const { stage1: s1, meta, pool } = await loadStage1Of(this.spec);
    const m = { s1, s2: withStage2 ? (await loadStage2Of(this.spec)).stage2 : undefined, pool };
    const pixels = await plan.source.load();
    const others: Float32Array[] = [];
    for (const [i, e] of plan.edits.entries()) if (e.kind === 'interpolate') others[i] = await e.other.load();
    return { m, r: pipelineRequest(s1, plan, { data: meta.data, ownPool: pool !== undefined }, n, pixels, others, this.spec.batchSize) };
  }

  /** @internal HypRunner: runs `.sample(n)`. */
  async sample(plan: HypPlan, n: number): Promise<ImageBatch> {
    const t0 = Date.now();
    const { m, r } = await this.request(plan, n, needsStage2(plan));
    let data: Float32Array;
    try {
      data = generateImages(m, r);
    } catch (e) {
      throw outOfMemory(
        'hyp.sample(n)',
        e,
        `Use a smaller batchSize in hyp.from({ batchSize }) (now ${this.spec.batchSize}) or fewer outputs.`,
      );
    }
    const groups = plan.source.count / plan.shots;
    const settings = {
      ...sampleSettings(m.s1, plan),
      strength: plan.strength ?? 'DDIM inversion',
      seed: plan.seed,
      checkpoints: path.dirname(checkpointPaths(this.spec).stage1),
    };
    return ImageBatch.create(data, { groups, perGroup: n, seconds: (Date.now() - t0) / 1000, settings });
  }

  /** @internal HypRunner: runs `.embed(n)`. */
  async embed(plan: HypPlan, n: number): Promise<Embedding> {
    const { m, r } = await this.request(plan, n, true);
    const codes = outputCodes(m, r, encodeAll(m.s1, r.pixels));
    try {
      return embedding(m.s2!, codes, n);
    } finally {
      for (const t of [codes.z, codes.source, codes.edited]) t?.dispose();
    }
  }

  /** Frees this hyp's loaded checkpoints (shared with any hyp bound to the same files). */
  dispose(): void {
    disposeModels(this.spec);
  }

  toString(): string {
    const p = checkpointPaths(this.spec);
    return `${this.label}: stage I ${p.stage1}, stage II ${p.stage2} (images ${SIDE}×${SIDE})`;
  }

  [util.inspect.custom](): string {
    return this.toString();
  }
}

/** The shipped HypDAE (assets/hypdae, hyperbolic stage II with pseudo-labels). */
export const hyp = new Hyp();
