import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { CheckpointError, ConfigError, ShapeError } from '../../sdk/core/errors';
import { rejectsTyped } from '../helpers/expect-error';
import { diffConfig, diffTensors, loadCheckpoint, parseSafetensors, readCheckpointArrays, saveCheckpoint } from '../../sdk/core/checkpoint';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-ckpt-err-'));
const base = path.join(dir, 'model');
const tensors = () => ({
  w: { data: new Float32Array(12).fill(0.5), shape: [3, 4] },
  a: { data: new Int32Array([1, 2]), shape: [2] },
});

test.before(async () => {
  await ready();
  await saveCheckpoint(base, { config: { lr: 0.001, layers: [8, 16], act: 'silu' }, tensors: tensors() });
});
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

function throwsTyped(fn: () => unknown, type: Function, ...parts: (string | RegExp)[]): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, type, String(e));
    for (const p of parts)
      typeof p === 'string'
        ? assert.ok(String((e as Error).message).includes(p), `"${(e as Error).message}" should contain "${p}"`)
        : assert.match((e as Error).message, p);
    return;
  }
  assert.unreachable('expected an error');
}

function copyTo(name: string): string {
  const b = path.join(dir, name);
  fs.copyFileSync(base + '.safetensors', b + '.safetensors');
  fs.copyFileSync(base + '.json', b + '.json');
  return b;
}

/** safetensors bytes with a hand-written header and data length. */
function rawFile(header: object, dataLen: number): Uint8Array {
  const hb = Buffer.from(JSON.stringify(header));
  const out = new Uint8Array(8 + hb.length + dataLen);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  return out;
}

test('missing files: names the file and says how to get it', async () => {
  await rejectsTyped(
    () => loadCheckpoint(path.join(dir, 'nope')),
    CheckpointError,
    path.join(dir, 'nope.json'),
    'no such file',
    'saveCheckpoint',
  );
  await rejectsTyped(
    () => loadCheckpoint(path.join(dir, 'nope'), { hint: 'Run `hypnest train evaluator`.' }),
    CheckpointError,
    'Run `hypnest train evaluator`.',
  );
  const b = copyTo('noweights');
  fs.unlinkSync(b + '.safetensors');
  throwsTyped(() => readCheckpointArrays(b), CheckpointError, b + '.safetensors', 'no such file');
});

test('corrupt json and foreign json', () => {
  const b = copyTo('badjson');
  fs.writeFileSync(b + '.json', '{"format": "hyp');
  throwsTyped(() => readCheckpointArrays(b), CheckpointError, 'valid JSON', b + '.json');
  fs.writeFileSync(b + '.json', '{"hello": 1}');
  throwsTyped(() => readCheckpointArrays(b), CheckpointError, 'hypnest-checkpoint');
});

test('a changed weights byte fails the hash check', () => {
  const b = copyTo('flipped');
  const bytes = fs.readFileSync(b + '.safetensors');
  bytes[bytes.length - 1] ^= 1;
  fs.writeFileSync(b + '.safetensors', bytes);
  throwsTyped(() => readCheckpointArrays(b), CheckpointError, 'sha256', b + '.safetensors', 'corrupt');
});

