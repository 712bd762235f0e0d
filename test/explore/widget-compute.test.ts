/**
 * The new widgets' computations in Node (the same modules the page runs): slerp identities, heat-map layout and
 * colours, the nested portable weights against the float32 checkpoint, per-level seeds that leave the other levels'
 * noise alone, and typed errors.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../sdk/core/backend';
import { ShapeError, ValueError } from '../../sdk/core/errors';
import { slerp } from '../../sdk/diffusion/slerp';
import { divergingColor, heatmapShape, latentHeatmap } from '../../sdk/viz/images/heatmap';
import { nestedFromPortable } from '../../sdk/models/nested/portable';
import { disposeNested, loadNested } from '../../sdk/models/nested/checkpoint';
import { portableWeights } from '../../sdk/explore/assets';
import { generateFrom, levelDefaults } from '../../sdk/browser/nested-compute';
import { defaultGuidance } from '../../sdk/models/nested/config';
import { rejectsTyped } from '../helpers/expect-error';

const root = path.join(__dirname, '..', '..');

test.before(async () => {
  await useBackend('wasm');
});

test('slerp: ends are a and b, norms stay on the sphere, parallel rows fall back to the line', () => {
  const a = tf.tensor2d([
    [1, 0, 0],
    [2, 0, 0],
  ]);
  const b = tf.tensor2d([
    [0, 1, 0],
    [4, 0, 0],
  ]);
  assert.ok(tf.max(tf.abs(tf.sub(slerp(a, b, 0), a))).dataSync()[0] < 1e-6);
  assert.ok(tf.max(tf.abs(tf.sub(slerp(a, b, 1), b))).dataSync()[0] < 1e-6);
  const mid = slerp(a, b, 0.5).arraySync() as number[][];
  assert.ok(Math.abs(Math.hypot(...mid[0]) - 1) < 1e-5, 'unit vectors: the midpoint is a unit vector');
  assert.ok(Math.abs(mid[0][0] - Math.SQRT1_2) < 1e-5);
  assert.ok(Math.abs(mid[1][0] - 3) < 1e-5, 'parallel rows: the straight line');
  assert.throws(
    () => slerp(a, tf.zeros([2, 4]), 0.5),
    (e: unknown) => e instanceof ShapeError,
  );
  assert.throws(
    () => slerp(a, b, NaN),
    (e: unknown) => e instanceof ValueError,
  );
});

test('heat maps: near-square layouts, diverging colours, clipped', () => {
  assert.equal(heatmapShape(8), [2, 4]);
  assert.equal(heatmapShape(16), [4, 4]);
  assert.equal(heatmapShape(32), [4, 8]);
  assert.equal(heatmapShape(64), [8, 8]);
  assert.equal(divergingColor(0, 3), [255, 255, 255]);
  assert.equal(divergingColor(3, 3), [178, 24, 43]);
  assert.equal(divergingColor(-9, 3), [33, 102, 172]);
  const h = latentHeatmap([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 8, 2);
  assert.equal(h.shape, [2, 4, 3]);
  assert.equal([...h.data.subarray(0, 3)], divergingColor(2, 3));
  assert.throws(
    () => heatmapShape(0),
    (e: unknown) => e instanceof ValueError,
  );
});

test('nested L5: the portable (float16) weights rebuild the float32 checkpoint to half precision', async () => {
  const half = nestedFromPortable(portableWeights('nested-L5')).model;
  const full = (await loadNested(path.join(root, 'assets', 'nested', 'L5', 'nested'))).model;
  assert.equal(half.config, full.config);
  let worst = 0;
  half.nets.forEach((n, l) => {
    for (const [k, v] of Object.entries(n.params)) {
      const w = full.nets[l].params[k];
      const rel = tf.tidy(() => tf.max(tf.abs(tf.sub(v, w))).dataSync()[0] / Math.max(1e-3, tf.max(tf.abs(w)).dataSync()[0]));
      worst = Math.max(worst, rel);
    }
  });
  assert.ok(worst < 1e-3, `relative difference ${worst}`);
  disposeNested(half);
  disposeNested(full);
});

test('generateFrom: a change at level l keeps every coarser latent; re-drawing l keeps the finer levels noise seeds', async () => {
  const m = nestedFromPortable(portableWeights('nested-L5')).model;
  const s = { ...levelDefaults(m, defaultGuidance(5)), n: 2, steps: 2, latentSteps: 2 };
  const before = tf.memory().numTensors;
  const a = await generateFrom(m, s, 1);
  const b = await generateFrom(m, { ...s, guidance: [1.5, 1.4, 2.5, 1.2, 1.1] }, 3, a);
  assert.equal(b.latents[0], a.latents[0]);
  assert.equal(b.latents[1], a.latents[1]);
  assert.not.equal(b.latents[2], a.latents[2], 'level 3 re-ran with another guidance');
  const again = await generateFrom(m, s, 3, a);
  assert.equal(again.latents[2], a.latents[2], 'same settings, same seeds: the same latent');
  assert.is(tf.memory().numTensors, before, 'no tensor leaks');
  await rejectsTyped(() => generateFrom(m, s, 2), ValueError, 'previous state');
  disposeNested(m);
});

test.run();
