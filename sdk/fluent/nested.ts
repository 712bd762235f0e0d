/**
 * `nested`: the fluent entry point to nested diffusion (an immutable builder: every method returns a new one,
 * nothing runs until a terminal `await`; re-running a notebook cell is always safe).
 *   nested.levels(5).generate(16)    → ImageBatch, with the evaluation's best settings: guidance [2, 2, 2, 2, 1],
 *                                    20 pixel and 40 latent DDIM steps, σ² 0
 *   nested.levels(5).fast()          the configuration evaluated at about L = 1's cost (FAST below)
 *   nested.levels(5).cfg([1.5, 1.4, 1.3, 1.2, 1.1]).sigma(0.5).steps(20, 20).seed(3).generate(16)   any of them set
 *   (guidance scales per level, coarse to fine: diffusers' guidance_scale, 1 = plain conditional, as hyp.guidance)
 *   nested.levels(5).trace(4)        every level's output (latents coarse to fine, then the images) and its cost
 *   nested.levels(5).fix(1, img)     hold level 1 at the latent of a real image (or a given latent vector) and
 *                                    let the finer levels vary
 *   nested.markov()                  the Markov-conditioned checkpoint (ablation); nested.from(dir) other files
 * Checkpoints: `<dir>/L<levels>[-markov]/nested.{json,safetensors}` (what `hypnest train nested` writes),
 * default dir the shipped assets/nested; loaded at the first terminal call and cached per process.
 */
import * as path from 'path';
import * as util from 'util';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../core/backend';
import { checkGuidanceScale } from '../diffusion/guidance';
import { ConfigError, ShapeError, ValueError, describe } from '../core/errors';
import { assetPath } from '../core/paths';
import { checkSeed } from '../core/rng';
import { NestedModel } from '../models/nested/model';
import { loadNested, disposeNested } from '../models/nested/checkpoint';
import { defaultClassGuidance, defaultGuidance } from '../models/nested/config';
import { CLASS_NAMES } from '../data/classes';
import { encodeFeatures } from '../models/nested/encoder';
import { projectLatent } from '../models/nested/latents';
import { generateNested, LevelCost } from '../models/nested/sample';
import { ImageBatch } from './image-batch';
import { ImageLike, imageSource } from './input';

type FixValue = { kind: 'image'; source: ReturnType<typeof imageSource> } | { kind: 'latent'; values: Float32Array };

export interface NestedPlan {
  readonly dir?: string;
  readonly levels: number;
  readonly markov: boolean;
  /** The cost-matched configuration (FAST): the checkpoint with narrow latent MLPs, fewer DDIM steps. */
  readonly fast?: boolean;
  readonly cfg?: readonly number[];
  /** Class-conditional generation: the classes asked for, cycled over the samples (the L<L>-cond checkpoint). */
  readonly classes?: readonly number[];
  /** σ² per latent level (or one value for all). */
  readonly sigma?: number | readonly number[];
  readonly steps?: number;
  readonly latentSteps?: number;
  readonly seed: number;
  readonly fixed: readonly { readonly level: number; readonly value: FixValue }[];
}

export interface NestedLevelTrace {
  level: number;
  kind: 'latent' | 'pixels';
  /** Width of a row: d_l for latents, 32·32 for pixels. */
  dim: number;
  /** n × dim values (latents z̃_l, or pixels in [−1, 1]). */
  values: Float32Array;
  evaluations: number;
  ms: number;
}

export interface NestedTrace {
  levels: NestedLevelTrace[];
  images: ImageBatch;
  settings: Record<string, unknown>;
}

const cache = new Map<string, Promise<NestedModel>>();

/**
 * `nested.fast()`: the evaluated configuration at about L = 1's sampling cost (docs/results.md): latent levels with
 * 128-wide MLPs (a quarter of the default's multiply-adds; checkpoint L<L>-mlp128x3, the default's pixel
 * level), 10 pixel and 20 latent DDIM steps.
 */
export const FAST = { mlp: { width: 128, depth: 3 }, steps: 10, latentSteps: 20 } as const;

function runOf(p: NestedPlan): string {
  const mlp = p.fast && p.levels > 1 ? `-mlp${FAST.mlp.width}x${FAST.mlp.depth}` : '';
  return `L${p.levels}${p.markov ? '-markov' : ''}${mlp}${p.classes ? '-cond' : ''}`;
}

function checkpointOf(p: NestedPlan): string {
  return path.resolve(p.dir ?? assetPath('nested'), runOf(p), 'nested');
}

