#!/usr/bin/env node
/**
 * Bundles the browser runtime (sdk/browser/entry.ts: tfjs with its wasm binaries, the SDK's inference path, the
 * widgets, D3) into build/browser/hypnest-explorer.js with esbuild: one self-contained script with no Node
 * built-ins and no network access. Part of `npm run build`.
 */
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'build', 'browser', 'hypnest-explorer.js');

/**
 * sdk/core/grad (imported by the Poincaré ops) registers the SDK's wasm kernels through core/backend.ts, whose Node
 * backend selection reads /proc with `fs`; the page never runs that selection (sdk/browser/runtime.ts picks its
 * own), so `fs` resolves to an empty module here, as the package.json "browser": {"fs": false} convention does.
 */
const nodeOnly = {
  name: 'node-only-empty',
  setup(b) {
    b.onResolve({ filter: /^fs$/ }, () => ({ path: 'fs', namespace: 'node-only-empty' }));
    // the native (oneDNN) addon loader is Node-only: the page gets a stub that reports it absent
    const stub = path.join(root, 'sdk', 'browser', 'native-addon-stub.ts');
    b.onResolve({ filter: /(^|\/)addon$/ }, (a) =>
      path.resolve(a.resolveDir, a.path) === path.join(root, 'sdk', 'core', 'native', 'addon') ? { path: stub } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'node-only-empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

const result = await esbuild.build({
  entryPoints: [path.join(root, 'sdk', 'browser', 'entry.ts')],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  mainFields: ['browser', 'module', 'main'],
  target: ['es2020'],
  minify: true,
  legalComments: 'none',
  loader: { '.wasm': 'binary' },
  // required lazily by sdk/core/progress.ts for terminal bars only, never in a page
  external: ['cli-progress'],
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [nodeOnly],
  outfile,
  metafile: true,
  logLevel: 'warning',
});
// The script is inlined into notebook outputs: no '</script' may appear in it.
const js = fs.readFileSync(outfile, 'utf8').replace(/<\/script/gi, '<\\/script');
fs.writeFileSync(outfile, js);
const nodeBuiltins = Object.keys(result.metafile.inputs).filter(
  (f) => f.startsWith('node:') || /^(os|path|crypto|child_process|worker_threads|events|readline)$/.test(f),
);
if (nodeBuiltins.length) throw new Error(`the browser bundle pulls Node built-ins: ${nodeBuiltins.join(', ')}`);
console.log(`${path.relative(root, outfile)}: ${(js.length / 1e6).toFixed(2)} MB`);
