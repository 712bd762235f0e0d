/**
 * Training of a nested model with L levels, every part resumable (sdk/train's two-slot checkpoints):
 *   1. the feature encoder (autoencoder on split G)        <root>/encoder.{json,safetensors}       shared by every L
 *   2. latent spaces: standardise + SVD of each feature     (recomputed: deterministic, seconds)
 *   3. each latent level's MLP denoiser, then the pixel U-Net  <root>/<run>/level<l>-train.{a,b}.*
 *   4. the model with EMA weights                           <root>/<run>/nested.{json,safetensors}
 * <run> is `L<levels>` (or `L<levels>-markov`, `-vector`, `-blur`, `-mlp<W>x<D>`: see `runName`). Each part's wall time is logged (cost per level).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, describe } from '../../core/errors';
import { stopRequested } from '../../core/stop-signal';
import { loadCheckpoint, saveCheckpoint } from '../../core/checkpoint';
import { Params, assignParams, disposeParams, paramCount } from '../../nn/params';
import type { Network } from '../../nn/network';
import { train, stepRng } from '../../train/trainer';
import { BASE_MLP, NESTED_TINY, NestedConfig, STATE_SAMPLE, condLayout, formatNestedConfig, pixelSpatialLevel } from './config';
import { encodeFeatures, encoderLoss, encoderOnly, initFeatureEncoder } from './encoder';
import { LatentSpace, fitLatentSpace, projectLatent } from './latents';
import { NestedModel, createLevelNet, levelLoss, nestedSchedule, oneHotLabels } from './model';
import { saveNested } from './checkpoint';

export interface TrainNestedOptions {
  config: NestedConfig;
  /** n × 32 × 32 images in [−1, 1] (split G, all classes). */
  images: Float32Array;
  /** The class of each image, integers in [0, config.classes) — required for a class-conditional config. */
  labels?: ArrayLike<number>;
  /** Root folder (assets/nested). */
  root: string;
  minutes?: number;
  /**
   * A trained model whose levels are taken as they are wherever they would be trained identically: same config
   * apart from `classes`, same encoder, and the level takes no class or takes it as `reuse`'s does (e.g. levels
   * 2…L of L<L> for L<L>-cond-first, which then trains level 1 alone; levels 1…L−1 of L<L>-cond for L<L>-cond-all).
   */
  reuse?: NestedModel;
  log?: (line: string) => void;
  checkpointEvery?: number;
}

export interface TrainNestedResult {
  complete: boolean;
  file?: string;
  seconds: Record<string, number>;
}

/**
 * L<levels>, then -markov for Markov conditioning, -vector when the pixel level has a spatial latent it does not use,
 * -blur when the pixel level trains on noised (blurred) latents rather than clean ones (`pixelSigma2Choices` ≠ [0]),
 * -mlp<W>x<D> when the latent levels' MLPs are not the default width × depth (nor the tiny config's),
 * -cond when every latent level is conditioned on the class (`classes` > 0; at L = 1 the pixel level), -cond-first
 * when only level 1 is (`classLevels` 'first'), -cond-all when the pixel level is too ('all').
 */
export function runName(c: NestedConfig): string {
  const vector = !c.pixelSpatial && pixelSpatialLevel({ ...c, pixelSpatial: true });
  const blur = c.levels > 1 && c.pixelSigma2Choices.some((s) => s !== 0);
  const usual = [BASE_MLP, NESTED_TINY.mlp!].some((m) => m.width === c.mlp.width && m.depth === c.mlp.depth);
  const mlp = c.levels > 1 && !usual ? `-mlp${c.mlp.width}x${c.mlp.depth}` : '';
  return `L${c.levels}${c.conditioning === 'markov' ? '-markov' : ''}${vector ? '-vector' : ''}${blur ? '-blur' : ''}${mlp}${c.classes ? `-cond${c.levels > 1 && c.classLevels !== 'latents' ? `-${c.classLevels}` : ''}` : ''}`;
}

const P = 32 * 32;

function randomRows(data: Float32Array, width: number, n: number, B: number, rng: { int(n: number): number }, idx: number[]): Float32Array {
  const out = new Float32Array(B * width);
  for (let b = 0; b < B; b++) out.set(data.subarray(idx[b] * width, (idx[b] + 1) * width), b * width);
  return out;
}

