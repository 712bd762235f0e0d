import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sharp from 'sharp';
import {
  encodePng,
  gridGeometry,
  imageGrid,
  imagesToDataUris,
  nestedStrip,
  resizeNearest,
  splitBatch,
  toDataUri,
  toRgb,
  trajectoryStrip,
  ImageArray,
} from '../../sdk/viz/images';
import { evenlySpaced } from '../../sdk/viz/images/strips';
import { ConfigError, ShapeError } from '../../sdk/core/errors';
import { Rng } from '../../sdk/core/rng';

/** A [-1, 1] image whose pixel (y, x) encodes its id in the top-left pixel and is a ramp elsewhere. */
function ramp(h: number, w: number, id = 0): ImageArray {
  const d = new Float32Array(h * w).map((_, i) => -1 + (2 * (i % w)) / Math.max(1, w - 1));
  d[0] = -1 + (2 * id) / 255;
  return { data: d, shape: [h, w] };
}

async function raw(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    data,
    width: info.width,
    height: info.height,
    px: (x: number, y: number) => [...data.subarray(3 * (y * info.width + x), 3 * (y * info.width + x) + 3)],
  };
}

test('toRgb: byte mapping of each range, grayscale replicated, RGB kept', () => {
  const g = toRgb({ data: new Float32Array([-1, 0, 1, 2]), shape: [2, 2] });
  assert.equal([...g.data], [0, 0, 0, 128, 128, 128, 255, 255, 255, 255, 255, 255]);
  assert.equal([...toRgb({ data: new Uint8Array([7, 200]), shape: [1, 2, 1] }).data], [7, 7, 7, 200, 200, 200]);
  assert.equal([...toRgb({ data: [0.5, 1], shape: [1, 2], range: '[0,1]' }).data], [128, 128, 128, 255, 255, 255]);
  assert.equal([...toRgb({ data: new Uint8Array([1, 2, 3]), shape: [1, 1, 3] }).data], [1, 2, 3]);
  assert.throws(
    () => toRgb({ data: new Float32Array(5), shape: [2, 2] }),
    (e: unknown) => e instanceof ShapeError,
  );
  assert.throws(
    () => toRgb({ data: new Float32Array(8), shape: [2, 2, 2] }),
    (e: unknown) => e instanceof ShapeError,
  );
});

test('resizeNearest: integer factors give exact pixel blocks; splitBatch gives views', () => {
  const rng = new Rng(1);
  const src = toRgb({ data: new Uint8Array(5 * 4).map(() => rng.int(256)), shape: [5, 4] });
  const big = resizeNearest(src, 15, 12);
  for (let y = 0; y < 15; y++)
    for (let x = 0; x < 12; x++) {
      assert.is(big.data[3 * (y * 12 + x)], src.data[3 * (Math.floor(y / 3) * 4 + Math.floor(x / 3))]);
    }
  const batch = { data: new Float32Array(3 * 2 * 2).map((_, i) => i), shape: [3, 2, 2] };
  const parts = splitBatch(batch);
  assert.is(parts.length, 3);
  assert.equal([...parts[2].data], [8, 9, 10, 11]);
  assert.throws(
    () => splitBatch({ data: new Float32Array(7), shape: [2, 2, 2] }),
    (e: unknown) => e instanceof ShapeError,
  );
});

test('imageGrid: PNG size from the geometry, each cell holds its upscaled image', async () => {
  const imgs = [0, 1, 2, 3].map((id) => ramp(28, 28, id * 40));
  const png = await imageGrid(imgs, { cols: 2 });
  const meta = await sharp(png).metadata();
  assert.is(meta.format, 'png');
  // cell = 3·28 = 84, gap 2: 2 + 84 + 2 + 84 + 2 = 174 both ways.
  assert.equal([meta.width, meta.height], [174, 174]);
  const g = gridGeometry(4, 28, { cols: 2 });
  assert.equal([g.width, g.height, g.cell], [174, 174, 84]);
  const r = await raw(png);
  for (let k = 0; k < 4; k++) {
    const left = g.left + (k % 2) * (g.cell + g.gap);
    const top = g.top + Math.floor(k / 2) * (g.cell + g.gap);
    assert.equal(r.px(left + 1, top + 1), [k * 40, k * 40, k * 40], `cell ${k} top-left 3×3 block`);
    assert.equal(r.px(left + g.cell - 1, top + 10), [255, 255, 255], 'ramp ends white');
  }
  assert.equal(r.px(1, 1), [255, 255, 255], 'white background');
});

