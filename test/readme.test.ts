/**
 * The README as a newcomer uses it: every `ts` code block, copied into a script, runs against the built SDK
 * (the import of './build/sdk' is pointed at this checkout's build); every `npm run X` it names is a script of
 * package.json; no user-facing text points outside the repository (README, docs, CLI help).
 * Needs `npm run build` first (npm test builds).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const built = path.join(root, 'build', 'sdk', 'index.js');

/** The fenced blocks of a language, in order. */
function blocks(md: string, lang: string): string[] {
  return [...md.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

test('the README has ts examples, and each runs as a script against the built SDK', () => {
  assert.ok(fs.existsSync(built), 'build/sdk missing: run npm run build');
  const examples = blocks(readme, 'ts');
  assert.ok(examples.length >= 1, 'the README shows the fluent API in a ts block');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-readme-'));
  try {
    examples.forEach((code, i) => {
      assert.match(code, /from '\.\/build\/sdk'/, `example ${i + 1} imports the built SDK as a script at the repository root would`);
      const file = path.join(dir, `example-${i + 1}.mts`);
      fs.writeFileSync(file, code.replace(/from '\.\/build\/sdk'/g, `from ${JSON.stringify(built)}`));
      const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), file], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, HYPNEST_PROGRESS: '0' },
        timeout: 600_000,
      });
      assert.is(r.status, 0, `README example ${i + 1} failed:\n${r.stderr}\n${r.stdout}`);
      if (code.includes('viz.show(')) assert.match(r.stdout, /ImageBatch\(/, 'viz.show prints an ImageBatch outside a notebook');
      if (code.includes(".save('variants.png')"))
        assert.ok(fs.existsSync(path.join(dir, 'variants.png')), 'the example wrote variants.png');
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('every `npm run X` in the README is a package.json script', () => {
  const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts);
  const named = [...readme.matchAll(/npm run ([a-z:]+)/g)].map((m) => m[1]);
  assert.ok(named.includes('notebook') && named.includes('tutorials'), 'the README names npm run tutorials and npm run notebook');
  for (const n of named) assert.ok(scripts.includes(n), `npm run ${n} is not a script of package.json`);
});

test('user-facing text points nowhere outside the repository', () => {
  const outside = /\.\.\/shared|\/work\/|shared\/reference/;
  for (const f of [
    'README.md',
    'LICENSE',
    ...fs
      .readdirSync(path.join(root, 'docs'), { recursive: true })
      .map((d) => path.join('docs', String(d)))
      .filter((f) => /\.(md|txt|html)$/.test(f)),
  ]) {
    assert.not.match(fs.readFileSync(path.join(root, f), 'utf8'), outside, f);
  }
  for (const args of [['--help'], ['eval', '--help'], ['eval', 'fewshot', '--help'], ['train', '--help']]) {
    const r = spawnSync(process.execPath, [path.join(root, 'build', 'sdk', 'cli', 'main.js'), ...args], { encoding: 'utf8' });
    assert.is(r.status, 0, `hypnest ${args.join(' ')}`);
    assert.not.match(r.stdout, outside, `hypnest ${args.join(' ')}`);
    assert.not.match(r.stdout, /\.\.\//, `hypnest ${args.join(' ')} names a path above the repository`);
  }
});

test('LICENSE is the MIT licence package.json declares', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  assert.is(pkg.license, 'MIT');
  assert.match(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'), /^MIT License/);
});

test.run();
