/**
 * Stage-I training run: random batches of G (seeded per step, so a resumed run draws the same batches),
 * the encoder sees an augmented view, AdamW with warm-up, EMA weights for sampling, and the whole state
 * checkpointed every `checkpointEvery` steps (sdk/train). Stops at `config.stage1.steps` or when the time
 * budget runs out; rerunning continues from the last checkpoint. Writes, under `outDir`:
 *   stage1-train.{a,b}.{json,safetensors}   resumable training state
 *   stage1.{json,safetensors}                EMA weights for sampling (meta.complete says if all steps ran)
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, describe } from '../../core/errors';
import { stopRequested } from '../../core/stop-signal';
import { disposeParams } from '../../nn/params';
import { train, stepRng } from '../../train/trainer';
import type { Rng } from '../../core/rng';
import { HypdaeConfig } from './config';
import { augmentBatch } from './augment';
import { Stage1, Stage1Batch, createStage1, stage1Loss, stage1ParamCount, stage1With } from './stage1';
import { saveStage1 } from './checkpoint';

export interface TrainStage1Options {
  config: HypdaeConfig;
  /** n × 32 × 32 training images in [−1, 1] (split G, seen classes). */
  images: Float32Array;
  /** What the images are (e.g. 'fashion-mnist:G (debian) seen classes', 'folder:DIR'); kept in the checkpoint's meta.data. */
  dataName?: string;
  outDir: string;
  /** Wall-clock budget for this invocation (minutes); the run checkpoints and stops when it is spent. */
  minutes?: number;
  checkpointEvery?: number;
  log?: (line: string) => void;
  logEvery?: number;
  /**
   * Worker threads computing each step's gradient on shards of the batch (one wasm thread each; 2 uses both
   * cores of a 2-core machine, ≈ 2× the images per second). 0: the main thread alone. The draws of a run depend
   * on it (a run is reproducible for a given value); resume with the value it started with.
   */
  workers?: number;
}

export interface TrainStage1Result {
  step: number;
  complete: boolean;
  lastLoss: number;
  imagesPerSec: number;
  secondsPerStep: number;
}

export async function trainStage1(o: TrainStage1Options): Promise<TrainStage1Result> {
  const { config } = o;
  const P = 32 * 32;
  const n = o.images.length / P;
  if (!Number.isInteger(n) || n < config.stage1.batchSize) {
    throw new ShapeError('trainStage1(images)', {
      expected: `n·1024 values (32×32 images), n ≥ batch ${config.stage1.batchSize}`,
      received: describe(o.images),
    });
  }
  const log = o.log ?? (() => undefined);
  const workers = o.workers ?? 0;
  const s1: Stage1 = createStage1(config);
  const counts = stage1ParamCount(s1);
  log(
    `stage I: ${n} images, encoder ${counts.encoder} params, decoder ${counts.decoder} params, backend ${tf.getBackend()}, ${workers > 0 ? `${workers} worker threads` : 'main thread'}`,
  );
  const deadline = o.minutes !== undefined ? Date.now() + o.minutes * 60_000 : Infinity;
  const data = sampleBatches(o.images, n, config, deadline);
  let last = { loss: NaN, imagesPerSec: NaN, elapsedMs: 0, step: 0 };
  const t0 = Date.now();
  const r = await train<Stage1Batch>({
    params: s1.params,
    ...(workers > 0
      ? { workers, microBatches: workers, workerLoss: { module: require.resolve('./worker-loss'), name: 'stage1WorkerLoss', init: config } }
      : { lossFn: (batch: Stage1Batch, ctx: { rng: Rng }) => stage1Loss(s1, batch, ctx.rng) }),
    data,
    steps: config.stage1.steps,
    lr: config.stage1.lr,
    warmup: config.stage1.warmup,
    clip: 1,
    ema: config.stage1.emaDecay,
    emaWarmup: true,
    adam: { weightDecay: 0 },
    checkpointEvery: o.checkpointEvery ?? 50,
    checkpointPath: path.join(o.outDir, 'stage1-train'),
    // Only stage I's part: resuming must not depend on stage-II or sampling flags.
    config: { stage1: config.stage1, workers },
    seed: config.stage1.seed,
    logEvery: o.logEvery ?? 10,
    label: 'HypDAE stage I',
    onLog: (l) => {
      last = { loss: l.loss, imagesPerSec: l.imagesPerSec, elapsedMs: l.elapsedMs, step: l.step };
      log(
        `step ${l.step}/${config.stage1.steps} loss ${l.loss.toFixed(4)} lr ${l.lr.toExponential(2)} grad-norm ${l.gradNorm.toFixed(3)} img/s ${l.imagesPerSec.toFixed(2)} t ${(l.elapsedMs / 1000).toFixed(0)}s`,
      );
    },
  });
  const complete = r.step >= config.stage1.steps;
  const recent = r.losses.slice(-50);
  const meanLoss = recent.reduce((a, b) => a + b, 0) / Math.max(recent.length, 1);
  if (r.ema) {
    await saveStage1(path.join(o.outDir, 'stage1'), stage1With(config, r.ema), {
      step: r.step,
      complete,
      meanLoss50: meanLoss,
      ema: config.stage1.emaDecay,
      ...(o.dataName ? { data: o.dataName } : {}),
    });
    disposeParams(r.ema);
  }
  disposeParams(s1.params);
  const ran = r.step - (r.resumedFrom ?? 0);
  const secondsPerStep = ran > 0 ? (Date.now() - t0) / 1000 / ran : NaN;
  log(
    `stage I ${complete ? 'complete' : 'paused'} at step ${r.step}/${config.stage1.steps}; mean loss (last 50) ${meanLoss.toFixed(4)}; ${secondsPerStep.toFixed(2)} s/step`,
  );
  return { step: r.step, complete, lastLoss: meanLoss, imagesPerSec: last.imagesPerSec, secondsPerStep };
}

/** Random batches (per-step Rng: resumable), encoder input augmented; ends at the deadline. */
function sampleBatches(images: Float32Array, n: number, cfg: HypdaeConfig, deadline: number) {
  const B = cfg.stage1.batchSize;
  const P = 32 * 32;
  return ({ step, seed }: { step: number; seed: number }): Iterator<Stage1Batch> => {
    let s = step;
    return {
      next: (): IteratorResult<Stage1Batch> => {
        if (Date.now() > deadline || stopRequested()) return { done: true, value: undefined };
        const rng = stepRng(seed ^ 0x5eed, s++);
        const x = new Float32Array(B * P);
        for (let b = 0; b < B; b++) {
          const k = rng.int(n);
          x.set(images.subarray(k * P, (k + 1) * P), b * P);
        }
        const xAug = augmentBatch(x, B, cfg.stage1.augment, rng);
        return { done: false, value: { x: tf.tensor4d(x, [B, 32, 32, 1]), xAug: tf.tensor4d(xAug, [B, 32, 32, 1]) } };
      },
    };
  };
}
