/**
 * How selectively each stage II's perturbation turns the few-shot inputs' codes toward targets of sibling classes
 * (tops for Pullover and Shirt: T-shirt, Dress, Coat; footwear for Sneaker: Sandal, Ankle boot) rather than toward
 * the others, without decoding anything: every unseen input (16 per class) stepped toward every pool code, with the
 * few-shot methods' 'auto' perturbation (the twin at ρ·R, mirroring the ball's turn at R).
 *   npx tsx scripts/target-selectivity.ts assets/hypdae-faithful 6.2,5.8,5.5,5.0
 * Prints per space and R: the mean turn (degrees) toward sibling targets, toward the others, and their ratio.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../sdk/core/backend';
import { fewShotInputs, splitG } from '../sdk/data';
import { checkpointPaths, loadStage1At, loadStage2At } from '../sdk/models/hypdae/load';
import { encodeAll } from '../sdk/models/hypdae/stage1';
import { toBall } from '../sdk/models/hypdae/stage2';
import { perturbCodesAuto } from '../sdk/models/hypdae/edits';
import { poolRows } from '../sdk/models/hypdae/target-pool';
import { euclideanRadiusRatio } from '../sdk/pipelines/eval/hypdae-methods';

const SIBLINGS: Record<number, number[]> = { 2: [0, 3, 4], 6: [0, 3, 4], 7: [5, 9] };

async function main(): Promise<void> {
  await ready();
  const [dir, radiiArg = '6.2,5.8,5.5,5.0'] = process.argv.slice(2);
  if (!dir) throw new Error('usage: target-selectivity.ts <checkpoint dir> [R,R,…]');
  const radii = radiiArg.split(',').map(Number);
  const ctx = (space: 'hyperbolic' | 'euclidean') => ({
    where: 'target-selectivity',
    kind: { space, labels: 'pseudo' as const },
    hint: () => '',
  });
  const { stage1, pool } = await loadStage1At(checkpointPaths(dir, ctx('hyperbolic').kind), ctx('hyperbolic'));
  const g = splitG({ seenOnly: true, size: 32 });
  const poolLabels = Int32Array.from(poolRows(Float32Array.from(g.labels), 1));
  const poolCodes = pool ?? encodeAll(stage1, poolRows(g.images, 1024));
  const d = stage1.config.stage1.codeDim;
  const P = poolCodes.length / d;
  const inputs: { cls: number; z: Float32Array }[] = [2, 6, 7].map((cls) => {
    return { cls, z: encodeAll(stage1, fewShotInputs(cls, 1, { size: 32 }).images) };
  });
  const rho = await euclideanRadiusRatio(dir);
  console.log(`${dir}: pool ${P} codes, ρ ${rho.toFixed(3)}`);
  const isSibling = (cls: number, j: number) => SIBLINGS[cls].includes(poolLabels[j]);
  for (const space of ['hyperbolic', 'euclidean'] as const) {
    const { stage2 } = await loadStage2At(checkpointPaths(dir, ctx(space).kind), ctx(space));
    const target = toBall(stage2, tf.tensor2d(poolCodes, [P, d]));
    const ball = inputs.map(({ z }) => toBall(stage2, tf.tensor2d(z, [z.length / d, d])));
    // the angles from each input to the pool codes: siblings vs others, and the siblings' share of the 32 nearest
    let [aSib, aSibN, aOth, aOthN, near, rows] = [0, 0, 0, 0, 0, 0];
    const counts: Record<number, Record<number, number>> = {};
    const nearAngle: Record<number, number> = {};
    inputs.forEach(({ cls }, c) => {
      const ang = tf.tidy(() => degrees(tf.expandDims(ball[c], 1), tf.expandDims(target, 0)).arraySync() as number[][]);
      for (const row of ang) {
        row.forEach((a, j) => {
          if (isSibling(cls, j)) [aSib, aSibN] = [aSib + a, aSibN + 1];
          else [aOth, aOthN] = [aOth + a, aOthN + 1];
        });
        const order = row
          .map((a, j) => [a, j])
          .sort((x, y) => x[0] - y[0])
          .slice(0, 32);
        near += order.filter(([, j]) => isSibling(cls, j)).length / 32;
        rows++;
        counts[cls] ??= {};
        for (const [, j] of order) counts[cls][poolLabels[j]] = (counts[cls][poolLabels[j]] ?? 0) + 1;
        nearAngle[cls] = (nearAngle[cls] ?? 0) + order.reduce((t, [a]) => t + a, 0) / 32 / ang.length;
      }
    });
    console.log(
      `${space}: angle to siblings ${(aSib / aSibN).toFixed(1)}°, to others ${(aOth / aOthN).toFixed(1)}°; siblings among the 32 nearest ${(near / rows).toFixed(3)} (of the pool ${(aSibN / (aSibN + aOthN)).toFixed(3)})`,
    );
    for (const { cls } of inputs)
      console.log(`  class ${cls}: 32 nearest at ${nearAngle[cls].toFixed(1)}°, labels ${JSON.stringify(counts[cls])}`);
    for (const R of radii) {
      let [sib, sibN, oth, othN] = [0, 0, 0, 0];
      inputs.forEach(({ cls }, c) => {
        const n = ball[c].shape[0];
        const turns = tf.tidy(() => {
          const hRep = tf.reshape(tf.tile(tf.expandDims(ball[c], 1), [1, P, 1]), [n * P, -1]);
          const radius = space === 'euclidean' ? R * rho : R;
          const moved = perturbCodesAuto(stage2, hRep, { radius, seed: 0, toward: tf.tile(target, [n, 1]), turnRadius: R });
          return degrees(hRep, moved).dataSync();
        });
        for (let i = 0; i < turns.length; i++) {
          if (isSibling(cls, i % P)) [sib, sibN] = [sib + turns[i], sibN + 1];
          else [oth, othN] = [oth + turns[i], othN + 1];
        }
      });
      const [a, b] = [sib / sibN, oth / othN];
      console.log(`${space} R ${R}: turn toward siblings ${a.toFixed(2)}°, others ${b.toFixed(2)}°, ratio ${(a / b).toFixed(3)}`);
    }
    tf.dispose([target, ...ball]);
  }
}

/** Angles in degrees between the directions of a and b (broadcast; the last axis is the vector). */
function degrees(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const unit = (v: tf.Tensor) => tf.div(v, tf.norm(v, 'euclidean', -1, true));
  return tf.mul(tf.acos(tf.clipByValue(tf.sum(tf.mul(unit(a), unit(b)), -1), -1, 1)), 180 / Math.PI);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