function posInt(where: string, v: unknown, max: number, hint?: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max)
    throw new ValueError(where, { expected: `a positive integer (at most ${max})`, received: describe(v), hint });
  return v;
}

/** Upper bounds of finite but absurd requests (the schedules have 1,000 steps; 100,000 images are 400 MB of pixels). */
const MAX_STEPS = 1000;
const MAX_N = 100_000;

export class NestedBuilder {
  readonly plan: NestedPlan;

  constructor(plan: NestedPlan = { levels: 5, markov: false, seed: 0, fixed: [] }) {
    this.plan = Object.freeze(plan);
  }

  private with(p: Partial<NestedPlan>): NestedBuilder {
    return new NestedBuilder({ ...this.plan, ...p });
  }

  /** Number of levels L (1, 2, 3 or 5 are shipped). */
  levels(L: number): NestedBuilder {
    if (!Number.isInteger(L) || L < 1 || L > 5)
      throw new ValueError('nested.levels(L)', { expected: 'an integer number of levels in 1…5', received: describe(L) });
    return this.with({ levels: L, fixed: this.plan.fixed.filter((f) => f.level < L) });
  }

  /**
   * Class-conditional generation: sample i is of class classes[i mod k] (Fashion-MNIST ids 0–9 or names such as
   * 'Sneaker'), from the class-conditional checkpoint L<L>-cond, whose latent levels take the class; the first
   * guidance scale then guides the class (default scales: [1.25, 1.25, 1.25, 1.25, 1] at L = 5 with the checkpoint's
   * 80 latent steps, the evaluated best that keeps recognisability ≥ 0.9; [2] at L = 1; see defaultClassGuidance).
   */
  classes(list: readonly (number | string)[]): NestedBuilder {
    if (!Array.isArray(list) || list.length === 0) {
      throw new ValueError('nested.classes(list)', {
        expected: 'a non-empty array of class ids or names',
        received: describe(list),
        hint: "e.g. .classes([7, 'Bag'])",
      });
    }
    const ids = list.map((c) => {
      const id = typeof c === 'string' ? CLASS_NAMES.indexOf(c as (typeof CLASS_NAMES)[number]) : c;
      if (!Number.isInteger(id) || id < 0 || id >= CLASS_NAMES.length) {
        throw new ValueError('nested.classes(list)', {
          expected: `class ids 0…${CLASS_NAMES.length - 1} or names (${CLASS_NAMES.join(', ')})`,
          received: describe(c),
        });
      }
      return id;
    });
    return this.with({ classes: Object.freeze(ids) });
  }

  /**
   * Classifier-free guidance scale per level, coarse to fine (diffusers' guidance_scale, as hyp.guidance: 1 = plain
   * conditional). Level 1 is guided only with .classes(): an unconditional model's level 1 has no condition, so its
   * scale is not used (the result's settings list it in `unusedScales`).
   */
  cfg(scales: readonly number[]): NestedBuilder {
    if (!Array.isArray(scales))
      throw new ValueError('nested.cfg(scales)', { expected: 'an array of guidance scales, one per level', received: describe(scales) });
    scales.forEach((w) => checkGuidanceScale('nested.cfg(scales)', w));
    return this.with({ cfg: Object.freeze([...scales]) });
  }

