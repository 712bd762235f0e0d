/**
 * How far the ball's perturbation turns a code toward a target θ away, for radius R and step length d (the SDK's
 * hyperbolic perturb, c = 1, on the 2-D disk: code and target both at radius R):
 *   npx tsx scripts/turn-profile.ts 6.2:5.5 5.5:4.9 [R:d …]
 * Prints one row per (R, d): the turn in degrees toward targets 5°, 10°, 20°, 30°, 45°, 60°, 90°, 120° away.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../sdk/core/backend';
import { perturb } from '../sdk/hyperbolic/edits';
import { rescale } from '../sdk/hyperbolic/rescale';

const THETAS = [5, 10, 20, 30, 45, 60, 90, 120];

async function main(): Promise<void> {
  await ready();
  const pairs = process.argv.slice(2).map((a) => a.split(':').map(Number));
  if (!pairs.length || pairs.some((p) => p.length !== 2 || p.some((v) => !Number.isFinite(v))))
    throw new Error('usage: turn-profile.ts R:d [R:d …] (e.g. 6.2:5.5 5.5:4.9)');
  console.log(`R d   turn toward a target θ away, θ = ${THETAS.join('°, ')}°`);
  for (const [R, d] of pairs) {
    const turns = THETAS.map((deg) =>
      tf.tidy(() => {
        const th = (deg * Math.PI) / 180;
        const code = rescale(R, tf.tensor2d([[1, 0]]), 1);
        const target = rescale(R, tf.tensor2d([[Math.cos(th), Math.sin(th)]]), 1);
        const [x, y] = perturb(code, d, R, 1, { toward: target }).dataSync();
        return ((Math.atan2(y, x) * 180) / Math.PI).toFixed(1);
      }),
    );
    console.log(`${R} ${d}  ${turns.join(' / ')}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
