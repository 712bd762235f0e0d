import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ValueError } from '../../sdk/core/errors';
import { blankShare } from '../../sdk/metrics';

const P = 1024;
/** An image of P pixels at the background (−1) with `ink` pixels at +1. */
const image = (ink: number) => Float32Array.from({ length: P }, (_, j) => (j < ink ? 1 : -1));
const batch = (...imgs: Float32Array[]) => {
  const data = new Float32Array(imgs.length * P);
  imgs.forEach((x, i) => data.set(x, i * P));
  return { data, rows: imgs.length, cols: P };
};

test('blankShare: the share of images with fewer ink pixels (> −0.5) than 1 % of the pixels', () => {
  assert.is(blankShare(batch(image(0), image(200), image(9), image(11))), 0.5);
  assert.is(blankShare(batch(image(300))), 0);
  // Below a quarter grey is not ink; just above it is.
  assert.is(blankShare(batch(new Float32Array(P).fill(-0.55))), 1);
  assert.is(blankShare(batch(new Float32Array(P).fill(-0.45))), 0);
  assert.is(blankShare(batch(image(40)), 0.05), 1);
});

test('blankShare: a threshold outside (0, 1) is a ValueError', () => {
  assert.throws(
    () => blankShare(batch(image(5)), 0),
    (e: unknown) => e instanceof ValueError,
  );
});

test.run();
