/**
 * The training loop: for each step t, draw a batch, compute (loss, ∇) with `gradFn`, clip to a global norm,
 * AdamW at lr_t (linear warm-up), update the EMA, log, and every `checkpointEvery` steps save the whole
 * state (params, moments, EMA, step; the per-step Rng is derived from (seed, step), so saving the seed saves it).
 * If `checkpointPath` holds a state, training resumes from it and continues the same run.
 * Gradients come from `lossFn` on this thread, from `gradFn` if given, or, with `workers: n` and `workerLoss`,
 * from n worker threads each taking 1/n of the batch (data-parallel.ts; n = 2 uses both cores).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, ConfigError, ValueError, checkOptions, describe, progress } from '../core';
import { Params, assignParams } from '../nn';
import { AdamW, AdamWOptions } from './adamw';
import { Ema } from './ema';
import { clipByGlobalNorm } from './clip';
import { warmupLr } from './schedule';
import { DataSource, openData, batchSizeOf } from './data-source';
import { accumulateGrads } from './accumulate';
import { createDataParallel, type WorkerLoss, type DataParallel } from './data-parallel';
import { loadTrainState, saveTrainState, TRAIN_STATE_KIND, TrainStateMeta } from './train-state';

export interface StepContext {
  /** Index of this step (0-based, counted across resumes). */
  step: number;
  /** Seeded per step: new Rng(mix(seed, step)). Use it for noise levels, noise and condition dropout. */
  rng: Rng;
  lr: number;
}

export type LossFn<B> = (batch: B, ctx: StepContext) => tf.Scalar | tf.Tensor;
/** Loss value and gradients by parameter name (the caller of gradFn disposes the gradients). */
export type GradFn<B> = (
  batch: B,
  ctx: StepContext,
) => { loss: number; grads: Record<string, tf.Tensor> } | Promise<{ loss: number; grads: Record<string, tf.Tensor> }>;

export interface TrainLog {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  imagesPerSec: number;
  elapsedMs: number;
}

export interface TrainOptions<B> {
  params: Params;
  /** The loss on this thread (not needed with gradFn or workers). */
  lossFn?: LossFn<B>;
  data: DataSource<B>;
  /** Total steps of the run (a resumed run continues up to it). */
  steps: number;
  lr: number;
  warmup?: number;
  /** Max global gradient norm (0/undefined: no clipping). */
  clip?: number;
  /** EMA decay (e.g. 0.999); 0/undefined: no EMA. */
  ema?: number;
  emaWarmup?: boolean;
  adam?: AdamWOptions;
  checkpointEvery?: number;
  checkpointPath?: string;
  /** Resume from checkpointPath when it holds a state (default true). */
  resume?: boolean;
  /** Stored with each checkpoint and checked on resume (the model config). */
  config?: object;
  seed?: number;
  onLog?: (log: TrainLog) => void;
  logEvery?: number;
  /** Replaces the single-thread gradient computation (e.g. by a worker pool's averaged gradients). */
  gradFn?: GradFn<B>;
  /**
   * Split each batch into this many micro-batches and average their gradients (saves memory; default 1, or
   * `workers` with workers). With workers, the total over all workers: each runs microBatches/workers.
   */
  microBatches?: number;
  /**
   * Data-parallel training on this many worker threads (0/undefined: this thread). Each worker computes
   * the gradient on its share of the batch's rows with `workerLoss`; the averages equal the full-batch
   * gradient. `lossFn` is then not used (it may be left out).
   */
  workers?: number;
  /** The loss workers run: an exported function of a module (see data-parallel.ts for its signature). */
  workerLoss?: WorkerLoss;
  /** The trainer disposes each batch after its step (default true). */
  disposeBatches?: boolean;
  label?: string;
}

export interface TrainResult {
  /** Completed steps. */
  step: number;
  /** Loss of every step of the run, including steps before a resume. */
  losses: number[];
  /** EMA weights (caller disposes with disposeParams), if `ema` was set. */
  ema?: Params;
  resumedFrom?: number;
}