test('imageGrid: labels are drawn in the margins; size follows the labels', async () => {
  const imgs = Array.from({ length: 6 }, (_, i) => ramp(8, 8, i));
  const opts = { cols: 3, rowLabels: ['real', 'generated'], colLabels: ['a', 'b', 'c'], title: 'T' };
  const png = await imageGrid(imgs, opts);
  const g = gridGeometry(6, 8, opts);
  const meta = await sharp(png).metadata();
  assert.equal([meta.width, meta.height], [g.width, g.height]);
  assert.ok(g.left > 40 && g.top > 30);
  const r = await raw(png);
  let dark = 0;
  for (let y = g.top; y < g.height; y++) for (let x = 0; x < g.left - 2; x++) if (r.px(x, y)[0] < 128) dark++;
  assert.ok(dark > 20, `row label pixels drawn (${dark})`);
  await imageGrid(imgs, { cols: 3, rowLabels: ['one'] }).then(
    () => assert.unreachable('should reject'),
    (e) => assert.ok(e instanceof ShapeError),
  );
  await imageGrid(imgs, { colums: 3 } as never).then(
    () => assert.unreachable('should reject'),
    (e) => assert.ok(e instanceof ConfigError),
  );
  await imageGrid([], {}).then(
    () => assert.unreachable('should reject'),
    (e) => assert.ok(e instanceof ShapeError),
  );
});

test('trajectoryStrip: two rows, at most maxSteps columns keeping first and last; batch input', async () => {
  assert.equal(evenlySpaced(50, 10)[0], 0);
  assert.equal(evenlySpaced(50, 10)[9], 49);
  assert.equal(evenlySpaced(3, 10), [0, 1, 2]);
  const steps = Array.from({ length: 50 }, (_, s) => ({ t: 981 - 20 * s, x: ramp(28, 28), x0: ramp(28, 28) }));
  const png = await trajectoryStrip(steps, { maxSteps: 6 });
  const g = gridGeometry(12, 28, { cols: 6, rowLabels: ['xₜ', 'x̂₀'], colLabels: ['t=981'] });
  const meta = await sharp(png).metadata();
  assert.equal([meta.width, meta.height], [g.width, g.height]);
  assert.is(g.rows, 2);
});

test('nestedStrip: one column per level, mixed resolutions upscaled to one cell size', async () => {
  const levels = [7, 14, 28].map((s) => ({ images: { data: new Float32Array(2 * s * s).fill(1), shape: [2, s, s] } }));
  const png = await nestedStrip(levels);
  const g = gridGeometry(6, 28, { cols: 3, colLabels: ['28×28'] });
  const meta = await sharp(png).metadata();
  assert.equal([meta.width, meta.height], [g.width, g.height]);
  const r = await raw(png);
  assert.equal(r.px(g.left + 5, g.top + g.cell + g.gap + 5), [255, 255, 255]);
  await nestedStrip([levels[0], { images: [ramp(14, 14)] }]).then(
    () => assert.unreachable(),
    (e) => assert.ok(e instanceof ShapeError),
  );
});

test('encodePng / toDataUri: scale, data-URI round trip', async () => {
  const png = await encodePng(ramp(28, 28), { scale: 4 });
  const meta = await sharp(png).metadata();
  assert.equal([meta.width, meta.height], [112, 112]);
  const uri = toDataUri(png);
  assert.ok(uri.startsWith('data:image/png;base64,'));
  assert.ok(Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64').equals(png));
  const uris = await imagesToDataUris({ data: new Uint8Array(3 * 4 * 4), shape: [3, 4, 4] });
  assert.is(uris.length, 3);
});

test.run();