test('header validation: length, JSON, offsets, byte counts, holes, dtypes', () => {
  throwsTyped(() => parseSafetensors(new Uint8Array(5)), CheckpointError, 'at least 8 bytes');
  const big = new Uint8Array(16);
  new DataView(big.buffer).setBigUint64(0, 1000n, true);
  throwsTyped(() => parseSafetensors(big), CheckpointError, 'header length', '1000');
  const notJson = rawFile({}, 0);
  notJson[9] = 0x7b;
  notJson[8] = 0x7b; // "{{"
  throwsTyped(() => parseSafetensors(notJson), CheckpointError, 'valid JSON');
  throwsTyped(
    () => parseSafetensors(rawFile({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 4)),
    CheckpointError,
    "tensor 'x'",
    'within the 4-byte data buffer',
  );
  throwsTyped(
    () => parseSafetensors(rawFile({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8)),
    CheckpointError,
    '12 bytes (shape [3] × F32)',
    '8 bytes',
  );
  throwsTyped(
    () => parseSafetensors(rawFile({ x: { dtype: 'U8', shape: [2], data_offsets: [2, 4] } }, 4)),
    CheckpointError,
    'starting at byte 0',
  );
  throwsTyped(
    () => parseSafetensors(rawFile({ x: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }, 5)),
    CheckpointError,
    '2 data bytes',
    '5 bytes',
  );
  throwsTyped(
    () => parseSafetensors(rawFile({ x: { dtype: 'Q4', shape: [2], data_offsets: [0, 2] } }, 2)),
    CheckpointError,
    'a dtype among',
  );
  throwsTyped(
    () => parseSafetensors(rawFile({ x: { dtype: 'U8', shape: [-2], data_offsets: [0, 2] } }, 2)),
    CheckpointError,
    'non-negative',
  );
  throwsTyped(() => parseSafetensors(rawFile({ __metadata__: { a: 1 } }, 0)), CheckpointError, '__metadata__.a');
  assert.equal(parseSafetensors(rawFile({}, 0)).tensors, {});
});

test('manifest mismatch (json edited, weights intact)', () => {
  const b = copyTo('manifest');
  const j = JSON.parse(fs.readFileSync(b + '.json', 'utf8'));
  j.manifest = [
    { name: 'w', shape: [4, 3], dtype: 'F32' },
    { name: 'z', shape: [1], dtype: 'F32' },
  ];
  fs.writeFileSync(b + '.json', JSON.stringify(j));
  throwsTyped(() => readCheckpointArrays(b), CheckpointError, 'missing: z; unexpected: a; shape of w: expected [4,3] got [3,4]');
});

test('expect: the error lists missing, unexpected, shape and dtype differences exactly', async () => {
  await rejectsTyped(
    () => loadCheckpoint(base, { expect: { w: { shape: [3, 3] }, b: { shape: [3] }, c: { shape: [1] } } }),
    CheckpointError,
    'missing: b, c; unexpected: a; shape of w: expected [3,3] got [3,4]',
  );
  throwsTyped(
    () => readCheckpointArrays(base, { expect: { w: { shape: [3, 4], dtype: 'int32' }, a: { shape: [2], dtype: 'I32' } } }),
    CheckpointError,
    'dtype of w: expected I32 got F32',
  );
  const ok = readCheckpointArrays(base, { expect: { w: { shape: [3, 4], dtype: 'float32' }, a: { shape: [2], dtype: 'int32' } } });
  assert.equal(Object.keys(ok.tensors).sort(), ['a', 'w']);
});

test('config mismatch lists the differing keys', () => {
  throwsTyped(
    () => readCheckpointArrays(base, { config: { lr: 0.01, layers: [8, 32], act: 'silu', extra: true } }),
    CheckpointError,
    'lr (stored 0.001, given 0.01)',
    'layers.1 (stored 16, given 32)',
    'extra (stored undefined, given true)',
  );
  assert.equal(diffConfig({ a: { b: 1 } }, { a: { b: 1 } }), []);
  assert.equal(diffTensors({ x: { shape: [1], dtype: 'F32' } }, { x: { shape: [1], dtype: 'float32' } }), '');
});

test('unknown load option → ConfigError with a suggestion', () => {
  throwsTyped(() => readCheckpointArrays(base, { expects: {} } as never), ConfigError, "Did you mean 'expect'?");
});

test('save errors: bad shapes, bad dtypes, disposed tensors, bad names', async () => {
  await rejectsTyped(
    () => saveCheckpoint(path.join(dir, 's1'), { config: {}, tensors: { w: { data: new Float32Array(5), shape: [2, 3] } } }),
    ShapeError,
    'tensors.w',
    'shape [2,3]',
  );
  await rejectsTyped(
    () => saveCheckpoint(path.join(dir, 's2'), { config: {}, tensors: { w: { data: [1, 2] as never, shape: [2] } } }),
    CheckpointError,
    'Float32Array',
  );
  const t = tf.tensor([1, 2]);
  t.dispose();
  await rejectsTyped(() => saveCheckpoint(path.join(dir, 's3'), { config: {}, tensors: { t } }), CheckpointError, 'disposed');
  const s = tf.tensor(['a']);
  await rejectsTyped(() => saveCheckpoint(path.join(dir, 's4'), { config: {}, tensors: { s } }), CheckpointError, 'float32, int32 or bool');
  s.dispose();
  await rejectsTyped(
    () => saveCheckpoint(path.join(dir, 's5'), { config: {}, tensors: { __metadata__: { data: new Uint8Array(1), shape: [1] } } }),
    CheckpointError,
    '__metadata__',
  );
  assert.not.ok(fs.existsSync(path.join(dir, 's1.json')));
});

test.run();