const KNOWN = [
  'params',
  'lossFn',
  'data',
  'steps',
  'lr',
  'warmup',
  'clip',
  'ema',
  'emaWarmup',
  'adam',
  'checkpointEvery',
  'checkpointPath',
  'resume',
  'config',
  'seed',
  'onLog',
  'logEvery',
  'gradFn',
  'microBatches',
  'workers',
  'workerLoss',
  'disposeBatches',
  'label',
];

/** The Rng of step `step` of a run seeded `seed` (a hash of both). */
export function stepRng(seed: number, step: number): Rng {
  let h = Math.imul(seed ^ 0x85ebca6b, 0x9e3779b1) ^ Math.imul(step + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return new Rng((h ^ (h >>> 13)) >>> 0);
}

/** Gradients of lossFn with respect to every parameter, by parameter name, on this thread. */
export function localGradFn<B>(params: Params, lossFn: LossFn<B>): GradFn<B> {
  const names = Object.keys(params);
  const vars = names.map((k) => params[k]);
  return (batch, ctx) => {
    const { value, grads } = tf.variableGrads(() => {
      const l = lossFn(batch, ctx);
      if (l.size !== 1) throw new ValueError('train(lossFn)', { expected: 'a scalar loss', received: describe(l) });
      return tf.reshape(l, []) as tf.Scalar;
    }, vars);
    const out: Record<string, tf.Tensor> = {};
    for (const k of names) if (grads[params[k].name]) out[k] = grads[params[k].name];
    const loss = value.dataSync()[0];
    value.dispose();
    return { loss, grads: out };
  };
}

function validate<B>(o: TrainOptions<B>): void {
  checkOptions('train', o, KNOWN);
  const bad = (k: string, exp: string) =>
    new ConfigError(`train(${k})`, { expected: exp, received: describe((o as unknown as Record<string, unknown>)[k]) });
  if (!o.params || !Object.keys(o.params).length) throw bad('params', 'a non-empty Params store');
  const workers = o.workers ?? 0;
  if (!Number.isInteger(workers) || workers < 0) throw bad('workers', 'a non-negative integer (0: this thread)');
  if (workers > 0 && o.gradFn) throw bad('workers', 'workers or gradFn, not both');
  if (workers > 0 && !o.workerLoss) {
    throw new ConfigError('train(workerLoss)', {
      expected: "with workers, { module: require.resolve('./my-loss'), name: 'myLoss', init? }",
      received: describe(o.workerLoss),
      hint: 'Workers share no memory with this thread, so the loss must be an exported function of a module (see sdk/train/data-parallel.ts).',
    });
  }
  if (typeof o.lossFn !== 'function' && !o.gradFn && workers === 0) throw bad('lossFn', 'a function (batch, ctx) → scalar');
  if (!Number.isInteger(o.steps) || o.steps < 0) throw bad('steps', 'a non-negative integer');
  if (!(o.lr > 0)) throw bad('lr', 'a positive learning rate');
  if (o.checkpointEvery !== undefined && (!Number.isInteger(o.checkpointEvery) || o.checkpointEvery < 1))
    throw bad('checkpointEvery', 'a positive integer');
  if (o.checkpointEvery && !o.checkpointPath) throw bad('checkpointPath', 'a path when checkpointEvery is set');
}

/** Runs (or resumes) a training run; see the module comment. */
export async function train<B>(o: TrainOptions<B>): Promise<TrainResult> {
  validate(o);
  const seed = o.seed ?? 0;
  const params = o.params;
  const opt = new AdamW(params, o.adam);
  const ema = o.ema ? new Ema(params, o.ema, o.emaWarmup ?? false) : undefined;
  const disposeBatches = o.disposeBatches ?? true;
  let dp: DataParallel<B> | undefined;
  let step = 0;
  let losses: number[] = [];
  let slot: 0 | 1 = 0;
  let resumedFrom: number | undefined;
  let bar: ReturnType<typeof progress> | undefined;
  try {
    if (o.workers) dp = await createDataParallel<B>(params, { workers: o.workers, loss: o.workerLoss!, microBatches: o.microBatches });
    const gradFn = dp ? dp.gradFn : accumulateGrads(o.gradFn ?? localGradFn(params, o.lossFn!), o.microBatches ?? 1);
    if (o.checkpointPath && o.resume !== false) {
      const st = await loadTrainState(o.checkpointPath, o.config);
      if (st) {
        const paramTensors = Object.fromEntries(Object.keys(params).map((k) => [k, st.tensors[`param/${k}`]]));
        assignParams(params, paramTensors, 'train(resume)');
        opt.load(st.tensors, st.meta.adamT);
        if (ema && st.tensors[`ema/${Object.keys(params)[0]}`]) ema.load(st.tensors, st.meta.emaT);
        tf.dispose(st.tensors);
        step = resumedFrom = st.meta.step;
        losses = st.meta.losses.slice(0, step);
        slot = st.slot === 0 ? 1 : 0;
      }
    }
    const it = openData(o.data, step, seed, disposeBatches);
    const save = async () => {
      const meta: TrainStateMeta = { kind: TRAIN_STATE_KIND, step, seed, adamT: opt.t, emaT: ema?.t ?? 0, losses };
      await saveTrainState(
        o.checkpointPath!,
        { meta, config: o.config ?? {}, params, extra: { ...opt.state(), ...(ema?.state() ?? {}) } },
        slot,
      );
      slot = slot === 0 ? 1 : 0;
    };
    bar = progress(o.label ?? 'train', Math.max(o.steps - step, 0));
    const t0 = Date.now();
    let images = 0;
    let smooth: number | undefined;
    while (step < o.steps) {
      // one turn of the event loop between steps: a pending SIGINT/SIGTERM handler runs here (it asks the data
      // iterator to end, so the loop stops after the step in flight and saves below)
      await new Promise((resolve) => setImmediate(resolve));
      const next = it.next();
      if (next.done) break;
      const batch = next.value;
      const lr = warmupLr(o.lr, o.warmup ?? 0, step);
      const { loss, grads } = await gradFn(batch, { step, rng: stepRng(seed, step), lr });
      if (disposeBatches) tf.dispose(batch as unknown as tf.TensorContainer);
      const clipped = o.clip ? clipByGlobalNorm(grads, o.clip) : { grads, norm: NaN };
      opt.step(clipped.grads, lr);
      if (clipped.grads !== grads) tf.dispose(Object.values(clipped.grads));
      tf.dispose(Object.values(grads));
      ema?.update();
      losses.push(loss);
      step += 1;
      images += batchSizeOf(batch);
      const elapsedMs = Date.now() - t0;
      const imagesPerSec = images / Math.max(elapsedMs / 1000, 1e-9);
      smooth = smooth === undefined ? loss : 0.9 * smooth + 0.1 * loss;
      bar.tick(1, { loss: smooth, 'img/s': imagesPerSec });
      if (o.onLog && (step % (o.logEvery ?? 10) === 0 || step === o.steps)) {
        o.onLog({ step, loss, lr, gradNorm: clipped.norm, imagesPerSec, elapsedMs });
      }
      if (o.checkpointEvery && step % o.checkpointEvery === 0) await save();
    }
    if (o.checkpointPath && step !== resumedFrom && !(o.checkpointEvery && step % o.checkpointEvery === 0)) await save();
    const emaParams = ema ? { ...ema.params } : undefined;
    return { step, losses, ema: emaParams, resumedFrom };
  } catch (e) {
    ema?.dispose();
    throw e;
  } finally {
    bar?.done();
    opt.dispose();
    await dp?.close();
  }
}
