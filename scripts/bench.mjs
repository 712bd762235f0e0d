#!/usr/bin/env node
/**
 * npm run bench [-- --only <topic>]
 * Runs each bench/<topic>.bench.ts (via tsx; default export: async () => [{ name, ms, note? }]) and its
 * PyTorch peer bench/<topic>_peer.py (/usr/bin/python3; prints {"rows": [{ name, ms, note? }]}),
 * matches rows by name, prints  name | hypnest ms | PyTorch ms | ratio (hypnest/PyTorch) | notes,
 * and writes bench/results/latest.json and latest.md (git commit, backend, date).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
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
function runOurs(topic) {
  const file = path.join(benchDir, `${topic}.bench.ts`);
  const code = `require(${JSON.stringify(file)}).default().then((rows) => { const tf = require('@tensorflow/tfjs-core');
    console.log(${JSON.stringify(MARK)} + JSON.stringify({ rows, backend: tf.getBackend() })); process.exit(0); },
    (e) => { console.error(e); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith(MARK));
  if (r.status !== 0 || !line) {
    console.error(`bench/${topic}.bench.ts failed:\n${r.stderr}`);
    return { rows: [], backend: '?' };
  }
  return JSON.parse(line.slice(MARK.length));
}

function runPeer(topic) {
  const file = path.join(benchDir, `${topic}_peer.py`);
  if (!fs.existsSync(file)) return { rows: [], status: 'no peer' };
  if (!fs.existsSync('/usr/bin/python3')) return { rows: [], status: 'no /usr/bin/python3 (apt-get install python3 python3-torch)' };
  const r = spawnSync('/usr/bin/python3', [file], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    const out = JSON.parse(line);
    if (out.error) return { rows: [], status: out.error };
    return { rows: out.rows ?? [], status: `PyTorch ${out.torch ?? '?'} (default threads ${out.default_threads ?? '?'})` };
  } catch {
    return { rows: [], status: `peer failed: ${(r.stderr || line).split('\n').slice(-3).join(' ')}` };
  }
}

const fmt = (v) => (v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const results = [];
let backend = '?';
const peerStatus = {};
for (const topic of topics) {
  console.error(`running ${topic} …`);
  const ours = runOurs(topic);
  backend = ours.backend;
  const peer = runPeer(topic);
  peerStatus[topic] = peer.status;
  const byName = new Map(peer.rows.map((r) => [r.name, r]));
  const seen = new Set();
  for (const r of ours.rows) {
    const p = byName.get(r.name);
    seen.add(r.name);
    results.push({
      topic,
      name: r.name,
      hypnest_ms: r.ms,
      pytorch_ms: p?.ms,
      ratio: p ? r.ms / p.ms : undefined,
      note: [r.note, p?.note].filter(Boolean).join('; '),
    });
  }
  for (const p of peer.rows) if (!seen.has(p.name)) results.push({ topic, name: p.name, pytorch_ms: p.ms, note: p.note ?? '' });
}

const header = ['name', 'hypnest ms', 'PyTorch ms', 'ratio (hypnest/PyTorch)', 'notes'];
const table = results.map((r) => [
  r.name,
  fmt(r.hypnest_ms),
  fmt(r.pytorch_ms),
  r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}x`,
  r.note,
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => String(row[i]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const row of table) console.log(line(row));
for (const [t, s] of Object.entries(peerStatus)) console.log(`peer ${t}: ${s}`);

let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
} catch {
  /* not a git checkout */
}
const meta = { commit, backend, date: new Date().toISOString(), node: process.version, topics, peer: peerStatus };
const outDir = path.join(benchDir, 'results');
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify({ ...meta, rows: results }, null, 2) + '\n');
const md = [
  `# Benchmarks`,
  '',
  `commit ${commit} · backend ${backend} · ${meta.date} · Node ${process.version}`,
  '',
  `| ${header.join(' | ')} |`,
  `|${header.map(() => '---').join('|')}|`,
  ...table.map((r) => `| ${r.join(' | ')} |`),
  '',
  ...Object.entries(peerStatus).map(([t, s]) => `- peer ${t}: ${s}`),
  '',
].join('\n');
fs.writeFileSync(path.join(outDir, 'latest.md'), md);
console.error(`wrote bench/results/latest.json and latest.md`);