async function trainEncoder(o: TrainNestedOptions, n: number, deadline: number, log: (l: string) => void): Promise<Params | undefined> {
  const file = path.join(o.root, 'encoder');
  const ec = o.config.encoder;
  if (fs.existsSync(file + '.json')) {
    const c = await loadCheckpoint(file, { config: { model: 'nested-encoder', encoder: ec } });
    const p = initFeatureEncoder(ec.seed);
    assignParams(encoderOnly(p), c.tensors, `load(${file})`);
    tf.dispose(Object.values(c.tensors));
    return p;
  }
  const p = initFeatureEncoder(ec.seed);
  log(`encoder: autoencoder ${paramCount(p)} params (encoder ${paramCount(encoderOnly(p))}), ${ec.steps} steps × ${ec.batchSize}`);
  const t0 = Date.now();
  const r = await train<tf.Tensor4D>({
    params: p,
    lossFn: (x) => encoderLoss(p, x),
    data: ({ step, seed }) => {
      let s = step;
      return {
        next: () =>
          Date.now() > deadline || stopRequested()
            ? { done: true, value: undefined }
            : { done: false, value: batchImages(o.images, n, ec.batchSize, stepRng(seed ^ 0xe11c, s++)) },
      };
    },
    steps: ec.steps,
    lr: ec.lr,
    warmup: 20,
    clip: 1,
    seed: ec.seed,
    checkpointEvery: o.checkpointEvery ?? 100,
    checkpointPath: path.join(o.root, 'encoder-train'),
    config: { encoder: ec },
    label: 'nested encoder',
    logEvery: 50,
    onLog: (l) => log(`encoder step ${l.step}/${ec.steps} mse ${l.loss.toFixed(4)} img/s ${l.imagesPerSec.toFixed(0)}`),
  });
  if (r.step < ec.steps) return undefined;
  await saveCheckpoint(file, {
    config: { model: 'nested-encoder', encoder: ec },
    tensors: encoderOnly(p),
    meta: { step: r.step, mse50: mean(r.losses.slice(-50)), seconds: (Date.now() - t0) / 1000 },
  });
  log(`encoder done: mse (last 50) ${mean(r.losses.slice(-50)).toFixed(4)} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return p;
}

function batchImages(images: Float32Array, n: number, B: number, rng: { int(n: number): number }): tf.Tensor4D {
  const idx = Array.from({ length: B }, () => rng.int(n));
  return tf.tensor4d(randomRows(images, P, n, B, rng, idx), [B, 32, 32, 1]);
}

function mean(a: number[]): number {
  return a.reduce((x, y) => x + y, 0) / Math.max(a.length, 1);
}

/** Features of every image for the latent levels (in batches), then each level's latent space and latents. */
function fitLatents(
  c: NestedConfig,
  encoder: Params,
  images: Float32Array,
  n: number,
  log: (l: string) => void,
): { spaces: LatentSpace[]; z: Float32Array[] } {
  const feats = c.features.map(() => [] as tf.Tensor2D[]);
  for (let i = 0; i < n; i += 1000) {
    const m = Math.min(1000, n - i);
    const f = tf.tidy(() => encodeFeatures(encoder, tf.tensor4d(images.subarray(i * P, (i + m) * P), [m, 32, 32, 1])));
    c.features.forEach((name, l) => feats[l].push(f[name]));
    for (const [k, v] of Object.entries(f)) if (!c.features.includes(k as never)) v.dispose();
  }
  const spaces: LatentSpace[] = [];
  const z: Float32Array[] = [];
  c.features.forEach((name, l) => {
    const all = tf.concat(feats[l]) as tf.Tensor2D;
    tf.dispose(feats[l]);
    const t0 = Date.now();
    const s = fitLatentSpace(all, c.dims[l]);
    const zl = projectLatent(s, all);
    z.push(zl.dataSync() as Float32Array);
    tf.dispose([all, zl]);
    spaces.push(s);
    log(
      `latent level ${l + 1} (${name}, ${s.mean.shape[0]} → ${c.dims[l]}): keeps ${(100 * s.explained).toFixed(1)}% of the standardised variance; SVD ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  });
  return { spaces, z };
}

