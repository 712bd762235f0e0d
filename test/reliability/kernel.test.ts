// The hypnest-tslab kernel under jupyter_kernel_test (kernels-setup/kernel_test.py, Debian's
// python3-jupyter-kernel-test on /usr/bin/python3): the protocol tests tslab supports pass, the others are
// skipped with a reason, and an SDK error inside a cell is readable and leaves the kernel usable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './child-run';

const PY = '/usr/bin/python3';
const JUPYTER_PATH = path.join(ROOT, '.jupyter-local', 'share', 'jupyter');
const SPEC = path.join(JUPYTER_PATH, 'kernels', 'hypnest-tslab', 'kernel.json');

const MUST_PASS = [
  'test_kernel_info_fields',
  'test_known_protocol_deviations',
  'test_execute_stdout',
  'test_execute_stderr',
  'test_completion',
  'test_inspect',
  'test_is_complete',
  'test_is_complete_never_invalid',
  'test_display_data',
  'test_last_expression_printed',
  'test_error_reply',
  'test_sdk_error_is_readable_and_next_cell_runs',
];
const SKIPPED = ['test_kernel_info', 'test_execute_result', 'test_error', 'test_history', 'test_pager', 'test_clear_output'];

test.before(() => {
  const probe = spawnSync(PY, ['-c', 'import jupyter_kernel_test, jupyter_client'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `${PY} cannot import jupyter_kernel_test: apt-get install python3-jupyter-kernel-test (${(probe.stderr || probe.error?.message || '').trim()})`,
    );
  }
  if (!fs.existsSync(SPEC)) {
    const r = spawnSync('bash', [path.join(ROOT, 'kernels-setup', 'setup.sh')], { cwd: ROOT, encoding: 'utf8' });
    assert.is(r.status, 0, `kernels-setup/setup.sh failed:\n${r.stdout}\n${r.stderr}`);
  }
  if (!fs.existsSync(path.join(ROOT, 'build', 'sdk', 'index.js'))) {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.is(r.status, 0, `build failed:\n${r.stdout}`);
  }
});

function unittest(): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(PY, ['-m', 'unittest', '-v', 'kernel_test'], {
      cwd: path.join(ROOT, 'kernels-setup'),
      env: { ...process.env, JUPYTER_PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 590_000);
    p.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, out });
    });
  });
}

test('jupyter_kernel_test on hypnest-tslab: supported tests pass, unsupported ones are skipped with a reason', async () => {
  const { status, out } = await unittest();
  const verdicts = new Map<string, string>();
  for (const m of out.matchAll(/^(test_\w+) \(kernel_test\.\w+\.test_\w+\)\s*\.\.\. (ok|FAIL|ERROR|skipped .+)$/gm))
    verdicts.set(m[1], m[2]);
  for (const name of MUST_PASS) assert.is(verdicts.get(name), 'ok', `${name}: ${verdicts.get(name) ?? 'did not run'}\n${out.slice(-4000)}`);
  for (const name of SKIPPED) assert.match(verdicts.get(name) ?? '', /^skipped .{20,}/, `${name} is skipped with a reason`);
  assert.is(status, 0, out.slice(-4000));
  assert.match(out, new RegExp(`Ran ${MUST_PASS.length + SKIPPED.length} tests`));
});

test.run();
