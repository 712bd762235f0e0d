/**
 * Merges reports of runs split across processes (same protocol, same commit) into one:
 *   npx tsx scripts/merge-reports.ts fewshot <out-base> <in.json>...   (few-shot reports: methods concatenated; a
 *                                                                       method run in several reports with other
 *                                                                       seeds becomes one row over all its seeds)
 *   npx tsx scripts/merge-reports.ts nested  <out-base> <in.json>...   (unconditional reports: rows concatenated)
 * Writes <out-base>.json and .md atomically; wall time is the sum.
 */
import * as fs from 'fs';
import { writeFileAtomic, writeJsonAtomic } from '../sdk/core/atomic';
import { fewShotMarkdown, mergeFewShotMethods, type FewShotReport } from '../sdk/pipelines/eval/report';
import { unconditionalMarkdown, type UncondReport } from '../sdk/pipelines/eval/unconditional';

async function main(): Promise<void> {
  const [kind, out, ...inputs] = process.argv.slice(2);
  if (!['fewshot', 'nested'].includes(kind) || !out || !inputs.length)
    throw new Error('usage: merge-reports.ts fewshot|nested <out-base> <in.json>...');
  const reports = inputs.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
  const merged = { ...reports[0], wallSeconds: reports.reduce((s, r) => s + r.wallSeconds, 0) };
  if (kind === 'fewshot') Object.assign(merged, mergeFewShotMethods(reports as FewShotReport[]));
  else {
    merged.rows = reports.flatMap((r: UncondReport) => r.rows);
    merged.mergedRuns = reports.reduce((s: number, r: UncondReport) => s + (r.mergedRuns ?? 1), 0);
  }
  await writeJsonAtomic(out + '.json', merged);
  await writeFileAtomic(out + '.md', kind === 'fewshot' ? fewShotMarkdown(merged) : unconditionalMarkdown(merged));
  console.log(`written ${out}.json, ${out}.md`);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
