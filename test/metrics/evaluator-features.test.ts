// Metrics in the shipped evaluator's feature space, on real T images (needs sdk/data and assets/evaluator).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ready } from '../../sdk/core/backend';
import { Rng } from '../../sdk/core/rng';
import { splitT } from '../../sdk/data';
import { Evaluator } from '../../sdk/models/evaluator';
import { diversity, frechetDistance, kernelInceptionDistance } from '../../sdk/metrics';
import { blurField } from '../../sdk/pipelines/baselines';
import { tf } from '../../sdk/core/backend';

let ev: Evaluator;
let images: Float32Array;
let labels: Int32Array;
let side: number;
test.before(async () => {
  await ready();
  ev = await Evaluator.load();
  const t = await splitT();
  images = t.images;
  labels = Int32Array.from(t.labels);
  side = Math.sqrt(images.length / labels.length);
});
test.after(() => ev.dispose());

const slice = (from: number, n: number) => images.slice(from * side * side, (from + n) * side * side);
const noised = (x: Float32Array, s: number, seed: number) => {
  const rng = new Rng(seed);
  return x.map((v) => Math.max(-1, Math.min(1, v + s * rng.normal())));
};
const blurred = (x: Float32Array, s: number) => {
  if (s === 0) return x;
  const p = side * side;
  const out = new Float32Array(x.length);
  // blur (x + 1) so the −1 background stays −1 at the borders
  for (let i = 0; i < x.length / p; i++)
    out.set(
      blurField(
        x.subarray(i * p, (i + 1) * p).map((v) => v + 1),
        side,
        s,
      ).map((v) => v - 1),
      i * p,
    );
  return out;
};

test('FD rises monotonically as real T images are increasingly noised or blurred', () => {
  const ref = ev.embed(slice(0, 800));
  const base = slice(800, 800);
  const fdNoise = [0, 0.1, 0.3, 0.6].map((s) => frechetDistance(ref, ev.embed(noised(base, s, 1))));
  const fdBlur = [0, 0.7, 1.2, 2].map((s) => frechetDistance(ref, ev.embed(blurred(base, s))));
  for (const seq of [fdNoise, fdBlur])
    for (let i = 1; i < seq.length; i++) assert.ok(seq[i] > seq[i - 1], JSON.stringify({ fdNoise, fdBlur }));
});

test('KID of two disjoint halves of one class ≈ 0, of two classes clearly positive', () => {
  const byClass = (c: number, n: number) => {
    const idx: number[] = [];
    for (let i = 0; i < labels.length && idx.length < n; i++) if (labels[i] === c) idx.push(i);
    const p = side * side;
    const x = new Float32Array(idx.length * p);
    idx.forEach((k, j) => x.set(images.subarray(k * p, (k + 1) * p), j * p));
    return ev.embed(x);
  };
  const shirts = byClass(6, 600);
  const a = { data: shirts.data.slice(0, 300 * shirts.cols), rows: 300, cols: shirts.cols };
  const b = { data: shirts.data.slice(300 * shirts.cols), rows: 300, cols: shirts.cols };
  const same = kernelInceptionDistance(a, b).mean;
  const diff = kernelInceptionDistance(a, byClass(7, 300)).mean;
  assert.ok(diff > 0 && Math.abs(same) < 0.05 * diff, `same ${same} diff ${diff}`);
});

test('diversity of identical real images is 0; of distinct ones positive', () => {
  const one = slice(0, 1);
  const copies = new Float32Array(6 * one.length);
  for (let i = 0; i < 6; i++) copies.set(one, i * one.length);
  const f = ev.features(copies, { layers: true });
  const g = ev.features(slice(0, 6), { layers: true });
  assert.ok(diversity(f.layers) < 1e-6);
  assert.ok(diversity(g.layers) > 0.05);
  tf.dispose([f.penultimate, f.logits, ...f.layers, g.penultimate, g.logits, ...g.layers]);
});

test.run();
