#!/usr/bin/env node
/**
 * npm run bench [-- --only <topic>]
 * Runs each bench/<topic>.bench.ts (via tsx; default export: async () => [{ name, ms, note? }]) and its
 * PyTorch peer bench/<topic>_peer.py (/usr/bin/python3; prints {"rows": [{ name, ms, note? }], torch, blas, onednn}),
 * matches rows by name, prints  name | hypnest ms | PyTorch ms | ratio | wasm ms | native gain | notes,
 * and writes bench/results/latest.json and latest.md (only-<topic>.* with --only, keeping the full run; git commit, SDK path as `hypnest doctor` says it, the
 * peer's BLAS and oneDNN, load average, date, wall time of the whole run).
 * A bench file that exports `wasmPass = true` runs a second time with HYPNEST_NATIVE=0 (HYPNEST_BENCH_PASS=wasm):
 * its rows fill the wasm column of the rows with the same name up to the thread suffix (` [1 thread]`, ` [2 threads]`).
 * In a topic with a peer, rows without a partner of the same name are listed in a WARNING (stderr, stdout and the
 * results); a hypnest row `{ peer: false }` has no peer on purpose and is not listed.
 * Before the peers run, libopenblas0-pthread is installed with apt when root and missing: Debian's python3-torch
 * otherwise computes with the reference BLAS (bench/README.md).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const benchDir = path.join(root, 'bench');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
if (args.includes('--only') && !only) {
  console.error('usage: node scripts/bench.mjs [--only <topic>]');
  process.exit(2);
}

const topics = fs
  .readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .filter((t) => !only || t === only)
  .sort();
if (topics.length === 0) {
  console.error(`no bench/${only ?? '*'}.bench.ts found`);
  process.exit(2);
}

const MARK = '@@BENCH_JSON@@';
function runOurs(topic, pass) {
  const file = path.join(benchDir, `${topic}.bench.ts`);
  const code = `const mod = require(${JSON.stringify(file)}); mod.default().then((rows) => { const tf = require('@tensorflow/tfjs-core');
    const native = require(${JSON.stringify(path.join(root, 'sdk/core/native/addon'))}).nativeStatus();
    console.log(${JSON.stringify(MARK)} + JSON.stringify({ rows, backend: tf.getBackend(), native, wasmPass: mod.wasmPass === true })); process.exit(0); },
    (e) => { console.error(e); process.exit(1); });`;
  const env = pass === 'wasm' ? { ...process.env, HYPNEST_NATIVE: '0', HYPNEST_BENCH_PASS: 'wasm' } : process.env;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26, env });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith(MARK));
  const seconds = (Date.now() - t0) / 1000;
  if (r.status !== 0 || !line) {
    console.error(`bench/${topic}.bench.ts${pass === 'wasm' ? ' (wasm pass)' : ''} failed:\n${r.stderr}`);
    return { rows: [], backend: '?', seconds };
  }
  return { ...JSON.parse(line.slice(MARK.length)), seconds };
}

/** Installs libopenblas0-pthread with apt when root and missing (Debian's torch would use the reference BLAS). */
function ensureOpenBlas() {
  const installed = spawnSync('dpkg-query', ['-W', '-f=${Status}', 'libopenblas0-pthread'], { encoding: 'utf8' });
  if (installed.status === 0 && /install ok installed/.test(installed.stdout)) return 'libopenblas0-pthread installed';
  if (installed.error) return 'no dpkg-query (not Debian): BLAS not checked';
  if (process.getuid?.() !== 0) return 'libopenblas0-pthread missing and not root: install it (apt-get install libopenblas0-pthread)';
  console.error('installing libopenblas0-pthread (the PyTorch peer would otherwise use the reference BLAS) …');
  const apt = (...a) =>
    spawnSync('apt-get', a, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  let r = apt('install', '-y', '-q', 'libopenblas0-pthread');
  if (r.status !== 0) {
    apt('update', '-q');
    r = apt('install', '-y', '-q', 'libopenblas0-pthread');
  }
  return r.status === 0 ? 'libopenblas0-pthread installed now' : 'apt-get install libopenblas0-pthread failed';
}

function runPeer(topic) {
  const file = path.join(benchDir, `${topic}_peer.py`);
  if (!fs.existsSync(file)) return { rows: [], status: 'no peer' };
  if (!fs.existsSync('/usr/bin/python3')) return { rows: [], status: 'no /usr/bin/python3 (apt-get install python3 python3-torch)' };
  const t0 = Date.now();
  // Idle OpenMP threads sleep instead of spinning, as the SDK sets for its native kernels (sdk/core/native/addon.ts):
  // on a shared machine a spinning 2-thread torch waits for a descheduled thread at every barrier (measured: a batch-1
  // U-Net call 1,035 ms instead of 36 ms at load 13).
  const env = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'passive' };
  const r = spawnSync('/usr/bin/python3', [file], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26, env });
  const seconds = (Date.now() - t0) / 1000;
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    const out = JSON.parse(line);
    if (out.error) return { rows: [], status: out.error, seconds };
    return { ...out, rows: out.rows ?? [], status: `PyTorch ${out.torch ?? '?'} (default threads ${out.default_threads ?? '?'})`, seconds };
  } catch {
    return { rows: [], status: `peer failed: ${(r.stderr || line).split('\n').slice(-3).join(' ')}`, seconds };
  }
}

