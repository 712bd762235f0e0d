/**
 * Guidance sweep of a nested model: the unconditional run (FD/KID against all of T) for each guidance list.
 *   npx tsx scripts/guidance-sweep.ts --run assets/nested/L5 --n 500 --out out/eval/guidance-sweep \
 *     '1,1,1,1,1' '2,2,2,2,1' '3,2.5,2,1.5,1' '3,2.5,2,1.5,1|20'   (guidance scales, 1 = plain conditional)
 * Each list is the per-level weights, coarse to fine, optionally `|latentSteps`; σ² and η are the checkpoint's.
 * (How `hypnest eval nested`'s tuned guidance [3, 2.5, 2, 1.5, 1] was chosen: assets/nested/README.md; that sweep's report
 * predates the scale convention and lists w = scale − 1.)
 */
import { Command } from 'commander';
import { ready } from '../sdk/core/backend';
import { intList, positiveInt } from '../sdk/core/cli-args';
import { reportError } from '../sdk/core/report-error';
import { loadNested } from '../sdk/models/nested/checkpoint';
import { runUnconditionalEval, unconditionalMarkdown, type UncondConfig } from '../sdk/pipelines/eval/unconditional';

new Command('guidance-sweep')
  .requiredOption('--run <dir>', 'a nested checkpoint folder (holding nested.json)')
  .option('--n <n>', 'samples per list', (v) => positiveInt('--n', v, '500'), 500)
  .option('--steps <n>', 'DDIM steps of every level', (v) => positiveInt('--steps', v, '10'), 10)
  .option('--seed <s>', 'seed', (v) => intList('--seed', v)[0], 0)
  .option('--out <base>', 'report base path', 'out/eval/guidance-sweep')
  .argument('<lists...>', "guidance scales, e.g. '3,2.5,2,1.5,1' or '3,2.5,2,1.5,1|20' (20 latent steps)")
  .action(async (lists: string[], o: { run: string; n: number; steps: number; seed: number; out: string }) => {
    await ready();
    const { model } = await loadNested(`${o.run}/nested`);
    const configs: UncondConfig[] = lists.map((spec) => {
      const [weights, latentSteps] = spec.split('|');
      const guidance = weights.split(',').map(Number);
      return {
        name: `[${guidance.join(', ')}]${latentSteps ? ` latent steps ${latentSteps}` : ''}`,
        model,
        guidance,
        // a class-conditional checkpoint asks sample i for class i mod K (as `eval nested`); its first scale guides the class
        classes: model.config.classes > 0,
        steps: o.steps,
        latentSteps: latentSteps ? Number(latentSteps) : o.steps,
      };
    });
    const report = await runUnconditionalEval({ configs, n: o.n, seeds: [o.seed], out: o.out });
    console.log(unconditionalMarkdown(report));
  })
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    process.exitCode = reportError(e);
  });
