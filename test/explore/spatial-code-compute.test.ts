/**
 * The browser's radius and geodesic computations on a stage I whose code ends with a spatial map (`--faithful`):
 * the map stays out of the ball, every decoded code carries the input's map (radius) or the blend of a's and b's
 * (geodesic), and nothing leaks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import '../../sdk/core';
import { HYPDAE_TINY, hypdaeConfig, createStage1, createStage2, encodeSemantic, codeMap } from '../../sdk/models/hypdae';
import { prepareInput, radiusCodes, radiusUpdate, disposePrepared } from '../../sdk/browser/radius-compute';
import { prepareWalk, walkImages, disposeWalk } from '../../sdk/browser/geodesic-compute';
import { randomImages } from '../helpers/tensors';

const MAP = { size: 8, channels: 1 };
const config = (space: 'hyperbolic' | 'euclidean') =>
  hypdaeConfig({
    ...HYPDAE_TINY,
    stage1: { ...HYPDAE_TINY.stage1, codeDim: 72, spatialCode: MAP },
    stage2: { ...HYPDAE_TINY.stage2, space },
  });
const S = { steps: 2, guidance: 2 };

test.before(async () => {
  await ready();
});

test('radius and geodesic widgets on a code with a map: the input keeps its map, the walk blends the two, no leaks', async () => {
  const stage1 = createStage1(config('hyperbolic'));
  const m = { stage1, ball: createStage2(config('hyperbolic'), 3), twin: createStage2(config('euclidean'), 3) };
  const x = randomImages(2, 7);
  const px = x.dataSync() as Float32Array;
  const [a, b] = [px.slice(0, 1024), px.slice(1024)];
  const z = encodeSemantic(stage1, x);
  const maps = codeMap(stage1.config.stage1, z)!;
  const before = tf.memory().numTensors;

  const p = prepareInput(m, a, b, S);
  const { z: codes } = radiusCodes(m, p, 1.5, 0.3);
  assert.equal(codes.shape, [4, 72]);
  const gap = tf.tidy(
    () => tf.max(tf.abs(tf.sub(tf.slice(codes, [0, 8], [4, 64]), tf.tile(tf.slice(maps, [0, 0], [1, -1]), [4, 1])))).dataSync()[0],
  );
  assert.ok(gap < 1e-5, `the four codes end with the input's map (gap ${gap})`);
  codes.dispose();
  const u = await radiusUpdate(m, p, 1.5, 0.3, S);
  assert.is(u.images.length, 4 * 1024);
  disposePrepared(p);

  const w = prepareWalk(m, a, b, S);
  const walk = await walkImages(m, w, [0, 0.5, 1], S);
  assert.is(walk.images.length, 3 * 1024);
  assert.ok(walk.images.every(Number.isFinite));
  disposeWalk(w);
  assert.is(tf.memory().numTensors, before, 'no tensor leaks');

  tf.dispose([x, z, maps]);
  for (const s of [m.stage1, m.ball, m.twin]) Object.values(s.params).forEach((v) => v.dispose());
});

test.run();
