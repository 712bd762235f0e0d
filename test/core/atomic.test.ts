import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { tempPathFor, writeFileAtomic, writeFileAtomicSync, writeJsonAtomic, writeJsonAtomicSync } from '../../sdk/core/atomic';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-atomic-'));
async function rejects(fn: () => Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assert.match(String(e), re);
    return;
  }
  assert.unreachable('expected a rejection');
}
const leftovers = () => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));

test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('temp path is in the same directory, hidden and unique', () => {
  const target = path.join(dir, 'a.bin');
  const a = tempPathFor(target);
  const b = tempPathFor(target);
  assert.is(path.dirname(a), dir);
  assert.ok(path.basename(a).startsWith('.a.bin.'));
  assert.ok(a.endsWith('.tmp'));
  assert.is.not(a, b);
});

test('writes, overwrites, creates parent folders, leaves no temp files', async () => {
  const target = path.join(dir, 'sub', 'deeper', 'x.txt');
  await writeFileAtomic(target, 'first');
  assert.is(fs.readFileSync(target, 'utf8'), 'first');
  await writeFileAtomic(target, new Uint8Array([104, 105]));
  assert.is(fs.readFileSync(target, 'utf8'), 'hi');
  writeFileAtomicSync(target, 'sync');
  assert.is(fs.readFileSync(target, 'utf8'), 'sync');
  assert.equal(fs.readdirSync(path.dirname(target)), ['x.txt']);
});

test('json round trip (async and sync)', async () => {
  const v = { a: 1, b: [1, 2, { c: 'd' }], e: null };
  await writeJsonAtomic(path.join(dir, 'v.json'), v);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'v.json'), 'utf8')), v);
  writeJsonAtomicSync(path.join(dir, 'w.json'), v);
  assert.ok(fs.readFileSync(path.join(dir, 'w.json'), 'utf8').endsWith('}\n'));
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'w.json'), 'utf8')), v);
});

test('a failed rename keeps the old content and removes the temp file', async () => {
  const target = path.join(dir, 'keep.txt');
  fs.writeFileSync(target, 'old');
  const real = fs.promises.rename;
  let tempSeen = '';
  fs.promises.rename = (async (from: fs.PathLike) => {
    tempSeen = String(from);
    assert.is(fs.readFileSync(from, 'utf8'), 'new content', 'temp file is complete before the rename');
    throw new Error('simulated failure');
  }) as typeof fs.promises.rename;
  try {
    await rejects(() => writeFileAtomic(target, 'new content'), /simulated failure/);
  } finally {
    fs.promises.rename = real;
  }
  assert.is(fs.readFileSync(target, 'utf8'), 'old');
  assert.ok(tempSeen.startsWith(path.join(dir, '.keep.txt.')));
  assert.not.ok(fs.existsSync(tempSeen));
  assert.equal(leftovers(), []);
});

test('sync variant: a failed write keeps the old content', () => {
  const target = path.join(dir, 'keep2.txt');
  fs.writeFileSync(target, 'old');
  const bad = { length: 3 } as unknown as Uint8Array; // not writable data: writeFileSync throws
  assert.throws(() => writeFileAtomicSync(target, bad));
  assert.is(fs.readFileSync(target, 'utf8'), 'old');
  assert.equal(leftovers(), []);
});

test('a writer killed (SIGKILL) just before the rename leaves the old file intact', () => {
  const target = path.join(dir, 'killed.bin');
  fs.writeFileSync(target, 'old');
  const script = `
    const fs = require('fs');
    fs.promises.rename = async () => { process.kill(process.pid, 'SIGKILL'); await new Promise(() => {}); };
    require(${JSON.stringify(path.resolve(__dirname, '../../sdk/core/atomic.ts'))})
      .writeFileAtomic(${JSON.stringify(target)}, Buffer.alloc(1 << 20, 7));`;
  const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' });
  assert.is(r.signal, 'SIGKILL', `child should die by SIGKILL (stderr: ${r.stderr})`);
  assert.is(fs.readFileSync(target, 'utf8'), 'old');
  const tmp = leftovers().filter((f) => f.startsWith('.killed.bin.'));
  assert.is(tmp.length, 1, 'the dead writer left only its temp file');
  assert.is(fs.statSync(path.join(dir, tmp[0])).size, 1 << 20);
});

test.run();
