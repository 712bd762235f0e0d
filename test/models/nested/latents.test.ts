import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../../sdk/core/backend';
import { Rng } from '../../../sdk/core/rng';
import { fitLatentSpace, projectLatent, disposeLatentSpace } from '../../../sdk/models/nested/latents';

/** N points in W dims whose standardised variance lives in k known directions (plus a little noise). */
function lowRank(N: number, W: number, k: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const dirs = Array.from({ length: k }, () => Array.from({ length: W }, () => rng.normal()));
  const x = new Float32Array(N * W);
  for (let i = 0; i < N; i++) {
    const a = Array.from({ length: k }, (_, j) => rng.normal() * (k - j));
    for (let w = 0; w < W; w++) x[i * W + w] = 3 + dirs.reduce((s, d, j) => s + a[j] * d[w], 0) + 0.01 * rng.normal();
  }
  return x;
}

test('latent space keeps a low-rank signal, centres it and scales it to mean variance 1', async () => {
  await ready();
  const N = 400,
    W = 24,
    k = 3;
  const f = tf.tensor2d(lowRank(N, W, k, 1), [N, W]);
  const s = fitLatentSpace(f, k);
  assert.ok(s.explained > 0.99, `explained ${s.explained}`);
  const z = projectLatent(s, f);
  const m = tf.mean(z, 0).arraySync() as number[];
  const v = tf.mean(tf.square(tf.sub(z, m)), 0).arraySync() as number[];
  for (const x of m) assert.ok(Math.abs(x) < 1e-3, `mean ${x}`);
  const meanVar = v.reduce((a, b) => a + b, 0) / k;
  assert.ok(Math.abs(meanVar - 1) < 0.02, `mean variance ${meanVar}`);
  tf.dispose([f, z]);
  disposeLatentSpace(s);
});

test('fewer samples than dimensions (Gram trick) gives the same subspace as the direct route', async () => {
  await ready();
  const W = 40,
    k = 2;
  const data = lowRank(30, W, k, 2);
  const few = tf.tensor2d(data, [30, W]);
  const a = fitLatentSpace(few, k);
  // The direct route on the same rows, duplicated so N ≥ W (same mean, std and directions).
  const twice = tf.concat([few, few]) as tf.Tensor2D;
  const b = fitLatentSpace(twice, k);
  // Same subspace: the projection of a's basis onto b's is near-identity up to sign (sign convention fixes it).
  const cos = tf.tidy(() => {
    const na = tf.div(a.basis, tf.norm(a.basis, 'euclidean', 0, true));
    const nb = tf.div(b.basis, tf.norm(b.basis, 'euclidean', 0, true));
    return tf.matMul(na, nb, true, false).arraySync() as number[][];
  });
  for (let j = 0; j < k; j++) assert.ok(cos[j][j] > 0.999, `direction ${j}: cos ${cos[j][j]}`);
  tf.dispose([few, twice]);
  disposeLatentSpace(a);
  disposeLatentSpace(b);
});

test.run();