async function trainLevel(
  o: TrainNestedOptions,
  level: number,
  net: Network<unknown>,
  spaces: LatentSpace[],
  z: Float32Array[],
  n: number,
  deadline: number,
  log: (l: string) => void,
): Promise<Params | undefined> {
  const c = o.config;
  const pixel = level === c.levels;
  const tc = pixel ? c.pixelTrain : c.latentTrain;
  const schedule = nestedSchedule(c);
  const classWidth = condLayout(c, level).classWidth;
  type Batch = { z: tf.Tensor2D[]; x?: tf.Tensor4D; y?: tf.Tensor2D };
  const r = await train<Batch>({
    params: net.params,
    lossFn: (b, ctx) => levelLoss(c, schedule, net, spaces, level, b.z, b.x, ctx.rng, b.y),
    data: ({ step, seed }) => {
      let s = step;
      return {
        next: () => {
          if (Date.now() > deadline || stopRequested()) return { done: true, value: undefined };
          const rng = stepRng(seed ^ 0xba7c, s++);
          const idx = Array.from({ length: tc.batchSize }, () => rng.int(n));
          const zs = c.dims.map((d, k) => tf.tensor2d(randomRows(z[k], d, n, tc.batchSize, rng, idx), [tc.batchSize, d]));
          const x = pixel ? tf.tensor4d(randomRows(o.images, P, n, tc.batchSize, rng, idx), [tc.batchSize, 32, 32, 1]) : undefined;
          const y =
            classWidth > 0
              ? oneHotLabels(
                  idx.map((i) => o.labels![i]),
                  classWidth,
                )
              : undefined;
          return { done: false, value: { z: zs, ...(x ? { x } : {}), ...(y ? { y } : {}) } };
        },
      };
    },
    steps: tc.steps,
    lr: tc.lr,
    warmup: tc.warmup,
    clip: 1,
    ema: tc.emaDecay,
    emaWarmup: true,
    adam: { weightDecay: 0 },
    seed: c.seed + 101 * level,
    checkpointEvery: o.checkpointEvery ?? (pixel ? 25 : 250),
    checkpointPath: path.join(o.root, runName(c), `level${level}-train`),
    config: { nested: { ...c, sample: STATE_SAMPLE }, level },
    label: `nested ${runName(c)} level ${level}/${c.levels}${pixel ? ' (pixels)' : ''}`,
    logEvery: pixel ? 10 : 100,
    onLog: (l) =>
      log(
        `level ${level} step ${l.step}/${tc.steps} loss ${l.loss.toFixed(4)} img/s ${l.imagesPerSec.toFixed(1)} t ${(l.elapsedMs / 1000).toFixed(0)}s`,
      ),
  });
  if (r.step < tc.steps) {
    if (r.ema) disposeParams(r.ema);
    return undefined;
  }
  return r.ema;
}

/**
 * The part of a config that level l's training depends on: the pixel level ignores the latent MLPs' settings,
 * a latent level the pixel U-Net's; neither depends on the sampling defaults or the classes (a level that takes the
 * class is reused only from a checkpoint whose same level takes it the same way: reuseMismatch).
 */
function trainedBy(c: NestedConfig, level: number): Partial<NestedConfig> {
  const { sample: _s, classes: _c, classLevels: _k, ...rest } = c;
  if (level === c.levels) {
    const { mlp: _m, latentTrain: _t, sigma2Choices: _g, ...pixel } = rest;
    return pixel;
  }
  const { unet: _u, pixelTrain: _p, pixelSigma2Choices: _g, pixelSpatial: _x, ...latent } = rest;
  return latent;
}

