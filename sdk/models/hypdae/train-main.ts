/**
 * HypDAE training entry point (the lead wires `hypnest train hypdae` to `runHypdaeTraining`):
 *   npx tsx sdk/models/hypdae/train-main.ts --stage 1|2|all [--labels pseudo|real] [--space hyperbolic|euclidean]
 *       [--minutes M] [--out runs/hypdae] [--overwrite-shipped] [--images DIR] [--tiny]
 * Resumable: rerun the same command and it continues from the last checkpoint (Ctrl-C writes one first).
 * The output folder is locked while a run writes to it; the shipped assets/hypdae only with --overwrite-shipped. Logs go to
 * <out>/stage1.log and <out>/stage2-<space>-<labels>.log as they are written (and to stderr).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../core/backend';
import '../../core/grad';
import { ConfigError, describe } from '../../core/errors';
import { reportError } from '../../core/report-error';
import { nonNegativeInt, positiveInt, positiveNumber, nonNegative } from '../../core/cli-args';
import { gitCommit } from '../../core/paths';
import { claimOutputFolder } from '../../core/output-folder';
import { catchStopSignals, exitIfStopped, stopRequested } from '../../core/stop-signal';
import { splitG } from '../../data/splits';
import { loadImageFolder } from '../../data/image-folder';
import {
  HYPDAE_FAITHFUL,
  HYPDAE_TINY,
  HypdaeConfig,
  HypdaeOptions,
  LabelSource,
  Space,
  type SpatialCode,
  formatHypdaeConfig,
  hypdaeConfig,
  scaledAugment,
  spatialCodeWidth,
} from './config';
import { trainStage1 } from './train-stage1';
import { trainStage2 } from './train-stage2';
import { loadStage1, stage2Name } from './checkpoint';
import { nativeKernelsActive } from '../../core/native/kernels';

/**
 * Stage I's default: the main thread when the native kernels run (their 2 OpenMP threads beat 2 workers of
 * 1 thread each, docs/native.md "Threads vs workers"), else 2 worker threads (wasm kernels are single-threaded);
 * 0 with --tiny.
 */
export function defaultStage1Workers(tiny = false): number {
  if (tiny) return 0;
  return tf.getBackend() === 'wasm' && nativeKernelsActive() ? 0 : 2;
}

export interface HypdaeTrainOptions {
  stage: '1' | '2' | 'all';
  labels?: LabelSource;
  space?: Space;
  /** Stage-II decoder normalisation: 'none' (radius-aware) or 'layer'. */
  decoderNorm?: 'layer' | 'none';
  minutes?: number;
  /** Output folder (default runs/hypdae; the shipped assets/hypdae only with overwriteShipped). */
  out?: string;
  overwriteShipped?: boolean;
  /** Train on an image folder (one sub-folder per class) instead of Fashion-MNIST G (seen classes). */
  images?: string;
  /** Tiny sizes (smoke tests). */
  tiny?: boolean;
  /** The faithful recipe, HYPDAE_FAITHFUL (v-prediction, no augmentation, a 64 + 8×8×1 code); other flags override it. */
  faithful?: boolean;
  /** Override stage-I steps (e.g. a short smoke run). */
  steps1?: number;
  /** Override the stage-I learning rate. */
  lr1?: number;
  /** How the decoder takes the semantic code: 'add' (to the time embedding, the default) or 'scale' (DiffAE's). */
  conditioning?: 'add' | 'scale';
  /** What the stage-I decoder predicts: 'epsilon' (default) or 'v'. */
  prediction?: 'epsilon' | 'v';
  /** The stage-I encoder's augmentation, the default's amplitudes times this (0: none; default 1). */
  augmentScale?: number;
  /** A spatial part of the code, 'SxC' (an S×S×C map added to the code's vector part) or 'none' (default); see Stage1Config.spatialCode. */
  spatialCode?: SpatialCode | 'none';
  /** k of the k-means pseudo-labels (default: the training data's classes + 1, i.e. 8 on Fashion-MNIST's 7 seen classes). */
  clusters?: number;
  /** Dimension of stage II's ball (and of its Euclidean twin; default 16). */
  ballDim?: number;
  /** Worker threads for stage I's gradients (default 2: both cores of this machine; 0 = the main thread; --tiny: 0). */
  workers?: number;
  checkpointEvery?: number;
  /** Also write each log line to stderr (default true; notebooks pass false: the lines are in the log file). */
  echo?: boolean;
}

/** Where training writes without --out: a folder of the working directory, never the shipped assets/. */
export const DEFAULT_OUT = path.join('runs', 'hypdae');

function logger(file: string, echo = true): (line: string) => void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return (line: string) => {
    const stamped = `${new Date().toISOString()} ${line}`;
    fs.appendFileSync(file, stamped + '\n');
    if (echo) process.stderr.write(stamped + '\n');
  };
}

