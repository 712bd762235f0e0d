/** The benchmark and its PyTorch peer run (on a small batch) and report the same row names (one per op and thread count). */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ready } from '../../sdk/core/backend';
import { suffixOf, threadVariants } from '../../bench/threads';

const ROOT = path.join(__dirname, '..', '..');
const NAMES = ['mobiusAdd', 'expmap0', 'logmap0', 'dist', 'geodesic', 'mobiusMatvec'];
const SMALL = { HYPNEST_BENCH_N: '2000', HYPNEST_BENCH_REPS: '1' };

test.before(async () => {
  await ready();
});

test('bench/hyperbolic.bench.ts: default export returns one timed row per core op', async () => {
  Object.assign(process.env, SMALL);
  try {
    const run = (require('../../bench/hyperbolic.bench') as typeof import('../../bench/hyperbolic.bench')).default;
    const rows = await run();
    // bench/threads.ts: [1 thread] and [2 threads] with the native kernels, [1 thread] on plain wasm.
    const expected = threadVariants().flatMap((v) => NAMES.map((n) => `${n}${v.suffix}`));
    assert.equal(
      rows.map((r) => r.name),
      expected,
    );
    for (const r of rows) assert.ok(Number.isFinite(r.ms) && r.ms >= 0, `${r.name}: ${r.ms}`);
  } finally {
    delete process.env.HYPNEST_BENCH_N;
    delete process.env.HYPNEST_BENCH_REPS;
  }
});

test('bench/hyperbolic_peer.py prints JSON rows with the same names', () => {
  const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  if (!hasTorch) {
    console.log('  (skipped: /usr/bin/python3 has no torch — apt-get install python3-torch)');
    return;
  }
  const r = spawnSync('/usr/bin/python3', [path.join(ROOT, 'bench', 'hyperbolic_peer.py')], {
    encoding: 'utf8',
    env: { ...process.env, ...SMALL },
  });
  assert.is(r.status, 0, r.stderr);
  const rows = (JSON.parse(r.stdout) as { rows: { name: string; ms: number }[] }).rows;
  assert.equal(
    rows.map((x) => x.name),
    [1, 2].flatMap((t) => NAMES.map((n) => `${n}${suffixOf(t)}`)),
  );
  for (const x of rows) assert.ok(Number.isFinite(x.ms) && x.ms >= 0, `${x.name}: ${x.ms}`);
});

test.run();
