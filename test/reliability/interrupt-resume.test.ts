// Ctrl-C and a second writer, on the real HypDAE stage-I trainer (train-main.ts --tiny) in child processes:
//   - SIGINT at a seeded random step: the step in flight finishes, a checkpoint is written, the command says how
//     to resume and exits 130; the rerun resumes there and ends bit-identical to an uninterrupted run.
//   - a second run on the same --out is refused (CheckpointError naming the holder's pid and start time); once the
//     holder is SIGKILLed its stale lock is taken over with a notice.
//   - --out inside the shipped assets/ is refused without --overwrite-shipped, before anything is written.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng } from '../../sdk/core/rng';
import { LOCK_FILE } from '../../sdk/core/output-folder';
import { readCheckpointArrays } from '../../sdk/core/checkpoint/load';
import { ROOT, startTs } from './child-run';

const STEPS = 12;
const SEED = Number(process.env.HYPNEST_INTERRUPT_SEED ?? 20261205);
const SCRIPT = 'sdk/models/hypdae/train-main.ts';
const PROGRESS = /^HypDAE stage I: (\d+)\/(\d+) \(([\d.]+)s\)/;
const train = (out: string, extra: string[] = [], steps = STEPS) =>
  startTs(SCRIPT, ['--stage', '1', '--tiny', '--steps1', String(steps), '--checkpoint-every', '100', '--out', out, ...extra], {
    HYPNEST_PROGRESS: '1',
  });
/** Steps of the lock test's runs: enough that the holder is still training when the second run starts, on any machine. */
const LONG = 100_000;

const newestSlot = (dir: string) =>
  ['a', 'b']
    .filter((s) => fs.existsSync(path.join(dir, `stage1-train.${s}.json`)))
    .map((s) => readCheckpointArrays(path.join(dir, `stage1-train.${s}`)))
    .sort((x, y) => (y.meta as { step: number }).step - (x.meta as { step: number }).step)[0];

let tmp: string;
test.before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-int-'));
});
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('SIGINT at a random step: checkpoint written, resume told, exit 130; the resumed run equals an uninterrupted one bit for bit', async () => {
  const straight = train(path.join(tmp, 'straight'));
  const dir = path.join(tmp, 'interrupted');
  const at = 1 + new Rng(SEED).int(STEPS - 2); // a step in 1 … STEPS − 2
  const run = train(dir);
  await run.waitFor(new RegExp(`^HypDAE stage I: ${at}/${STEPS} `));
  run.proc.kill('SIGINT');
  const { code } = await run.exited;
  const err = run.lines.join('\n');
  assert.is(code, 130, err.slice(-2000));
  assert.match(err, 'SIGINT: finishing the current step and writing a checkpoint');
  assert.match(err, 'Resume with the same command: hypnest');
  const saved = (newestSlot(dir).meta as { step: number }).step;
  assert.ok(
    saved >= at && saved < STEPS,
    `checkpoint at step ${saved} (SIGINT after step ${at} of ${STEPS}; checkpoint-every is 100, so only the stop wrote it)`,
  );
  assert.not.ok(fs.existsSync(path.join(dir, LOCK_FILE)), 'the lock is released on the way out');
  const resumed = train(dir);
  const [, , total] = await resumed.waitFor(PROGRESS);
  assert.is(STEPS - Number(total), saved, 'resumes at the checkpoint the stop wrote');
  assert.is((await resumed.exited).code, 0, resumed.lines.slice(-20).join('\n'));
  assert.is((await straight.exited).code, 0, straight.lines.slice(-20).join('\n'));
  const a = newestSlot(dir);
  const b = newestSlot(path.join(tmp, 'straight'));
  assert.is((a.meta as { step: number }).step, STEPS);
  assert.equal((a.meta as { losses: number[] }).losses, (b.meta as { losses: number[] }).losses, 'loss curves');
  assert.is(a.hash, b.hash, 'training state (params, moments, EMA) differs from the uninterrupted run');
  assert.is(
    readCheckpointArrays(path.join(dir, 'stage1')).hash,
    readCheckpointArrays(path.join(tmp, 'straight', 'stage1')).hash,
    'EMA weights differ',
  );
  console.log(
    `  interrupt | SIGINT after step ${at}/${STEPS}: checkpoint at step ${saved}, resumed to ${STEPS}, final state bit-identical`,
  );
});

test("a second run on the same --out is refused with the holder's pid and start time; a dead holder's lock is taken over", async () => {
  const dir = path.join(tmp, 'shared');
  const first = train(dir, [], LONG);
  await first.waitFor(PROGRESS);
  const lock = JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as { pid: number; started: string };
  assert.is(lock.pid, first.proc.pid);
  const second = train(dir, [], LONG);
  const { code } = await second.exited;
  const err = second.lines.join('\n');
  assert.is(code, 2, err);
  assert.match(err, `CheckpointError: train hypdae --out: expected an output folder no other training is writing to`);
  assert.match(err, `locked by pid ${lock.pid} (started ${lock.started}`);
  first.proc.kill('SIGKILL');
  await first.exited;
  assert.ok(fs.existsSync(path.join(dir, LOCK_FILE)), 'SIGKILL leaves the lock behind');
  const third = train(dir, [], LONG);
  await third.waitFor(/taking over the lock/);
  assert.match(third.lines.join('\n'), `from pid ${lock.pid} (started ${lock.started}), which is no longer running`);
  await third.waitFor(PROGRESS); // it trains
  third.proc.kill('SIGINT');
  assert.is((await third.exited).code, 130, third.lines.slice(-20).join('\n'));
});

test('--out inside the shipped assets/ is refused without --overwrite-shipped, and nothing there changes', async () => {
  const shipped = path.join(ROOT, 'assets', 'hypdae');
  const before = fs.readdirSync(shipped).map((f) => `${f}:${fs.statSync(path.join(shipped, f)).mtimeMs}`);
  for (const out of [shipped, path.join(ROOT, 'assets', 'hypdae', 'sub')]) {
    const r = train(out);
    const { code } = await r.exited;
    assert.is(code, 2, r.lines.join('\n'));
    assert.match(r.lines.join('\n'), 'ConfigError: train hypdae --out: expected an output folder outside the shipped assets/');
    assert.match(r.lines.join('\n'), '--overwrite-shipped');
  }
  assert.equal(
    fs.readdirSync(shipped).map((f) => `${f}:${fs.statSync(path.join(shipped, f)).mtimeMs}`),
    before,
  );
  // a symlink into assets/ is the same folder
  const link = path.join(tmp, 'link-to-assets');
  fs.symlinkSync(shipped, link);
  const r = train(link);
  assert.is((await r.exited).code, 2);
  assert.match(r.lines.join('\n'), 'outside the shipped assets/');
});

test.run();
