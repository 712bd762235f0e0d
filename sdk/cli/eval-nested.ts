/**
 * `hypnest eval nested`: the protocol's unconditional run over the shipped nested models —
 *   L ∈ {1, 2, 3, 5} (each checkpoint's sampling defaults, the SDK's default guidance), and at L = 5: no pixel
 *   guidance, decaying vs constant guidance, Markov conditioning, the pixel level trained on blurred latents (L5-blur) at σ² ∈ {0, 0.5, 1},
 *   the vector-only pixel level at L = 3 and 5 (when their checkpoints exist), the pixel level given real latents
 *   (a diagnostic), class-conditional L = 1 and 5 (L1-cond, L5-cond: FD against T and recognisability of the
 *   requested class) — and, with --sigma-search, the greedy σ search. Only the checkpoints of the chosen
 *   configurations are loaded.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { ConfigError, nearest } from '../core/errors';
import { intList, nonNegative, positiveInt } from '../core/cli-args';
import type { NestedModel } from '../models/nested/model';

export function evalNestedCommand(): Command {
  return new Command('nested')
    .description('unconditional run of nested diffusion: FD/KID vs all of T and sampling cost for each configuration')
    .option('--n <n>', 'samples per configuration and seed', (v) => positiveInt('--n', v, '2000'), 2000)
    .option('--seeds <list>', 'comma-separated seeds', '0')
    .option('--steps <n>', "DDIM steps of every level (default: the checkpoint's, 20)", (v) => positiveInt('--steps', v))
    .option('--eta <η>', "η of the pixel level's DDIM (default: the checkpoint's, 1 = ancestral; 0 = deterministic)", (v) =>
      nonNegative('--eta', v),
    )
    .option('--latent-eta <η>', "η of the latent levels' DDIM (default: the checkpoint's, 1 = ancestral; 0 = deterministic)", (v) =>
      nonNegative('--latent-eta', v),
    )
    .option('--only <names>', 'comma-separated configuration names (default: all)')
    .option('--root <dir>', 'folder of the nested checkpoints', 'assets/nested')
    .option(
      '--sigma-search',
      'also run the greedy per-level σ search at L = 5 on L5-blur, whose pixel level was trained on blurred latents (--n samples per candidate; the tuned guidance scales [3, 2.5, 2, 1.5, 1]; --only none to run just the search)',
    )
    .option('--out <base>', 'report base path (writes .json and .md)', 'out/eval/nested')
    .action(
      async (o: {
        n: number;
        steps?: number;
        eta?: number;
        latentEta?: number;
        seeds: string;
        only?: string;
        root: string;
        sigmaSearch?: boolean;
        out: string;
      }) => {
        const { ready } = await import('../core/backend');
        await ready();
        const { loadNested } = await import('../models/nested/checkpoint');
        const { runUnconditionalEval, unconditionalMarkdown } = await import('../pipelines/eval/unconditional');
        const { sigmaSearch } = await import('../pipelines/eval/sigma-search');
        const { writeJsonAtomic } = await import('../core/atomic');
        const has = (run: string) => fs.existsSync(path.join(o.root, run, 'nested.json'));
        // Every configuration names the run (checkpoint folder) it samples; only the chosen runs are loaded.
        type Planned = {
          name: string;
          run: string;
          guidance?: number[];
          sigma2?: number[];
          realLatents?: boolean;
          latentStepsFactor?: number;
          /** The latent levels' DDIM steps when --steps is not given (default: the checkpoint's sample.latentSteps). */
          latentSteps?: number;
          /** Multiplies the pixel level's DDIM steps (e.g. 2: an unguided pixel level at the cost of a guided one). */
          pixelStepsFactor?: number;
          classes?: boolean;
        };
        const plan: Planned[] = [];
        /** Decaying latent guidance ×4 of the default, none at the pixels: the best of a sweep at n = 500 (assets/nested/sweeps/guidance.md). */
        const TUNED = [3, 2.5, 2, 1.5, 1]; // guidance scales (1 = plain conditional, sdk/diffusion/guidance.ts)
        for (const L of [1, 2, 3, 5]) plan.push({ name: `L=${L}`, run: `L${L}` });
        // guidance off at the pixel level: one U-Net call per step instead of two (the cost of L = 1 plus the latent MLPs)
        plan.push({ name: 'L=3 no pixel guidance', run: 'L3', guidance: [1.5, 1.3, 1] });
        plan.push({ name: 'L=5 no pixel guidance', run: 'L5', guidance: [1.5, 1.4, 1.3, 1.2, 1] });
        // stronger latent guidance, none at the pixels (the cost of L = 1 plus the MLPs): tuned at n = 500, decaying and constant
        plan.push({ name: 'L=5 tuned guidance', run: 'L5', guidance: TUNED });
        plan.push({ name: 'L=5 constant guidance 2 (none at the pixels)', run: 'L5', guidance: [2, 2, 2, 2, 1] });
        // the same with twice as many DDIM steps at the latent levels (the MLPs are cheap beside the U-Net)
        plan.push({ name: 'L=5 tuned guidance 2× latent steps', run: 'L5', guidance: TUNED, latentStepsFactor: 2 });
        plan.push({ name: 'L=5 constant guidance 2 2× latent steps', run: 'L5', guidance: [2, 2, 2, 2, 1], latentStepsFactor: 2 });
        // nested.fast(): 128-wide latent MLPs (a quarter of the multiply-adds), the same pixel level
        plan.push({ name: 'L=5 fast', run: 'L5-mlp128x3', guidance: [2, 2, 2, 2, 1] });
        plan.push({ name: 'L=5 fast 2× latent steps', run: 'L5-mlp128x3', guidance: [2, 2, 2, 2, 1], latentStepsFactor: 2 });
        // decaying vs constant guidance of the same mean, both guiding the pixels too (the paper's ablation)
        plan.push({ name: 'L=5 decaying guidance', run: 'L5', guidance: [1.5, 1.4, 1.3, 1.2, 1.1] });
        plan.push({ name: 'L=5 constant guidance', run: 'L5', guidance: [1.3, 1.3, 1.3, 1.3, 1.3] });
        // the pixel level trained on blurred latents (`--pixel-sigma2 0,0.25,0.5,1`): the σ² ablation lives here
        for (const s of [0, 0.5, 1]) plan.push({ name: `L=5 blur σ²=${s}`, run: 'L5-blur', sigma2: [s, s, s, s], guidance: TUNED });
        // the blurred-latent recipe at its checkpoint's sampling defaults: with L=1, 2, 3 the ladder of one recipe
        plan.push({ name: 'L=5 blur', run: 'L5-blur' });
        // the first rounds' L = 2 and 3 (blurred latents, 2,000 pixel steps), the rest of that recipe's ladder
        for (const L of [2, 3]) plan.push({ name: `L=${L} blur`, run: `L${L}-blur` });
        // L5-markov: Markov conditioning, pixel level trained on blurred latents (like L5-blur, not like L5)
        plan.push({ name: 'L=5 blur Markov', run: 'L5-markov', guidance: TUNED });
        // the pixel level given its latents only as a vector (no spatial lift; `train nested --no-pixel-spatial`)
        for (const L of [3, 5]) plan.push({ name: `L=${L} vector-only`, run: `L${L}-vector` });
        // diagnostic: the pixel level given real latents (of T images) instead of sampled ones
        plan.push({ name: 'L=5 real latents', run: 'L5', realLatents: true, guidance: TUNED });
        plan.push({ name: 'L=5 blur real latents', run: 'L5-blur', realLatents: true, sigma2: [0, 0, 0, 0], guidance: TUNED });
        // class-conditional generation (`train nested --classes`): sample i asks for class i mod 10; w_1 guides the class
        plan.push({ name: 'L=1 conditional', run: 'L1-cond', classes: true, guidance: [2] });
        // L5-cond: the class at every latent level (the default). Guidance 2 and the tuned scales at 40 latent steps (the
        // checkpoint's default until 2026-12-07); weaker guidance at 80 latent steps (its default since: 1.25 is the
        // nested.classes() default), then also with 2× pixel steps (unguided pixels: about the cost of L = 1's guided
        // ones); L = 1 at 1.5 beside its 2
        plan.push({ name: 'L=5 conditional', run: 'L5-cond', classes: true, guidance: [2, 2, 2, 2, 1], latentSteps: 40 });
        plan.push({ name: 'L=5 conditional tuned guidance', run: 'L5-cond', classes: true, guidance: TUNED, latentSteps: 40 });
        plan.push({ name: 'L=1 conditional guidance 1.5', run: 'L1-cond', classes: true, guidance: [1.5] });
        for (const w of [1.5, 1.25]) {
          const guidance = [w, w, w, w, 1];
          plan.push({ name: `L=5 conditional guidance ${w}`, run: 'L5-cond', classes: true, guidance, latentSteps: 80 });
          plan.push({
            name: `L=5 conditional guidance ${w} 2× steps`,
            run: 'L5-cond',
            classes: true,
            guidance,
            latentSteps: 80,
            pixelStepsFactor: 2,
          });
        }
        // L5-cond-all: the pixel level takes the class too (`--class-levels all`); unguided and guided pixels
        plan.push({
          name: 'L=5 conditional (class at every level)',
          run: 'L5-cond-all',
          classes: true,
          guidance: [2, 2, 2, 2, 1],
          latentSteps: 40,
        });
        plan.push({
          name: 'L=5 conditional (class at every level) guided pixels',
          run: 'L5-cond-all',
          classes: true,
          guidance: [2, 2, 2, 2, 2],
          latentSteps: 40,
        });
        // L5-cond-first: the class at level 1 only (the paper's setting, `--class-levels first`)
        const FIRST = 'L=5 conditional (class at level 1)';
        plan.push({ name: `${FIRST} decaying guidance`, run: 'L5-cond-first', classes: true, guidance: [2, 1.4, 1.3, 1.2, 1.1] });
        plan.push({ name: `${FIRST} tuned guidance`, run: 'L5-cond-first', classes: true, guidance: TUNED });
        // constant latent guidance 3 (the class's scale at every latent level), none at the pixels; and with 2× latent steps
        plan.push({ name: `${FIRST} constant guidance 3`, run: 'L5-cond-first', classes: true, guidance: [3, 3, 3, 3, 1] });
        plan.push({
          name: `${FIRST} constant guidance 3 2× latent steps`,
          run: 'L5-cond-first',
          classes: true,
          guidance: [3, 3, 3, 3, 1],
          latentStepsFactor: 2,
        });
        const only = o.only?.split(',').map((s) => s.trim());
        const unknown = (only ?? []).filter((name) => name !== 'none' && !plan.some((x) => x.name === name));
        if (unknown.length) {
          throw new ConfigError('eval nested --only', {
            expected: `names among ${plan.map((x) => `'${x.name}'`).join(', ')} (or 'none')`,
            received: unknown.map((u) => JSON.stringify(u)).join(', '),
            hint: nearestHint(
              unknown[0],
              plan.map((x) => x.name),
            ),
          });
        }
        const models = new Map<string, Promise<NestedModel>>();
        const load = (run: string) => {
          if (!models.has(run))
            models.set(
              run,
              loadNested(path.join(o.root, run, 'nested')).then((r) => r.model),
            );
          return models.get(run)!;
        };
        const chosen = [];
        for (const p of plan.filter((x) => has(x.run) && (!only || only.includes(x.name)))) {
          const { run, latentStepsFactor, pixelStepsFactor, latentSteps: planned, ...rest } = p;
          const model = await load(run);
          const steps = (o.steps ?? model.config.sample.steps) * (pixelStepsFactor ?? 1);
          const latentSteps = (o.steps ?? planned ?? model.config.sample.latentSteps) * (latentStepsFactor ?? 1);
          chosen.push({
            ...rest,
            model,
            steps,
            latentSteps,
            ...(o.latentEta !== undefined ? { latentEta: o.latentEta } : {}),
            ...(o.eta !== undefined ? { eta: o.eta } : {}),
          });
        }
        const L5 = o.sigmaSearch && has('L5-blur') ? await load('L5-blur') : undefined;
        const seeds = intList('--seeds', o.seeds);
        if (chosen.length) {
          const report = await runUnconditionalEval({ configs: chosen, n: o.n, seeds, out: o.out });
          console.log(unconditionalMarkdown(report));
        }
        if (L5) {
          const s = await sigmaSearch(L5, { n: o.n, steps: o.steps, guidance: TUNED });
          await writeJsonAtomic(o.out + '-sigma-search.json', s);
          console.log(`σ search (n ${s.n}): best σ² [${s.best.join(', ')}] FD ${s.bestFd.toFixed(2)}`);
          for (const t of s.trials) console.log(`  level ${t.level}: σ² [${t.sigma2.join(', ')}] FD ${t.fd.toFixed(2)}`);
        }
      },
    );
}

function nearestHint(name: string, known: string[]): string {
  const near = nearest(name, known);
  return near ? `Did you mean '${near}'?` : 'Leave --only out to run them all.';
}
