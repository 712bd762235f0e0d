/**
 * Round two of the bad-inputs catalogue: what a careless or hostile user still tried (issue 22). Values that are
 * finite but absurd, seeds beyond 31 bits, files that are not regular files (pipes, devices, folders, broken and
 * looping links), names that are not UTF-8, symlinked class folders, disposed tensors, null options, a progress
 * sink that is a bare function, checkpoints of another model or with an edited config (each must free what it
 * loaded: bad-inputs.test.ts compares tf.memory().numTensors around every case), output folders that are shipped,
 * locked or impossible, and evaluation filters that match nothing. Each case is a typed error or a correct result.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { setProgressSink } from '../../sdk/core/progress';
import { checkSeed } from '../../sdk/core/rng';
import { loadImage } from '../../sdk/data/image';
import { loadImageFolder } from '../../sdk/data/image-folder';
import { nested } from '../../sdk/fluent/nested';
import { hyp } from '../../sdk/fluent/hyp';
import { saveStage1, saveStage2, loadStage1, loadStage2 } from '../../sdk/models/hypdae/checkpoint';
import { loadNested } from '../../sdk/models/nested/checkpoint';
import { Evaluator } from '../../sdk/models/evaluator';
import { runFewShotEval } from '../../sdk/pipelines/eval/fewshot';
import { disposeParams } from '../../sdk/nn/params';
import { disposeStage2 } from '../../sdk/models/hypdae/stage2';
import { LOCK_FILE } from '../../sdk/core/output-folder';
import { FIXTURE_ROOT, tinyNested } from '../models/nested/fixture';
import { tinyHypdaeConfig, tinyStage1, tinyStage2 } from './tiny-models';
import type { CliCase, ErrorName, SdkCase } from './bad-inputs';

export interface HostileFixtures {
  dir: string;
  /** A class-per-folder set with a named pipe shoes/2.png. */
  fifoFolder: string;
  fifo: string;
  /** A class-per-folder set with a file whose name is Latin-1 bytes (not UTF-8). */
  latin1Folder: string;
  /** Two classes, one of them a symlink to a folder elsewhere. */
  linkedFolder: string;
  brokenLink: string;
  loopLink: string;
  emptyClassFolder: string;
  noClassFolders: string;
  stage1: string;
  stage2: string;
  protoStage1: string;
  /** An output folder locked by a live process (this one). */
  locked: string;
  imageFile: string;
}

async function png(v: number): Promise<Buffer> {
  return sharp(Buffer.alloc(32 * 32, v), { raw: { width: 32, height: 32, channels: 1 } })
    .png()
    .toBuffer();
}

export async function hostileFixtures(root: string): Promise<HostileFixtures> {
  const dir = path.join(root, 'hostile');
  const mk = (...p: string[]) => {
    const d = path.join(dir, ...p);
    fs.mkdirSync(d, { recursive: true });
    return d;
  };
  const good = await png(120);
  const classes = async (base: string) => {
    for (const c of ['shirts', 'shoes']) for (let i = 0; i < 2; i++) fs.writeFileSync(path.join(mk(base, c), `${i}.png`), good);
    return path.join(dir, base);
  };
  const fifoFolder = await classes('fifo-set');
  const fifo = path.join(fifoFolder, 'shoes', '2.png');
  execFileSync('mkfifo', [fifo]);
  const latin1Folder = await classes('latin1-set');
  fs.writeFileSync(
    Buffer.concat([Buffer.from(path.join(latin1Folder, 'shoes') + path.sep), Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from('.png')]),
    good,
  );
  const linkedFolder = await classes('linked-set');
  const elsewhere = await classes('elsewhere');
  fs.rmSync(path.join(linkedFolder, 'shoes'), { recursive: true });
  fs.symlinkSync(path.join(elsewhere, 'shoes'), path.join(linkedFolder, 'shoes'));
  const brokenLink = path.join(dir, 'broken.png');
  fs.symlinkSync(path.join(dir, 'nothing-here.png'), brokenLink);
  const loopLink = path.join(dir, 'loop.png');
  fs.symlinkSync(loopLink, loopLink);
  const emptyClassFolder = await classes('empty-class');
  mk('empty-class', 'bags');
  const noClassFolders = mk('flat');
  fs.writeFileSync(path.join(noClassFolders, 'a.png'), good);
  const imageFile = path.join(dir, 'image.png');
  fs.writeFileSync(imageFile, good);
  const s1 = tinyStage1(0);
  const stage1 = path.join(mk('ckpt'), 'stage1');
  await saveStage1(stage1, s1, { step: 1 });
  disposeParams(s1.params);
  const s2 = tinyStage2(0);
  const stage2 = path.join(dir, 'ckpt', 'stage2');
  await saveStage2(stage2, s2, {});
  disposeStage2(s2);
  // the stage-I checkpoint with a json edited to carry a __proto__ key in its config (the weights' hash still matches)
  const protoStage1 = path.join(dir, 'ckpt', 'proto');
  fs.copyFileSync(stage1 + '.safetensors', protoStage1 + '.safetensors');
  const j = fs
    .readFileSync(stage1 + '.json', 'utf8')
    .replace('"stage1":{', '"stage1":{"__proto__":{"polluted":true},')
    .replace('"stage1": {', '"stage1": {"__proto__": {"polluted": true},');
  fs.writeFileSync(protoStage1 + '.json', j);
  const locked = mk('locked-out');
  fs.writeFileSync(
    path.join(locked, LOCK_FILE),
    JSON.stringify({ pid: process.pid, started: '2026-01-01T00:00:00.000Z', host: os.hostname(), command: 'a test holding the lock' }) +
      '\n',
  );
  await tinyNested(3);
  return {
    dir,
    fifoFolder,
    fifo,
    latin1Folder,
    linkedFolder,
    brokenLink,
    loopLink,
    emptyClassFolder,
    noClassFolders,
    stage1,
    stage2,
    protoStage1,
    locked,
    imageFile,
  };
}

