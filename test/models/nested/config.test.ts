import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../../sdk/core/errors';
import { condLayout, defaultClassGuidance, defaultGuidance, nestedConfig, formatNestedConfig } from '../../../sdk/models/nested/config';

test('defaults follow L: features, SVD dims, guidance 2 at the latent levels and none at the pixels', () => {
  const c = nestedConfig({ levels: 5 });
  assert.equal([...c.features], ['code', 'deep', 'mid', 'shallow']);
  assert.equal([...c.dims], [8, 16, 32, 64]);
  assert.equal(defaultGuidance(5), [2, 2, 2, 2, 1]);
  assert.equal(defaultGuidance(2), [2, 1]);
  assert.equal(defaultGuidance(1), [1]);
  assert.equal(nestedConfig({ levels: 1 }).features.length, 0);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.unet));
  assert.match(formatNestedConfig(c), 'nested L=5');
  // the pixel level decodes clean latents by default; sampling defaults match it (σ² 0, ancestral pixels)
  assert.equal([...c.pixelSigma2Choices], [0]);
  assert.equal([c.sample.sigma2, c.sample.eta, c.sample.latentEta], [0, 1, 1]);
  // twice the DDIM steps at the cheap latent levels; the pixel U-Net trained 8,000 steps
  assert.equal([c.sample.steps, c.sample.latentSteps, c.pixelTrain.steps], [20, 40, 8000]);
});

test('class-conditional defaults: weak guidance and 80 latent steps when the latent levels take the class', () => {
  assert.equal(defaultClassGuidance(5), [1.25, 1.25, 1.25, 1.25, 1]);
  assert.equal(defaultClassGuidance(3, 'all'), [1.25, 1.25, 1]);
  assert.equal(defaultClassGuidance(5, 'first'), [3, 2.5, 2, 1.5, 1]);
  assert.equal(defaultClassGuidance(1), [2]);
  assert.is(nestedConfig({ levels: 5, classes: 10 }).sample.latentSteps, 80);
  assert.is(nestedConfig({ levels: 5, classes: 10, classLevels: 'first' }).sample.latentSteps, 40);
  assert.is(nestedConfig({ levels: 5 }).sample.latentSteps, 40);
  assert.is(nestedConfig({ levels: 5, classes: 10, sample: { latentSteps: 12 } }).sample.latentSteps, 12);
});

test('condition layout: non-Markov uses every coarser level, Markov only the parent', () => {
  const all = nestedConfig({ levels: 5 });
  const noClass = { classWidth: 0 };
  assert.equal(condLayout(all, 1), { latentLevels: [], latentWidth: 0, ...noClass, sigmaWidth: 1, dropWidth: 0 });
  assert.equal(condLayout(all, 3), { latentLevels: [1, 2], latentWidth: 24, ...noClass, sigmaWidth: 3, dropWidth: 24 });
  assert.equal(condLayout(all, 5), { latentLevels: [1, 2, 3, 4], latentWidth: 120, ...noClass, sigmaWidth: 4, dropWidth: 120 });
  const mk = nestedConfig({ levels: 5, conditioning: 'markov' });
  assert.equal(condLayout(mk, 5), { latentLevels: [4], latentWidth: 64, ...noClass, sigmaWidth: 1, dropWidth: 64 });
  assert.equal(condLayout(nestedConfig({ levels: 1 }), 1).latentWidth + condLayout(nestedConfig({ levels: 1 }), 1).sigmaWidth, 0);
});

test('bad configs raise ConfigError naming the field', () => {
  for (const [o, part] of [
    [{ levels: 0 }, 'levels'],
    [{ levels: 6 }, 'levels'],
    [{ levels: 3, features: ['code'] }, 'features'],
    [{ levels: 2, dims: [999] }, 'dims'],
    [{ conditioning: 'parent' }, 'conditioning'],
    [{ sigma2Choices: [-1] }, 'sigma2Choices'],
    [{ levls: 3 }, 'levels'],
    [{ pixelSigma2Choices: [] }, 'pixelSigma2Choices'],
    [{ pixelSigma2Choices: [NaN] }, 'pixelSigma2Choices'],
  ] as const) {
    try {
      nestedConfig(o as never);
      assert.unreachable(JSON.stringify(o));
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.match((e as Error).message, part);
    }
  }
});

test.run();
