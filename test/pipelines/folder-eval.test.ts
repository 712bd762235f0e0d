/**
 * `hypnest eval fewshot --unseen DIR` on your own class-per-folder images: a folder data set made here from the
 * shipped Fashion-MNIST subset (assets/data; every unseen class's few-shot inputs, then its reference set, as PNGs)
 * with the shipped evaluator gives the same report as the built-in protocol on the same images.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fewShotInputs, referenceSet } from '../../sdk/data/splits';
import { saveImagePng } from '../../sdk/data/png';
import { CLASS_NAMES } from '../../sdk/data/classes';
import { UNSEEN_CLASSES } from '../../sdk/pipelines/eval/data';
import { folderFewShotData } from '../../sdk/pipelines/eval/folder-data';

const root = path.join(__dirname, '..', '..');
const subset = path.join(root, 'assets', 'data', 'fashion-mnist-subset');
const cli = path.join(root, 'build', 'sdk', 'cli', 'main.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-folder-eval-'));
const unseen = path.join(dir, 'unseen');

test.before(async () => {
  for (const c of UNSEEN_CLASSES) {
    const inputs = fewShotInputs(c, 1, { dir: subset });
    const ref = referenceSet(c, { dir: subset });
    const cls = path.join(unseen, CLASS_NAMES[c]);
    fs.mkdirSync(cls, { recursive: true });
    const all = [inputs.images, ref.images];
    let k = 0;
    for (const set of all) {
      for (let i = 0; i < set.length / 784; i++)
        await saveImagePng(path.join(cls, `${String(k++).padStart(4, '0')}.png`), set.slice(i * 784, (i + 1) * 784), {
          width: 28,
          height: 28,
          channels: 1,
        });
    }
  }
});

test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("folder classes named like the evaluator's take its ids; inputs and references are the protocol's pixels", async () => {
  const f = await folderFewShotData(unseen);
  assert.equal(
    f.classes,
    [...UNSEEN_CLASSES].sort((a, b) => CLASS_NAMES[a].localeCompare(CLASS_NAMES[b])),
  );
  for (const c of UNSEEN_CLASSES) {
    const inp = await f.data.inputs(c, 16);
    assert.equal(Array.from(inp.images), Array.from(fewShotInputs(c, 1, { dir: subset }).images));
    assert.equal((await f.data.reference(c, 16)).count, referenceSet(c, { dir: subset }).n);
  }
  assert.is(f.data.recognisable, true);
});

function evalRun(out: string, extra: string[]): { methods: { name: string; mean: Record<string, number> }[] } {
  const r = spawnSync(
    process.execPath,
    [cli, 'eval', 'fewshot', '--method', 'copy,augment', '--seeds', '0', '--inputs', '4', '--out', out, ...extra],
    {
      encoding: 'utf8',
      env: { ...process.env, HYPNEST_FASHION_MNIST: subset, HYPNEST_PROGRESS: '0' },
    },
  );
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(fs.readFileSync(out + '.json', 'utf8'));
}

test("eval fewshot --unseen DIR (shipped evaluator) reports the built-in protocol's numbers on the same images", () => {
  const builtIn = evalRun(path.join(dir, 'builtin'), []);
  const folder = evalRun(path.join(dir, 'folder'), ['--unseen', unseen]);
  assert.equal(
    folder.methods.map((m) => m.name),
    ['copy', 'augment'],
  );
  assert.equal(
    folder.methods.map((m) => m.mean),
    builtIn.methods.map((m) => m.mean),
  );
  assert.ok(folder.methods[1].mean.fd > 0 && Number.isFinite(folder.methods[1].mean.recognisability));
});

test('--train-evaluator: recognisability of folder classes it was trained on (held-out images of seen classes), — for others', () => {
  const train = ['--train-evaluator', unseen, '--evaluator-epochs', '1'];
  const known = evalRun(path.join(dir, 'known'), ['--unseen', unseen, ...train]);
  assert.ok(Number.isFinite(known.methods[0].mean.recognisability), 'the classes it was trained on are recognised');
  const renamed = path.join(dir, 'renamed');
  for (const c of fs.readdirSync(unseen)) fs.cpSync(path.join(unseen, c), path.join(renamed, `other-${c}`), { recursive: true });
  const unknown = evalRun(path.join(dir, 'unknown'), ['--unseen', renamed, ...train]);
  assert.is(unknown.methods[0].mean.recognisability, null, 'classes it does not know: no recognisability (NaN, null in json)');
});

test.run();
