#!/usr/bin/env node
// Builds the native kernel addon (sdk/native/hypnest_dnnl.cc: oneDNN behind N-API) into
// sdk/native/build/Release/hypnest_dnnl.node. Run by `npm run build`, `npm test`, `npm run tutorials` and CI.
// Installs Debian's libdnnl-dev (and g++/make) with apt when root and missing. Never fails the caller: when the
// addon cannot be built or loaded, it says why and the SDK uses its wasm kernels (`hypnest doctor` says so too).
// Options: --force (rebuild even when up to date), --strict (exit 1 when the addon is not usable).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'sdk', 'native');
const sources = ['hypnest_dnnl.cc', 'binding.gyp'].map((f) => join(dir, f));
const out = join(dir, 'build', 'Release', 'hypnest_dnnl.node');
const args = process.argv.slice(2);
const say = (msg) => console.log(`native: ${msg}`);

function finish(ok, why) {
  if (!ok) {
    say(`${why} — the SDK uses its wasm kernels`);
    if (existsSync(out)) rmSync(out);
  }
  process.exit(!ok && args.includes('--strict') ? 1 : 0);
}

/** Runs the addon on a 2×2 convolution in a fresh process; returns undefined when it works, else why not. */
function check() {
  const code = `const a = require(${JSON.stringify(out)}); const y = new Float32Array(1);
    a.conv2d(new Float32Array([1,2,3,4]), new Float32Array([1,1,1,1]), null, y, new Int32Array([1,2,2,1,1,2,2,1,1,1,1,0,0,0,0,1,1]));
    if (y[0] !== 10) throw new Error('conv2d returned ' + y[0] + ', expected 10'); console.log(JSON.stringify(a.info()));`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  if (r.status !== 0) return `the built addon does not work: ${(r.stderr || r.stdout).trim().split('\n').slice(-1)[0]}`;
  const i = JSON.parse(r.stdout);
  say(`ok — oneDNN ${i.onednn} (${i.runtime}, ${i.isa}), ${out.slice(root.length + 1)}`);
  return undefined;
}

if (process.env.HYPNEST_NATIVE === '0') {
  say('skipped (HYPNEST_NATIVE=0)');
  process.exit(0);
}
if (process.platform !== 'linux' || process.arch !== 'x64')
  finish(false, `not built on ${process.platform}/${process.arch} (the build step knows Debian/Ubuntu on x64)`);

const upToDate = existsSync(out) && sources.every((s) => statSync(s).mtimeMs <= statSync(out).mtimeMs);
if (upToDate && !args.includes('--force')) {
  const why = check();
  if (!why) process.exit(0);
}

// Debian packages: oneDNN's headers and library, a C++ compiler and make.
const header = ['/usr/include/dnnl.hpp', '/usr/include/oneapi/dnnl/dnnl.hpp'].find(existsSync);
const needs = [
  [header, 'libdnnl-dev'],
  ['/usr/bin/g++', 'g++'],
  ['/usr/bin/make', 'make'],
]
  .filter(([p]) => !p || !existsSync(p))
  .map(([, pkg]) => pkg);
if (needs.length) {
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    say(`installing Debian packages: ${needs.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let r = spawnSync('apt-get', ['install', '-y', '-qq', ...needs], { stdio: 'inherit', env });
    if (r.status !== 0) {
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
      r = spawnSync('apt-get', ['install', '-y', '-qq', ...needs], { stdio: 'inherit', env });
    }
    if (r.status !== 0) finish(false, `apt-get install ${needs.join(' ')} failed`);
  } else finish(false, `missing ${needs.join(', ')} (install as root: apt-get install ${needs.join(' ')})`);
}

// Node's headers: the ones installed next to this node (Debian's nodejs-dev, or the official tarball) if any.
const prefix = join(dirname(process.execPath), '..');
const nodedir = existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
const gyp = [
  join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].find(existsSync);

let built = false;
if (gyp) {
  say(`building with node-gyp${nodedir ? ` (Node headers in ${nodedir}/include/node)` : ''}`);
  const r = spawnSync(process.execPath, [gyp, 'rebuild', ...(nodedir ? [`--nodedir=${nodedir}`] : [])], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  built = r.status === 0 && existsSync(out);
  if (!built)
    say(
      `node-gyp failed: ${
        (r.stderr ?? '')
          .trim()
          .split('\n')
          .filter((l) => /error/i.test(l))
          .slice(0, 3)
          .join(' | ') || `exit ${r.status}`
      }`,
    );
}
if (!built && nodedir) {
  // The same compile without node-gyp (it may be missing, or unable to fetch headers offline).
  say('building with g++ directly');
  mkdirSync(dirname(out), { recursive: true });
  const r = spawnSync(
    'g++',
    [
      '-std=c++17',
      '-O3',
      '-fPIC',
      '-shared',
      '-fopenmp',
      '-DNAPI_VERSION=8',
      `-I${join(nodedir, 'include', 'node')}`,
      join(dir, 'hypnest_dnnl.cc'),
      '-o',
      out,
      '-ldnnl',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
  );
  built = r.status === 0;
  if (!built) say(`g++ failed: ${(r.stderr ?? '').trim().split('\n').slice(0, 3).join(' | ')}`);
}
if (!built) finish(false, nodedir || gyp ? 'the addon did not build' : 'neither node-gyp nor Node headers found');
const why = check();
finish(!why, why);
