/** Pixel-space measures and summaries used by the notebooks: pixelRms, meanPixelRms, pixelSpread, summarise, imageDiversity. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, tf } from '../../sdk/core/backend';
import { ShapeError } from '../../sdk/core/errors';
import { cosine, diversity, imageDiversity, meanPixelRms, pixelRms, pixelSpread, summarise } from '../../sdk/metrics';
import { throwsTyped } from '../helpers/expect-error';

test.before(async () => {
  await ready();
});

const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('pixelRms and meanPixelRms against hand-computed values', () => {
  close(pixelRms([0, 0, 0, 0], [1, -1, 1, -1]), 1);
  close(pixelRms([1, 2], [1, 2]), 0);
  const x = new Float32Array([0, 0, 1, 1]); // two images of 2 pixels
  close(meanPixelRms(x, new Float32Array([0, 0]), 2), 0.5); // (0 + 1) / 2
  close(meanPixelRms(x, new Float32Array([0, 0, 0, 1]), 2), (0 + Math.sqrt(0.5)) / 2); // one reference per image
  throwsTyped(() => pixelRms([1], [1, 2]), ShapeError, 'pixelRms(b)');
  throwsTyped(() => meanPixelRms(x, new Float32Array(3), 2), ShapeError, 'meanPixelRms(ref)');
  throwsTyped(() => meanPixelRms(x, new Float32Array(2), 3), ShapeError, 'meanPixelRms(n)');
});

test('pixelSpread is the mean per-pixel standard deviation across images; 0 for identical images', () => {
  close(pixelSpread([1, 2, 1, 2], 2), 0);
  close(pixelSpread([0, 0, 2, 4], 2), (1 + 2) / 2);
  throwsTyped(() => pixelSpread([1, 2, 3], 2), ShapeError, 'pixelSpread(n)');
});

test('summarise gives mean, population sd, min, max', () => {
  assert.equal(summarise([2, 4, 4, 4, 5, 5, 7, 9]), { mean: 5, std: 2, min: 2, max: 9, n: 8 });
  throwsTyped(() => summarise([]), ShapeError, 'summarise(values)');
  throwsTyped(() => summarise([1, NaN]), ShapeError, 'summarise(values)');
});

test('cosine of parallel, orthogonal and opposite vectors; lengths must match', () => {
  close(cosine([1, 2], [2, 4]), 1);
  close(cosine([1, 0], [0, 3]), 0);
  close(cosine([1, 1], [-2, -2]), -1);
  throwsTyped(() => cosine([1], [1, 2]), ShapeError, 'cosine(a, b)');
});

test('imageDiversity is the protocol diversity of the evaluator layers, and disposes every tensor', () => {
  const layers = [tf.tensor2d([1, 0, 0, 1, 1, 1], [3, 2]), tf.tensor4d([1, 2, 3, 4, 5, 6], [3, 1, 1, 2])];
  const fake = {
    features: () => ({ penultimate: tf.zeros([3, 2]), logits: tf.zeros([3, 10]), layers: layers.map((l) => l.clone()) }),
  } as never;
  const before = tf.memory().numTensors;
  const d = imageDiversity(fake, new Float32Array(3 * 1024));
  assert.is(tf.memory().numTensors, before);
  close(d, diversity(layers));
  tf.dispose(layers);
});

test.run();
