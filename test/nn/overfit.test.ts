// A tiny U-Net overfits four images on the default backend (wasm here): the loss of a fixed
// noisy batch falls well below its start. Exercises every gradient the networks need.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { createUNet, disposeParams } from '../../sdk/nn';
import { train } from '../../sdk/train';

test.before(async () => {
  await ready();
});

test(`tiny U-Net overfits 4 images (backend ${process.env.HYPNEST_BACKEND ?? 'default'})`, async () => {
  const net = createUNet({ imageSize: 8, channels: 8, channelMults: [1, 2], heads: 2, groups: 4, condDim: 2 }, 0);
  const x0 = tf.randomUniform([4, 8, 8, 1], -1, 1, 'float32', 1);
  const eps = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 2);
  const cond = tf.eye(4, 2);
  const t = tf.tensor1d([100, 300, 500, 700], 'int32');
  const xt = tf.add(tf.mul(x0, 0.6), tf.mul(eps, 0.8));
  const lossFn = () => tf.losses.meanSquaredError(eps, net.apply(xt, t, cond));
  const before = tf.memory().numTensors;
  const r = await train({
    params: net.params,
    lossFn,
    data: { next: () => ({ done: false, value: 0 }) },
    steps: 60,
    lr: 3e-3,
    clip: 1,
    seed: 0,
  });
  assert.is(tf.memory().numTensors, before);
  const first = r.losses[0];
  const last = r.losses.slice(-5).reduce((a, b) => a + b, 0) / 5;
  assert.ok(first > 0.9 && last < 0.5 * first, `loss ${first} → ${last}`);
  tf.dispose([x0, eps, cond, t, xt]);
  disposeParams(net.params);
});

test.run();
