// Nothing lost: the real HypDAE stage-I trainer (sdk/models/hypdae/train-main.ts --tiny) in a child process is
// SIGKILLed at seeded random moments, then rerun. After every kill: every file in the folder is whole, each
// checkpoint slot loads (or, if the kill fell between a slot's weights and its json, fails its hash check and
// the other slot is intact), the run resumes exactly at its newest loadable checkpoint, and at most the
// step in flight is lost. At the end the state equals an uninterrupted run's, bit for bit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng } from '../../sdk/core/rng';
import { CheckpointError } from '../../sdk/core/errors';
import { readCheckpointArrays } from '../../sdk/core/checkpoint/load';
import { parseSafetensors } from '../../sdk/core/checkpoint/safetensors';
import { startTs, sleep, type ChildRun } from './child-run';

const STEPS = 10;
const KILLS = Number(process.env.HYPNEST_KILLS ?? 3);
const SEED = Number(process.env.HYPNEST_KILL_SEED ?? 20240917);
const SCRIPT = 'sdk/models/hypdae/train-main.ts';
const PROGRESS = /^HypDAE stage I: (\d+)\/(\d+) \(([\d.]+)s\)/;

const train = (out: string): ChildRun =>
  startTs(SCRIPT, ['--stage', '1', '--tiny', '--steps1', String(STEPS), '--checkpoint-every', '1', '--out', out], {
    HYPNEST_PROGRESS: '1',
  });

interface SlotState {
  name: string;
  step?: number;
  hash?: string;
  error?: string;
}

/** Every final file in `dir` is whole (json parses, safetensors tiles); each training slot's verdict. */
function inspect(dir: string): { slots: SlotState[]; tmpFiles: string[] } {
  const files = fs.readdirSync(dir);
  for (const f of files.filter((f) => !f.startsWith('.'))) {
    const bytes = fs.readFileSync(path.join(dir, f));
    if (f.endsWith('.json')) JSON.parse(bytes.toString('utf8'));
    if (f.endsWith('.safetensors')) parseSafetensors(bytes, f);
  }
  const slots: SlotState[] = [];
  for (const s of ['a', 'b']) {
    const base = path.join(dir, `stage1-train.${s}`);
    if (!fs.existsSync(base + '.json')) continue;
    try {
      const c = readCheckpointArrays(base);
      slots.push({ name: s, step: (c.meta as { step: number }).step, hash: c.hash });
    } catch (e) {
      assert.instance(e, CheckpointError, String(e));
      // The one inconsistency atomic writes allow: new weights renamed into place, the kill before the json.
      assert.match((e as Error).message, /sha256/);
      slots.push({ name: s, error: (e as Error).message.split('\n')[0] });
    }
  }
  return { slots, tmpFiles: files.filter((f) => f.endsWith('.tmp')) };
}

const newest = (slots: SlotState[]) => Math.max(0, ...slots.filter((s) => s.step !== undefined).map((s) => s.step!));

test(`SIGKILL ${KILLS}× at seeded random moments, resume each time; the end state equals an uninterrupted run's`, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-kill-'));
  const killed = path.join(tmp, 'killed');
  const straight = path.join(tmp, 'straight');
  const rng = new Rng(SEED);
  const t0 = Date.now();
  const reference = train(straight); // runs alongside
  const log: string[] = [];
  let saved = 0;
  let inconsistent = 0;
  let strayTmp = 0;
  try {
    for (let k = 0; k <= KILLS; k++) {
      const run = train(killed);
      const [, done, total, secs] = await run.waitFor(PROGRESS);
      const resumedFrom = STEPS - Number(total);
      assert.is(resumedFrom, saved, `run ${k} resumed at step ${resumedFrom}, the newest complete checkpoint holds step ${saved}`);
      if (k === KILLS) {
        const { code } = await run.exited;
        assert.is(code, 0, run.lines.slice(-20).join('\n'));
        log.push(`run ${k}: resumed at ${resumedFrom}, ran to the end`);
        break;
      }
      // a random moment within the next two steps (one step took `secs` here)
      const delay = Math.round(rng.next() * 2 * Number(secs) * 1000);
      await sleep(delay);
      const lastSeen = Math.max(Number(done), ...run.lines.map((l) => Number(l.match(PROGRESS)?.[1] ?? 0)));
      run.proc.kill('SIGKILL');
      const { signal, code } = await run.exited;
      const st = inspect(killed);
      inconsistent += st.slots.filter((s) => s.error).length;
      strayTmp += st.tmpFiles.length;
      const now = newest(st.slots);
      // none yet if the first kill came before the first save; once a slot exists, one always loads
      assert.ok(
        st.slots.length === 0 || st.slots.some((s) => s.step !== undefined),
        `after kill ${k}: no loadable slot (${JSON.stringify(st.slots)})`,
      );
      assert.ok(now >= saved, `after kill ${k}: the newest checkpoint went back from ${saved} to ${now}`);
      // the progress line of step s is printed before step s is saved, so step s − 1 is on disk for sure
      assert.ok(now >= resumedFrom + lastSeen - 1, `after kill ${k}: step ${resumedFrom + lastSeen} was reported but only ${now} is saved`);
      log.push(
        `run ${k}: resumed at ${resumedFrom}, killed ${delay} ms after step ${resumedFrom + Number(done)} (${signal ?? code}); newest slot: step ${now}; slots ${st.slots.map((s) => `${s.name}=${s.step ?? 'inconsistent'}`).join(' ')}`,
      );
      saved = now;
    }
    const ref = await reference.exited;
    assert.is(ref.code, 0, reference.lines.slice(-20).join('\n'));
    // the final state: both runs' newest slots and their EMA weights, byte for byte (the hash covers the
    // safetensors bytes: parameters, AdamW moments, EMA weights), and the whole loss curve
    const finalOf = (dir: string) => {
      const slots = ['a', 'b'].map((s) => readCheckpointArrays(path.join(dir, `stage1-train.${s}`)));
      const last = slots.sort((x, y) => (y.meta as { step: number }).step - (x.meta as { step: number }).step)[0];
      return { last, ema: readCheckpointArrays(path.join(dir, 'stage1')) };
    };
    const a = finalOf(killed);
    const b = finalOf(straight);
    assert.is((a.last.meta as { step: number }).step, STEPS);
    assert.equal((a.last.meta as { losses: number[] }).losses, (b.last.meta as { losses: number[] }).losses, 'loss curves');
    assert.is(a.last.hash, b.last.hash, 'training state (params, moments, EMA) differs from the uninterrupted run');
    assert.is(a.ema.hash, b.ema.hash, 'EMA weights (stage1.safetensors) differ from the uninterrupted run');
    const report = [
      ...log,
      `inconsistent slots seen: ${inconsistent}, stray temp files: ${strayTmp}, total ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    ];
    console.log(report.map((l) => `  kill | ${l}`).join('\n'));
    const outDir = path.join(__dirname, '..', '..', 'out', 'reliability');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'kill-resume.log'), report.join('\n') + '\n');
  } finally {
    reference.proc.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
