import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ready } from '../../sdk/core/backend';
import { ConfigError } from '../../sdk/core/errors';
import { Rng } from '../../sdk/core/rng';
import { augmentMethod, blurField, copyMethod, gaussianKernel, warpImage } from '../../sdk/pipelines/baselines';

test.before(async () => {
  await ready();
});

const side = 8;
const inputs = new Rng(1).normals(3 * side * side).map((v) => Math.tanh(v));
const req = { inputs, count: 3, side, outputsPerInput: 4, classId: 2, seed: 5, runSeed: 0 };

test('copy repeats each input outputsPerInput times, in order', () => {
  const out = copyMethod(req) as Float32Array;
  assert.is(out.length, 12 * side * side);
  for (let i = 0; i < 12; i++) {
    const j = Math.floor(i / 4);
    assert.equal(Array.from(out.subarray(i * 64, (i + 1) * 64)), Array.from(inputs.subarray(j * 64, (j + 1) * 64)));
  }
});

test('warp: identity parameters reproduce the image; a flip twice is the identity; shifts move pixels', () => {
  const img = inputs.subarray(0, 64);
  const same = warpImage(img, side, { flip: false, shiftR: 0, shiftC: 0 });
  assert.equal(Array.from(same), Array.from(img));
  const back = warpImage(warpImage(img, side, { flip: true, shiftR: 0, shiftC: 0 }), side, { flip: true, shiftR: 0, shiftC: 0 });
  assert.equal(Array.from(back), Array.from(img));
  const shifted = warpImage(img, side, { flip: false, shiftR: 1, shiftC: 0 });
  assert.is(shifted[side + 3], img[3]);
  assert.is(shifted[3], -1); // background enters from the top
});

test('gaussian kernel sums to 1; blur of a constant field is constant away from the border', () => {
  assert.ok(Math.abs(gaussianKernel(2).reduce((a, b) => a + b, 0) - 1) < 1e-6);
  const f = blurField(new Float32Array(32 * 32).fill(3), 32, 1);
  assert.ok(Math.abs(f[16 * 32 + 16] - 3) < 1e-5);
});

test('augment is seeded, varies between outputs, stays in [-1, 1]', async () => {
  const m = augmentMethod();
  const a = (await m(req)) as Float32Array;
  const b = (await m(req)) as Float32Array;
  const c = (await m({ ...req, seed: 6 })) as Float32Array;
  assert.equal(Array.from(a), Array.from(b));
  assert.not.equal(Array.from(a), Array.from(c));
  assert.not.equal(Array.from(a.subarray(0, 64)), Array.from(a.subarray(64, 128)));
  assert.ok(a.every((v) => v >= -1 - 1e-6 && v <= 1 + 1e-6));
  assert.throws(
    () => augmentMethod({ alpah: 3 } as never),
    (e: unknown) => e instanceof ConfigError,
  );
});

test.run();