/** Why level l of `from` cannot stand in for level l of `c` with `encoder` (undefined: it can). */
export function reuseMismatch(from: NestedModel, c: NestedConfig, encoder: Params, level: number): string | undefined {
  const mine = condLayout(c, level); // its classWidth is c.classes wherever the level takes the class
  if (mine.classWidth > 0 && JSON.stringify(condLayout(from.config, level)) !== JSON.stringify(mine))
    return `it takes the class (${c.classes} classes) and the checkpoint's level ${level} does not take it the same way`;
  if (from.config.levels !== c.levels) return `the level counts differ (${from.config.levels} vs ${c.levels})`;
  const strip = (x: NestedConfig) => JSON.stringify(trainedBy(x, level));
  if (strip(from.config) !== strip(c)) return `the configs differ in what trains level ${level} (apart from the classes)`;
  for (const [k, v] of Object.entries(from.encoder)) {
    const mine = encoder[k];
    if (!mine || mine.size !== v.size || tf.tidy(() => tf.max(tf.abs(tf.sub(mine, v))).dataSync()[0]) !== 0)
      return `the encoders differ (${k})`;
  }
  return undefined;
}

/** Trains (or resumes) every part; writes <root>/<run>/nested when all levels are complete. */
export async function trainNested(o: TrainNestedOptions): Promise<TrainNestedResult> {
  const c = o.config;
  const n = o.images.length / P;
  if (!Number.isInteger(n) || n < Math.max(c.pixelTrain.batchSize, c.latentTrain.batchSize, c.encoder.batchSize)) {
    throw new ShapeError('trainNested(images)', {
      expected: 'n·1024 values (32×32 images), n ≥ every batch size',
      received: describe(o.images),
    });
  }
  if (c.classes > 0 && (o.labels?.length !== n || Array.from(o.labels).some((y) => !Number.isInteger(y) || y < 0 || y >= c.classes))) {
    throw new ShapeError('trainNested(labels)', {
      expected: `${n} labels, integers in [0, ${c.classes}), for a class-conditional config`,
      received: describe(o.labels),
    });
  }
  const log = o.log ?? (() => undefined);
  const deadline = o.minutes !== undefined ? Date.now() + o.minutes * 60_000 : Infinity;
  for (const line of formatNestedConfig(c).split('\n')) log(line);
  const seconds: Record<string, number> = {};
  let t = Date.now();
  const encoder = await trainEncoder(o, n, deadline, log);
  if (!encoder) return { complete: false, seconds };
  seconds.encoder = (Date.now() - t) / 1000;
  t = Date.now();
  const { spaces, z } = fitLatents(c, encoder, o.images, n, log);
  seconds.latents = (Date.now() - t) / 1000;
  const nets: Network<unknown>[] = [];
  const done: Params[] = [];
  try {
    for (let level = 1; level <= c.levels; level++) {
      t = Date.now();
      const net = createLevelNet(c, level);
      nets.push(net);
      log(
        `level ${level}/${c.levels}: ${level < c.levels ? `MLP denoiser of ${c.dims[level - 1]}-d latents` : 'U-Net denoiser of pixels'}, ${paramCount(net.params)} params`,
      );
      const why = o.reuse && reuseMismatch(o.reuse, c, encoderOnly(encoder), level);
      if (o.reuse && !why) {
        assignParams(net.params, o.reuse.nets[level - 1].params, `reuse level ${level}`);
        const cls = condLayout(c, level).classWidth > 0 ? 'the class taken as there' : 'no class input';
        log(`level ${level}: taken from the reused model (trained identically; ${cls})`);
        done.push(net.params);
        continue;
      }
      if (o.reuse) log(`level ${level}: trained (not reused: ${why})`);
      const ema = await trainLevel(o, level, net, spaces, z, n, deadline, log);
      if (!ema) {
        log(`level ${level} not complete; rerun the same command to continue.`);
        return { complete: false, seconds };
      }
      assignParams(net.params, ema, 'ema');
      disposeParams(ema);
      seconds[`level${level}`] = (Date.now() - t) / 1000;
      log(`level ${level} done in ${seconds[`level${level}`].toFixed(0)} s (this invocation)`);
      done.push(net.params);
    }
    const model: NestedModel = { config: c, schedule: nestedSchedule(c), nets, encoder: encoderOnly(encoder), spaces };
    const file = path.join(o.root, runName(c), 'nested');
    await saveNested(file, model, { seconds, complete: true });
    log(`wrote ${file}.{json,safetensors}; seconds per part ${JSON.stringify(seconds)}`);
    return { complete: true, file, seconds };
  } finally {
    for (const net of nets) disposeParams(net.params);
    disposeParams(encoder);
    for (const s of spaces) tf.dispose([s.mean, s.std, s.basis]);
  }
}
