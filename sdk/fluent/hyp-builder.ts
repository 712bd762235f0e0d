/**
 * The fluent HypDAE builder (zod's habit): it holds frozen plain data, every method returns a new builder and
 * leaves the old one as it was, and nothing runs until a terminal call (`await b.sample(n)`, `await b.embed(n)`).
 * Re-running a notebook cell is therefore always safe. Arguments are checked at once where they can be
 * (types, ranges); what depends on the checkpoints (the ball's largest radius, the number of DDIM steps its
 * schedule allows) is checked at the terminal call, before any sampling.
 *
 *   hyp.encode(img).perturb(5.5).sample(8)                 8 variants of img with codes at radius 5.5
 *   hyp.encode(a).interpolate(hyp.encode(b), 0.5).sample()  the code halfway along the geodesic a → b
 *   hyp.fewShot(imgs, { shots: 4, perOutput: 8 }).perturb(5).sample()   4-shot groups fused by the hyperbolic mean
 */
import * as util from 'util';
import { ConfigError, ValueError, checkOptions, describe } from '../core/errors';
import { checkGuidanceScale } from '../diffusion/guidance';
import { checkRadius } from '../hyperbolic/project';
import type { Edit, HypPlan } from './engine';
import { PERTURB_TARGETS, type PerturbTargets } from '../models/hypdae/target-pool';
import type { ImageBatch } from './image-batch';
import type { Embedding } from './embed';
import type { ImageLike, ImageSource } from './input';

/** What runs a plan: the `hyp` the builder came from. */
export interface HypRunner {
  readonly label: string;
  /** Identifies the checkpoints (builders of runners with equal keys can be interpolated). */
  readonly key: string;
  sample(plan: HypPlan, n: number): Promise<ImageBatch>;
  embed(plan: HypPlan, n: number): Promise<Embedding>;
  source(where: string, x: ImageLike): ImageSource;
}

export interface PerturbOptions {
  /** Seed of the random targets (default: derived from `.seed()`). */
  seed?: number;
  /** Step length toward the target: a number (hyperbolic distance, ‖·‖ in the twin; the step starts at the code as it is) or 'auto' (default: put the code at R, then a fixed step; see perturbCodesAuto in sdk/models/hypdae/edits.ts). */
  distance?: number | 'auto';
  /**
   * Targets: 'seen' (the ball code of a real image of Fashion-MNIST split G's seen classes, the shipped checkpoints'
   * training data, one drawn per output, as in the HypDAE authors' evaluation), 'random' (a random point at R), or
   * 'auto' (default: 'seen' with checkpoints trained on Fashion-MNIST, 'random' with ones trained on an image folder).
   */
  toward?: PerturbTargets | 'auto';
}

export interface InterpolateOptions {
  /** Put the result at this radius (default: the geodesic point as it is). */
  radius?: number;
}

function integer(where: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
    throw new ValueError(where, { expected: `an integer in [${lo}, ${hi}]`, received: describe(v) });
  return v;
}

export class HypBuilder {
  /** The frozen plan (printable; the pixels stay private inside the source). */
  readonly plan: HypPlan;
  private readonly runner: HypRunner;

  constructor(runner: HypRunner, plan: HypPlan) {
    this.runner = runner;
    this.plan = Object.freeze({ ...plan, edits: Object.freeze([...plan.edits]) });
    Object.freeze(this);
  }

  private with(change: Partial<HypPlan>): HypBuilder {
    return new HypBuilder(this.runner, { ...this.plan, ...change });
  }

