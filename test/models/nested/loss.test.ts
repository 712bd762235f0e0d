import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../../sdk/core/backend';
import { Rng } from '../../../sdk/core/rng';
import { nestedConfig } from '../../../sdk/models/nested/config';
import { fitLatentSpace, disposeLatentSpace } from '../../../sdk/models/nested/latents';
import { createLevelNet, levelLoss, nestedSchedule } from '../../../sdk/models/nested/model';
import { loadNested, disposeNested } from '../../../sdk/models/nested/checkpoint';
import { disposeParams } from '../../../sdk/nn/params';
import { tinyNested } from './fixture';

/** The σ columns of the condition each level's network saw in one training loss, [B, ·]. */
function sigmasSeen(c: ReturnType<typeof nestedConfig>, level: number): number[][] {
  const spaces = c.dims.map((d, i) => {
    const f = tf.randomNormal([80, [32, 1024, 512, 1024][i]], 0, 1, 'float32', 10 + i) as tf.Tensor2D;
    const s = fitLatentSpace(f, d);
    f.dispose();
    return s;
  });
  const net = createLevelNet(c, level);
  const seen: number[][] = [];
  const spy = {
    ...net,
    apply: (x: tf.Tensor, t: tf.Tensor | number[], cd?: tf.Tensor) => {
      seen.push(...(tf.slice(cd!, [0, cd!.shape[1]! - 4], [-1, 4]).arraySync() as number[][]));
      return net.apply(x, t, cd);
    },
  };
  const B = 16;
  const z = c.dims.map((d, i) => tf.randomNormal([B, d], 0, 1, 'float32', 30 + i) as tf.Tensor2D);
  const x = level === c.levels ? (tf.randomNormal([B, 32, 32, 1], 0, 0.5, 'float32', 7) as tf.Tensor4D) : undefined;
  tf.dispose(levelLoss(c, nestedSchedule(c), spy, spaces, level, z, x, new Rng(1)));
  tf.dispose([...z, ...(x ? [x] : [])]);
  disposeParams(net.params);
  spaces.forEach(disposeLatentSpace);
  return seen;
}

test('the pixel level trains on σ² from pixelSigma2Choices, the latent levels on sigma2Choices', async () => {
  await ready();
  const tiny = { unet: { channels: 8, channelMults: [1, 2], groups: 4 }, mlp: { width: 16, depth: 1 } } as const;
  // level 5's condition ends with σ of levels 1–4; level 4's with σ of levels 1–3 and its own
  const pixel = sigmasSeen(nestedConfig({ levels: 5, ...tiny, pixelSigma2Choices: [0.09] }), 5).flat();
  assert.ok(pixel.length === 64 && pixel.every((s) => Math.abs(s - 0.3) < 1e-6), `pixel σ: ${[...new Set(pixel)]}`);
  const clean = sigmasSeen(nestedConfig({ levels: 5, ...tiny }), 5).flat();
  assert.ok(
    clean.every((s) => s === 0),
    'default: clean latents for the pixel level',
  );
  const latent = new Set(
    sigmasSeen(nestedConfig({ levels: 5, ...tiny, pixelSigma2Choices: [0.09] }), 4)
      .flat()
      .map((s) => Math.round(s * s * 100) / 100),
  );
  assert.ok([...latent].every((v) => [0, 0.25, 0.5, 1].includes(v)) && latent.size > 1, `latent σ²: ${[...latent]}`);
});

test('a checkpoint from before pixelSigma2Choices loads with the σ² choices it was trained with', async () => {
  const file = await tinyNested(2);
  const legacy = file.replace(/nested$/, 'legacy');
  const j = JSON.parse(fs.readFileSync(file + '.json', 'utf8'));
  delete j.config.nested.pixelSigma2Choices;
  j.config.nested.sigma2Choices = [0, 0.5];
  fs.writeFileSync(legacy + '.json', JSON.stringify(j));
  fs.copyFileSync(file + '.safetensors', legacy + '.safetensors');
  const { model } = await loadNested(legacy);
  assert.equal([...model.config.pixelSigma2Choices], [0, 0.5]);
  disposeNested(model);
  const { model: now } = await loadNested(file);
  assert.equal([...now.config.pixelSigma2Choices], [0]);
  disposeNested(now);
});

test.run();
