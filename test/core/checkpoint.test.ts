import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createHash } from 'crypto';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { Rng } from '../../sdk/core/rng';
import { encodeSafetensors, parseSafetensors, saveCheckpoint, loadCheckpoint, readCheckpointArrays } from '../../sdk/core/checkpoint';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-ckpt-'));
test.before(async () => {
  await ready();
});
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('safetensors bytes: known layout (u64 LE length, padded JSON header, LE data)', () => {
  const bytes = encodeSafetensors({ a: { data: new Float32Array([1, -2]), shape: [2] }, b: { data: new Uint8Array([7]), shape: [] } });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.is(n % 8, 0);
  const header = Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8');
  assert.is(header.trimEnd(), '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[],"data_offsets":[8,9]}}');
  assert.ok(/^ *$/.test(header.slice(header.trimEnd().length)), 'padding is spaces');
  const data = Array.from(bytes.subarray(8 + n));
  // 1.0f = 00 00 80 3f, -2.0f = 00 00 00 c0 (little-endian), then the byte 7
  assert.equal(data, [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 7]);
});

test('safetensors: reads a hand-made file with F16, BF16, F64, I64, I8, BOOL and metadata', () => {
  const header = JSON.stringify({
    __metadata__: { framework: 'pt' },
    h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
    bf: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] },
    d: { dtype: 'F64', shape: [1], data_offsets: [6, 14] },
    l: { dtype: 'I64', shape: [1], data_offsets: [14, 22] },
    i8: { dtype: 'I8', shape: [1], data_offsets: [22, 23] },
    m: { dtype: 'BOOL', shape: [1, 1], data_offsets: [23, 24] },
  });
  const data = new Uint8Array(24);
  const dv = new DataView(data.buffer);
  dv.setUint16(0, 0x3c00, true); // 1.0 in half
  dv.setUint16(2, 0xc000, true); // -2.0 in half
  dv.setUint16(4, 0x4049, true); // bf16 of 3.140625
  dv.setFloat64(6, 0.1, true);
  dv.setBigInt64(14, -5n, true);
  dv.setInt8(22, -3);
  data[23] = 1;
  const hb = Buffer.from(header);
  const file = new Uint8Array(8 + hb.length + data.length);
  new DataView(file.buffer).setBigUint64(0, BigInt(hb.length), true);
  file.set(hb, 8);
  file.set(data, 8 + hb.length);
  const st = parseSafetensors(file);
  assert.equal(st.metadata, { framework: 'pt' });
  assert.equal(Array.from(st.tensors.h.data), [1, -2]);
  assert.is(st.tensors.bf.data[0], 3.140625);
  assert.ok(Math.abs(st.tensors.d.data[0] - 0.1) < 1e-7);
  assert.equal(Array.from(st.tensors.l.data), [-5]);
  assert.ok(st.tensors.l.data instanceof Int32Array);
  assert.equal(Array.from(st.tensors.i8.data), [-3]);
  assert.equal(st.tensors.m.shape, [1, 1]);
});

test('round trip over random tensors: values, shapes, dtypes, hash = sha256 of the file', async () => {
  const rng = new Rng(1);
  for (let trial = 0; trial < 5; trial++) {
    const shape = [1 + rng.int(4), 1 + rng.int(5)];
    const n = shape[0] * shape[1];
    const f = rng.normals(n);
    const i = Int32Array.from({ length: n }, () => rng.int(2 ** 31) - 2 ** 30);
    const u = Uint8Array.from({ length: n }, () => rng.int(256));
    const base = path.join(dir, `rt${trial}`);
    const w = tf.tensor(f, shape);
    const { hash, files } = await saveCheckpoint(base, {
      config: { kind: 'test', trial, nested: { a: [1, 2] } },
      meta: { note: 'x' },
      tensors: {
        w,
        i: { data: i, shape },
        u: { data: u, shape },
        scalar: tf.scalar(3.5),
        empty: { data: new Float32Array(0), shape: [0, 3] },
      },
    });
    w.dispose();
    assert.equal(files, [base + '.safetensors', base + '.json']);
    assert.is(hash, createHash('sha256').update(fs.readFileSync(files[0])).digest('hex'));
    const a = readCheckpointArrays(base);
    assert.equal(Array.from(a.tensors.w.data), Array.from(f));
    assert.equal(Array.from(a.tensors.i.data), Array.from(i));
    assert.equal(Array.from(a.tensors.u.data), Array.from(u));
    assert.ok(a.tensors.u.data instanceof Uint8Array);
    assert.equal(a.tensors.scalar.shape, []);
    assert.equal(a.tensors.empty.shape, [0, 3]);
    assert.equal(a.config, { kind: 'test', trial, nested: { a: [1, 2] } });
    assert.equal(a.meta, { note: 'x' });
    const before = tf.memory().numTensors;
    const l = await loadCheckpoint(base + '.json', { config: { kind: 'test', trial, nested: { a: [1, 2] } } });
    assert.is(l.hash, hash);
    assert.is(l.tensors.w.dtype, 'float32');
    assert.is(l.tensors.i.dtype, 'int32');
    assert.equal(l.tensors.w.shape, shape);
    assert.equal(Array.from(l.tensors.u.dataSync()), Array.from(u));
    assert.is(l.tensors.scalar.dataSync()[0], 3.5);
    tf.dispose(Object.values(l.tensors));
    assert.is(tf.memory().numTensors, before);
  }
});

test('same content gives the same hash; json lists the manifest', async () => {
  const t = { w: { data: new Float32Array([1, 2, 3]), shape: [3] } };
  const h1 = (await saveCheckpoint(path.join(dir, 'h1'), { config: { a: 1 }, tensors: t })).hash;
  const h2 = (await saveCheckpoint(path.join(dir, 'h2'), { config: { a: 1 }, tensors: t })).hash;
  assert.is(h1, h2);
  const j = JSON.parse(fs.readFileSync(path.join(dir, 'h1.json'), 'utf8'));
  assert.equal(j.manifest, [{ name: 'w', shape: [3], dtype: 'F32' }]);
  assert.is(j.hash, h1);
  assert.is(j.weights, 'h1.safetensors');
  assert.equal(
    fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
  );
});

test('bool tensors are stored as U8 and load as int32', async () => {
  const b = tf.tensor([true, false, true], [3], 'bool');
  await saveCheckpoint(path.join(dir, 'bool'), { config: {}, tensors: { b } });
  b.dispose();
  const a = readCheckpointArrays(path.join(dir, 'bool'));
  assert.is(a.tensors.b.dtype, 'U8');
  const l = await loadCheckpoint(path.join(dir, 'bool'));
  assert.equal(Array.from(l.tensors.b.dataSync()), [1, 0, 1]);
  tf.dispose(Object.values(l.tensors));
});

test.run();
