/**
 * A diagnostic copy of a HypDAE checkpoint folder whose perturbation targets are codes of images of the *unseen*
 * classes (Pullover, Shirt, Sneaker from split G, 2,048 of them, every ⌊n / 2048⌋-th), as in the HypDAE authors'
 * evaluation, which steps codes toward images drawn from the test folder of the unseen categories. It breaks the
 * 1-shot protocol (the targets are more images of the input's class), so it only asks whether the ball's preference
 * for near targets lowers FD once near targets can be of the input's own class:
 *   npx tsx scripts/unseen-target-pool.ts assets/hypdae-faithful runs/unseen-targets
 *   npx hypnest eval fewshot --seeds 0 --steps 10 --guidance 2 --checkpoints runs/unseen-targets --method …
 * Copies the checkpoints stage1.* and stage2-*.* (not training states or logs) from SRC into DST and writes
 * DST/target-pool.{json,safetensors}.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ready } from '../sdk/core/backend';
import { UNSEEN_CLASSES } from '../sdk/data/classes';
import { splitG } from '../sdk/data/splits';
import { loadStage1 } from '../sdk/models/hypdae/checkpoint';
import { encodeAll } from '../sdk/models/hypdae/stage1';
import { poolRows, saveTargetPool } from '../sdk/models/hypdae/target-pool';

async function main(): Promise<void> {
  const [src, dst] = process.argv.slice(2);
  if (!src || !dst) throw new Error('usage: unseen-target-pool.ts <checkpoint dir> <new dir>');
  if (path.resolve(src) === path.resolve(dst)) throw new Error('unseen-target-pool: the new dir must differ from the checkpoint dir');
  fs.mkdirSync(dst, { recursive: true });
  for (const f of fs.readdirSync(src)) {
    if (/^stage(1|2-[a-z-]+)\.(json|safetensors)$/.test(f)) fs.copyFileSync(path.join(src, f), path.join(dst, f));
  }
  await ready();
  const { stage1 } = await loadStage1(path.join(dst, 'stage1'));
  const images = poolRows(splitG({ classes: [...UNSEEN_CLASSES], size: 32 }).images, 1024);
  await saveTargetPool(dst, encodeAll(stage1, images), stage1.config.stage1.codeDim, 'fashion-mnist:G unseen classes (diagnostic)');
  console.log(`${dst}: checkpoints of ${src} with a target pool of ${images.length / 1024} unseen-class images`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