async function loadData(o: HypdaeTrainOptions): Promise<{ images: Float32Array; labels: Int32Array; name: string }> {
  if (o.images) {
    const ds = await loadImageFolder(o.images, { size: 32, channels: 1 });
    return { images: ds.images, labels: ds.labels, name: ds.name };
  }
  const g = splitG({ seenOnly: true, size: 32 });
  return { images: g.images, labels: g.labels, name: `${g.name} seen classes` };
}

/** The code's fields for a spatial map (or none): the base's vector part plus the map's entries. */
function withSpatialCode(base: HypdaeOptions, map: SpatialCode | 'none'): { spatialCode?: SpatialCode; codeDim: number } {
  const vector = (base.stage1?.codeDim ?? hypdaeConfig().stage1.codeDim) - spatialCodeWidth(base.stage1 ?? {});
  return map === 'none' ? { codeDim: vector } : { spatialCode: map, codeDim: vector + spatialCodeWidth({ spatialCode: map }) };
}

/** The config with k-means k = the data's classes + 1 (a spare cluster for outliers, as the shipped k = 8 on 7 classes). */
export function clustersFromData(config: HypdaeConfig, labels: Int32Array): HypdaeConfig {
  const classes = new Set(labels).size;
  return hypdaeConfig({ ...config, stage2: { ...config.stage2, clusters: Math.max(2, classes + 1) } });
}

/** True when `<out>/stage1.json` holds a finished stage I of this config (then `--stage all` skips it). */
function stage1Complete(out: string, config: HypdaeConfig): boolean {
  try {
    const j = JSON.parse(fs.readFileSync(path.join(out, 'stage1.json'), 'utf8')) as {
      config?: { stage1?: unknown };
      meta?: { complete?: boolean };
    };
    return j.meta?.complete === true && JSON.stringify(j.config?.stage1) === JSON.stringify(config.stage1);
  } catch {
    return false;
  }
}

/** Runs the requested stage(s); returns the config used. */
export async function runHypdaeTraining(o: HypdaeTrainOptions): Promise<HypdaeConfig> {
  if (!['1', '2', 'all'].includes(o.stage))
    throw new ConfigError('train hypdae --stage', { expected: "'1', '2' or 'all'", received: describe(o.stage) });
  await ready();
  const out = o.out ?? DEFAULT_OUT;
  const base: HypdaeOptions = o.tiny ? HYPDAE_TINY : o.faithful ? HYPDAE_FAITHFUL : {};
  const config = hypdaeConfig({
    ...base,
    stage1: {
      ...base.stage1,
      ...(o.steps1 !== undefined ? { steps: o.steps1 } : {}),
      ...(o.lr1 !== undefined ? { lr: o.lr1 } : {}),
      ...(o.conditioning ? { unet: { ...base.stage1?.unet, condMode: o.conditioning } } : {}),
      ...(o.prediction ? { prediction: o.prediction } : {}),
      ...(o.augmentScale !== undefined ? { augment: scaledAugment(o.augmentScale) } : {}),
      ...(o.spatialCode !== undefined ? withSpatialCode(base, o.spatialCode) : {}),
    },
    stage2: {
      ...base.stage2,
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.space ? { space: o.space } : {}),
      ...(o.decoderNorm ? { decoderNorm: o.decoderNorm } : {}),
      ...(o.clusters !== undefined ? { clusters: o.clusters } : {}),
      ...(o.ballDim !== undefined ? { ballDim: o.ballDim } : {}),
    },
  });
  const deadline = o.minutes !== undefined ? Date.now() + o.minutes * 60_000 : undefined;
  const folder = claimOutputFolder(out, {
    overwriteShipped: o.overwriteShipped,
    flag: 'train hypdae --out',
    log: (l) => process.stderr.write(l + '\n'),
  });
  try {
    return await trainIn(o, out, config, deadline);
  } finally {
    folder.release();
  }
}

async function trainIn(o: HypdaeTrainOptions, out: string, given: HypdaeConfig, deadline: number | undefined): Promise<HypdaeConfig> {
  const data = await loadData(o);
  const config = o.clusters !== undefined || o.tiny ? given : clustersFromData(given, data.labels);
  const header = (log: (l: string) => void) => {
    log(
      `hypdae train --stage ${o.stage} commit ${gitCommit()} backend ${tf.getBackend()} data ${data.name} (${data.images.length / 1024} images)`,
    );
    for (const line of formatHypdaeConfig(config).split('\n')) log(line);
  };
  if (o.stage === '1' || (o.stage === 'all' && !stage1Complete(out, config))) {
    const log = logger(path.join(out, 'stage1.log'), o.echo);
    header(log);
    const r = await trainStage1({
      config,
      images: data.images,
      dataName: data.name,
      outDir: out,
      minutes: o.minutes,
      checkpointEvery: o.checkpointEvery ?? (o.tiny ? 2 : 50),
      log,
      workers: o.workers ?? defaultStage1Workers(o.tiny),
    });
    if (!r.complete) {
      log(
        `stage I ${stopRequested() ? `stopped by ${stopRequested()}` : 'not complete'} (step ${r.step}/${config.stage1.steps}); checkpoint in ${out}; rerun the same command to continue.`,
      );
      return config;
    }
  }
  if (o.stage === '2' || o.stage === 'all') {
    const log = logger(path.join(out, `${stage2Name(config)}.log`), o.echo);
    header(log);
    if (stopRequested()) {
      log(`${stopRequested()} before stage II; rerun the same command to continue.`);
      return config;
    }
    if (deadline !== undefined && Date.now() > deadline) {
      log('time budget spent before stage II; rerun to continue.');
      return config;
    }
    const { stage1, meta } = await loadStage1(path.join(out, 'stage1'), config);
    if (!(meta as { complete?: boolean }).complete)
      log('warning: stage I checkpoint is not complete (training was paused); stage II uses it anyway.');
    const r = await trainStage2({ config, stage1, images: data.images, labels: data.labels, dataName: data.name, outDir: out, log });
    r.stage2.linear.dispose();
    r.stage2.head.dispose();
  }
  return config;
}

