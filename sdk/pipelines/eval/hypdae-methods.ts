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
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../core/backend';
import { CheckpointError, ConfigError, ShapeError, describe, nearest } from '../../core/errors';
import { assetPath } from '../../core/paths';
import { stochasticEncode } from '../../diffusion/sdedit';
import { disposeParams } from '../../nn/params';
import { LabelSource, Space } from '../../models/hypdae/config';
import { Stage1 } from '../../models/hypdae/stage1';
import { Stage2, disposeStage2, fromBall, toBall } from '../../models/hypdae/stage2';
import { perturbCodesAuto } from '../../models/hypdae/edits';
import { decodeCodes, stochasticCode } from '../../models/hypdae/generate';
import { loadStage1, loadStage2 } from '../../models/hypdae/checkpoint';
import { encodeAll } from '../../models/hypdae/train-stage2';
import { PerturbTargets, drawTargets, targetPoolCodes } from '../../models/hypdae/target-pool';
import { FewShotMethod, FewShotRequest, mixSeed } from './method';
import { registerFewShotMethod } from './registry';

/** Radii of the sweep (hyperbolic; the Euclidean twin uses ρ·R). */
export const HYPDAE_RADII = [6.2, 5.5, 4.5, 3.0] as const;
export const DEFAULT_RADIUS = 5.5;
export { AUTO_STEP, autoPerturbDistance, autoTurn } from '../../models/hypdae/edits';

/** A centred square canvas change: pad with −1 (from < to) or crop (from > to), for `count` images. */
export function recentre(src: ArrayLike<number>, count: number, from: number, to: number): Float32Array {
  const out = new Float32Array(count * to * to).fill(-1);
  const off = Math.floor(Math.abs(to - from) / 2);
  const m = Math.min(from, to);
  for (let i = 0; i < count; i++) {
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < m; c++) {
        const [sr, sc, dr, dc] = from < to ? [r, c, r + off, c + off] : [r + off, c + off, r, c];
        out[i * to * to + dr * to + dc] = src[i * from * from + sr * from + sc];
      }
    }
  }
  return out;
}

type Kind = 'stochastic' | 'hyperbolic' | 'hyperbolic-real' | 'euclidean';
const KINDS: readonly Kind[] = ['stochastic', 'hyperbolic', 'hyperbolic-real', 'euclidean'];

export interface HypdaeMethodSpec { kind: Kind; /** strength (stochastic) or radius (the others) */ value: number }

/** 'hyperbolic@4.5' → { kind: 'hyperbolic', value: 4.5 }; a bare kind takes its default. */
export function parseHypdaeMethod(name: string): HypdaeMethodSpec {
  const [kind, v, extra] = name.split('@');
  if (!KINDS.includes(kind as Kind) || extra !== undefined) {
    const near = nearest(kind, KINDS);
    throw new ConfigError('hypdaeMethod(name)', { expected: `${KINDS.join(', ')}, optionally with @value`, received: JSON.stringify(name), hint: near ? `Did you mean '${near}'?` : undefined });
  }
  const value = v === undefined ? (kind === 'stochastic' ? 1 : DEFAULT_RADIUS) : Number(v);
  if (v !== undefined && (v.trim() === '' || !Number.isFinite(value) || value <= 0)) {
    throw new ConfigError('hypdaeMethod(name)', { expected: `a positive number after '@' (${kind === 'stochastic' ? 'strength in (0, 1]' : 'radius'})`, received: JSON.stringify(name) });
  }
  return { kind: kind as Kind, value };
}

interface Stages { s1: Stage1; s2?: Stage2 }

function base(dir: string, name: string, stage: string): string {
  const b = path.join(dir, name);
  for (const ext of ['.json', '.safetensors']) {
    if (!fs.existsSync(b + ext)) {
      throw new CheckpointError(`hypdae eval: ${name}`, { expected: `the checkpoint ${b}.{json,safetensors}`, received: `no such file ${b + ext}`, hint: `Run npx hypnest train hypdae ${stage} --out ${dir}.` });
    }
  }
  return b;
}

