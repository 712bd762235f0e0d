/**
 * Tiny HypDAE checkpoints for the tests of the fluent API and the eval methods: stage I plus the three stage IIs
 * (hyperbolic/pseudo, euclidean/pseudo, hyperbolic/real), trained once with `runHypdaeTraining({ tiny: true })`
 * on a 120-image folder (40 G images of each of 3 seen classes; ≈ 6 s CPU) into a folder under os.tmpdir() that
 * every test file (and later runs) share. The folder name
 * carries a hash of the model sources and HYPDAE_TINY, so a change to either trains afresh. Training goes to a
 * private folder renamed into place at the end, so concurrent runs never see half a fixture.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as assert from 'uvu/assert';
import { HYPDAE_TINY, runHypdaeTraining } from '../../sdk/models/hypdae';
import { splitG } from '../../sdk/data/splits';
import { saveImagePng } from '../../sdk/data/png';

const ROOT = path.resolve(__dirname, '../..');
const SOURCES = ['sdk/models/hypdae', 'sdk/nn', 'sdk/hyperbolic/layers', 'sdk/core/checkpoint'];
const CLASSES = [0, 5, 9];
const PER_CLASS = 40;

/** <dir>/<class>/<i>.png: the first PER_CLASS G images of each of CLASSES, 32×32. */
async function imageFolder(dir: string): Promise<void> {
  for (const c of CLASSES) {
    const g = splitG({ size: 32, classes: [c], limit: PER_CLASS });
    for (let i = 0; i < g.n; i++) {
      await saveImagePng(path.join(dir, `class-${c}`, `${String(i).padStart(3, '0')}.png`), g.images.subarray(i * 1024, (i + 1) * 1024), {
        height: 32,
        width: 32,
        channels: 1,
      });
    }
  }
}

function sourceHash(): string {
  const h = createHash('sha256').update(JSON.stringify({ HYPDAE_TINY, CLASSES, PER_CLASS }));
  for (const dir of SOURCES) {
    for (const f of fs
      .readdirSync(path.join(ROOT, dir))
      .filter((n) => n.endsWith('.ts'))
      .sort()) {
      h.update(f).update(fs.readFileSync(path.join(ROOT, dir, f)));
    }
  }
  return h.digest('hex').slice(0, 12);
}

let pending: Promise<string> | undefined;

async function train(): Promise<string> {
  const dir = path.join(os.tmpdir(), `hypnest-tiny-hypdae-${sourceHash()}`);
  if (fs.existsSync(path.join(dir, 'ready.json'))) return dir;
  const tmp = fs.mkdtempSync(`${dir}.partial-`);
  const quiet = process.env.HYPNEST_PROGRESS;
  process.env.HYPNEST_PROGRESS = '0';
  const t0 = Date.now();
  try {
    const images = path.join(tmp, 'images');
    await imageFolder(images);
    await runHypdaeTraining({ stage: 'all', tiny: true, out: tmp, images });
    await runHypdaeTraining({ stage: '2', tiny: true, out: tmp, images, space: 'euclidean' });
    await runHypdaeTraining({ stage: '2', tiny: true, out: tmp, images, labels: 'real' });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    if (quiet === undefined) delete process.env.HYPNEST_PROGRESS;
    else process.env.HYPNEST_PROGRESS = quiet;
  }
  fs.writeFileSync(path.join(tmp, 'ready.json'), JSON.stringify({ seconds: (Date.now() - t0) / 1000 }) + '\n');
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another run got there first
  }
  return dir;
}

/** The folder of the tiny checkpoints (trained on first use). */
export function tinyHypdae(): Promise<string> {
  pending ??= train();
  return pending;
}

/** Four 32×32 test images in [−1, 1]: smooth blobs (no data set needed). */
export function blobs(count = 4): Float32Array {
  const out = new Float32Array(count * 1024);
  for (let i = 0; i < count; i++) {
    const cx = 12 + 3 * i;
    const cy = 16 - 2 * i;
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++) {
        out[i * 1024 + y * 32 + x] = Math.tanh(2 - ((x - cx) ** 2 + (y - cy) ** 2) / 20) * 0.95;
      }
  }
  return out;
}

/** Asserts fn throws an instance of `type` whose message contains every one of `parts`. */
export function throwsTyped(fn: () => unknown, type: Function, ...parts: (string | RegExp)[]): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, type, String(e));
    for (const p of parts) {
      const m = (e as Error).message;
      assert.ok(typeof p === 'string' ? m.includes(p) : p.test(m), `"${m}" should contain ${String(p)}`);
    }
    return;
  }
  assert.unreachable(`expected a ${type.name}`);
}
