// Memory-bounded generation, measured in fresh child processes (process.resourceUsage().maxRSS):
//   nested.levels(5).steps(1, 1).generate(2000)  peak RSS ≤ 1.5 GB (it grew to 3.6 GB and crashed the wasm heap
//   before batching), and its first 16 images equal generate(16)'s, bit for bit. DDIM steps do not change the peak
//   (each step's tensors are freed before the next), so one step per level keeps the test short.
// HYPNEST_MEMORY_HYP=1 also runs hyp.fewShot(16 images, { perOutput: 128 }).perturb(5.5).steps(2).sample()
// (2,048 outputs; long on 2 cores: 835 s measured while other work shared the CPU).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './child-run';

const LIMIT_MB = 1536;

function measure(
  args: string[],
  timeoutMs: number,
): { what: string; n: number; seconds: number; maxRssMB: number; smallEqual: boolean; tensorsLeft: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/reliability/memory-child.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, HYPNEST_PROGRESS: '0' },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  assert.is(r.status, 0, `memory-child ${args.join(' ')}: ${r.error ?? ''} ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const log = (m: object) => {
  const dir = path.join(ROOT, 'out', 'reliability');
  fs.mkdirSync(dir, { recursive: true });
  fs.appendFileSync(path.join(dir, 'memory.log'), `${new Date().toISOString()} ${JSON.stringify(m)}\n`);
  console.log(`  memory | ${JSON.stringify(m)}`);
};

test('nested.levels(5).generate(2000): peak RSS ≤ 1.5 GB, the same first images as generate(16), no tensor left', () => {
  const m = measure(['nested', '2000', '5', '1', '1'], 600_000);
  log(m);
  assert.is(m.n, 2000);
  assert.ok(m.maxRssMB <= LIMIT_MB, `peak RSS ${m.maxRssMB} MB > ${LIMIT_MB} MB`);
  assert.ok(m.smallEqual, 'the first 16 of 2,000 differ from generate(16)');
  assert.is(m.tensorsLeft, 0);
});

if (process.env.HYPNEST_MEMORY_HYP === '1') {
  test("hyp.fewShot(16 images, { perOutput: 128 }).sample(): peak RSS ≤ 1.5 GB, group 0's first outputs equal perOutput 4's", () => {
    const m = measure(['hyp', '128', '2'], 3_600_000);
    log(m);
    assert.is(m.n, 2048);
    assert.ok(m.maxRssMB <= LIMIT_MB, `peak RSS ${m.maxRssMB} MB > ${LIMIT_MB} MB`);
    assert.ok(m.smallEqual);
  });
}

test.run();
