#!/usr/bin/env node
// Opens the notebooks in Jupyter Notebook 6 with the project's TypeScript kernel.
//
//   npm run notebook [-- --port 8888] [--no-build]
//
// 1. builds the SDK when build/ is missing (the notebooks import ../build/sdk; --no-build skips it),
// 2. registers the tslab kernel (kernels-setup/setup.sh: re-registers it after the repository moved or Node changed),
// 3. starts `python3 -m notebook` on notebooks/ with JUPYTER_PATH pointing at the kernel, and prints the URL to open.
// Stop it with Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PY = '/usr/bin/python3';

function parseArgs(argv) {
  const o = { port: 8888, build: true };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') o.port = Number(argv[++i]);
    else if (argv[i] === '--no-build') o.build = false;
    else {
      console.error(`notebook: unknown option ${argv[i]} (known: --port N, --no-build)`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) {
    console.error('notebook: --port needs a port number (1–65535)');
    process.exit(2);
  }
  return o;
}

function run(label, cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`notebook: ${label} failed${r.error ? `: ${r.error.message}` : ''}`);
    process.exit(r.status || 1);
  }
}

const o = parseArgs(process.argv.slice(2));
if (o.build && !existsSync(join(root, 'build', 'sdk', 'index.js')))
  run('build', process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
if (o.build && !existsSync(join(root, 'build', 'browser', 'hypnest-explorer.js')))
  run('browser bundle', process.execPath, [join(root, 'scripts', 'bundle-browser.mjs')]);
run('kernel setup', 'bash', [join(root, 'kernels-setup', 'setup.sh')]);

const args = ['-m', 'notebook', '--no-browser', `--notebook-dir=${join(root, 'notebooks')}`, '--ip=127.0.0.1', `--port=${o.port}`];
if (process.getuid?.() === 0) args.push('--allow-root');
const env = { ...process.env, JUPYTER_PATH: join(root, '.jupyter-local', 'share', 'jupyter') };
const server = spawn(PY, args, { cwd: root, env, stdio: ['inherit', 'pipe', 'pipe'] });
let shown = false;
const relay = (out) => (chunk) => {
  out.write(chunk);
  const url = !shown && /(http:\/\/127\.0\.0\.1:\d+\/\S*token=\S+)/.exec(String(chunk));
  if (url) {
    shown = true;
    console.log(`\nnotebook: open ${url[1]}\n          (kernel "TypeScript (hypnest)"; Ctrl-C stops the server)\n`);
  }
};
server.stdout.on('data', relay(process.stdout));
server.stderr.on('data', relay(process.stderr));
server.on('error', (e) => {
  console.error(`notebook: cannot start ${PY} -m notebook: ${e.message}`);
  process.exit(1);
});
server.on('exit', (code) => process.exit(code ?? 0));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
