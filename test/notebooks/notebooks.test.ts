/**
 * Static checks of the tutorial notebooks and of the kernel/runner plumbing. Executing the notebooks
 * themselves is the tutorials runner's job (npm run tutorials; scripts/test.mjs counts each as a test).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const nbDir = path.join(root, 'notebooks');
const KERNEL = 'hypnest-tslab';
const notebooks = fs
  .readdirSync(nbDir)
  .filter((f) => f.endsWith('.ipynb') && !f.startsWith('_') && !f.startsWith('.'))
  .sort();

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
}
interface Notebook {
  nbformat: number;
  metadata: { kernelspec?: { name?: string } };
  cells: Cell[];
}
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(nbDir, f), 'utf8')) as Notebook;
const src = (c: Cell) => (Array.isArray(c.source) ? c.source.join('') : c.source);

test('notebooks exist and are named NN-topic.ipynb, numbered from 00 without gaps', () => {
  assert.ok(notebooks.length >= 1);
  notebooks.forEach((f, i) => assert.match(f, new RegExp(`^${String(i).padStart(2, '0')}-[a-z0-9-]+\\.ipynb$`), f));
});

test('each notebook: nbformat 4, our kernel, stored without outputs, starts with prose', () => {
  for (const f of notebooks) {
    const nb = read(f);
    assert.is(nb.nbformat, 4, f);
    assert.is(nb.metadata.kernelspec?.name, KERNEL, `${f}: kernelspec`);
    assert.is(nb.cells[0]?.cell_type, 'markdown', `${f}: first cell explains`);
    for (const c of nb.cells.filter((c) => c.cell_type === 'code')) {
      assert.equal(c.outputs ?? [], [], `${f}: outputs are not committed (they hold plotly.js, megabytes)`);
      assert.ok(c.execution_count == null, `${f}: execution counts cleared`);
    }
  }
});

/** Code cells teach one idea each: at most this many lines (the plumbing belongs in the SDK). */
const MAX_CELL_LINES = 15;

test(`every code cell has at most ${MAX_CELL_LINES} lines; every notebook says what you will learn and ends with exercises`, () => {
  const long: string[] = [];
  for (const f of notebooks) {
    const cells = read(f).cells;
    cells.forEach((c, i) => {
      const lines = src(c).replace(/\n+$/, '').split('\n').length;
      if (c.cell_type === 'code' && lines > MAX_CELL_LINES) long.push(`${f} cell ${i}: ${lines} lines`);
    });
    assert.ok(
      cells.some((c) => c.cell_type === 'markdown' && /what you will learn/i.test(src(c))),
      `${f}: a "What you will learn" cell`,
    );
    const last = cells[cells.length - 1];
    assert.ok(last.cell_type === 'markdown' && /^#+ Exercises/m.test(src(last)), `${f}: ends with "Exercises"`);
    const items = src(last).match(/^\d+\. /gm) ?? [];
    assert.ok(items.length >= 2 && items.length <= 4, `${f}: 2–4 exercises (found ${items.length})`);
  }
  assert.equal(long, [], `code cells over ${MAX_CELL_LINES} lines:\n${long.join('\n')}`);
});

test('notebooks import the SDK only from its built entry point', () => {
  for (const f of notebooks) {
    for (const c of read(f).cells.filter((c) => c.cell_type === 'code')) {
      for (const m of src(c).matchAll(/(?:from\s+|require\()\s*['"](\.[^'"]*)['"]/g)) {
        assert.match(m[1], /^\.\.\/build\/sdk(\/viz)?$/, `${f}: relative import ${m[1]}`);
      }
    }
  }
});

test('kernel setup is idempotent and registers absolute paths', () => {
  const run = () => spawnSync('bash', [path.join(root, 'kernels-setup', 'setup.sh')], { encoding: 'utf8' });
  const first = run();
  assert.is(first.status, 0, first.stderr);
  const specFile = path.join(root, '.jupyter-local', 'share', 'jupyter', 'kernels', KERNEL, 'kernel.json');
  const before = fs.statSync(specFile).mtimeMs;
  const second = run();
  assert.is(second.status, 0, second.stderr);
  assert.match(second.stdout, /unchanged/);
  assert.is(fs.statSync(specFile).mtimeMs, before);
  const spec = JSON.parse(fs.readFileSync(specFile, 'utf8')) as { argv: string[]; language: string };
  assert.ok(path.isAbsolute(spec.argv[0]) && path.isAbsolute(spec.argv[1]));
  assert.is(spec.argv[1], path.join(root, 'node_modules', 'tslab', 'bin', 'tslab'));
  assert.equal(spec.argv.slice(2), ['kernel', '--config-path', '{connection_file}']);
  assert.is(spec.language, 'typescript');
});

test('the executor stops at the failing cell and reports its number and message', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-nb-'));
  try {
    const cell = (source: string) => ({ cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null });
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: KERNEL, display_name: 'TypeScript (hypnest)', language: 'typescript' } },
      cells: [cell('console.log(6 * 7)'), cell("throw new Error('deliberate failure')"), cell("console.log('never')")],
    };
    const input = path.join(dir, 'bad.ipynb');
    fs.writeFileSync(input, JSON.stringify(nb));
    const result = path.join(dir, 'result.json');
    const r = spawnSync(
      '/usr/bin/python3',
      [
        path.join(root, 'kernels-setup', 'execute.py'),
        input,
        path.join(dir, 'out.ipynb'),
        path.join(dir, 'out.html'),
        result,
        '--timeout',
        '60',
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, JUPYTER_PATH: path.join(root, '.jupyter-local', 'share', 'jupyter') },
      },
    );
    assert.is(r.status, 1, r.stderr);
    const res = JSON.parse(fs.readFileSync(result, 'utf8')) as { ok: boolean; executed: number; failed_cell: number; error: string };
    assert.is(res.ok, false);
    assert.is(res.executed, 1);
    assert.is(res.failed_cell, 2);
    assert.match(res.error, /Error: deliberate failure/);
    assert.ok(res.error.split('\n').length <= 26, 'short error, not a long trace');
    const out = JSON.parse(fs.readFileSync(path.join(dir, 'out.ipynb'), 'utf8')) as Notebook;
    const streams = (out.cells[0].outputs ?? []) as { name: string; text: string | string[] }[];
    const printed = streams
      .map((o) => [o.text].flat().join(''))
      .join('')
      .replace(/\x1b\[[0-9;]*m/g, '');
    assert.is(printed, '42\n'); // tslab colours numbers like Node's REPL
    assert.equal(out.cells[2].outputs, []);
    assert.ok(fs.statSync(path.join(dir, 'out.html')).size > 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