const fmt = (v) => (v === undefined || v === null || Number.isNaN(v) ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const baseName = (name) => name.replace(/ \[\d+ threads?\]$/, '');
const started = Date.now();
const loadStart = os.loadavg();
const blasSetup = fs.existsSync('/usr/bin/python3') ? ensureOpenBlas() : 'no /usr/bin/python3';
const results = [];
let backend = '?';
let native;
let peerInfo;
const peerStatus = {};
const timing = {};
const unmatched = {};
for (const topic of topics) {
  console.error(`running ${topic} …`);
  const ours = runOurs(topic);
  if (ours.backend !== '?') backend = ours.backend;
  if (ours.native?.available || (ours.native && !native)) native = ours.native;
  const wasm =
    ours.wasmPass && ours.native?.available
      ? (console.error(`running ${topic} (wasm pass, HYPNEST_NATIVE=0) …`), runOurs(topic, 'wasm'))
      : undefined;
  const peer = runPeer(topic);
  timing[topic] = { hypnest_s: ours.seconds, wasm_s: wasm?.seconds, peer_s: peer.seconds };
  peerStatus[topic] = peer.status;
  if (peer.blas) peerInfo = { torch: peer.torch, blas: peer.blas, onednn: peer.onednn, reference_blas: peer.reference_blas };
  if (peer.reference_blas) {
    console.error(`\n!!! WARNING: the PyTorch peer of ${topic} uses the REFERENCE BLAS (${peer.blas}); its matMul and dense rows are`);
    console.error('!!! ~10-50x slower than with OpenBLAS: install libopenblas0-pthread (apt-get install libopenblas0-pthread).\n');
  }
  const byName = new Map(peer.rows.map((r) => [r.name, r]));
  const wasmBy = new Map((wasm?.rows ?? []).map((r) => [baseName(r.name), r]));
  const seen = new Set();
  for (const r of ours.rows) {
    const p = byName.get(r.name);
    const w = wasmBy.get(baseName(r.name));
    seen.add(r.name);
    results.push({
      topic,
      name: r.name,
      hypnest_ms: r.ms,
      pytorch_ms: p?.ms,
      ratio: p && r.ms ? r.ms / p.ms : undefined,
      wasm_ms: w?.ms,
      native_gain: w?.ms && r.ms ? w.ms / r.ms : undefined,
      note: [r.note, p?.note].filter(Boolean).join('; '),
    });
  }
  for (const p of peer.rows) if (!seen.has(p.name)) results.push({ topic, name: p.name, pytorch_ms: p.ms, note: p.note ?? '' });
  if (peer.rows.length > 0) {
    // Rows are matched by exact name: say which have no partner (a row marked `peer: false` has none on purpose).
    const ourNames = new Set(ours.rows.map((r) => r.name));
    const lonely = ours.rows.filter((r) => r.peer !== false && !byName.has(r.name)).map((r) => r.name);
    const orphans = peer.rows.filter((p) => !ourNames.has(p.name)).map((p) => p.name);
    if (lonely.length || orphans.length) {
      const list = (xs) => xs.map((n) => JSON.stringify(n)).join(', ');
      const msg = [
        lonely.length ? `hypnest rows with no PyTorch row of the same name: ${list(lonely)}` : '',
        orphans.length ? `PyTorch rows with no hypnest row: ${list(orphans)}` : '',
      ].filter(Boolean);
      unmatched[topic] = msg.join('; ');
      console.error(`WARNING: ${topic}: ${unmatched[topic]} (no ratio; see bench/README.md, Conventions)`);
    }
  }
}
const totalSeconds = (Date.now() - started) / 1000;
const loadEnd = os.loadavg();

const header = [
  'name',
  'hypnest ms',
  'PyTorch ms',
  'ratio (hypnest/PyTorch)',
  'wasm ms (HYPNEST_NATIVE=0)',
  'native gain (wasm/hypnest)',
  'notes',
];
const x = (v) => (v === undefined ? '—' : `${v.toFixed(2)}x`);
const table = results.map((r) => [r.name, fmt(r.hypnest_ms), fmt(r.pytorch_ms), x(r.ratio), fmt(r.wasm_ms), x(r.native_gain), r.note]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => String(row[i]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const row of table) console.log(line(row));
for (const [t, s] of Object.entries(peerStatus)) console.log(`peer ${t}: ${s}`);
for (const [t, s] of Object.entries(unmatched)) console.log(`WARNING: ${t}: ${s}`);

const sdkPath =
  backend === 'wasm' && native
    ? native.available
      ? `wasm + native kernels: ${native.detail.replace(/, \d+ threads?$/, '')}; rows at 1 and 2 native threads (set per row, as HYPNEST_NATIVE_THREADS=1|2 would); wasm column: HYPNEST_NATIVE=0, 1 thread`
      : `wasm kernels (native kernels unavailable: ${native.detail}), 1 thread`
    : backend;
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
} catch {
  /* not a git checkout */
}
const cpus = os.cpus();
const machine = `${cpus.length} CPUs (${cpus[0]?.model ?? '?'}), load average ${loadStart[0].toFixed(1)} at the start, ${loadEnd[0].toFixed(1)} at the end`;
const meta = {
  commit,
  backend,
  sdk: sdkPath,
  native,
  peer_torch: peerInfo,
  blas_setup: blasSetup,
  machine,
  date: new Date().toISOString(),
  node: process.version,
  topics,
  peer: peerStatus,
  unmatched,
  seconds: { total: totalSeconds, ...timing },
};
const outDir = path.join(benchDir, 'results');
fs.mkdirSync(outDir, { recursive: true });
// A partial run (--only) keeps the full run's latest.* and writes its own file.
const stem = only ? `only-${only}` : 'latest';
fs.writeFileSync(path.join(outDir, `${stem}.json`), JSON.stringify({ ...meta, rows: results }, null, 2) + '\n');
const md = [
  `# Benchmarks`,
  '',
  `commit ${commit} · ${meta.date} · Node ${process.version} · \`npm run bench${only ? ` -- --only ${only}` : ''}\` took ${(totalSeconds / 60).toFixed(1)} min`,
  '',
  `- SDK: ${sdkPath}`,
  peerInfo
    ? `- PyTorch peer: torch ${peerInfo.torch}; BLAS: ${peerInfo.blas}${peerInfo.reference_blas ? ' — **REFERENCE BLAS: the peer is slow, install libopenblas0-pthread**' : ''}; oneDNN: ${peerInfo.onednn}; threads per row as named (torch.set_num_threads and openblas_set_num_threads)`
    : '- PyTorch peer: not run',
  `- BLAS set-up: ${blasSetup}`,
  `- machine: ${machine} (shared with other jobs: read the ratios rather than the times)`,
  '',
  `| ${header.join(' | ')} |`,
  `|${header.map(() => '---').join('|')}|`,
  ...table.map((r) => `| ${r.join(' | ')} |`),
  '',
  ...Object.entries(peerStatus).map(([t, s]) => `- peer ${t}: ${s}`),
  ...Object.entries(unmatched).map(([t, s]) => `- **WARNING, ${t}: ${s}**`),
  `- wall time per topic (s): ${Object.entries(timing)
    .map(([t, v]) => `${t} ${[v.hypnest_s, v.wasm_s, v.peer_s].map((s) => (s === undefined ? '—' : s.toFixed(0))).join(' / ')}`)
    .join(', ')} (hypnest / wasm pass / peer)`,
  '',
].join('\n');
fs.writeFileSync(path.join(outDir, `${stem}.md`), md);
console.error(`wrote bench/results/${stem}.json and ${stem}.md (${(totalSeconds / 60).toFixed(1)} min)`);
