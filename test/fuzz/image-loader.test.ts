import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sharp from 'sharp';
import { DataError } from '../../sdk/core/errors';
import { Rng } from '../../sdk/core/rng';
import { mutate } from './mutate';
import { decodeIdx, encodeIdx } from '../../sdk/data/idx';
import { loadImage } from '../../sdk/data/image';

const CASES = 1000;

async function seeds(): Promise<Uint8Array[]> {
  const rng = new Rng(3);
  const raw = Buffer.from(Uint8Array.from({ length: 24 * 20 * 3 }, () => rng.int(256)));
  const img = () => sharp(raw, { raw: { width: 24, height: 20, channels: 3 } });
  return [
    await img().png().toBuffer(),
    await img().grayscale().png().toBuffer(),
    await img().ensureAlpha().png().toBuffer(),
    await img().jpeg().toBuffer(),
    await img().webp().toBuffer(),
    await img().gif().toBuffer(),
  ];
}

test(`image loader: ${CASES} mutated inputs give a valid image or a DataError, never a crash`, async () => {
  const rng = new Rng(20240601);
  const base = await seeds();
  let ok = 0;
  let errors = 0;
  for (let i = 0; i < CASES; i++) {
    const input = mutate(base[i % base.length], rng);
    const channels = rng.next() < 0.5 ? 1 : 3;
    try {
      const x = await loadImage(input, { size: 8, channels });
      assert.is(x.length, 64 * channels);
      assert.ok(
        x.every((v) => v >= -1 && v <= 1),
        `case ${i}: values in [-1, 1]`,
      );
      ok++;
    } catch (e) {
      if (!(e instanceof DataError)) throw new Error(`case ${i}: ${String(e)} is not a DataError`);
      assert.ok(e.message.includes('loadImage(an in-memory image'), e.message);
      errors++;
    }
  }
  assert.is(ok + errors, CASES);
  assert.ok(errors > CASES / 4, `most mutations are detected (${errors} errors, ${ok} decoded)`);
});

test(`IDX reader: ${CASES} mutated files give a consistent array or a DataError`, () => {
  const rng = new Rng(7);
  const data = Uint8Array.from({ length: 6 * 5 * 4 }, () => rng.int(256));
  const base = [encodeIdx([6, 5, 4], data, true), encodeIdx([6, 5, 4], data, false), encodeIdx([120], data, true)];
  let errors = 0;
  for (let i = 0; i < CASES; i++) {
    const input = mutate(base[i % base.length], rng);
    try {
      const d = decodeIdx(input);
      assert.is(
        d.data.length,
        d.dims.reduce((a, b) => a * b, 1),
      );
    } catch (e) {
      if (!(e instanceof DataError)) throw new Error(`case ${i}: ${String(e)} is not a DataError`);
      errors++;
    }
  }
  assert.ok(errors > CASES / 2, `${errors} errors`);
});

test.run();
