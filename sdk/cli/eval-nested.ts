/**
 * `hypnest eval nested`: the protocol's unconditional run over the shipped nested models —
 *   L ∈ {1, 2, 3, 5} (defaults: σ² = 0.5, decaying guidance), and at L = 5: σ² ∈ {0, 1}, constant guidance, no pixel guidance,
 *   Markov conditioning at L = 3 and 5 (when their checkpoints exist) — and, with --sigma-search, the greedy σ search.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { intList, positiveInt } from '../core/cli-args';

export function evalNestedCommand(): Command {
  return new Command('nested')
    .description('unconditional run of nested diffusion: FD/KID vs all of T and sampling cost for each configuration')
    .option('--n <n>', 'samples per configuration and seed', (v) => positiveInt('--n', v, '2000'), 2000)
    .option('--seeds <list>', 'comma-separated seeds', '0')
    .option('--steps <n>', 'DDIM steps of every level (default: the checkpoint\'s, 20)', (v) => positiveInt('--steps', v))
    .option('--only <names>', 'comma-separated configuration names (default: all)')
    .option('--root <dir>', 'folder of the nested checkpoints', 'assets/nested')
    .option('--sigma-search', 'also run the greedy per-level σ search at L = 5 (with --n samples per candidate; --only none to run just the search)')
    .option('--out <base>', 'report base path (writes .json and .md)', 'out/eval/nested')
    .action(async (o: { n: number; steps?: number; seeds: string; only?: string; root: string; sigmaSearch?: boolean; out: string }) => {
      const { ready } = await import('../core/backend');
      await ready();
      const { loadNested } = await import('../models/nested/checkpoint');
      const { runUnconditionalEval, unconditionalMarkdown } = await import('../pipelines/eval/unconditional');
      const { sigmaSearch } = await import('../pipelines/eval/sigma-search');
      const { writeJsonAtomic } = await import('../core/atomic');
      const load = async (run: string) => (await loadNested(path.join(o.root, run, 'nested'))).model;
      const has = (run: string) => fs.existsSync(path.join(o.root, run, 'nested.json'));
      const L5 = has('L5') ? await load('L5') : undefined;
      const configs = [];
      for (const L of [1, 2, 3, 5]) if (has(`L${L}`)) configs.push({ name: `L=${L}`, model: L === 5 ? L5! : await load(`L${L}`) });
      const L3 = configs.find((c) => c.name === 'L=3')?.model;
      // guidance off at the pixel level: one U-Net call per step instead of two (the cost of L = 1 plus the latent MLPs)
      if (L3) configs.push({ name: 'L=3 no pixel guidance', model: L3, guidance: [0.5, 0.3, 0] });
      if (L5) {
        configs.push({ name: 'L=5 σ²=0', model: L5, sigma2: [0, 0, 0, 0] });
        configs.push({ name: 'L=5 σ²=1', model: L5, sigma2: [1, 1, 1, 1] });
        configs.push({ name: 'L=5 constant guidance', model: L5, guidance: [0.3, 0.3, 0.3, 0.3, 0.3] });
        configs.push({ name: 'L=5 no pixel guidance', model: L5, guidance: [0.5, 0.4, 0.3, 0.2, 0] });
      }
      for (const L of [3, 5]) if (has(`L${L}-markov`)) configs.push({ name: `L=${L} Markov`, model: await load(`L${L}-markov`) });
      // the pixel level given its latents only as a vector (no spatial lift; `train nested --no-pixel-spatial`)
      for (const L of [3, 5]) if (has(`L${L}-vector`)) configs.push({ name: `L=${L} vector-only`, model: await load(`L${L}-vector`) });
      const only = o.only?.split(',').map((s) => s.trim());
      const chosen = (only ? configs.filter((c) => only.includes(c.name)) : configs).map((c) => (o.steps ? { ...c, steps: o.steps, latentSteps: o.steps } : c));
      const seeds = intList('--seeds', o.seeds);
      if (chosen.length) {
        const report = await runUnconditionalEval({ configs: chosen, n: o.n, seeds, out: o.out });
        console.log(unconditionalMarkdown(report));
      }
      if (o.sigmaSearch && L5) {
        const s = await sigmaSearch(L5, { n: o.n, steps: o.steps });
        await writeJsonAtomic(o.out + '-sigma-search.json', s);
        console.log(`σ search (n ${s.n}): best σ² [${s.best.join(', ')}] FD ${s.bestFd.toFixed(2)}`);
        for (const t of s.trials) console.log(`  level ${t.level}: σ² [${t.sigma2.join(', ')}] FD ${t.fd.toFixed(2)}`);
      }
    });
}
