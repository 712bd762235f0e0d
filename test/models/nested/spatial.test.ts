import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../../sdk/core/backend';
import { Rng } from '../../../sdk/core/rng';
import { ConfigError, ShapeError } from '../../../sdk/core/errors';
import { nestedConfig, pixelSpatialLevel, formatNestedConfig } from '../../../sdk/models/nested/config';
import { fitLatentSpace, projectLatent, disposeLatentSpace } from '../../../sdk/models/nested/latents';
import { createLevelNet, levelCond, levelDenoiser, sigmaTensor, spatialLift } from '../../../sdk/models/nested/model';
import { runName } from '../../../sdk/models/nested/train';
import { disposeParams } from '../../../sdk/nn/params';

test('the pixel level sees the finest spatial latent it is conditioned on', () => {
  assert.equal(pixelSpatialLevel(nestedConfig({ levels: 5 })), { level: 4, offset: 56, map: [8, 8, 16] });
  assert.equal(pixelSpatialLevel(nestedConfig({ levels: 3 })), { level: 2, offset: 8, map: [4, 4, 32] });
  assert.equal(pixelSpatialLevel(nestedConfig({ levels: 5, conditioning: 'markov' })), { level: 4, offset: 0, map: [8, 8, 16] });
  // 'code' is a vector, not a map: L = 2 and L = 1 have nothing to lift; off means off.
  assert.is(pixelSpatialLevel(nestedConfig({ levels: 2 })), undefined);
  assert.is(pixelSpatialLevel(nestedConfig({ levels: 1 })), undefined);
  assert.is(pixelSpatialLevel(nestedConfig({ levels: 5, pixelSpatial: false })), undefined);
  assert.match(formatNestedConfig(nestedConfig({ levels: 5 })), 'spatial level 4 (8×8×16)');
  assert.throws(
    () => nestedConfig({ pixelSpatial: 'yes' as never }),
    (e: unknown) => e instanceof ConfigError && /pixelSpatial/.test(String(e)),
  );
});

test('run names keep the ablations apart', () => {
  assert.is(runName(nestedConfig({ levels: 5 })), 'L5');
  assert.is(runName(nestedConfig({ levels: 5, pixelSpatial: false })), 'L5-vector');
  assert.is(runName(nestedConfig({ levels: 5, conditioning: 'markov', pixelSpatial: false })), 'L5-markov-vector');
  assert.is(runName(nestedConfig({ levels: 2, pixelSpatial: false })), 'L2'); // nothing to lift: same model
  assert.is(runName(nestedConfig({ levels: 5, pixelSigma2Choices: [0, 0.25, 0.5, 1] })), 'L5-blur');
  assert.is(runName(nestedConfig({ levels: 1, pixelSigma2Choices: [0.5] })), 'L1'); // no latents to blur
});

test('the lift inverts the projection: projecting the lifted map gives the latent back', async () => {
  await ready();
  const c = nestedConfig({ levels: 3 }); // level 2 = 'mid', 4×4×32 = 512 features → 32 dims
  const rng = new Rng(3);
  const N = 300,
    W = 512;
  const f = tf.tidy(
    () => tf.add(tf.matMul(tf.randomNormal([N, 40], 0, 1, 'float32', 1), tf.randomNormal([40, W], 0, 1, 'float32', 2)), 5) as tf.Tensor2D,
  );
  const mid = fitLatentSpace(f, 32);
  const code = fitLatentSpace(tf.slice(f, [0, 0], [N, 32]) as tf.Tensor2D, 8);
  const z2 = projectLatent(mid, tf.slice(f, [0, 0], [4, W]));
  const cond = tf.concat([tf.randomNormal([4, 8], 0, 1, 'float32', rng.int(1000)), z2, tf.ones([4, 2])], 1) as tf.Tensor2D;
  const lifted = spatialLift(c, [code, mid], cond, 32);
  assert.equal(lifted.shape, [4, 32, 32, 32]);
  // Nearest upsampling: every 8×8 block is one value of the 4×4 map; take the block corners back.
  const map = tf.tidy(() => tf.reshape(tf.stridedSlice(lifted, [0, 0, 0, 0], [4, 32, 32, 32], [1, 8, 8, 1]), [4, W]));
  const back = tf.tidy(() => tf.matMul(map, mid.basis)); // standardised features → latent
  const err = tf.tidy(() => tf.max(tf.abs(tf.sub(back, z2))).dataSync()[0]);
  assert.ok(err < 1e-3, `project(lift(z)) − z: ${err}`);
  tf.dispose([f, z2, cond, lifted, map, back]);
  disposeLatentSpace(mid);
  disposeLatentSpace(code);
});

test('the spatial pixel denoiser takes the lift from the condition: the null branch lifts the null latent', async () => {
  await ready();
  const c = nestedConfig({ levels: 5, unet: { channels: 8, channelMults: [1, 2], groups: 4 }, mlp: { width: 16, depth: 1 } });
  const spaces = c.dims.map((d, i) => {
    const W = [32, 1024, 512, 1024][i];
    const f = tf.randomNormal([Math.max(2 * d, 80), W], 0, 1, 'float32', 10 + i) as tf.Tensor2D;
    const s = fitLatentSpace(f, d);
    f.dispose();
    return s;
  });
  const net = createLevelNet(c, 5);
  assert.is((net.config as { inChannels: number }).inChannels, 17);
  const sigma = sigmaTensor(c, 2, [0.5, 0.5, 0.5, 0.5]);
  const lat = c.dims.map((d, i) => tf.randomNormal([2, d], 0, 1, 'float32', 20 + i) as tf.Tensor2D);
  const cond = levelCond(c, net, 5, lat, sigma)!;
  const nul = levelCond(c, net, 5, lat, sigma, true)!;
  const seen: tf.Tensor[] = [];
  const spy = {
    ...net,
    apply: (x: tf.Tensor, t: tf.Tensor | number[], cd?: tf.Tensor) => {
      seen.push(tf.keep(tf.clone(x)));
      return net.apply(x, t, cd);
    },
  };
  const den = levelDenoiser(c, spy, 5, spaces);
  const x = tf.randomNormal([2, 32, 32, 1], 0, 1, 'float32', 5);
  const tt = tf.tensor1d([100, 100], 'int32');
  const a = den(x, tt, cond);
  const b = den(x, tt, nul);
  assert.equal(a.shape, [2, 32, 32, 1]);
  // The U-Net's input: the image, then 16 channels lifted from level 4's slice of the condition.
  assert.equal(seen[0].shape, [2, 32, 32, 17]);
  const want = spatialLift(c, spaces, cond, 32);
  const got = tf.slice(seen[0], [0, 0, 0, 1], [2, 32, 32, 16]);
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]) < 1e-6);
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(tf.slice(seen[0], [0, 0, 0, 0], [2, 32, 32, 1]), x))).dataSync()[0]) === 0);
  const nullLift = tf.slice(seen[1], [0, 0, 0, 1], [2, 32, 32, 16]);
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(nullLift, want))).dataSync()[0]) > 1e-3, 'the null branch must not see the latent');
  tf.dispose([want, got, nullLift, ...seen]);
  assert.throws(
    () => den(x, tt),
    (e: unknown) => e instanceof ShapeError,
  );
  tf.dispose([sigma, cond, nul, x, tt, a, b, ...lat]);
  disposeParams(net.params);
  spaces.forEach(disposeLatentSpace);
});

test.run();
