#!/usr/bin/env node
/** The `hypnest` command line. Each command loads only what it needs. */
import { Command } from 'commander';
import { finiteNumber, intList, nonNegative, nonNegativeInt, oneOfWords, positiveInt, unitStrength } from '../core/cli-args';
import { reportError } from '../core/report-error';
import { hypdaeCommand } from '../models/hypdae/train-main';
import { nestedCommand } from '../models/nested/train-main';
import { evalNestedCommand } from './eval-nested';

const program = new Command();
program.name('hypnest').description('Hyperbolic diffusion autoencoders and nested diffusion, on TensorFlow.js');

program
  .command('doctor')
  .description('show the chosen backend (and why others were skipped), versions, Jupyter/kernel and data status')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const { doctor, formatDoctor } = await import('./doctor');
    const r = await doctor();
    console.log(opts.json ? JSON.stringify(r, null, 2) : formatDoctor(r.checks));
  });

const train = program.command('train').description('train a model (checkpoints and logs are written as it goes; rerun to resume)');
train
  .command('evaluator')
  .description('train the frozen evaluator CNN on split E (all classes); ≈ 11 min on wasm')
  .option('--epochs <n>', 'epochs', '8')
  .option('--seed <n>', 'seed', '0')
  .option('--out <base>', 'checkpoint base path (its folder is locked while it trains)', 'runs/evaluator/evaluator')
  .option('--overwrite-shipped', 'allow --out inside the shipped assets/ (replaces the evaluator every metric uses)')
  .action(async (o: { epochs: string; seed: string; out: string; overwriteShipped?: boolean }) => {
    const { main: trainEvaluator } = await import('../models/evaluator/train-main');
    await trainEvaluator(['--epochs', o.epochs, '--seed', o.seed, '--out', o.out, ...(o.overwriteShipped ? ['--overwrite-shipped'] : [])]);
  });

train.addCommand(hypdaeCommand());
train.addCommand(nestedCommand());

const evaluate = program.command('eval').description('run the evaluation protocol (docs/protocol.md in the repository)');
evaluate
  .command('fewshot')
  .description('few-shot run: 3 unseen classes × 16 inputs × 8 outputs; FD, KID, diversity, identity, recognisability, copy distance')
  .option(
    '--method <names>',
    'comma-separated methods (copy, augment, stochastic[@s], hyperbolic[@R], hyperbolic-real[@R], euclidean[@R])',
    'copy,augment',
  )
  .option('--seeds <list>', 'comma-separated seeds', '0,1')
  .option('--inputs <k>', 'inputs per class (the protocol: 16)', (v) => positiveInt('--inputs', v, '16'), 16)
  .option('--steps <n>', "DDIM steps of the HypDAE methods (default: the checkpoint's, 20)", (v) => positiveInt('--steps', v))
  .option('--eta <η>', "DDIM η of the HypDAE methods' decoding (default: the checkpoint's)", (v) => nonNegative('--eta', v))
  .option('--guidance <w>', "guidance scale of the HypDAE methods (1 = plain conditional; default: the checkpoint's)", (v) =>
    finiteNumber('--guidance', v),
  )
  .option(
    '--strength <s>',
    "stochastic code of the perturbation methods: a fresh stochastic encoding of the input at strength s ∈ (0, 1] per output (default: the input's DDIM inversion)",
    (v) => unitStrength('--strength', v),
  )
  .option(
    '--targets <kind>',
    "targets of the perturbation methods: 'seen' (codes of real images of split G's seen classes, default) or 'random' (random codes at R)",
    (v) => oneOfWords('--targets', v, ['random', 'seen'] as const),
  )
  .option('--checkpoints <dir>', 'HypDAE checkpoint folder (stage1.* and stage2-*.*; default: the shipped assets/hypdae)')
  .option(
    '--unseen <dir>',
    "your own unseen classes, one folder of images per class (inputs: the first --inputs images of each; reference: the images after the 16th); default: Fashion-MNIST's",
  )
  .option(
    '--train-evaluator <seenDir>',
    'score with an evaluator trained on this class-per-folder data (e.g. the seen classes the checkpoints were trained on) instead of the shipped Fashion-MNIST one',
  )
  .option('--evaluator-epochs <n>', 'epochs of --train-evaluator', (v) => positiveInt('--evaluator-epochs', v), 8)
  .option('--out <base>', 'report base path (writes .json and .md)', 'out/eval/fewshot')
  .action(
    async (o: {
      method: string;
      seeds: string;
      inputs: number;
      steps?: number;
      eta?: number;
      guidance?: number;
      strength?: number;
      targets?: 'random' | 'seen';
      checkpoints?: string;
      unseen?: string;
      trainEvaluator?: string;
      evaluatorEpochs: number;
      out: string;
    }) => {
      const { ready } = await import('../core/backend');
      await ready();
      const { runFewShotEval, fewShotMarkdown } = await import('../pipelines/eval');
      const { registerHypdaeMethods } = await import('../pipelines/eval/hypdae-methods');
      const methods = o.method.split(',').map((m) => m.trim());
      registerHypdaeMethods(o.checkpoints, {
        steps: o.steps,
        eta: o.eta,
        guidance: o.guidance,
        strength: o.strength,
        targets: o.targets,
        extra: methods,
      });
      const seeds = intList('--seeds', o.seeds);
      const { folderEvaluation } = await import('../pipelines/eval/folder-eval');
      const own = await folderEvaluation({ unseen: o.unseen, trainEvaluator: o.trainEvaluator, epochs: o.evaluatorEpochs });
      let report;
      try {
        report = await runFewShotEval({ methods, seeds, out: o.out, inputsPerClass: o.inputs, ...own.options });
      } finally {
        own.dispose();
      }
      console.log(fewShotMarkdown(report));
      console.log(`\nwritten: ${o.out}.json, ${o.out}.md`);
    },
  );

evaluate.addCommand(evalNestedCommand());

program
  .command('explore')
  .description('serve the live explorer (the shipped models run in your browser) on 127.0.0.1 and print its address')
  .option('--port <n>', 'port (0 = any free port)', (v) => nonNegativeInt('--port', v, '8470'), 8470)
  .action(async (o: { port: number }) => {
    const { serveExplorer } = await import('../explore/site');
    const { url } = await serveExplorer(o.port);
    console.log(`hypnest explorer: ${url}  (Ctrl-C stops it)`);
  });

export async function main(argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = reportError(e);
  }
}

if (require.main === module) void main(process.argv);

export { program };