const stage2Of = (kind: Kind): { name: string; space: Space; labels: LabelSource; flags: string } | undefined =>
  kind === 'hyperbolic' ? { name: 'stage2-hyperbolic-pseudo', space: 'hyperbolic', labels: 'pseudo', flags: '--stage 2' }
    : kind === 'hyperbolic-real' ? { name: 'stage2-hyperbolic-real', space: 'hyperbolic', labels: 'real', flags: '--stage 2 --labels real' }
      : kind === 'euclidean' ? { name: 'stage2-euclidean-pseudo', space: 'euclidean', labels: 'pseudo', flags: '--stage 2 --space euclidean' }
        : undefined;

/** ρ = mean code radius of the Euclidean twin / of the hyperbolic (pseudo-label) stage II, from their meta. */
export function euclideanRadiusRatio(dir: string = assetPath('hypdae')): number {
  const mean = (name: string, flags: string): number => {
    const j = JSON.parse(fs.readFileSync(base(dir, name, flags) + '.json', 'utf8')) as { meta?: { radius?: { mean?: unknown } } };
    const m = j.meta?.radius?.mean;
    if (typeof m !== 'number' || !(m > 0)) throw new CheckpointError(`hypdae eval: ${name}`, { expected: 'meta.radius.mean > 0 (written by train-stage2)', received: describe(m), hint: 'Retrain stage II.' });
    return m;
  };
  return mean('stage2-euclidean-pseudo', '--stage 2 --space euclidean') / mean('stage2-hyperbolic-pseudo', '--stage 2');
}

/** Loaded checkpoints, shared by every method of one registration (loaded on first use). */
class StageCache {
  private readonly loaded = new Map<string, Promise<Stages>>();
  constructor(readonly dir: string) {}
  get(kind: Kind): Promise<Stages> {
    const key = stage2Of(kind)?.name ?? 'stage1';
    let p = this.loaded.get(key);
    if (!p) {
      p = this.load(kind);
      this.loaded.set(key, p);
      p.catch(() => this.loaded.delete(key));
    }
    return p;
  }
  private async load(kind: Kind): Promise<Stages> {
    const s2 = stage2Of(kind);
    if (s2) {
      const { s1 } = await this.get('stochastic');
      const b2 = base(this.dir, s2.name, s2.flags);
      return { s1, s2: (await loadStage2(b2, s1.config)).stage2 };
    }
    const b1 = base(this.dir, 'stage1', '--stage 1');
    await ready();
    return { s1: (await loadStage1(b1)).stage1 };
  }
  /** Frees every loaded checkpoint (methods load again when next run). */
  async dispose(): Promise<void> {
    const all = await Promise.allSettled([...this.loaded.values()]);
    this.loaded.clear();
    const s1s = new Set<Stage1>();
    for (const r of all) {
      if (r.status !== 'fulfilled') continue;
      if (r.value.s2) disposeStage2(r.value.s2);
      s1s.add(r.value.s1);
    }
    for (const s1 of s1s) disposeParams(s1.params);
  }
}

/** Inputs as 32×32 (padded from 28 if needed), or a ShapeError. */
function inputs32(req: FewShotRequest): Float32Array {
  if (req.side === 32) return req.inputs.subarray(0, req.count * 1024);
  if (req.side === 28) return recentre(req.inputs, req.count, 28, 32);
  throw new ShapeError('hypdae method(inputs)', { expected: 'images of side 28 or 32', received: `side ${req.side}` });
}

/** Output codes [count·m, codeDim] and their stochastic codes for one class (tensors are the caller's). */
function plan(st: Stages, spec: HypdaeMethodSpec, req: FewShotRequest, x32: Float32Array, rho: number, steps: number, strength: number | undefined, pool: Float32Array | undefined): { z: tf.Tensor2D; noise: tf.Tensor4D; startIndex?: number } {
  const { s1, s2 } = st;
  const n = req.count;
  const m = req.outputsPerInput;
  const D = s1.config.stage1.codeDim;
  const rows = Array.from({ length: n * m }, (_, r) => Math.floor(r / m));
  const codes = encodeAll(s1, x32);
  return tf.tidy(() => {
    const x = tf.tensor4d(x32, [n, 32, 32, 1]);
    const z = tf.tensor2d(codes, [n, D]);
    let out: tf.Tensor2D;
    if (s2) {
      const R = s2.config.stage2.space === 'euclidean' ? spec.value * rho : spec.value;
      const h = toBall(s2, z);
      const hp = pool && (toBall(s2, tf.tensor2d(pool, [pool.length / D, D])) as tf.Tensor2D);
      out = fromBall(s2, tf.concat(Array.from({ length: n }, (_, i) => {
        const seed = mixSeed(req.seed, i);
        const toward = hp && drawTargets(hp, m, seed);
        return perturbCodesAuto(s2, tf.broadcastTo(tf.slice(h, [i, 0], [1, -1]), [m, h.shape[1]]), { radius: R, seed, toward, turnRadius: spec.value });
      })));
    } else {
      out = tf.gather(z, rows) as tf.Tensor2D;
    }
    // the stochastic code: a fresh encoding per output at the method's (stochastic) or the run's strength, else inversion
    const s = s2 ? strength : spec.value;
    if (s === undefined) return { z: out, noise: tf.gather(stochasticCode(s1, x, z, { steps }).noise, rows) as tf.Tensor4D };
    const enc = stochasticEncode(tf.gather(x, rows), s1.schedule, { strength: s, steps, seed: s2 ? mixSeed(req.seed, 2000) : req.seed });
    return { z: out, noise: enc.x as tf.Tensor4D, startIndex: enc.startIndex };
  });
}

