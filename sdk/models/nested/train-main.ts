/**
 * `hypnest train nested --levels L [--classes [--class-levels first|latents|all]] [--reuse CHECKPOINT] [--markov] [--no-pixel-spatial] [--pixel-sigma2 LIST] [--mlp-width W] [--mlp-depth D] [--minutes M] [--out runs/nested] [--overwrite-shipped] [--images DIR] [--tiny]`:
 * trains a nested model with L levels on split G (all classes), resumable (Ctrl-C writes a checkpoint first); the log
 * goes to <out>/<run>.log (and stderr) as it is written. The output folder is locked while a run writes to it; the
 * shipped assets/nested only with --overwrite-shipped.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../core/backend';
import { ConfigError } from '../../core/errors';
import '../../core/grad';
import { reportError } from '../../core/report-error';
import { nonNegativeList, oneOfWords, positiveInt, positiveNumber, unitInterval } from '../../core/cli-args';
import { gitCommit } from '../../core/paths';
import { claimOutputFolder } from '../../core/output-folder';
import { catchStopSignals, exitIfStopped } from '../../core/stop-signal';
import { splitG } from '../../data/splits';
import { loadImageFolder } from '../../data/image-folder';
import type { Dataset } from '../../data/dataset';
import { CLASS_LEVELS, type ClassLevels, NESTED_TINY, NestedOptions, nestedConfig } from './config';
import { runName, trainNested, TrainNestedResult } from './train';
import { disposeNested, loadNested } from './checkpoint';

export interface NestedTrainOptions {
  levels: number;
  markov?: boolean;
  minutes?: number;
  /** Output folder (default runs/nested; the shipped assets/nested only with overwriteShipped). */
  out?: string;
  overwriteShipped?: boolean;
  images?: string;
  tiny?: boolean;
  pixelSteps?: number;
  pixelEma?: number;
  /** commander's `--no-pixel-spatial` sets this to false. */
  pixelSpatial?: boolean;
  /** σ² choices of the pixel level's condition while training (default [0]). */
  pixelSigma2?: number[];
  /** Condition level 1 on the class label (class-conditional generation). */
  classes?: boolean;
  /** A trained nested checkpoint (path without extension) whose identically trained levels are taken over. */
  reuse?: string;
  /** With `classes`: 'latents' (every latent level takes the class, the default) or 'first' (level 1 only). */
  classLevels?: ClassLevels;
  /** Width and depth of the latent levels' MLP denoisers (default 256 × 3). */
  mlpWidth?: number;
  mlpDepth?: number;
}

export async function runNestedTraining(o: NestedTrainOptions): Promise<TrainNestedResult> {
  if (o.classLevels && !o.classes) {
    throw new ConfigError('train nested --class-levels', {
      expected: '--classes as well (which levels take the class of a class-conditional model)',
      received: `--class-levels ${o.classLevels} without --classes`,
      hint: 'Add --classes, or leave out --class-levels.',
    });
  }
  await ready();
  const data = o.images
    ? await loadImageFolder(o.images, { size: 32, channels: 1 })
    : splitG({ size: 32, ...(o.tiny ? { limit: 256 } : {}) });
  const base: NestedOptions = o.tiny ? NESTED_TINY : {};
  const config = nestedConfig({
    ...base,
    levels: o.levels,
    classes: o.classes ? data.classNames.length : 0,
    ...(o.classLevels ? { classLevels: o.classLevels } : {}),
    conditioning: o.markov ? 'markov' : 'all',
    pixelSpatial: o.pixelSpatial ?? true,
    ...(o.pixelSigma2 ? { pixelSigma2Choices: o.pixelSigma2 } : {}),
    mlp: {
      ...base.mlp,
      ...(o.mlpWidth !== undefined ? { width: o.mlpWidth } : {}),
      ...(o.mlpDepth !== undefined ? { depth: o.mlpDepth } : {}),
    },
    pixelTrain: {
      ...base.pixelTrain,
      ...(o.pixelSteps !== undefined ? { steps: o.pixelSteps } : {}),
      ...(o.pixelEma !== undefined ? { emaDecay: o.pixelEma } : {}),
    },
  });
  const root = o.out ?? path.join('runs', 'nested');
  const folder = claimOutputFolder(root, {
    overwriteShipped: o.overwriteShipped,
    flag: 'train nested --out',
    log: (l) => process.stderr.write(l + '\n'),
  });
  try {
    return await trainIn(o, root, config, data);
  } finally {
    folder.release();
  }
}

