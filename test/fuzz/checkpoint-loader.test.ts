import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckpointError } from '../../sdk/core/errors';
import { Rng } from '../../sdk/core/rng';
import { mutate } from './mutate';
import { DTYPE_SIZE, encodeSafetensors, parseSafetensors, readCheckpointArrays, saveCheckpoint } from '../../sdk/core/checkpoint';

const CASES = 1000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-fuzz-ckpt-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

function tensors(rng: Rng) {
  return {
    'enc.w': { data: rng.normals(24), shape: [2, 3, 4] },
    'enc.b': { data: Int32Array.from({ length: 5 }, () => rng.int(100)), shape: [5] },
    mask: { data: Uint8Array.from({ length: 3 }, () => rng.int(2)), shape: [3] },
  };
}

test(`safetensors parser: ${CASES} mutated files parse consistently or raise CheckpointError`, () => {
  const rng = new Rng(11);
  const base = encodeSafetensors(tensors(rng), { format: 'hypnest', config: '{"a":1}' });
  let errors = 0;
  for (let i = 0; i < CASES; i++) {
    const input = mutate(base, rng);
    try {
      const st = parseSafetensors(input);
      for (const t of Object.values(st.tensors)) {
        const n = t.shape.reduce((a, b) => a * b, 1);
        assert.is(t.data.length, n);
        assert.ok(DTYPE_SIZE[t.dtype] > 0);
      }
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw new Error(`case ${i}: ${String(e)} is not a CheckpointError`);
      errors++;
    }
  }
  assert.ok(errors > CASES / 4, `${errors} errors`);
});

test('checkpoint loader: every mutated .safetensors is rejected; mutated json loads or raises CheckpointError', async () => {
  const rng = new Rng(12);
  const good = path.join(dir, 'good');
  await saveCheckpoint(good, { config: { width: 8, levels: [1, 2] }, tensors: tensors(rng) });
  const weights = fs.readFileSync(good + '.safetensors');
  const json = fs.readFileSync(good + '.json');
  const b = path.join(dir, 'case');
  for (let i = 0; i < 300; i++) {
    const mutateWeights = i % 2 === 0;
    const w = mutateWeights ? mutate(weights, rng) : weights;
    const j = mutateWeights ? json : mutate(json, rng);
    fs.writeFileSync(b + '.safetensors', w);
    fs.writeFileSync(b + '.json', j);
    try {
      readCheckpointArrays(b);
      assert.ok(!mutateWeights || Buffer.compare(Buffer.from(w), weights) === 0, `case ${i}: corrupted weights were accepted`);
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw new Error(`case ${i}: ${String(e)} is not a CheckpointError`);
    }
  }
});

test.run();