  /** Perturb every output's code at radius R: a step toward a target code put at radius R (see `toward`), then back to radius R. */
  perturb(radius: number, options: PerturbOptions = {}): HypBuilder {
    checkOptions('perturb(options)', options, ['seed', 'distance', 'toward']);
    checkRadius('perturb(radius)', radius, undefined); // the checkpoint's limit: at the terminal call
    const distance = options.distance ?? 'auto';
    if (distance !== 'auto' && (typeof distance !== 'number' || !Number.isFinite(distance) || distance < 0)) {
      throw new ValueError('perturb(options.distance)', { expected: "a distance ≥ 0 or 'auto'", received: describe(distance) });
    }
    if (options.seed !== undefined) integer('perturb(options.seed)', options.seed, 0, 2 ** 31 - 1);
    const toward = options.toward ?? 'auto';
    if (toward !== 'auto' && !PERTURB_TARGETS.includes(toward)) {
      throw new ValueError('perturb(options.toward)', {
        expected: `one of ${[...PERTURB_TARGETS, 'auto'].map((t) => `'${t}'`).join(', ')}`,
        received: describe(toward),
      });
    }
    const edit: Edit = Object.freeze({
      kind: 'perturb',
      radius,
      distance,
      toward,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
    return this.with({ edits: [...this.plan.edits, edit] });
  }

  /**
   * Move the code a fraction t along the geodesic toward `other`'s code (an image, or an unedited builder of the
   * same hyp with one group or as many groups as this one). The stochastic code stays this builder's own.
   */
  interpolate(other: HypBuilder | ImageLike, t: number, options: InterpolateOptions = {}): HypBuilder {
    checkOptions('interpolate(options)', options, ['radius']);
    if (typeof t !== 'number' || !Number.isFinite(t))
      throw new ValueError('interpolate(t)', { expected: 'a finite fraction (0 = this code, 1 = the other)', received: describe(t) });
    if (options.radius !== undefined) checkRadius('interpolate(options.radius)', options.radius, undefined);
    let src: ImageSource;
    let shots = 1;
    if (other instanceof HypBuilder) {
      if (other.runner.key !== this.runner.key)
        throw new ConfigError('interpolate(other)', {
          expected: 'a builder of the same hyp (same checkpoints)',
          received: `one of ${other.runner.label}`,
        });
      if (other.plan.edits.length)
        throw new ConfigError('interpolate(other)', {
          expected: 'an unedited encoding',
          received: `one with ${other.plan.edits.length} edit(s)`,
          hint: 'Interpolate toward hyp.encode(img) itself.',
        });
      const groups = other.plan.source.count / other.plan.shots;
      const mine = this.plan.source.count / this.plan.shots;
      if (groups !== 1 && groups !== mine)
        throw new ConfigError('interpolate(other)', { expected: `1 or ${mine} groups (as this builder)`, received: `${groups} groups` });
      src = other.plan.source;
      shots = other.plan.shots;
    } else {
      src = this.runner.source('interpolate(other)', other);
    }
    const edit: Edit = Object.freeze({
      kind: 'interpolate',
      other: src,
      otherShots: shots,
      t,
      ...(options.radius !== undefined ? { radius: options.radius } : {}),
    });
    return this.with({ edits: [...this.plan.edits, edit] });
  }

  /** Stochastic encoding at strength s ∈ (0, 1] (fresh noise per output; 1 = almost pure noise) instead of DDIM inversion. */
  strength(s: number): HypBuilder {
    if (typeof s !== 'number' || !(s > 0 && s <= 1))
      throw new ValueError('strength(s)', { expected: 'a strength in (0, 1]', received: describe(s) });
    return this.with({ strength: s });
  }

  /** DDIM steps (inversion and decoding); default: the checkpoint's sample.steps. */
  steps(n: number): HypBuilder {
    return this.with({ steps: integer('steps(n)', n, 1, 10000) });
  }

  /** Classifier-free guidance scale w (diffusers' guidance_scale, as nested.cfg: 1 = plain conditional); default: the checkpoint's sample.guidance. */
  guidance(w: number): HypBuilder {
    return this.with({ guidance: checkGuidanceScale('guidance(w)', w) });
  }

  /** Seed of every random draw (perturbation targets without their own seed, fresh noise). Default 0. */
  seed(s: number): HypBuilder {
    return this.with({ seed: integer('seed(s)', s, 0, 2 ** 31 - 1) });
  }

  /** Terminal: n images per group (default: 1, or perOutput for fewShot). */
  sample(n: number = this.plan.perOutput): Promise<ImageBatch> {
    return Promise.resolve().then(() => this.runner.sample(this.plan, integer('sample(n)', n, 1, 4096)));
  }

  /** Terminal: the group codes and the n output codes per group, for Poincaré-disk plots. */
  embed(n: number = this.plan.perOutput): Promise<Embedding> {
    return Promise.resolve().then(() => this.runner.embed(this.plan, integer('embed(n)', n, 1, 4096)));
  }

  toString(): string {
    const p = this.plan;
    const edits = p.edits
      .map((e) =>
        e.kind === 'perturb'
          ? `.perturb(${e.radius}, distance ${e.distance}, toward ${e.toward}${e.seed !== undefined ? `, seed ${e.seed}` : ''})`
          : `.interpolate(${e.other.label}, ${e.t}${e.radius !== undefined ? `, radius ${e.radius}` : ''})`,
      )
      .join('');
    const opts = [
      p.strength !== undefined ? `.strength(${p.strength})` : '',
      p.steps !== undefined ? `.steps(${p.steps})` : '',
      p.guidance !== undefined ? `.guidance(${p.guidance})` : '',
      p.seed !== 0 ? `.seed(${p.seed})` : '',
    ].join('');
    const head =
      p.shots === 1 && p.source.count === 1
        ? `encode(${p.source.label})`
        : `fewShot(${p.source.label}, shots ${p.shots}, perOutput ${p.perOutput})`;
    return `${this.runner.label}.${head}${edits}${opts}`;
  }

  [util.inspect.custom](): string {
    return `HypBuilder ${this.toString()}`;
  }
}