  /** σ² of the latents' injected noise: one value for every latent level, or one per latent level. */
  sigma(s2: number | readonly number[]): NestedBuilder {
    const list = typeof s2 === 'number' ? [s2] : s2;
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v))) {
      throw new ValueError('nested.sigma(σ²)', { expected: 'a variance σ² ≥ 0 or a list of them', received: describe(s2) });
    }
    return this.with({ sigma: typeof s2 === 'number' ? s2 : Object.freeze([...list]) });
  }

  /** DDIM steps of the pixel level (and, optionally, of the latent levels). */
  steps(n: number, latentSteps?: number): NestedBuilder {
    return this.with({
      steps: posInt('nested.steps(n)', n, MAX_STEPS, 'DDIM cannot take more steps than the schedule has (1,000).'),
      ...(latentSteps !== undefined
        ? {
            latentSteps: posInt(
              'nested.steps(latentSteps)',
              latentSteps,
              MAX_STEPS,
              'DDIM cannot take more steps than the schedule has (1,000).',
            ),
          }
        : {}),
    });
  }

  seed(s: number): NestedBuilder {
    return this.with({ seed: checkSeed('nested.seed(s)', s) });
  }

  /**
   * The cost-matched configuration: narrow latent MLPs (checkpoint L<L>-mlp128x3) and 10 pixel / 20 latent DDIM
   * steps, at about 1.2× the cost of nested.levels(1).steps(10) (`npm run bench`); .steps() still overrides.
   */
  fast(on = true): NestedBuilder {
    return this.with({ fast: on });
  }

  /** Use the Markov-conditioned checkpoint (each level sees only the next coarser one). */
  markov(on = true): NestedBuilder {
    return this.with({ markov: on });
  }

  /** Use checkpoints from another folder (as written by `hypnest train nested --out DIR`). */
  from(dir: string): NestedBuilder {
    if (typeof dir !== 'string' || !dir) throw new ValueError('nested.from(dir)', { expected: 'a folder path', received: describe(dir) });
    return this.with({ dir });
  }

  /** Hold latent level `level` (1 … L−1) at the latent of an image, or at a given latent vector. */
  fix(level: number, value: ImageLike | readonly number[]): NestedBuilder {
    if (!Number.isInteger(level) || level < 1 || level >= this.plan.levels) {
      throw new ValueError('nested.fix(level)', {
        expected: `a latent level 1…${this.plan.levels - 1} (level ${this.plan.levels} is the pixels)`,
        received: describe(level),
      });
    }
    const v: FixValue = Array.isArray(value)
      ? { kind: 'latent', values: Float32Array.from(value as number[]) }
      : { kind: 'image', source: imageSource('nested.fix(value)', value as ImageLike) };
    if (v.kind === 'latent' && v.values.some((x) => !Number.isFinite(x)))
      throw new ValueError('nested.fix(value)', { expected: 'finite latent values', received: describe(value) });
    return this.with({ fixed: Object.freeze([...this.plan.fixed.filter((f) => f.level !== level), { level, value: v }]) });
  }

  /** Loads (or returns the cached) model of this plan. */
  async load(): Promise<NestedModel> {
    await ready();
    const file = checkpointOf(this.plan);
    if (!cache.has(file)) {
      const p = this.plan;
      const fast = p.fast && p.levels > 1 ? ` --mlp-width ${FAST.mlp.width} --mlp-depth ${FAST.mlp.depth}` : '';
      const cmd = `npx hypnest train nested --levels ${p.levels}${p.markov ? ' --markov' : ''}${fast}${p.classes ? ' --classes' : ''}`;
      const hint = this.plan.dir
        ? `Train it with \`${cmd} --out ${this.plan.dir}\`, or pass another folder with nested.from(dir).`
        : `Train it with \`${cmd}\` (it writes runs/nested) and load it with nested.from('runs/nested'), or pass another folder with nested.from(dir).`;
      const loading = loadNested(file, hint).then((r) => r.model);
      cache.set(file, loading);
      loading.catch(() => cache.delete(file));
    }
    return cache.get(file)!;
  }

  /** Frees every cached nested model (they load again when next needed). */
  async dispose(): Promise<void> {
    const all = [...cache.values()];
    cache.clear();
    for (const p of all) {
      try {
        disposeNested(await p);
      } catch {
        // a failed load holds nothing
      }
    }
  }

  /** n images, generated coarse to fine. */
  async generate(n: number): Promise<ImageBatch> {
    return (await this.trace(n)).images;
  }

  /** n samples with every level's output and cost. */
  async trace(n = 1): Promise<NestedTrace> {
    posInt('nested.generate(n)', n, MAX_N, 'Generate in several calls with different seeds, or save as you go.');
    const m = await this.load();
    const p = this.plan;
    const c = m.config;
    const L = c.levels;
    if (p.classes && p.classes.some((y) => y >= c.classes)) {
      throw new ConfigError('nested.classes(list)', {
        expected: `class ids below ${c.classes} (the checkpoint's classes)`,
        received: `[${p.classes.join(', ')}]`,
      });
    }
    const defaults = p.classes ? defaultClassGuidance(L, c.classLevels) : defaultGuidance(L);
    const guidance = p.cfg ? [...p.cfg] : defaults;
    if (guidance.length !== L) {
      throw new ConfigError('nested.cfg(scales)', {
        expected: `${L} guidance scales (one per level, coarse to fine) for L = ${L}`,
        received: `${guidance.length}: [${guidance.join(', ')}]`,
        hint: `e.g. .cfg([${defaults.join(', ')}]) — the default${p.classes ? ' of a class-conditional model' : ': 2 at every latent level, none at the pixels'}.`,
      });
    }
    const sigma2 =
      p.sigma === undefined ? Array(L - 1).fill(c.sample.sigma2) : typeof p.sigma === 'number' ? Array(L - 1).fill(p.sigma) : [...p.sigma];
    if (sigma2.length !== L - 1)
      throw new ConfigError('nested.sigma(σ²)', {
        expected: `one σ² or ${L - 1} (one per latent level)`,
        received: `[${sigma2.join(', ')}]`,
      });
    const fixed = await this.fixedLatents(m);
    const t0 = Date.now();
    const steps = p.steps ?? (p.fast ? FAST.steps : c.sample.steps);
    const latentSteps = p.latentSteps ?? (p.fast ? FAST.latentSteps : c.sample.latentSteps);
    let g;
    try {
      const labels = p.classes ? Array.from({ length: n }, (_, i) => p.classes![i % p.classes!.length]) : undefined;
      g = generateNested(m, {
        n,
        guidance,
        sigma2,
        steps,
        latentSteps,
        seed: p.seed,
        fixed,
        progress: true,
        ...(labels ? { labels } : {}),
      });
    } finally {
      tf.dispose(fixed.filter((t): t is tf.Tensor2D => t !== undefined));
    }
    const pixels = g.images.dataSync() as Float32Array;
    const levels: NestedLevelTrace[] = g.latents.map((z, i) => ({
      level: i + 1,
      kind: 'latent' as const,
      dim: z.shape[1],
      values: z.dataSync() as Float32Array,
      evaluations: g.cost[i].evaluations,
      ms: g.cost[i].ms,
    }));
    const last: LevelCost = g.cost[L - 1];
    levels.push({ level: L, kind: 'pixels', dim: 32 * 32, values: pixels, evaluations: last.evaluations, ms: last.ms });
    tf.dispose([g.images, ...g.latents]);
    // An unconditional model's level 1 has no condition: its scale is not used (said here, not silently dropped).
    const unusedScales = c.classes === 0 && L > 1 ? [1] : [];
    const settings = {
      levels: L,
      markov: p.markov,
      cfg: guidance,
      unusedScales,
      ...(p.classes ? { classes: [...p.classes] } : {}),
      sigma2,
      steps,
      latentSteps,
      seed: p.seed,
      fixed: p.fixed.map((f) => f.level),
    };
    const images = await ImageBatch.create(pixels, { groups: 1, perGroup: n, seconds: (Date.now() - t0) / 1000, settings });
    return { levels, images, settings };
  }

  private async fixedLatents(m: NestedModel): Promise<(tf.Tensor2D | undefined)[]> {
    const out: (tf.Tensor2D | undefined)[] = Array(m.config.levels - 1).fill(undefined);
    for (const f of this.plan.fixed) {
      const d = m.config.dims[f.level - 1];
      if (f.value.kind === 'latent') {
        if (f.value.values.length !== d) {
          tf.dispose(out.filter((t): t is tf.Tensor2D => t !== undefined));
          throw new ShapeError(`nested.fix(${f.level}, latent)`, {
            expected: `${d} values (level ${f.level}'s latent width)`,
            received: `${f.value.values.length} values`,
          });
        }
        out[f.level - 1] = tf.tensor2d(f.value.values, [1, d]);
      } else {
        const px = await f.value.source.load();
        const feature = m.config.features[f.level - 1];
        out[f.level - 1] = tf.tidy(() => {
          const feats = encodeFeatures(m.encoder, tf.tensor4d(px.subarray(0, 1024), [1, 32, 32, 1]));
          return projectLatent(m.spaces[f.level - 1], feats[feature]);
        });
      }
    }
    return out;
  }

  toString(): string {
    const p = this.plan;
    const parts = [`levels(${p.levels})`];
    if (p.markov) parts.push('markov()');
    if (p.fast) parts.push('fast()');
    if (p.classes) parts.push(`classes([${p.classes.join(', ')}])`);
    if (p.cfg) parts.push(`cfg([${p.cfg.join(', ')}])`);
    if (p.sigma !== undefined) parts.push(`sigma(${typeof p.sigma === 'number' ? p.sigma : `[${p.sigma.join(', ')}]`})`);
    if (p.steps) parts.push(`steps(${p.steps}${p.latentSteps ? `, ${p.latentSteps}` : ''})`);
    if (p.seed) parts.push(`seed(${p.seed})`);
    for (const f of p.fixed) parts.push(`fix(${f.level}, ${f.value.kind})`);
    if (p.dir) parts.push(`from(${JSON.stringify(p.dir)})`);
    return `nested.${parts.join('.')}`;
  }

  [util.inspect.custom](): string {
    return this.toString();
  }
}

export const nested = new NestedBuilder();
