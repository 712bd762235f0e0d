/** Portable (float16) checkpoints: half rounding known values, round trip, deterministic bytes, typed errors. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { floatToHalf } from '../../sdk/core/checkpoint/dtypes';
import { encodePortable, parsePortable } from '../../sdk/core/checkpoint/portable';
import { encodeSafetensors } from '../../sdk/core/checkpoint/safetensors';
import { CheckpointError } from '../../sdk/core/errors';
import { stage1FromPortable, stage2FromPortable } from '../../sdk/models/hypdae/portable';

test('floatToHalf: known bit patterns (IEEE 754 binary16, round to nearest even)', () => {
  const cases: [number, number][] = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff],
    [65520, 0x7c00],
    [1e6, 0x7c00],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -24, 0x0001],
    [2 ** -14, 0x0400],
    [1 + 2 ** -11, 0x3c00],
    [1 + 3 * 2 ** -11, 0x3c02],
    [2 ** -26, 0x0000],
  ];
  for (const [x, h] of cases) assert.is(floatToHalf(x), h, `floatToHalf(${x})`);
  assert.is(floatToHalf(NaN) & 0x7c00, 0x7c00);
  assert.ok((floatToHalf(NaN) & 0x3ff) !== 0, 'NaN stays NaN');
});

test('encodePortable → parsePortable: config, meta, source kept; values within half precision; same bytes twice', () => {
  const data = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3);
  const c = {
    config: { model: 'x', n: 2 },
    meta: { step: 5 },
    source: 'abc',
    tensors: {
      w: { dtype: 'F32' as const, shape: [10, 100], data },
      k: { dtype: 'I32' as const, shape: [2], data: new Int32Array([7, -1]) },
    },
  };
  const a = encodePortable(c);
  assert.equal(a, encodePortable(c), 'deterministic');
  const p = parsePortable(a);
  assert.equal(p.config, c.config);
  assert.equal(p.meta, c.meta);
  assert.is(p.source, 'abc');
  assert.is(p.tensors.w.dtype, 'F16');
  assert.equal(Array.from(p.tensors.k.data), [7, -1]);
  const err = (p.tensors.w.data as Float32Array).reduce(
    (m, v, i) => Math.max(m, Math.abs(v - data[i]) / Math.max(Math.abs(data[i]), 2 ** -14)),
    0,
  );
  assert.ok(err <= 2 ** -11, `relative error ${err} ≤ 2^-11`);
});

test('parsePortable rejects safetensors that are not portable checkpoints (CheckpointError)', () => {
  const plain = encodeSafetensors({ a: { shape: [1], data: new Float32Array([1]) } }, { format: 'hypnest-checkpoint' });
  assert.throws(
    () => parsePortable(plain, 'here'),
    (e: unknown) => e instanceof CheckpointError && /hypnest-portable/.test((e as Error).message),
  );
  const bad = encodeSafetensors(
    { a: { shape: [1], data: new Float32Array([1]) } },
    { format: 'hypnest-portable', config: '[1', meta: '{}' },
  );
  assert.throws(
    () => parsePortable(bad),
    (e: unknown) => e instanceof CheckpointError,
  );
});

test('the shipped portable HypDAE weights load (stage I and both stage IIs) without leaking tensors; a swapped file is a CheckpointError', () => {
  const bytes = (k: string) => new Uint8Array(fs.readFileSync(path.join(__dirname, '..', '..', 'assets', 'browser', `${k}.safetensors`)));
  const before = tf.memory().numTensors;
  const { stage1 } = stage1FromPortable(bytes('hypdae-stage1'));
  const { stage2 } = stage2FromPortable(bytes('hypdae-stage2-hyperbolic'), stage1.config);
  assert.is(stage2.config.stage2.space, 'hyperbolic');
  assert.throws(
    () => stage1FromPortable(bytes('hypdae-stage2-euclidean')),
    (e: unknown) => e instanceof CheckpointError && /hypdae-stage1/.test((e as Error).message),
  );
  tf.dispose(Object.values(stage1.params));
  tf.dispose(Object.values(stage2.params));
  assert.ok(tf.memory().numTensors - before <= 0, 'no tensors left behind');
});

test.run();
