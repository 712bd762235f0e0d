import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready, useBackend, Rng, ConfigError } from '../../sdk/core';
import '../../sdk/core/grad';
import { groupNormAct, groupNorm, Params, GroupNormActOptions } from '../../sdk/nn';

test.before(async () => {
  await ready();
});

interface Case {
  name: string;
  shape: [number, number, number, number];
  groups: number;
  act: 'silu' | 'none';
  scaled: boolean;
}
const CASES: Case[] = [
  { name: 'GN + SiLU', shape: [3, 5, 4, 8], groups: 4, act: 'silu', scaled: false },
  { name: 'GN (no act), one group', shape: [2, 3, 3, 6], groups: 1, act: 'none', scaled: false },
  { name: 'AdaGN + SiLU (scale, shift)', shape: [2, 4, 4, 12], groups: 3, act: 'silu', scaled: true },
  { name: 'AdaGN, no act, channels = groups', shape: [2, 2, 5, 4], groups: 4, act: 'none', scaled: true },
];

/** y and ∂(Σ y·r)/∂{x, γ, β, scale, shift} on the current backend, as plain arrays. */
function run(c: Case, seed: number): Float32Array[] {
  const rng = new Rng(seed);
  const [B, , , C] = c.shape;
  const t = (shape: number[], scale = 1, offset = 0) => {
    const v = tf.tensor(
      rng.normals(shape.reduce((a, b) => a * b, 1)).map((z) => offset + scale * z),
      shape,
    );
    const out = tf.variable(v, true);
    v.dispose();
    return out;
  };
  // An offset and spread per sample, so the statistics matter; γ, β away from 1, 0.
  const x = t(c.shape, 2, 0.7);
  const p: Params = { 'n.g': t([C], 0.3, 1), 'n.b': t([C], 0.3) };
  const scale = t([B, 1, 1, C], 0.2, 1);
  const shift = t([B, 1, 1, C], 0.2);
  const r = tf.tensor(rng.normals(x.size), c.shape);
  const opts = (): GroupNormActOptions => (c.scaled ? { act: c.act, scale, shift } : { act: c.act });
  const y = groupNormAct(p, 'n', x, c.groups, opts());
  const vars = [x, p['n.g'], p['n.b'], ...(c.scaled ? [scale, shift] : [])];
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(groupNormAct(p, 'n', x, c.groups, opts()), r)) as tf.Scalar, vars);
  const out = [y, ...vars.map((v) => grads[v.name])].map((g) => g.dataSync().slice() as Float32Array);
  tf.dispose([y, value, r, x, scale, shift, ...Object.values(p), ...Object.values(grads)]);
  return out;
}

function relErr(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 1e-12;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

for (const c of CASES) {
  test(`fused group norm on wasm equals the tfjs composition (cpu): ${c.name}`, async () => {
    assert.is(tf.getBackend(), 'wasm');
    const fused = run(c, 3);
    await useBackend('cpu');
    try {
      const ref = run(c, 3);
      const what = ['y', 'dx', 'dγ', 'dβ', 'dscale', 'dshift'];
      ref.forEach((r, i) => assert.ok(relErr(fused[i], r) < 2e-5, `${what[i]}: rel. error ${relErr(fused[i], r)}`));
    } finally {
      await useBackend('wasm');
    }
  });
}

test('fused group norm: no tensors left behind (forward and gradients)', () => {
  run(CASES[2], 1);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) run(CASES[2], 1);
  assert.is(tf.memory().numTensors, before);
});

test('groupNormAct: errors name the layer', () => {
  const p: Params = { 'n.g': tf.variable(tf.ones([6])), 'n.b': tf.variable(tf.zeros([6])) };
  assert.throws(
    () => groupNorm(p, 'n', tf.ones([1, 2, 2, 6]), 4),
    (e: unknown) => e instanceof ConfigError && /groupNorm\(n\).*divisible/.test((e as Error).message),
  );
  assert.throws(
    () => groupNormAct(p, 'n', tf.ones([1, 2, 2, 6]), 3, { act: 'silu', scale: tf.ones([1, 1, 1, 6]) }),
    (e: unknown) => e instanceof ConfigError && /scale and shift together/.test((e as Error).message),
  );
  tf.dispose(Object.values(p));
});

test.run();
