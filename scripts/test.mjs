#!/usr/bin/env node
// The test command: build, typecheck tests, execute the tutorial notebooks, then run the uvu suite (test/;
// its browser test opens the executed notebooks' HTML in Chromium).
// Ends with the line `N passed, N failed` (each uvu test and each notebook counts as one test).
// Options: --unit (skip notebooks), --notebooks (only notebooks), any other argument is an uvu pattern.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const notebooksOnly = args.includes('--notebooks');
const pattern = args.filter((a) => !a.startsWith('--'));
const env = { ...process.env, FORCE_COLOR: '0', HYPNEST_PROGRESS: process.env.HYPNEST_PROGRESS ?? '0' };

let passed = 0;
let failed = 0;
let skipped = 0;

function run(cmd, cmdArgs, capture, extraEnv = {}) {
  const r = spawnSync(cmd, cmdArgs, {
    cwd: root,
    env: { ...env, ...extraEnv },
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  if (capture && r.stdout) process.stdout.write(r.stdout);
  return r;
}

// Debian packages the suite needs (the browser test's Chromium, the data set): installed when missing and root.
const debNeeds = [
  ['/usr/bin/chromium', 'chromium'],
  ['/usr/share/datasets/fashion-mnist', 'dataset-fashion-mnist'],
  ['/usr/lib/python3/dist-packages/jupyter_kernel_test', 'python3-jupyter-kernel-test'],
];
const debMissing = debNeeds.filter(([p]) => !existsSync(p)).map(([, pkg]) => pkg);
if (debMissing.length) {
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log(`installing Debian packages: ${debMissing.join(' ')}`);
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    spawnSync('apt-get', ['install', '-y', '-qq', ...debMissing], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } else console.log(`missing Debian packages (install them as root): apt-get install ${debMissing.join(' ')}`);
}

// The native kernel addon (oneDNN; installs libdnnl-dev when root): when it cannot be built the SDK uses its
// wasm kernels and the native comparisons in test/native are skipped.
run(process.execPath, ['scripts/build-native.mjs']);

const tsc = run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
// the browser explorer's bundle (build/browser/), which notebook 04 and the explorer tests embed
const build = tsc.status === 0 ? run(process.execPath, ['scripts/bundle-browser.mjs']) : tsc;
if (build.status !== 0) {
  console.log('build: FAILED (tsc or bundle errors above)');
  failed++;
} else console.log('build: ok');
const types = run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json']);
if (types.status !== 0) {
  console.log('typecheck of tests and benches: FAILED (errors above)');
  failed++;
} else console.log('typecheck of tests and benches: ok');

if (!unitOnly && build.status === 0) {
  const summaryFile = join(root, 'out', 'tutorials', 'summary.json');
  const r = run(process.execPath, ['scripts/tutorials.mjs', '--no-build']);
  if (existsSync(summaryFile)) {
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    for (const nb of summary.notebooks ?? []) nb.ok ? passed++ : failed++;
    if (r.status !== 0 && (summary.notebooks ?? []).every((nb) => nb.ok)) failed++;
  } else if (r.status !== 0) failed++;
}

function uvu(uvuArgs, extraEnv) {
  const r = run(process.execPath, ['node_modules/uvu/bin.js', '-r', 'tsx/cjs', 'test', ...uvuArgs], true, extraEnv);
  const out = r.stdout ?? '';
  const num = (label) => Number((out.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? 0);
  const total = num('Total');
  const ok = num('Passed');
  skipped += num('Skipped');
  passed += ok;
  failed += total - ok - num('Skipped');
  if (r.status !== 0 && total === ok) failed++; // crashed outside a test (e.g. a file failed to load)
}

if (!notebooksOnly) {
  uvu(pattern);
  // The kernel, model and fluent tests again on the wasm kernels alone (the path taken where the addon is absent).
  if (!pattern.length) {
    console.log('\nkernel, model and fluent tests with HYPNEST_NATIVE=0 (wasm kernels):');
    uvu(['(core|native|nn|models|fluent)/'], { HYPNEST_NATIVE: '0' });
  }
}

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