async function trainIn(
  o: NestedTrainOptions,
  root: string,
  config: ReturnType<typeof nestedConfig>,
  data: Dataset,
): Promise<TrainNestedResult> {
  fs.mkdirSync(path.join(root, runName(config)), { recursive: true });
  const logFile = path.join(root, `${runName(config)}.log`);
  const log = (line: string) => {
    const stamped = `${new Date().toISOString()} ${line}`;
    fs.appendFileSync(logFile, stamped + '\n');
    process.stderr.write(stamped + '\n');
  };
  log(`nested train ${runName(config)} commit ${gitCommit()} backend ${tf.getBackend()} data ${data.name} (${data.n} images)`);
  const reuse = o.reuse
    ? (await loadNested(o.reuse, 'Pass a checkpoint written by `hypnest train nested` (without .json).')).model
    : undefined;
  try {
    return await trainNested({ config, images: data.images, labels: data.labels, root, minutes: o.minutes, reuse, log });
  } finally {
    if (reuse) disposeNested(reuse);
  }
}

export function nestedCommand(): Command {
  return new Command('nested')
    .description('train nested diffusion with L levels (feature encoder, latent MLP denoisers, pixel U-Net); resumable')
    .requiredOption('--levels <L>', 'number of levels, 1–5', (v) => positiveInt('--levels', v, '5'))
    .option(
      '--classes',
      'condition the latent levels on the class label, with a learned null for guidance (class-conditional; run name L<L>-cond)',
    )
    .option(
      '--class-levels <which>',
      "with --classes: 'latents' (every latent level takes the class, default), 'first' (level 1 only, the paper's; run name L<L>-cond-first) or 'all' (the pixel level too; run name L<L>-cond-all)",
      (v) => oneOfWords('--class-levels', v, CLASS_LEVELS),
    )
    .option(
      '--reuse <checkpoint>',
      'take over the levels of this trained model that would be trained identically (e.g. --classes --reuse assets/nested/L5/nested trains level 1 only)',
    )
    .option('--markov', 'condition each level only on the next coarser one (ablation)')
    .option('--minutes <m>', 'time budget of this invocation (checkpoint and stop when spent)', (v) => positiveNumber('--minutes', v))
    .option('--out <dir>', 'output folder (locked while a run writes to it)', path.join('runs', 'nested'))
    .option('--overwrite-shipped', 'allow --out inside the shipped assets/ (replaces the checkpoints the fluent API uses)')
    .option('--images <dir>', 'train on an image folder (one sub-folder per class) instead of Fashion-MNIST G')
    .option('--pixel-steps <n>', "override the pixel level's training steps (default 8000)", (v) => positiveInt('--pixel-steps', v, '8000'))
    .option('--pixel-ema <d>', "override the pixel level's EMA decay (default 0.995)", (v) => unitInterval('--pixel-ema', v))
    .option(
      '--pixel-sigma2 <list>',
      'σ² choices of the latents the pixel level is conditioned on while training (default 0: clean latents)',
      (v) => nonNegativeList('--pixel-sigma2', v),
    )
    .option('--mlp-width <n>', "width of the latent levels' MLP denoisers (default 256; run name L<L>-mlp<W>x<D>)", (v) =>
      positiveInt('--mlp-width', v, '128'),
    )
    .option('--mlp-depth <n>', "residual blocks of the latent levels' MLP denoisers (default 3)", (v) => positiveInt('--mlp-depth', v, '2'))
    .option('--no-pixel-spatial', 'give the pixel level its latents only as a vector (ablation; run name L<L>-vector)')
    .option('--tiny', 'tiny model (smoke test)')
    .action(async (opts: NestedTrainOptions) => {
      const uncatch = catchStopSignals();
      try {
        const r = await runNestedTraining(opts);
        if (!r.complete) process.stderr.write('not complete: rerun the same command to continue.\n');
      } finally {
        uncatch();
      }
      exitIfStopped();
    });
}

if (require.main === module) {
  nestedCommand()
    .parseAsync(process.argv)
    .catch((e: unknown) => {
      process.exitCode = reportError(e);
    });
}
