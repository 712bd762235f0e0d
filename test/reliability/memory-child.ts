/**
 * One memory measurement in a fresh process (memory.test.ts runs it): peak RSS (process.resourceUsage().maxRSS)
 * after a large generation, then whether the large call's first images equal a small call's, bit for bit.
 *   node --import tsx test/reliability/memory-child.ts nested N LEVELS [STEPS LATENT_STEPS]
 *   node --import tsx test/reliability/memory-child.ts hyp PER_OUTPUT [STEPS]
 * Prints one JSON line on stdout: { what, n, seconds, maxRssMB, smallEqual, tensorsLeft }.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { nested } from '../../sdk/fluent/nested';
import { hyp } from '../../sdk/fluent/hyp';
import { fewShotInputs } from '../../sdk/data/splits';

const sameStart = (big: Float32Array, small: Float32Array) =>
  Buffer.from(small.buffer, small.byteOffset, small.byteLength).equals(Buffer.from(big.buffer, big.byteOffset, small.byteLength));

async function main(): Promise<void> {
  await ready();
  const [what, a, b, c, d] = process.argv.slice(2);
  const t0 = Date.now();
  let smallEqual: boolean;
  let n: number;
  const before = tf.memory().numTensors;
  if (what === 'nested') {
    n = Number(a);
    let bld = nested.levels(Number(b));
    if (c) bld = bld.steps(Number(c), Number(d ?? c));
    const big = await bld.generate(n);
    const rss = process.resourceUsage().maxRSS;
    const small = await bld.generate(16);
    smallEqual = sameStart(big.data, small.data);
    await nested.dispose();
    report(what, n, t0, rss, smallEqual, before);
  } else {
    const perOutput = Number(a);
    const inputs = fewShotInputs(2, 1, { size: 32, fallback: 'embedded' });
    let bld = hyp.fewShot(inputs.images, { perOutput }).perturb(5.5);
    if (b) bld = bld.steps(Number(b));
    const big = await bld.sample();
    n = big.count;
    const rss = process.resourceUsage().maxRSS;
    // group-major rows: group 0's first 4 outputs are the first 4 rows of perOutput 4
    const small = await hyp
      .fewShot(inputs.images, { perOutput: 4 })
      .perturb(5.5)
      .steps(Number(b ?? 20))
      .sample();
    smallEqual = sameStart(big.data, small.data.subarray(0, 4 * 1024));
    hyp.dispose();
    await new Promise((r) => setImmediate(r)); // hyp.dispose frees once its load promises settle
    report(what, n, t0, rss, smallEqual, before);
  }
}

function report(what: string, n: number, t0: number, maxRssKB: number, smallEqual: boolean, before: number): void {
  process.stdout.write(
    JSON.stringify({
      what,
      n,
      seconds: (Date.now() - t0) / 1000,
      maxRssMB: Math.round(maxRssKB / 1024),
      smallEqual,
      tensorsLeft: tf.memory().numTensors - before,
    }) + '\n',
  );
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${e?.name}: ${e?.message}\n`);
    process.exit(2);
  });
}
