/**
 * Script entry: trains the evaluator on split E and ships it (what `hypnest train evaluator` runs).
 *   npx tsx sdk/models/evaluator/train-main.ts [--epochs 8] [--seed 0] [--out runs/evaluator/evaluator] [--overwrite-shipped]
 * The output folder is locked while it trains; the shipped assets/evaluator only with --overwrite-shipped.
 * Writes <out>.safetensors, <out>.json and <dir of out>/train.log (appended while it runs).
 */
import * as path from 'path';
import { ConfigError } from '../../core/errors';
import { claimOutputFolder } from '../../core/output-folder';
import { checkSeed } from '../../core/rng';
import { splitE, splitT } from '../../data';
import { trainAndSaveEvaluator } from './train-run';

function parseArgs(argv: string[]): { epochs: number; seed: number; out: string; overwriteShipped: boolean } {
  const o = { epochs: 8, seed: 0, out: path.resolve('runs', 'evaluator', 'evaluator'), overwriteShipped: false };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--overwrite-shipped') {
      o.overwriteShipped = true;
      i--;
    } else if (flag === '--epochs') o.epochs = Number(value);
    else if (flag === '--seed') o.seed = Number(value);
    else if (flag === '--out') o.out = path.resolve(value);
    else
      throw new ConfigError('train-main', {
        expected: '--epochs N, --seed N, --out PATH or --overwrite-shipped',
        received: JSON.stringify(flag),
      });
  }
  if (!(Number.isInteger(o.epochs) && o.epochs > 0))
    throw new ConfigError('train-main(--epochs)', { expected: 'a positive integer', received: String(o.epochs) });
  return o;
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const o = parseArgs(argv);
  checkSeed('train-main(--seed)', o.seed);
  const folder = claimOutputFolder(path.dirname(o.out), { overwriteShipped: o.overwriteShipped, flag: 'train evaluator --out' });
  try {
    const [train, test] = [await splitE(), await splitT()];
    await trainAndSaveEvaluator({ train, test, epochs: o.epochs, seed: o.seed, out: o.out });
  } finally {
    folder.release();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(String(e?.stack ?? e));
    process.exit(1);
  });
}
