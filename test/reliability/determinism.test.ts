// Determinism: the same seed gives bit-identical output on the same backend — twice in this process and
// once in a fresh process — and a different seed changes every seeded output (so the check can fail).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import { bytesOf } from './tiny-models';
import { determinismOutputs, digests, type CaseOutput } from './determinism-cases';

const ROOT = path.join(__dirname, '..', '..');
let first: Record<string, CaseOutput>;

test.before(async () => {
  await ready();
});

test('same seed, same process: every case is bit-identical, and no tensor is left behind', async () => {
  const before = tf.memory().numTensors;
  first = await determinismOutputs(7);
  const again = await determinismOutputs(7);
  assert.is(tf.memory().numTensors, before);
  assert.ok(Object.keys(first).length >= 9, Object.keys(first).join(', '));
  for (const [name, a] of Object.entries(first)) {
    const b = again[name];
    assert.ok(a.values.length > 0 && a.values.every(Number.isFinite), `${name}: finite values`);
    assert.ok(
      a.values.some((v) => v !== 0),
      `${name}: not all zeros (a trivial output would prove nothing)`,
    );
    assert.ok(bytesOf(a.values).equals(bytesOf(b.values)), `${name}: two runs with seed 7 differ`);
  }
});

test('another seed changes every seeded output', async () => {
  const other = await determinismOutputs(8);
  for (const [name, a] of Object.entries(first)) {
    const same = bytesOf(a.values).equals(bytesOf(other[name].values));
    assert.is(
      same,
      !a.seeded,
      `${name}: ${a.seeded ? 'seed 8 gives the same output as seed 7' : 'an unseeded output changed with the seed'}`,
    );
  }
});

test('same seed in a fresh process: the same digests on the same backend', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join('test', 'reliability', 'determinism-cases.ts'), '7'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, HYPNEST_PROGRESS: '0' },
    timeout: 300_000,
  });
  assert.is(r.status, 0, r.stderr);
  const child = JSON.parse(r.stdout.trim().split('\n').pop()!) as { backend: string; digests: Record<string, string> };
  assert.is(child.backend, tf.getBackend());
  assert.equal(child.digests, digests(first));
});

test.run();