/** A runnable method for `name` (e.g. 'hyperbolic@4.5') over the checkpoints in `cache`. */
function methodFor(name: string, cache: StageCache, batch: number, o: HypdaeMethodsOptions): FewShotMethod {
  const spec = parseHypdaeMethod(name);
  if (spec.kind === 'stochastic' && spec.value > 1) throw new ConfigError('hypdaeMethod(name)', { expected: 'a strength in (0, 1]', received: JSON.stringify(name) });
  let rho: number | undefined;
  return async (req) => {
    const st = await cache.get(spec.kind);
    if (spec.kind === 'euclidean') rho ??= euclideanRadiusRatio(cache.dir);
    const x32 = inputs32(req);
    const nSteps = o.steps ?? st.s1.config.sample.steps;
    const pool = (o.targets ?? 'seen') === 'seen' && st.s2 ? targetPoolCodes(st.s1) : undefined;
    const p = plan(st, spec, req, x32, rho ?? 1, nSteps, o.strength, pool);
    const total = req.count * req.outputsPerInput;
    const out = new Float32Array(total * 1024);
    try {
      for (let i = 0; i < total; i += batch) {
        const b = Math.min(batch, total - i);
        const y = tf.tidy(() => decodeCodes(st.s1, tf.slice(p.z, [i, 0], [b, -1]), {
          noise: tf.slice(p.noise, [i, 0, 0, 0], [b, -1, -1, -1]), startIndex: p.startIndex, seed: mixSeed(req.seed, 1000 + i), steps: nSteps, eta: o.eta, guidance: o.guidance,
        }));
        out.set(y.dataSync(), i * 1024);
        y.dispose();
      }
    } finally {
      tf.dispose([p.z, p.noise]);
    }
    return req.side === 32 ? out : recentre(out, total, 32, req.side);
  };
}

/** Every name registerHypdaeMethods adds. */
export function hypdaeMethodNames(): string[] {
  const sweep = (k: string) => HYPDAE_RADII.map((R) => `${k}@${R.toFixed(1)}`);
  return ['stochastic', 'stochastic@0.5', 'hyperbolic', ...sweep('hyperbolic'), 'hyperbolic-real', ...sweep('hyperbolic-real'), 'euclidean', ...sweep('euclidean')];
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
export function registerHypdaeMethods(dir: string = assetPath('hypdae'), options: HypdaeMethodsOptions = {}): { names: string[]; dispose: () => Promise<void> } {
  const cache = new StageCache(path.resolve(dir));
  const batch = options.batch ?? 32;
  const names = [...new Set([...hypdaeMethodNames(), ...(options.extra ?? []).filter((n) => KINDS.includes(n.split('@')[0] as Kind))])];
  for (const name of names) registerFewShotMethod(name, () => methodFor(name, cache, batch, options));
  return { names, dispose: () => cache.dispose() };
}

/** One method by name (any radius or strength, e.g. 'hyperbolic@5.0'), with its own checkpoint cache. */
export function hypdaeMethod(name: string, dir: string = assetPath('hypdae'), options: HypdaeMethodsOptions = {}): { name: string; run: FewShotMethod; dispose: () => Promise<void> } {
  const cache = new StageCache(path.resolve(dir));
  return { name, run: methodFor(name, cache, options.batch ?? 32, options), dispose: () => cache.dispose() };
}
