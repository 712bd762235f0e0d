import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { DataError } from '../../sdk/core/errors';
import { decodeIdx, encodeIdx, readIdxImages, readIdxLabels } from '../../sdk/data/idx';
import { embeddedDir, fashionMnistDir } from '../../sdk/data/fashion-mnist';
import { throwsTyped } from '../helpers/expect-error';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-idx-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
const fm = fashionMnistDir().found ? fashionMnistDir().dir : embeddedDir();

const throwsData = (fn: () => unknown, ...parts: string[]): void => throwsTyped(fn, DataError, ...parts);

test('known values: header bytes of an encoded idx3', () => {
  const raw = encodeIdx([2, 1, 3], Uint8Array.from([1, 2, 3, 4, 5, 6]), false);
  assert.equal(Array.from(raw.subarray(0, 16)), [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3]);
  assert.equal(Array.from(raw.subarray(16)), [1, 2, 3, 4, 5, 6]);
});

test('round trip, gzip and raw', () => {
  const data = Uint8Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 37) % 256);
  for (const gz of [true, false]) {
    const d = decodeIdx(encodeIdx([5, 4, 3], data, gz));
    assert.equal(d.dims, [5, 4, 3]);
    assert.equal(Array.from(d.data), Array.from(data));
  }
});

test('Fashion-MNIST files: known first labels and sizes', () => {
  const lbl = readIdxLabels(path.join(fm, 't10k-labels-idx1-ubyte.gz'));
  // t10k starts: Ankle boot, Pullover, Trouser, Trouser, Shirt, Trouser, Coat, Shirt, Sandal, Sneaker
  assert.equal(Array.from(lbl.labels.subarray(0, 10)), [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  const img = readIdxImages(path.join(fm, 't10k-images-idx3-ubyte.gz'));
  assert.is(img.rows, 28);
  assert.is(img.cols, 28);
  assert.is(img.n, lbl.n);
  assert.is(img.images.length, img.n * 784);
  assert.is(img.images[0], 0, 'top-left pixel is background');
  assert.ok(
    img.images.subarray(0, 784).some((v) => v > 200),
    'the boot has bright pixels',
  );
  const train = readIdxLabels(path.join(fm, 'train-labels-idx1-ubyte.gz'));
  assert.equal(Array.from(train.labels.subarray(0, 5)), [9, 0, 0, 3, 0]);
});

test('errors: magic, type, truncation, trailing data, corrupt gzip, wrong rank, missing file', () => {
  const good = encodeIdx([2, 2], Uint8Array.from([1, 2, 3, 4]), false);
  throwsData(() => decodeIdx(Uint8Array.from([1, 2, 3, 4, 5])), 'magic number', '01 02 03 04');
  const badType = Uint8Array.from(good);
  badType[2] = 0x0d;
  throwsData(() => decodeIdx(badType), 'type 0x08', '0xd');
  throwsData(() => decodeIdx(good.subarray(0, good.length - 1)), '4 data bytes', 'truncated');
  throwsData(() => decodeIdx(good.subarray(0, 7)), 'dimension sizes');
  throwsData(() => decodeIdx(Buffer.concat([good, Buffer.from([0])])), 'trailing data');
  const gz = zlib.gzipSync(good);
  throwsData(() => decodeIdx(gz.subarray(0, gz.length - 6)), 'gzip', 'truncated');
  const f = path.join(dir, 'labels.gz');
  fs.writeFileSync(f, encodeIdx([2, 2], Uint8Array.from([1, 2, 3, 4])));
  throwsData(() => readIdxLabels(f), 'idx1', f);
  throwsData(() => readIdxImages(f), 'idx3', f);
  throwsData(() => readIdxImages(path.join(dir, 'none.gz')), 'none.gz');
});

test.run();
