import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { ConfigError, DataError } from '../../sdk/core/errors';
import { rejectsTyped } from '../helpers/expect-error';
import { loadImage, loadImageTensor } from '../../sdk/data/image';
import { loadImageFolder } from '../../sdk/data/image-folder';
import { encodePng, gridPixels, imagesToPngGrid, pngDataUrl, saveImagePng } from '../../sdk/data/png';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-img-'));
test.before(async () => {
  await ready();
});
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const solid = (w: number, h: number, channels: 3 | 4, c: { r: number; g: number; b: number; alpha?: number }) =>
  sharp({ create: { width: w, height: h, channels, background: { alpha: 1, ...c } } });

test('known values: white → 1, black → −1, pure red in RGB, any input size', async () => {
  const white = await solid(50, 17, 3, { r: 255, g: 255, b: 255 }).png().toBuffer();
  const w = await loadImage(white, { size: 8, fit: 'fill' });
  assert.is(w.length, 64);
  assert.ok(w.every((v) => v === 1));
  const black = await solid(5, 5, 3, { r: 0, g: 0, b: 0 }).jpeg().toBuffer();
  assert.ok((await loadImage(black)).every((v) => v === -1));
  const red = await solid(9, 9, 4, { r: 255, g: 0, b: 0 }).png().toBuffer();
  const rgb = await loadImage(red, { size: 4, channels: 3 });
  assert.is(rgb.length, 48);
  assert.equal(Array.from(rgb.subarray(0, 3)), [1, -1, -1]);
});

test("'contain' keeps the aspect ratio by padding with black; transparency becomes black", async () => {
  const wide = await solid(40, 10, 3, { r: 255, g: 255, b: 255 }).png().toBuffer();
  const x = await loadImage(wide, { size: 8 });
  assert.is(x[0], -1, 'top row is padding');
  assert.is(x[4 * 8], 1, 'middle row is image');
  const clear = await solid(8, 8, 4, { r: 255, g: 255, b: 255, alpha: 0 }).png().toBuffer();
  assert.ok((await loadImage(clear, { size: 8 })).every((v) => v === -1));
});

test('loadImageTensor: shape and no leaks beyond the result', async () => {
  const png = await solid(6, 6, 3, { r: 0, g: 0, b: 255 }).png().toBuffer();
  const before = tf.memory().numTensors;
  const t = await loadImageTensor(png, { size: 5, channels: 3 });
  assert.equal(t.shape, [5, 5, 3]);
  t.dispose();
  assert.is(tf.memory().numTensors, before);
});

test('errors: missing, truncated, corrupt, bad options', async () => {
  await rejectsTyped(() => loadImage(path.join(dir, 'nope.png')), DataError, 'nope.png', 'no such file');
  const png = await solid(20, 20, 3, { r: 9, g: 99, b: 199 }).png().toBuffer();
  const cut = path.join(dir, 'cut.png');
  fs.writeFileSync(cut, png.subarray(0, png.length - 30));
  await rejectsTyped(() => loadImage(cut), DataError, 'cut.png', 'truncated or corrupt');
  await rejectsTyped(() => loadImage(Buffer.from('not an image')), DataError, 'in-memory image (12 bytes)');
  await rejectsTyped(() => loadImage(png, { channels: 2 as never }), ConfigError, '1 or 3');
  await rejectsTyped(() => loadImage(png, { sise: 3 } as never), ConfigError, "Did you mean 'size'?");
});

