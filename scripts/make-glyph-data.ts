/**
 * A second class-per-folder data set: letters rendered from this machine's fonts (sdk/data/glyphs.ts).
 *
 *   npx tsx scripts/make-glyph-data.ts --out data/glyphs [--seen ABCDEFGHKMNPRTUVWY] [--unseen JLQSZ]
 *                                      [--per-seen 600] [--per-unseen 200] [--seed 0]
 *
 * Train on it with `npx hypnest train hypdae --images data/glyphs/seen --out runs/glyphs`; data/glyphs/unseen
 * holds the few-shot classes. glyphs.json beside them records the settings and the font families used.
 */
import { Command } from 'commander';
import { makeGlyphData } from '../sdk/data/glyphs';
import { reportError } from '../sdk/core/report-error';

const program = new Command('make-glyph-data')
  .requiredOption('--out <dir>', 'output folder (seen/ and unseen/ class folders)')
  .option('--seen <chars>', 'characters of the seen classes')
  .option('--unseen <chars>', 'characters of the unseen classes')
  .option('--per-seen <n>', 'images per seen class', '600')
  .option('--per-unseen <n>', 'images per unseen class', '200')
  .option('--seed <n>', 'seed of faces and jitter', '0')
  .parse();

const o = program.opts<{ out: string; seen?: string; unseen?: string; perSeen: string; perUnseen: string; seed: string }>();
makeGlyphData(o.out, {
  seen: o.seen,
  unseen: o.unseen,
  perSeenClass: Number(o.perSeen),
  perUnseenClass: Number(o.perUnseen),
  seed: Number(o.seed),
})
  .then((m) =>
    console.log(`wrote ${m.seen.length} seen and ${m.unseen.length} unseen classes (${m.families.length} font families) to ${o.out}`),
  )
  .catch((e) => process.exit(reportError(e)));