/** The cases; `setup` (run just before them) loads the tiny nested model once, cached for the process, so no case counts its tensors. */
export async function hostileSdkCases(
  h: HostileFixtures,
): Promise<{ cases: SdkCase[]; setup: () => Promise<void>; cleanup: () => Promise<void> }> {
  const cases: SdkCase[] = [];
  const typed = (area: string, call: string, input: string, run: () => unknown, error: ErrorName, contains: string[] = [], hint = false) =>
    cases.push({ kind: 'typed', area, call, input, run, error, contains, hint });
  const ok = (
    area: string,
    call: string,
    input: string,
    run: () => unknown,
    result: string,
    check: SdkCase extends never ? never : (o: { returned?: string }) => boolean,
  ) => cases.push({ kind: 'ok', area, call, input, run, result, check });

  // seeds: 31-bit everywhere, never wrapped
  for (const [v, label] of [
    [2 ** 32, '2^32 (wrapped to seed 0 before)'],
    [2 ** 31, '2^31'],
    [-1, '−1'],
    [1.5, '1.5'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
  ] as const) {
    typed(
      'nested',
      `nested.seed(${label.split(' ')[0]})`,
      `seed ${label}`,
      () => nested.seed(v),
      'ValueError',
      ['nested.seed(s)', '[0, 2147483647]'],
      true,
    );
  }
  typed('nested', "nested.seed('3')", 'a seed given as a string', () => nested.seed('3' as never), 'ValueError', ['received "3"']);
  ok(
    'nested',
    'nested.seed(2 ** 31 − 1)',
    'the largest seed',
    () => nested.seed(2 ** 31 - 1).plan.seed,
    'accepted (2147483647)',
    (o) => o.returned === '2147483647',
  );
  typed('core', 'checkSeed(where, 2 ** 53)', 'a seed beyond 2^53', () => checkSeed('seed', 2 ** 53), 'ValueError', ['2³¹ − 1']);
  // finite but absurd counts
  for (const [call, run, part] of [
    ['nested.steps(1e6)', () => nested.steps(1e6), 'nested.steps(n)'],
    ['nested.steps(0)', () => nested.steps(0), 'nested.steps(n)'],
    ['nested.steps(NaN)', () => nested.steps(NaN), 'nested.steps(n)'],
    ['nested.steps(20, 1e9)', () => nested.steps(20, 1e9), 'nested.steps(latentSteps)'],
    ['nested.levels(0)', () => nested.levels(0), 'nested.levels(L)'],
    ['nested.levels(9)', () => nested.levels(9), 'nested.levels(L)'],
    ['nested.levels(2.5)', () => nested.levels(2.5), 'nested.levels(L)'],
    ['nested.generate(0)', () => nested.generate(0), 'nested.generate(n)'],
    ['nested.generate(1e7)', () => nested.generate(1e7), 'nested.generate(n)'],
    ['nested.generate(2.5)', () => nested.generate(2.5), 'nested.generate(n)'],
    ['nested.cfg([NaN])', () => nested.cfg([NaN]), 'nested.cfg(scales)'],
    ["nested.cfg('strong')", () => nested.cfg('strong' as never), 'nested.cfg(scales)'],
    ['nested.sigma(-1)', () => nested.sigma(-1), 'nested.sigma'],
    ['nested.sigma(Infinity)', () => nested.sigma(Infinity), 'nested.sigma'],
    ['nested.levels(3).fix(0, z)', () => nested.levels(3).fix(0, [0]), 'nested.fix(level)'],
    ['nested.levels(3).fix(3, z)', () => nested.levels(3).fix(3, [0]), 'nested.fix(level)'],
    ['nested.fix(1, [NaN, 0])', () => nested.levels(3).fix(1, [NaN, 0]), 'nested.fix(value)'],
    ["nested.from('')", () => nested.from(''), 'nested.from(dir)'],
  ] as const)
    typed('nested', call, 'a count, weight or level out of range', run, 'ValueError', [part]);
  const tiny = () => nested.from(FIXTURE_ROOT).levels(3);
  typed(
    'nested',
    'nested.from(tiny).steps(1000).generate(2)',
    "more steps than the checkpoint's schedule has (T = 100)",
    () => tiny().steps(1000).generate(2),
    'ValueError',
    ['generate(steps)', "(the schedule's T)"],
    true,
  );
  typed(
    'nested',
    'nested.from(tiny).levels(3).cfg([1, 1]).generate(2)',
    'two guidance scales for three levels',
    () => tiny().cfg([1, 1]).generate(2),
    'ConfigError',
    ['expected 3 guidance scales'],
  );
  typed(
    'nested',
    'nested.from(tiny).levels(3).fix(1, [1, 2]).generate(2)',
    'a held latent of the wrong width',
    () => tiny().fix(1, [1, 2]).generate(2),
    'ShapeError',
    ['8 values'],
  );
  typed(
    'nested',
    'nested.from(folder without L2).levels(2).generate(1)',
    'a checkpoint folder without that L',
    () => nested.from(h.dir).levels(2).generate(1),
    'CheckpointError',
    ['no such file'],
    true,
  );
  ok(
    'nested',
    'nested.from(tiny).steps(1, 1).generate(300)',
    'n beyond one batch (128 rows)',
    () =>
      tiny()
        .steps(1, 1)
        .generate(300)
        .then((b) => b.count),
    '300 images, generated in 3 batches',
    (o) => o.returned === '300',
  );
  ok(
    'nested',
    'nested.from(tiny).steps(2, 2).seed(4).generate(130) vs .generate(3)',
    'the same seed with a larger n',
    () =>
      Promise.all([tiny().steps(2, 2).seed(4).generate(130), tiny().steps(2, 2).seed(4).generate(3)]).then(([a, b]) =>
        Buffer.from(a.data.buffer, 0, b.data.byteLength).equals(Buffer.from(b.data.buffer, 0, b.data.byteLength)) ? 1 : 0,
      ),
    'the first 3 images are those of generate(3), bit for bit',
    (o) => o.returned === '1',
  );

  // hyp: arguments checked when the builder is made (nothing loads)
  const px = new Float32Array(32 * 32).fill(-1);
  const dead = tf.zeros([1, 32, 32, 1]);
  dead.dispose();
  const rgb = tf.zeros([1, 32, 32, 3]);
  typed(
    'hyp',
    'hyp.encode(t) after t.dispose()',
    'a disposed tensor',
    () => hyp.encode(dead),
    'ValueError',
    ['already disposed', 'tf.keep'],
    true,
  );
  typed(
    'hyp',
    'hyp.encode(fifo)',
    'a named pipe (FIFO) as the image',
    () => hyp.encode(h.fifo),
    'DataError',
    ['a named pipe (FIFO)'],
    true,
  );
  typed('hyp', 'hyp.encode(folder)', 'a folder as the image', () => hyp.encode(h.dir), 'DataError', ['folder'], true);
  typed(
    'hyp',
    "hyp.encode('/dev/zero')",
    'a character device as the image',
    () => hyp.encode('/dev/zero'),
    'DataError',
    ['a character device'],
    true,
  );
  typed('hyp', 'hyp.encode(new Float32Array(5))', '5 values', () => hyp.encode(new Float32Array(5)), 'ShapeError', ['5 values']);
  typed('hyp', 'hyp.encode(tf.zeros([1, 32, 32, 3]))', 'an RGB image', () => hyp.encode(rgb), 'ShapeError', ['shape [1, 32, 32, 3]']);
  typed('hyp', 'hyp.encode(pixels with NaN)', 'a NaN pixel', () => hyp.encode(new Float32Array(1024).fill(NaN)), 'ValueError', [
    'NaN at index 0',
  ]);
  typed(
    'hyp',
    'hyp.encode(bytes 0…255)',
    'pixels in [0, 255] instead of [−1, 1]',
    () => hyp.encode(new Float32Array(1024).fill(200)),
    'ValueError',
    ['b / 127.5 − 1'],
    true,
  );
  typed('hyp', 'hyp.encode(null)', 'null', () => hyp.encode(null as never), 'ShapeError', ['received null']);
  typed(
    'hyp',
    'hyp.encode(img).perturb(5.5, null)',
    'null options',
    () => hyp.encode(px).perturb(5.5, null as never),
    'ConfigError',
    ['perturb(options)', 'received null'],
    true,
  );
  typed(
    'hyp',
    "hyp.encode(img).perturb(5.5, 'far')",
    'a string as options',
    () => hyp.encode(px).perturb(5.5, 'far' as never),
    'ConfigError',
    ['an options object'],
  );
  for (const R of [NaN, -1, 0, Infinity])
    typed('hyp', `hyp.encode(img).perturb(${R})`, `radius ${R}`, () => hyp.encode(px).perturb(R), 'ValueError', ['perturb(radius)']);
  typed(
    'hyp',
    'hyp.encode(img).perturb(5.5, { distance: -1 })',
    'a negative step',
    () => hyp.encode(px).perturb(5.5, { distance: -1 }),
    'ValueError',
    ['perturb(options.distance)'],
  );
  typed(
    'hyp',
    'hyp.encode(img).perturb(5.5, { seed: 2 ** 32 })',
    'a perturbation seed beyond 31 bits',
    () => hyp.encode(px).perturb(5.5, { seed: 2 ** 32 }),
    'ValueError',
    ['perturb(options.seed)'],
  );
  typed(
    'hyp',
    "hyp.encode(img).perturb(5.5, { toward: 'real' })",
    'an unknown kind of target',
    () => hyp.encode(px).perturb(5.5, { toward: 'real' as never }),
    'ValueError',
    ['perturb(options.toward)'],
  );
  typed('hyp', 'hyp.encode(img).seed(2 ** 31)', 'a seed of 2^31', () => hyp.encode(px).seed(2 ** 31), 'ValueError', ['seed(s)']);
  typed('hyp', 'hyp.encode(img).steps(1e6)', 'a million DDIM steps', () => hyp.encode(px).steps(1e6), 'ValueError', ['steps(n)']);
  typed('hyp', 'hyp.encode(img).guidance(Infinity)', 'an infinite guidance weight', () => hyp.encode(px).guidance(Infinity), 'ValueError', [
    'guidance(w)',
  ]);
  typed('hyp', 'hyp.encode(img).strength(0)', 'strength 0', () => hyp.encode(px).strength(0), 'ValueError', ['strength(s)']);
  typed('hyp', 'hyp.encode(img).strength(1.5)', 'strength 1.5', () => hyp.encode(px).strength(1.5), 'ValueError', ['strength(s)']);
  typed('hyp', 'hyp.encode(img).sample(0)', '0 outputs', () => hyp.encode(px).sample(0), 'ValueError', ['sample(n)']);
  typed('hyp', 'hyp.encode(img).sample(1e6)', 'a million outputs per group', () => hyp.encode(px).sample(1e6), 'ValueError', ['sample(n)']);
  typed('hyp', 'hyp.encode(img).embed(-2)', 'a negative count', () => hyp.encode(px).embed(-2), 'ValueError', ['embed(n)']);
  typed(
    'hyp',
    'hyp.fewShot(4 images, { shots: 3 })',
    'shots that do not divide the images',
    () => hyp.fewShot(new Float32Array(4 * 1024).fill(-1), { shots: 3 }),
    'ShapeError',
    ['dividing the 4 images'],
  );
  typed(
    'hyp',
    'hyp.fewShot(imgs, { perOutput: 0 })',
    'perOutput 0',
    () => hyp.fewShot(new Float32Array(2 * 1024).fill(-1), { perOutput: 0 }),
    'ConfigError',
    ['perOutput'],
  );
  typed('hyp', 'hyp.fewShot([])', 'an empty list', () => hyp.fewShot([]), 'ShapeError', ['at least one image']);
  typed('hyp', 'hyp.encode(img).interpolate(img, NaN)', 't = NaN', () => hyp.encode(px).interpolate(px, NaN), 'ValueError', [
    'interpolate(t)',
  ]);
  typed('hyp', 'hyp.from({ batchSize: 1e6 })', 'a batch of a million', () => hyp.from({ batchSize: 1e6 }), 'ConfigError', ['batchSize']);

  // files that are not regular image files: refused by stat, before anything opens them (a FIFO would block)
  typed('data', 'loadImage(fifo)', 'a named pipe (FIFO)', () => loadImage(h.fifo), 'DataError', ['a named pipe (FIFO)'], true);
  typed('data', 'loadImage(folder)', 'a folder', () => loadImage(h.dir), 'DataError', ['folder'], true);
  typed(
    'data',
    "loadImage('/dev/zero')",
    'a character device (endless)',
    () => loadImage('/dev/zero'),
    'DataError',
    ['a character device'],
    true,
  );
  typed('data', "loadImage('')", 'an empty path', () => loadImage(''), 'DataError', ['an empty string']);
  typed('data', 'loadImage(42)', 'a number', () => loadImage(42 as never), 'ConfigError', ['a file path or the bytes']);
  typed('data', 'loadImage(new Uint8Array(0))', 'no bytes', () => loadImage(new Uint8Array(0)), 'DataError', ['an empty buffer']);
  typed(
    'data',
    'loadImage(broken symlink)',
    'a symlink to nothing',
    () => loadImage(h.brokenLink),
    'DataError',
    ['a symlink to nothing'],
    true,
  );
  typed('data', 'loadImage(symlink to itself)', 'a symlink loop', () => loadImage(h.loopLink), 'DataError', ['ELOOP'], true);
  typed('data', 'loadImage(path, { size: 1e9 })', 'an absurd output size', () => loadImage(h.imageFile, { size: 1e9 }), 'ConfigError', [
    '1..4096',
  ]);
  typed('data', 'loadImage(path, null)', 'null options', () => loadImage(h.imageFile, null as never), 'ConfigError', ['received null']);
  typed(
    'data',
    'loadImageFolder(dir with a FIFO shoes/2.png)',
    'a named pipe in a class folder',
    () => loadImageFolder(h.fifoFolder),
    'DataError',
    ['2.png', 'a named pipe (FIFO)'],
    true,
  );
  typed(
    'data',
    'loadImageFolder(dir with a Latin-1 file name)',
    'a file name that is not UTF-8',
    () => loadImageFolder(h.latin1Folder),
    'DataError',
    ['not valid UTF-8', '636166e92e706e67'],
    true,
  );
  typed(
    'data',
    'loadImageFolder(dir with an empty class folder)',
    'an empty class folder',
    () => loadImageFolder(h.emptyClassFolder),
    'DataError',
    ["class folder 'bags'"],
    true,
  );
  typed(
    'data',
    'loadImageFolder(dir of images, no class folders)',
    'images but no class sub-folders',
    () => loadImageFolder(h.noClassFolders),
    'DataError',
    ['one sub-folder per class'],
    true,
  );
  typed(
    'data',
    'loadImageFolder(file)',
    'a file, not a folder',
    () => loadImageFolder(h.imageFile),
    'DataError',
    ['a file, not a folder'],
    true,
  );
  typed(
    'data',
    'loadImageFolder(dir, { limitPerClass: 0 })',
    'limitPerClass 0',
    () => loadImageFolder(h.linkedFolder, { limitPerClass: 0 }),
    'ConfigError',
    ['limitPerClass'],
  );
  ok(
    'data',
    'loadImageFolder(dir whose shoes/ is a symlink)',
    'a symlinked class folder',
    () => loadImageFolder(h.linkedFolder).then((d) => `${d.classNames.join(',')}:${d.n}`),
    'followed: classes shirts and shoes, 4 images (it was skipped before)',
    (o) => o.returned === 'shirts,shoes:4',
  );

  // progress sinks
  typed(
    'core',
    'setProgressSink(() => {})',
    'a bare function',
    () => setProgressSink((() => {}) as never),
    'ConfigError',
    ['start(label, total)', 'Wrap the function'],
    true,
  );
  typed('core', 'setProgressSink(null)', 'null', () => setProgressSink(null as never), 'ConfigError', ['received null'], true);
  typed(
    'core',
    'setProgressSink({ start: 1 })',
    'start that is not a function',
    () => setProgressSink({ start: 1 } as never),
    'ConfigError',
    ['start(label, total)'],
    true,
  );

  // checkpoints of another model or with an edited config: typed, and nothing they loaded stays behind
  const cfg = tinyHypdaeConfig();
  typed(
    'checkpoint',
    'loadStage1(stage-II file)',
    'a stage-II checkpoint as stage I',
    () => loadStage1(h.stage2),
    'CheckpointError',
    ["a 'hypdae-stage1' checkpoint"],
    true,
  );
  typed(
    'checkpoint',
    'loadStage2(stage-I file, config)',
    'a stage-I checkpoint as stage II',
    () => loadStage2(h.stage1, cfg),
    'CheckpointError',
    ["a 'hypdae-stage2' checkpoint"],
    true,
  );
  typed(
    'checkpoint',
    'loadNested(stage-I file)',
    'a HypDAE checkpoint as a nested model',
    () => loadNested(h.stage1),
    'CheckpointError',
    ["a 'nested' checkpoint"],
    true,
  );
  typed(
    'checkpoint',
    'Evaluator.load(stage-I file)',
    'a HypDAE checkpoint as the evaluator',
    () => Evaluator.load(h.stage1),
    'CheckpointError',
    ['Evaluator.load'],
    true,
  );
  typed(
    'checkpoint',
    'loadStage1(json with a __proto__ key)',
    'a config edited to carry __proto__',
    () => loadStage1(h.protoStage1),
    'CheckpointError',
    ['a stored config that builds the model', '__proto__'],
    true,
  );
  typed(
    'checkpoint',
    'loadStage1(nested checkpoint)',
    'a nested checkpoint as stage I',
    () => loadStage1(path.join(FIXTURE_ROOT, 'L3', 'nested')),
    'CheckpointError',
    ["a 'hypdae-stage1' checkpoint"],
    true,
  );
  ok(
    'checkpoint',
    'loadStage1(stage-I file) after the failed loads',
    'a correct load after five failed ones',
    () =>
      loadStage1(h.stage1).then((r) => {
        disposeParams(r.stage1.params);
        return 1;
      }),
    'loads (and the failed loads freed their tensors: numTensors unchanged around each)',
    (o) => o.returned === '1',
  );

  // evaluation filters
  const data = {
    inputs: (_c: number, n: number) => ({ images: new Float32Array(n * 784).fill(-1), count: n, side: 28 }),
    reference: () => ({ images: new Float32Array(3 * 784).fill(0.5), count: 3, side: 28 }),
  };
  const ev = Evaluator.init();
  typed(
    'pipelines',
    'runFewShotEval({ inputsPerClass: 100000 })',
    '100,000 inputs per class (16 exist)',
    () => runFewShotEval({ methods: ['copy'], seeds: [0], classes: [2], inputsPerClass: 100000, evaluator: ev, data }),
    'ConfigError',
    ['[1, 16]'],
    true,
  );
  typed(
    'pipelines',
    'runFewShotEval({ outputsPerInput: 0 })',
    '0 outputs per input',
    () => runFewShotEval({ methods: ['copy'], seeds: [0], classes: [2], outputsPerInput: 0, evaluator: ev, data }),
    'ConfigError',
    ['outputsPerInput'],
  );
  ok(
    'pipelines',
    'runFewShotEval({ inputsPerClass: 4 }) with 2 inputs available',
    'fewer inputs than asked',
    () =>
      runFewShotEval({
        methods: ['copy'],
        seeds: [0],
        classes: [2],
        inputsPerClass: 4,
        outputsPerInput: 2,
        evaluator: ev,
        data: { ...data, inputs: (_c: number) => ({ images: new Float32Array(2 * 784).fill(-1), count: 2, side: 28 }) },
      }).then((r) => `${r.inputsPerClass}:${r.n.generatedPerClass}`),
    'the report states the n that ran (2 inputs, 4 outputs per class)',
    (o) => o.returned === '2:4',
  );

  return {
    cases,
    setup: async () => {
      await tiny().load();
    },
    cleanup: async () => {
      ev.dispose();
      rgb.dispose();
      await nested.dispose();
    },
  };
}

/** Command-line cases of round two. */
export function hostileCliCases(h: HostileFixtures): CliCase[] {
  const repoAssets = (p: string) => path.join('assets', p);
  return [
    {
      input: 'the shipped assets as --out (HypDAE)',
      args: ['train', 'hypdae', '--stage', '1', '--tiny', '--out', repoAssets('hypdae')],
      exit: 2,
      contains: ['ConfigError: train hypdae --out: expected an output folder outside the shipped assets/', '--overwrite-shipped'],
    },
    {
      input: 'the shipped assets as --out (nested)',
      args: ['train', 'nested', '--levels', '2', '--tiny', '--out', repoAssets('nested')],
      exit: 2,
      contains: ['ConfigError: train nested --out: expected an output folder outside the shipped assets/'],
    },
    {
      input: 'the shipped assets as --out (evaluator)',
      args: ['train', 'evaluator', '--epochs', '1', '--out', repoAssets('evaluator/evaluator')],
      exit: 2,
      contains: ['ConfigError: train evaluator --out: expected an output folder outside the shipped assets/'],
    },
    {
      input: 'an evaluator seed beyond 31 bits',
      args: ['train', 'evaluator', '--seed', '4294967296', '--out', path.join(h.dir, 'ev', 'evaluator')],
      exit: 2,
      contains: ['ValueError: train-main(--seed)', '4294967296'],
    },
    {
      input: 'an output folder another run holds',
      args: ['train', 'hypdae', '--stage', '1', '--tiny', '--out', h.locked],
      exit: 2,
      contains: [
        'CheckpointError: train hypdae --out: expected an output folder no other training is writing to',
        `locked by pid ${process.pid}`,
      ],
    },
    {
      input: 'an output folder another run holds (nested)',
      args: ['train', 'nested', '--levels', '2', '--tiny', '--out', h.locked],
      exit: 2,
      contains: ['CheckpointError: train nested --out', `locked by pid ${process.pid}`],
    },
    {
      input: 'an --out below a file (nested)',
      args: ['train', 'nested', '--levels', '2', '--tiny', '--out', path.join(h.imageFile, 'out')],
      exit: 2,
      contains: ['CheckpointError: train nested --out: expected a folder that can be created'],
    },
    {
      input: 'a FIFO in an --images class folder',
      args: ['train', 'hypdae', '--stage', '1', '--tiny', '--images', h.fifoFolder, '--out', path.join(h.dir, 'out-fifo')],
      exit: 2,
      contains: ['DataError:', 'a named pipe (FIFO)'],
    },
    {
      input: 'a file name that is not UTF-8 in --images',
      args: ['train', 'hypdae', '--stage', '1', '--tiny', '--images', h.latin1Folder, '--out', path.join(h.dir, 'out-latin1')],
      exit: 2,
      contains: ['DataError:', 'not valid UTF-8'],
    },
    {
      input: 'an --images folder without class folders',
      args: ['train', 'nested', '--levels', '2', '--tiny', '--images', h.noClassFolders, '--out', path.join(h.dir, 'out-flat')],
      exit: 2,
      contains: ['DataError:', 'one sub-folder per class'],
    },
    {
      input: 'a nested configuration that does not exist',
      args: ['eval', 'nested', '--only', 'L=9'],
      exit: 2,
      contains: ['ConfigError: eval nested --only: expected names among', "'L=5'", 'received "L=9"'],
    },
    {
      input: 'more few-shot inputs than the protocol has',
      args: ['eval', 'fewshot', '--inputs', '100000'],
      exit: 2,
      contains: ['ConfigError: runFewShotEval(inputsPerClass): expected a whole number in [1, 16]', 'received 100000'],
    },
  ];
}