test('image folder: classes from sorted sub-folders, mixed formats and sizes, files listed', async () => {
  const root = path.join(dir, 'folder');
  fs.mkdirSync(path.join(root, 'b_dark'), { recursive: true });
  fs.mkdirSync(path.join(root, 'a_light'), { recursive: true });
  await solid(30, 20, 3, { r: 255, g: 255, b: 255 })
    .png()
    .toFile(path.join(root, 'a_light', '1.png'));
  await solid(7, 7, 3, { r: 250, g: 250, b: 250 })
    .jpeg()
    .toFile(path.join(root, 'a_light', '2.JPG'));
  await solid(64, 64, 4, { r: 0, g: 0, b: 0 })
    .webp()
    .toFile(path.join(root, 'b_dark', 'x.webp'));
  fs.writeFileSync(path.join(root, 'b_dark', 'notes.txt'), 'ignored');
  const ds = await loadImageFolder(root, { size: 16 });
  assert.equal(ds.classNames, ['a_light', 'b_dark']);
  assert.equal(Array.from(ds.labels), [0, 0, 1]);
  assert.equal([ds.n, ds.height, ds.width, ds.channels], [3, 16, 16, 1]);
  assert.ok(ds.files[2].endsWith('x.webp'));
  assert.ok(ds.images.subarray(2 * 256).every((v) => v === -1));
  assert.ok(ds.images[256 + 100] > 0.9);
  const rgb = await loadImageFolder(root, { size: 4, channels: 3, limitPerClass: 1 });
  assert.equal([rgb.n, rgb.channels, rgb.images.length], [2, 3, 2 * 48]);
});

test('image folder errors: missing folder, no classes, empty class, corrupt file named', async () => {
  await rejectsTyped(() => loadImageFolder(path.join(dir, 'absent')), DataError, 'no such folder');
  const flat = path.join(dir, 'flat');
  fs.mkdirSync(flat);
  await rejectsTyped(() => loadImageFolder(flat), DataError, 'one sub-folder per class');
  fs.mkdirSync(path.join(flat, 'empty'));
  await rejectsTyped(() => loadImageFolder(flat), DataError, "class folder 'empty'");
  fs.writeFileSync(path.join(flat, 'empty', 'broken.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]));
  await rejectsTyped(() => loadImageFolder(flat), DataError, path.join(flat, 'empty', 'broken.png'));
});

test('PNG round trip: encode [-1, 1] → PNG → loadImage gives the values back to 1/255', async () => {
  const x = Float32Array.from({ length: 12 * 12 }, (_, i) => Math.sin(i) * 1.2); // some beyond ±1 (clamped)
  const png = await encodePng(x, { height: 12, width: 12, channels: 1 });
  const y = await loadImage(png, { size: 12 });
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(Math.max(-1, Math.min(1, x[i])) - y[i]) <= 1 / 127.5 + 1e-6);
  const t = tf.tensor3d(x, [12, 12, 1]);
  const file = path.join(dir, 'out', 'x.png');
  await saveImagePng(file, t);
  t.dispose();
  assert.equal(Array.from(await loadImage(file, { size: 12 })), Array.from(y));
  assert.ok(pngDataUrl(png).startsWith('data:image/png;base64,iVBOR'));
});

test('grid: known layout and size', async () => {
  const imgs = Float32Array.from({ length: 5 * 2 * 2 }, (_, i) => Math.floor(i / 4) / 10 - 0.5);
  const g = gridPixels(imgs, { height: 2, width: 2, channels: 1, cols: 3, pad: 1, padValue: 1 });
  assert.equal([g.height, g.width], [2 * 2 + 3, 3 * 2 + 4]);
  assert.is(g.data[0], 1, 'padding');
  assert.ok(Math.abs(g.data[1 * g.width + 1] - -0.5) < 1e-6, 'image 0 at (1, 1)');
  assert.ok(Math.abs(g.data[1 * g.width + 4] - -0.4) < 1e-6, 'image 1 at (1, 4)');
  assert.ok(Math.abs(g.data[4 * g.width + 1] - -0.2) < 1e-6, 'image 3 at (4, 1)');
  assert.is(g.data[4 * g.width + 7], 1, 'empty sixth cell stays padding');
  const t = tf.tensor4d(imgs, [5, 2, 2, 1]);
  const meta = await sharp(await imagesToPngGrid(t, { cols: 3, pad: 1 })).metadata();
  t.dispose();
  assert.equal([meta.width, meta.height, meta.format], [10, 7, 'png']);
});

test.run();
