#!/usr/bin/env node
// Executes the tutorial notebooks headless, in order, with the project's tslab kernel.
//
//   npm run tutorials [-- --only 01[,02]] [--no-build] [--timeout SECONDS] [--keep-going]
//
// 1. builds the SDK (our tsc, never tslab's), 2. registers the kernel (kernels-setup/setup.sh),
// 3. runs every notebooks/NN-*.ipynb (names starting with _ or . are skipped) through
//    kernels-setup/execute.py (nbclient on Debian's /usr/bin/python3), stopping at the first failing cell.
// Writes out/tutorials/<name>.ipynb (executed), <name>.html (offline export) and summary.json:
//   { ok, seconds, notebooks: [{ name, ok, seconds, cells, executed, failedCell?, error? }], notRun: [names] }
// Exit status 0 iff every selected notebook ran without error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PY = '/usr/bin/python3';
const KERNEL = 'hypnest-tslab';
const outDir = join(root, 'out', 'tutorials');
const jupyterPath = join(root, '.jupyter-local', 'share', 'jupyter');

/** The notebooks to run, in order; `only` holds name prefixes ('01', '00-setup'). */
export function listNotebooks(only = []) {
  const dir = join(root, 'notebooks');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb') && !f.startsWith('_') && !f.startsWith('.'))
    .filter((f) => only.length === 0 || only.some((p) => f.startsWith(p)))
    .sort()
    .map((f) => join(dir, f));
}

function parseArgs(argv) {
  const opts = { only: [], build: true, timeout: Number(process.env.HYPNEST_CELL_TIMEOUT ?? 600), keepGoing: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only')
      opts.only.push(
        ...String(argv[++i] ?? '')
          .split(',')
          .filter(Boolean),
      );
    else if (a.startsWith('--only=')) opts.only.push(...a.slice(7).split(',').filter(Boolean));
    else if (a === '--no-build') opts.build = false;
    else if (a === '--timeout') opts.timeout = Number(argv[++i]);
    else if (a === '--keep-going') opts.keepGoing = true;
    else {
      console.error(`tutorials: unknown option ${a} (known: --only PREFIX[,PREFIX], --no-build, --timeout SECONDS, --keep-going)`);
      process.exit(2);
    }
  }
  if (!(opts.timeout > 0)) {
    console.error('tutorials: --timeout needs a positive number of seconds');
    process.exit(2);
  }
  return opts;
}

function step(label, cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
    throw new Error(`${label} failed${r.error ? ': ' + r.error.message : ''}`);
  }
  return r.stdout ?? '';
}

function indent(text, prefix = '    ') {
  return String(text)
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

/** Runs one notebook; returns its summary entry. */
function runNotebook(file, timeout) {
  const name = basename(file, '.ipynb');
  const resultFile = join(outDir, `${name}.result.json`);
  rmSync(resultFile, { force: true });
  const t0 = Date.now();
  const r = spawnSync(
    PY,
    [
      join(root, 'kernels-setup', 'execute.py'),
      file,
      join(outDir, `${name}.ipynb`),
      join(outDir, `${name}.html`),
      resultFile,
      '--kernel',
      KERNEL,
      '--timeout',
      String(timeout),
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, JUPYTER_PATH: jupyterPath }, maxBuffer: 64 << 20 },
  );
  const seconds = Math.round((Date.now() - t0) / 100) / 10;
  if (!existsSync(resultFile)) {
    const err = (r.stderr || r.error?.message || `exit status ${r.status}`).trim().split('\n').slice(-15).join('\n');
    return { name, ok: false, seconds, cells: 0, executed: 0, error: `the executor crashed:\n${err}` };
  }
  const res = JSON.parse(readFileSync(resultFile, 'utf8'));
  rmSync(resultFile, { force: true });
  const entry = {
    name,
    ok: res.ok,
    seconds,
    cells: res.cells,
    executed: res.executed,
    output: `out/tutorials/${name}.ipynb`,
    html: `out/tutorials/${name}.html`,
  };
  if (!res.ok) Object.assign(entry, { failedCell: res.failed_cell, source: res.source, error: res.error });
  if (res.html_error) entry.htmlError = res.html_error;
  return entry;
}

function report(e) {
  const time = `${e.seconds.toFixed(1)}s`.padStart(7);
  if (e.ok) {
    console.log(`ok    ${e.name.padEnd(32)} ${time}  (${e.cells} cells)`);
    return;
  }
  const where = e.failedCell ? `cell ${e.failedCell} of ${e.cells}` : 'before the first cell';
  console.log(`FAIL  ${e.name.padEnd(32)} ${time}  at ${where}`);
  if (e.source) console.log(indent(e.source.split('\n').slice(0, 8).join('\n'), '    | '));
  console.log(indent(e.error ?? 'unknown error'));
  console.log(`    (executed notebook: ${e.output})`);
}

/** Builds, registers the kernel, runs the notebooks; returns the summary (also written to summary.json). */
export function runTutorials({ only = [], build = true, timeout = 600, keepGoing = false } = {}) {
  mkdirSync(outDir, { recursive: true });
  const summaryFile = join(outDir, 'summary.json');
  rmSync(summaryFile, { force: true });
  const t0 = Date.now();
  // The native kernel addon (never fails: without it the SDK uses its wasm kernels).
  if (build)
    process.stdout.write(step('native kernels (scripts/build-native.mjs)', process.execPath, [join(root, 'scripts', 'build-native.mjs')]));
  if (build)
    step('build (tsc -p tsconfig.json)', process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
  if (build) step('browser bundle (scripts/bundle-browser.mjs)', process.execPath, [join(root, 'scripts', 'bundle-browser.mjs')]);
  step('kernel setup (kernels-setup/setup.sh)', 'bash', [join(root, 'kernels-setup', 'setup.sh')]);
  const files = listNotebooks(only);
  if (files.length === 0) throw new Error(`no notebooks match ${only.length ? only.join(', ') : 'notebooks/*.ipynb'}`);
  const notebooks = [];
  const notRun = [];
  for (const file of files) {
    if (notebooks.some((e) => !e.ok) && !keepGoing) {
      notRun.push(basename(file, '.ipynb'));
      continue;
    }
    const e = runNotebook(file, timeout);
    report(e);
    notebooks.push(e);
  }
  const summary = { ok: notebooks.every((e) => e.ok), seconds: Math.round((Date.now() - t0) / 100) / 10, notebooks, notRun };
  writeFileSync(summaryFile + '.tmp', JSON.stringify(summary, null, 1) + '\n');
  renameSync(summaryFile + '.tmp', summaryFile);
  if (notRun.length) console.log(`not run (an earlier notebook failed): ${notRun.join(', ')}`);
  const passed = notebooks.filter((e) => e.ok).length;
  console.log(`tutorials: ${passed}/${notebooks.length} notebooks ok in ${summary.seconds}s (out/tutorials/)`);
  return summary;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exit(runTutorials(parseArgs(process.argv.slice(2))).ok ? 0 : 1);
  } catch (e) {
    console.error(`tutorials: ${e.message}`);
    process.exit(1);
  }
}