export function hypdaeCommand(): Command {
  return new Command('hypdae')
    .description('train HypDAE (stage I diffusion autoencoder, stage II hyperbolic code autoencoder); resumable')
    .requiredOption('--stage <stage>', "'1', '2' or 'all'", 'all')
    .option('--labels <labels>', "stage-II labels: 'pseudo' (k-means) or 'real'", 'pseudo')
    .option('--space <space>', "stage-II space: 'hyperbolic' or 'euclidean'", 'hyperbolic')
    .option(
      '--decoder-norm <norm>',
      "stage-II decoder normalisation: 'none' (the radius reaches the decoded code) or 'layer' (nearly radius-blind)",
    )
    .option('--minutes <m>', 'time budget of this invocation (checkpoint and stop when spent)', (v) => positiveNumber('--minutes', v))
    .option('--clusters <k>', "k of stage II's k-means pseudo-labels (default: the training data's classes + 1)", (v) =>
      positiveInt('--clusters', v),
    )
    .option('--ball-dim <d>', "dimension of stage II's ball, or of its Euclidean twin (default 16; 4 with --tiny)", (v) =>
      positiveInt('--ball-dim', v),
    )
    .option('--out <dir>', 'output folder for checkpoints and logs (locked while a run writes to it)', DEFAULT_OUT)
    .option('--overwrite-shipped', 'allow --out inside the shipped assets/ (replaces the checkpoints the fluent API uses)')
    .option('--images <dir>', 'train on an image folder (one sub-folder per class) instead of Fashion-MNIST')
    .option('--tiny', 'tiny model (smoke test)')
    .option(
      '--faithful',
      'the recipe whose semantic code keeps an unseen class from fresh noise: --prediction v --augment-scale 0 --spatial-code 8x1',
    )
    .option('--steps1 <n>', 'override the number of stage-I steps', (v) => positiveInt('--steps1', v))
    .option('--lr1 <lr>', 'override the stage-I learning rate', (v) => positiveNumber('--lr1', v))
    .option(
      '--conditioning <mode>',
      "how the stage-I decoder takes the semantic code: 'add' (to the time embedding) or 'scale' (DiffAE: it scales every block's features)",
    )
    .option(
      '--augment-scale <k>',
      "the stage-I encoder's augmentation (flips, shifts, rotations, scaling, elastic warps, blur): the default's amplitudes and probabilities times k in [0, 1] (0: the clean image)",
      (v) => nonNegative('--augment-scale', v),
    )
    .option(
      '--spatial-code <SxC>',
      'the coarse S×S×C map at the end of the semantic code, which the decoder also sees as a picture (S 16, 8 or 4; e.g. 8x1; default none)',
      parseSpatialCode,
    )
    .option('--prediction <kind>', "what the stage-I decoder predicts: 'epsilon' (the noise, default) or 'v' (≈ −x₀ at high t)")
    .option(
      '--workers <n>',
      "worker threads computing stage I's gradients (0: the main thread; default 0 with the native kernels or --tiny, else 2)",
      (v) => nonNegativeInt('--workers', v),
    )
    .option('--checkpoint-every <n>', 'stage-I steps between checkpoints', (v) => positiveInt('--checkpoint-every', v, '100'))
    .action(async (opts: HypdaeTrainOptions) => {
      const uncatch = catchStopSignals();
      try {
        await runHypdaeTraining(opts);
      } finally {
        uncatch();
      }
      exitIfStopped();
    });
}

function parseSpatialCode(v: string): SpatialCode | 'none' {
  if (v.trim() === 'none') return 'none';
  const m = /^(\d+)x(\d+)$/.exec(v.trim());
  if (!m) throw new ConfigError('train hypdae --spatial-code', { expected: "S×C as 'SxC' (e.g. 8x1) or 'none'", received: describe(v) });
  return { size: Number(m[1]), channels: Number(m[2]) };
}

if (require.main === module) {
  const cmd = hypdaeCommand();
  cmd.parseAsync(process.argv).catch((e: unknown) => {
    process.exitCode = reportError(e);
  });
}
