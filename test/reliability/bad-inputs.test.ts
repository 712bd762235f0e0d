// Bad inputs across the SDK and the command line: each raises the right typed error with expected/received
// (and a hint where there is something to do); the CLI exits non-zero with `Name: message` and no stack trace.
// Writes the catalogue to out/reliability/bad-inputs.md and checks docs/bad-inputs.md lists the same cases, errors
// and exit codes (HYPNEST_UPDATE_DOCS=1 rewrites it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../sdk/core/backend';
import '../../sdk/core/grad';
import { ROOT } from './child-run';
import { hostileCliCases, hostileFixtures, hostileSdkCases, type HostileFixtures } from './hostile-cases';
import {
  catalogueMarkdown,
  catalogueSkeleton,
  cliCases,
  errorPart,
  makeFixtures,
  scrubber,
  outcomeOf,
  sdkCases,
  type CliCase,
  type Fixtures,
  type Outcome,
  type SdkCase,
} from './bad-inputs';

let fx: Fixtures;
let hx: HostileFixtures;
const sdkResults: { c: SdkCase; o: Outcome }[] = [];
const cliResults: { c: CliCase; status: number | null; stderr: string }[] = [];
const TSX_CLI = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

test.before(async () => {
  await ready();
  fx = await makeFixtures(fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-bad-')));
  hx = await hostileFixtures(fx.dir);
});

test.after(() => fx?.dispose());

test('SDK: every bad input raises its typed error with expected/received (and a hint); gaps are as documented', async () => {
  const before = tf.memory().numTensors;
  const base = sdkCases(fx);
  const more = await hostileSdkCases(hx);
  const cases = [...base.cases, ...more.cases];
  const cleanup = async () => {
    base.cleanup();
    await more.cleanup();
  };
  const failures: string[] = [];
  for (const [i, c] of cases.entries()) {
    if (i === base.cases.length) await more.setup();
    const tensors = tf.memory().numTensors - base.kept();
    const o = await outcomeOf(c.run);
    sdkResults.push({ c, o });
    const label = `${c.call} with ${c.input}`;
    if (o.name === 'Hang') failures.push(`${label}: ${o.message} (a hang)`);
    const left = tf.memory().numTensors - base.kept() - tensors;
    if (left !== 0) failures.push(`${label}: leaked ${left} tensors`);
    if (c.kind === 'ok') {
      if (o.name || !c.check(o))
        failures.push(`${label}: expected ${c.result}, got ${o.name ? `${o.name}: ${o.message}` : `returned ${o.returned}`}`);
      continue;
    }
    if (c.kind === 'gap') {
      if (!c.check(o))
        failures.push(
          `${label}: documented as a gap (${c.happens}) but got ${o.name ? `${o.name}: ${o.message}` : `returned ${o.returned}`} — move it to the typed cases`,
        );
      continue;
    }
    if (!o.typed || o.name !== c.error) {
      failures.push(`${label}: expected a ${c.error}, got ${o.name ? `${o.name}: ${o.message}` : `no error (returned ${o.returned})`}`);
      continue;
    }
    if (!o.expected || !o.received) failures.push(`${label}: ${o.name} without expected/received`);
    if (c.hint && !o.hint) failures.push(`${label}: ${o.name} without a hint: ${o.message}`);
    for (const part of c.contains) if (!o.message!.includes(part)) failures.push(`${label}: "${o.message}" lacks "${part}"`);
  }
  await cleanup();
  assert.equal(failures, []);
  assert.ok(cases.length >= 90, `${cases.length} cases`);
  assert.is(tf.memory().numTensors, before, 'the cases leave no tensor behind');
});

function runCli(c: CliCase): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [TSX_CLI, 'sdk/cli/main.ts', ...c.args], {
      cwd: ROOT,
      env: { ...process.env, HYPNEST_PROGRESS: '0', ...c.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    p.stdout.resume();
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 240_000);
    p.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

test('CLI: each bad input gives its documented exit status and stderr (typed errors: non-zero, Name: message, no stack trace)', async () => {
  const cases = [...cliCases(fx), ...hostileCliCases(hx)];
  const failures: string[] = [];
  const results: { status: number | null; stderr: string }[] = new Array(cases.length);
  // two at a time (the machine has two cores)
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < cases.length; i = next++) results[i] = await runCli(cases[i]);
  };
  await Promise.all([worker(), worker()]);
  cases.forEach((c, i) => {
    const { status, stderr } = results[i];
    cliResults.push({ c, status, stderr });
    const label = `hypnest ${c.args.join(' ')} (${c.input})`;
    const shown = stderr.length > 3000 ? `${stderr.slice(0, 1500)} … ${stderr.slice(-1500)} (${stderr.length} characters)` : stderr;
    if (status !== c.exit) failures.push(`${label}: exit ${status}, expected ${c.exit}; stderr: ${shown}`);
    const stack = /^\s+at .+:\d+/m.test(stderr);
    if (stack !== (c.gap?.stackTrace ?? false))
      failures.push(
        `${label}: ${stack ? 'stack trace on stderr' : 'documented stack trace is gone (move the case to the typed list)'}: ${shown}`,
      );
    for (const part of c.contains) if (!stderr.includes(part)) failures.push(`${label}: stderr lacks "${part}": ${shown}`);
    // readable: one error line (commander adds a "(Did you mean …?)" line)
    if (!c.gap && errorPart(stderr).split('\n').length > 2) failures.push(`${label}: the error takes more than two lines: ${shown}`);
  });
  assert.equal(failures, []);
  assert.ok(sdkResults.length + cliResults.length >= 120, `${sdkResults.length + cliResults.length} cases in the catalogue`);
});

test('the catalogue: out/reliability/bad-inputs.md, and docs/bad-inputs.md says the same', () => {
  assert.ok(sdkResults.length > 0 && cliResults.length > 0, 'the cases ran');
  const md = catalogueMarkdown(sdkResults, cliResults, scrubber(fx.dir, ROOT));
  const outDir = path.join(ROOT, 'out', 'reliability');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'bad-inputs.md'), md);
  const docs = path.join(ROOT, 'docs', 'bad-inputs.md');
  if (process.env.HYPNEST_UPDATE_DOCS === '1') {
    fs.mkdirSync(path.dirname(docs), { recursive: true });
    fs.writeFileSync(docs, md);
  }
  assert.ok(fs.existsSync(docs), 'docs/bad-inputs.md is missing: run with HYPNEST_UPDATE_DOCS=1');
  const committed = fs.readFileSync(docs, 'utf8');
  assert.fixture(
    catalogueSkeleton(committed),
    catalogueSkeleton(md),
    'docs/bad-inputs.md lists other cases, errors or exit codes: rerun with HYPNEST_UPDATE_DOCS=1 and review the diff',
  );
  if (committed !== md)
    console.log(
      '  note: docs/bad-inputs.md has older message texts than out/reliability/bad-inputs.md (HYPNEST_UPDATE_DOCS=1 refreshes it)',
    );
});

test.run();
