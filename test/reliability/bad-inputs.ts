/**
 * The bad-inputs catalogue: calls of the SDK and of the `hypnest` command line with inputs a user could
 * plausibly get wrong, and what each should raise. bad-inputs.test.ts runs them, asserts the outcome and
 * renders the catalogue (out/reliability/bad-inputs.md, docs/bad-inputs.md).
 *
 * A case either expects a typed error (its class, text the message must contain, whether a hint is given)
 * or documents a gap: an input the SDK accepts without a typed error, with what happens instead and where
 * a check belongs. A gap's `check` asserts the gap is still there, so fixing it fails the test until the case
 * moves to the typed list.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { HypnestError } from '../../sdk/core/errors';
import { saveCheckpoint, loadCheckpoint } from '../../sdk/core/checkpoint';
import { perturb } from '../../sdk/hyperbolic/edits';
import { ddimSample } from '../../sdk/diffusion/ddim';
import { unetConfig } from '../../sdk/nn/unet-config';
import { train } from '../../sdk/train/trainer';
import { loadImage } from '../../sdk/data/image';
import { loadImageFolder } from '../../sdk/data/image-folder';
import { splitG } from '../../sdk/data/splits';
import { hypdaeConfig } from '../../sdk/models/hypdae/config';
import { encodeSemantic } from '../../sdk/models/hypdae/stage1';
import { decodeCodes } from '../../sdk/models/hypdae/generate';
import { perturbCodes } from '../../sdk/models/hypdae/edits';
import { saveStage1, loadStage1 } from '../../sdk/models/hypdae/checkpoint';
import { Evaluator } from '../../sdk/models/evaluator';
import { frechetDistance } from '../../sdk/metrics/fd';
import { runFewShotEval } from '../../sdk/pipelines/eval/fewshot';
import { nested } from '../../sdk/fluent/nested';
import { disposeParams } from '../../sdk/nn/params';
import { disposeStage2 } from '../../sdk/models/hypdae/stage2';
import { randomImages, tinyHypdaeConfig, tinyStage1, tinyStage2, tinyUNet } from './tiny-models';

export type ErrorName = 'ShapeError' | 'ValueError' | 'ConfigError' | 'CheckpointError' | 'DataError' | 'BackendError';

export interface Outcome {
  /** The error's class name, or undefined when the call returned. */
  name?: string;
  message?: string;
  typed: boolean;
  expected?: string;
  received?: string;
  hint?: string;
  /** What the call returned (when it did not throw). */
  returned?: string;
}

interface Base {
  area: string;
  call: string;
  input: string;
}
export interface TypedCase extends Base {
  kind: 'typed';
  run: () => unknown;
  error: ErrorName;
  contains: string[];
  hint: boolean;
}
export interface GapCase extends Base {
  kind: 'gap';
  run: () => unknown;
  happens: string;
  fix: string;
  check: (o: Outcome) => boolean;
}
/** A careless input the SDK handles correctly (no error): `check` asserts the result is the right one. */
export interface OkCase extends Base {
  kind: 'ok';
  run: () => unknown;
  result: string;
  check: (o: Outcome) => boolean;
}
export type SdkCase = TypedCase | GapCase | OkCase;

export interface CliCase {
  /** hypnest arguments. */
  args: string[];
  env?: Record<string, string>;
  input: string;
  /** Exit status expected (commander's own errors exit 1, the SDK's typed errors 2). */
  exit: number;
  /** Text stderr must contain. */
  contains: string[];
  /** A documented gap: what happens instead of a readable typed error, and where to fix it. */
  gap?: { happens: string; fix: string; stackTrace?: boolean };
}

export interface Fixtures {
  dir: string;
  truncatedPng: Uint8Array;
  goodFolder: string;
  badFolder: string;
  checkpoint: string;
  corruptWeights: string;
  truncatedJson: string;
  corruptStage1Out: string;
  /** A plain file (so `<it>/x` cannot be a folder). */
  fileNotFolder: string;
  dispose(): void;
}

async function png(seed: number): Promise<Buffer> {
  const raw = Buffer.from(Array.from({ length: 32 * 32 }, (_, i) => (i * 37 + seed * 11) % 256));
  return sharp(raw, { raw: { width: 32, height: 32, channels: 1 } })
    .png()
    .toBuffer();
}

/** Image folders, checkpoints and their corrupt copies under `dir`. */
export async function makeFixtures(dir: string): Promise<Fixtures> {
  const good = await png(1);
  const truncatedPng = new Uint8Array(good.subarray(0, Math.floor(good.length * 0.6)));
  const folder = async (name: string, truncate: boolean) => {
    for (const c of ['shirts', 'shoes']) {
      fs.mkdirSync(path.join(dir, name, c), { recursive: true });
      for (let i = 0; i < 3; i++)
        fs.writeFileSync(
          path.join(dir, name, c, `${i}.png`),
          truncate && c === 'shoes' && i === 1 ? truncatedPng : await png(i + 7 * c.length),
        );
    }
    return path.join(dir, name);
  };
  const checkpoint = path.join(dir, 'ckpt', 'model');
  await saveCheckpoint(checkpoint, { config: { kind: 'demo' }, tensors: { w: { data: Float32Array.from([1, 2, 3, 4]), shape: [2, 2] } } });
  const copy = (to: string) => {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    for (const ext of ['.json', '.safetensors']) fs.copyFileSync(checkpoint + ext, to + ext);
    return to;
  };
  const corruptWeights = copy(path.join(dir, 'ckpt', 'flipped'));
  const w = fs.readFileSync(corruptWeights + '.safetensors');
  w[w.length - 3] ^= 0x40; // one bit of a weight
  fs.writeFileSync(corruptWeights + '.safetensors', w);
  const truncatedJson = copy(path.join(dir, 'ckpt', 'cut'));
  const j = fs.readFileSync(truncatedJson + '.json');
  fs.writeFileSync(truncatedJson + '.json', j.subarray(0, Math.floor(j.length / 2)));
  // a HypDAE output folder whose stage-I weights lost a bit (for `hypnest train hypdae --stage 2`)
  const corruptStage1Out = path.join(dir, 'hypdae-out');
  const s1 = tinyStage1(0);
  await saveStage1(path.join(corruptStage1Out, 'stage1'), s1, { step: 4, complete: true });
  disposeParams(s1.params);
  const st = fs.readFileSync(path.join(corruptStage1Out, 'stage1.safetensors'));
  st[st.length - 5] ^= 0x01;
  fs.writeFileSync(path.join(corruptStage1Out, 'stage1.safetensors'), st);
  const fileNotFolder = path.join(dir, 'a-file.txt');
  fs.writeFileSync(fileNotFolder, 'not a folder\n');
  return {
    dir,
    fileNotFolder,
    truncatedPng,
    goodFolder: await folder('images', false),
    badFolder: await folder('images-truncated', true),
    checkpoint,
    corruptWeights,
    truncatedJson,
    corruptStage1Out,
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Milliseconds a case may take before it counts as a hang. */
export const CASE_TIMEOUT_MS = 60_000;

/** Runs a call (sync or async) under CASE_TIMEOUT_MS, disposing what it returns; never throws. */
export async function outcomeOf(run: () => unknown): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`no answer within ${CASE_TIMEOUT_MS / 1000} s`), { name: 'Hang' })),
      CASE_TIMEOUT_MS,
    );
  });
  try {
    const r = await Promise.race([Promise.resolve().then(run), hang]);
    const returned =
      r instanceof tf.Tensor
        ? `a tensor [${r.shape}] (${tf.tidy(() => tf.any(tf.isNaN(r)).dataSync()[0]) ? 'containing NaN' : 'finite'})`
        : typeof r === 'number' || typeof r === 'string'
          ? String(r)
          : typeof r;
    tf.dispose(r as tf.TensorContainer);
    return { typed: false, returned };
  } catch (e) {
    const err = e as Error & Partial<HypnestError>;
    return {
      name: err?.name ?? typeof e,
      message: String(err?.message ?? e),
      typed: e instanceof HypnestError,
      expected: err.expected,
      received: err.received,
      hint: err.hint,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The SDK cases over the given fixtures (tensors they need are created here and freed by `cleanup`). */
export function sdkCases(fx: Fixtures): { cases: SdkCase[]; cleanup: () => void; kept: () => number } {
  const s1 = tinyStage1(0);
  const s2 = tinyStage2(0);
  const { net, denoiser, schedule } = tinyUNet(0);
  const ev = Evaluator.init();
  const img32 = randomImages(2, 32, 1);
  const z = encodeSemantic(s1, img32);
  const h = tf.tensor2d([
    [0.1, 0.2, 0.0, -0.1],
    [0.3, -0.2, 0.1, 0.0],
  ]);
  const nanImages = (n: number, size: number, channels = 1) => tf.fill([n, size, size, channels], NaN);
  const owned: tf.Tensor[] = [img32, z, h];
  const keep = <T extends tf.Tensor>(t: T): T => (owned.push(t), t);
  const cases: SdkCase[] = [];
  const typed = (area: string, call: string, input: string, run: () => unknown, error: ErrorName, contains: string[], hint = true) =>
    cases.push({ kind: 'typed', area, call, input, run, error, contains, hint });

  const code = [[0.1, 0.2]];
  for (const R of [0, -1, 7, NaN]) {
    typed('hyperbolic', 'perturb(code, 1, R, 1, { seed: 0 })', `radius R = ${R}`, () => perturb(code, 1, R, 1, { seed: 0 }), 'ValueError', [
      'perturb(radius)',
      'expected a radius 0 < R ≤ maxRadius(c) = 6.2126',
      `received ${R}`,
    ]);
  }
  typed('hyperbolic', 'perturb(code, 1, 3, c)', 'curvature c = 0', () => perturb(code, 1, 3, 0, { seed: 0 }), 'ValueError', [
    'perturb(c)',
    'a curvature c > 0',
    'received 0',
  ]);
  typed(
    'hyperbolic',
    'perturb(code, d, 3, 1)',
    'distance d = −1',
    () => perturb(code, -1, 3, 1, { seed: 0 }),
    'ValueError',
    ['perturb(distance)', 'received -1'],
    false,
  );
  typed('hyperbolic', 'perturb(code, 1, 3, 1, {})', 'neither a seed nor a target', () => perturb(code, 1, 3, 1, {}), 'ConfigError', [
    "either 'toward'",
    'received neither',
    '{ seed: 0 }',
  ]);
  typed(
    'hyperbolic',
    'perturb(code, 1, 3, 1, { sead: 0 })',
    'misspelled option',
    () => perturb(code, 1, 3, 1, { sead: 0 } as never),
    'ConfigError',
    ["unknown option 'sead'", "Did you mean 'seed'?"],
  );
  typed(
    'hyperbolic',
    'perturb([[NaN, 0]], 1, 3, 1, { seed: 0 })',
    'a NaN code',
    () => perturb([[NaN, 0]], 1, 3, 1, { seed: 0 }),
    'ValueError',
    ['perturb(code)', 'finite coordinates', 'NaN'],
  );

  for (const R of [0, -1, 7, NaN]) {
    typed(
      'hypdae',
      'perturbCodes(stage2, h, { radius, distance: 1, seed: 0 })',
      `radius = ${R}`,
      () => perturbCodes(s2, h, { radius: R, distance: 1, seed: 0 }),
      'ValueError',
      ['perturbCodes(radius)', 'expected a radius 0 < R ≤ maxRadius(c) = 6.2126', `received ${R}`, 'float32'],
    );
  }
  typed(
    'hypdae',
    'encodeSemantic(stage1, x)',
    'a 28×28 image where 32×32 is expected',
    () => encodeSemantic(s1, keep(randomImages(1, 28, 2))),
    'ShapeError',
    ['encodeSemantic(x)', 'images [B, 32, 32, 1]', 'received a float32 tensor of shape [1, 28, 28, 1]', 'Pad 28×28 images to 32×32'],
  );
  typed(
    'hypdae',
    'encodeSemantic(stage1, x)',
    'a 3-channel image where 1 is expected',
    () => encodeSemantic(s1, keep(tf.zeros([1, 32, 32, 3]))),
    'ShapeError',
    ['encodeSemantic(x)', 'shape [1, 32, 32, 3]'],
  );
  typed('hypdae', 'encodeSemantic(stage1, x)', 'a flat vector [1024]', () => encodeSemantic(s1, keep(tf.zeros([1024]))), 'ShapeError', [
    'encodeSemantic(x)',
    'shape [1024]',
  ]);
  typed('hypdae', 'encodeSemantic(stage1, x)', 'a NaN image', () => encodeSemantic(s1, keep(nanImages(1, 32))), 'ValueError', [
    'encodeSemantic(x)',
    'expected finite pixels in [−1, 1]',
    'shape [1, 32, 32, 1] containing NaN',
  ]);
  typed(
    'hypdae',
    'decodeCodes(stage1, z, { guidence: 2 })',
    'misspelled option',
    () => decodeCodes(s1, z, { guidence: 2 } as never),
    'ConfigError',
    ["unknown option 'guidence'", "Did you mean 'guidance'?"],
  );
  typed(
    'hypdae',
    'decodeCodes(stage1, z, { guidance: NaN })',
    'guidance NaN',
    () => decodeCodes(s1, z, { guidance: NaN, steps: 2 }),
    'ValueError',
    ['decodeCodes(options.guidance)', 'a finite guidance scale', 'received NaN'],
    false,
  );
  typed(
    'hypdae',
    'decodeCodes(stage1, z)',
    'codes of the wrong width [2, 5]',
    () => decodeCodes(s1, keep(tf.zeros([2, 5]))),
    'ShapeError',
    ['decodeCodes(z)', 'codes [B, 8]', 'shape [2, 5]'],
    false,
  );
  typed(
    'hypdae',
    'hypdaeConfig({ stage1: { codeDimm: 3 } })',
    'misspelled config field',
    () => hypdaeConfig({ stage1: { codeDimm: 3 } as never }),
    'ConfigError',
    ["'codeDimm'", "Did you mean 'codeDim'?"],
  );
  typed(
    'hypdae',
    'loadStage1(path, config)',
    'weights with one flipped bit',
    () => loadStage1(path.join(fx.corruptStage1Out, 'stage1'), tinyHypdaeConfig()),
    'CheckpointError',
    ['expected sha256', 'corrupt'],
  );

  typed(
    'diffusion',
    'ddimSample(model, x, schedule, { step: 10 })',
    'misspelled option',
    () => ddimSample(denoiser, img32, schedule, { step: 10 } as never),
    'ConfigError',
    ["unknown option 'step'", "Did you mean 'steps'?"],
  );
  typed(
    'diffusion',
    'ddimSample(model, x, schedule, { steps: 101 })',
    'more steps than the schedule has',
    () => ddimSample(denoiser, img32, schedule, { steps: 101 }),
    'ValueError',
    ['at most 100 steps'],
  );
  typed(
    'diffusion',
    'ddimSample(model, x, schedule)',
    'a flat vector [64] (no batch axis)',
    () => ddimSample(denoiser, keep(tf.zeros([64])), schedule),
    'ShapeError',
    ['batch axis', 'expandDims(0)'],
  );
  typed(
    'diffusion',
    'ddimSample(model, x_T, schedule)',
    'a NaN starting image',
    () => ddimSample(denoiser, keep(nanImages(1, 8)), schedule, { steps: 2, progress: false }),
    'ValueError',
    ['ddimSample(x)', 'a finite starting image or noise', 'containing NaN', 'tf.randomNormal'],
  );
  typed('nn', 'unetConfig({ chanels: 32 })', 'misspelled config field', () => unetConfig({ chanels: 32 } as never), 'ConfigError', [
    "unknown option 'chanels'",
    "Did you mean 'channels'?",
  ]);
  typed('nn', 'unetConfig({ imageSize: 30 })', 'an image size the U-Net cannot halve', () => unetConfig({ imageSize: 30 }), 'ConfigError', [
    'a multiple of 4',
    'Pad images',
  ]);
  typed(
    'train',
    'train({ steps: -1, … })',
    'a negative step count',
    () => train({ params: net.params, lossFn: () => tf.scalar(0), data: [], steps: -1, lr: 1e-3 }),
    'ConfigError',
    ['train(steps)', 'a non-negative integer', 'received -1'],
    false,
  );

  typed('data', 'loadImage(bytes)', 'a truncated PNG', () => loadImage(fx.truncatedPng), 'DataError', [
    'loadImage(an in-memory image',
    'a readable PNG/JPEG/WebP/TIFF/GIF image',
    'truncated or corrupt',
  ]);
  typed('data', 'loadImage(path)', 'a missing file', () => loadImage(path.join(fx.dir, 'nope.png')), 'DataError', [
    'no such file',
    'Check the path',
  ]);
  typed(
    'data',
    'loadImage(path, { channels: 2 })',
    'an unsupported channel count',
    () => loadImage(path.join(fx.goodFolder, 'shirts', '0.png'), { channels: 2 as 1 }),
    'ConfigError',
    ['option channels', '1 or 3', 'received 2'],
    false,
  );
  typed('data', 'loadImageFolder(dir)', 'a folder with one truncated PNG', () => loadImageFolder(fx.badFolder, { size: 32 }), 'DataError', [
    `${path.join('shoes', '1.png')}`,
    'truncated or corrupt',
  ]);
  typed('data', 'loadImageFolder(dir)', 'a missing folder', () => loadImageFolder(path.join(fx.dir, 'nowhere')), 'DataError', [
    'no such folder',
    'one sub-folder of images per class',
  ]);
  typed(
    'data',
    'splitG() with HYPNEST_FASHION_MNIST=<tmp>/missing',
    'a missing data set path (environment variable)',
    () => withEnv('HYPNEST_FASHION_MNIST', path.join(fx.dir, 'missing'), () => splitG({ limit: 1 })),
    'DataError',
    ['missing files', 'apt-get install dataset-fashion-mnist', 'HYPNEST_FASHION_MNIST'],
  );

  typed('checkpoint', 'loadCheckpoint(path)', 'weights with one flipped bit', () => loadCheckpoint(fx.corruptWeights), 'CheckpointError', [
    'expected sha256',
    'The weights are corrupt',
  ]);
  typed('checkpoint', 'loadCheckpoint(path)', 'a truncated json', () => loadCheckpoint(fx.truncatedJson), 'CheckpointError', [
    'valid JSON',
    'Save the checkpoint again',
  ]);
  typed(
    'checkpoint',
    'loadCheckpoint(path)',
    'a missing checkpoint',
    () => loadCheckpoint(path.join(fx.dir, 'ckpt', 'absent')),
    'CheckpointError',
    ['no such file', 'saveCheckpoint()'],
  );
  typed('checkpoint', 'Evaluator.load(path)', 'weights with one flipped bit', () => Evaluator.load(fx.corruptWeights), 'CheckpointError', [
    'expected sha256',
  ]);

  typed(
    'evaluator',
    'evaluator.features(x)',
    'a 3-channel image where 1 is expected',
    () => ev.features(keep(tf.zeros([2, 28, 28, 3]))),
    'ShapeError',
    ['one-channel images [n, 28, 28, 1]', 'shape [2, 28, 28, 3]'],
  );
  typed('evaluator', 'evaluator.features(x)', 'a 30×30 image', () => ev.features(keep(tf.zeros([2, 30, 30, 1]))), 'ShapeError', [
    'shape [2, 30, 30, 1]',
    'Pass [n, 28, 28, 1] images',
  ]);
  typed(
    'evaluator',
    'evaluator.features(x)',
    'NaN images',
    () => {
      const f = ev.features(keep(nanImages(2, 28)));
      f.logits.dispose();
      return f.penultimate;
    },
    'ValueError',
    ['expected finite pixels in [−1, 1]', 'containing NaN', 'would go unnoticed in FD/KID'],
  );
  typed(
    'metrics',
    'frechetDistance(a, b)',
    'a feature row with NaN',
    () =>
      frechetDistance(
        [
          [0, 1],
          [NaN, 2],
          [1, 1],
        ],
        [
          [0, 1],
          [1, 2],
          [2, 0],
        ],
      ),
    'ValueError',
    ['frechetDistance(a)', 'finite values', 'NaN at row 1'],
  );
  typed(
    'nested',
    'nested.levels(5).cfg([1.5, 1.4]).generate(4)',
    'a guidance list of length 2 for 5 levels',
    () =>
      nested
        .levels(5)
        .cfg([1.5, 1.4])
        .generate(4)
        .finally(() => nested.dispose()),
    'ConfigError',
    ['nested.cfg(scales)', 'expected 5 guidance scales', 'received 2: [1.5, 1.4]', '.cfg([2, 2, 2, 2, 1])'],
  );
  typed(
    'metrics',
    'frechetDistance(a, b)',
    'one sample per set',
    () => frechetDistance([[0, 1]], [[1, 2]]),
    'ShapeError',
    ['at least 2 samples per set'],
    false,
  );
  typed(
    'pipelines',
    'runFewShotEval({ seeds: [NaN] })',
    'a non-numeric seed (`hypnest eval fewshot --seeds a`)',
    () =>
      runFewShotEval({
        methods: ['augment'],
        seeds: [NaN],
        classes: [2],
        inputsPerClass: 2,
        outputsPerInput: 2,
        evaluator: ev,
        data: {
          inputs: (_c, n) => ({ images: new Float32Array(n * 784).fill(-1), count: n, side: 28 }),
          reference: () => ({ images: new Float32Array(3 * 784).fill(0.5), count: 3, side: 28 }),
        },
      }).then((r) => r.methods.length),
    'ConfigError',
    ['runFewShotEval(seeds)', 'whole numbers ≥ 0', 'received [NaN]', '--seeds 0,1'],
  );

  const cleanup = () => {
    tf.dispose(owned);
    disposeParams(s1.params);
    disposeStage2(s2);
    disposeParams(net.params);
    ev.dispose();
  };
  // inputs some cases make as they run (kept here, freed by cleanup): not leaks
  return { cases, cleanup, kept: () => owned.length };
}

function withEnv<T>(key: string, value: string, fn: () => T): T {
  const old = process.env[key];
  process.env[key] = value;
  try {
    return fn();
  } finally {
    if (old === undefined) delete process.env[key];
    else process.env[key] = old;
  }
}

/** The command-line cases (run as `tsx sdk/cli/main.ts ARGS`). */
export function cliCases(fx: Fixtures): CliCase[] {
  const out = path.join(fx.dir, 'cli-out');
  return [
    {
      input: 'a misspelled option',
      args: ['train', 'hypdae', '--stagee', '1'],
      exit: 1,
      contains: ["error: unknown option '--stagee'", '(Did you mean --stage?)'],
    },
    {
      input: 'a misspelled command',
      args: ['trian', 'hypdae'],
      exit: 1,
      contains: ["error: unknown command 'trian'", '(Did you mean train?)'],
    },
    {
      input: 'an unknown stage',
      args: ['train', 'hypdae', '--stage', '3'],
      exit: 2,
      contains: ['ConfigError: train hypdae --stage: expected', 'received "3"'],
    },
    {
      input: 'a non-numeric step count',
      args: ['train', 'hypdae', '--stage', '1', '--tiny', '--steps1', 'many', '--images', fx.goodFolder, '--out', out],
      exit: 2,
      contains: ['ConfigError: --steps1: expected a whole number ≥ 1, received "many"'],
    },
    {
      input: 'a missing data set path (HYPNEST_FASHION_MNIST)',
      env: { HYPNEST_FASHION_MNIST: path.join(fx.dir, 'missing') },
      // an --out of its own: the cases run two at a time, and this one and the next get far enough to lock theirs
      args: ['train', 'hypdae', '--stage', '1', '--tiny', '--out', `${out}-data`],
      exit: 2,
      contains: ['DataError: Fashion-MNIST', 'missing files', 'apt-get install dataset-fashion-mnist'],
    },
    {
      input: 'a truncated PNG in --images',
      args: ['train', 'hypdae', '--stage', '1', '--tiny', '--images', fx.badFolder, '--out', `${out}-png`],
      exit: 2,
      contains: ['DataError: loadImage(', '1.png', 'truncated or corrupt'],
    },
    {
      input: 'a corrupt stage-I checkpoint',
      args: ['train', 'hypdae', '--stage', '2', '--tiny', '--images', fx.goodFolder, '--out', fx.corruptStage1Out],
      exit: 2,
      contains: ['CheckpointError:', 'stage1.safetensors', 'expected sha256'],
    },
    {
      input: 'an unknown few-shot method',
      args: ['eval', 'fewshot', '--method', 'copyy'],
      exit: 2,
      contains: ['ConfigError: runFewShotEval(methods)', 'received "copyy"', "Did you mean 'copy'?"],
    },
    {
      input: 'a negative epoch count',
      args: ['train', 'evaluator', '--epochs', '-1'],
      exit: 2,
      contains: ['ConfigError: train-main(--epochs)', 'a positive integer', 'received -1'],
    },
    {
      input: 'a non-numeric time budget',
      args: [
        'train',
        'hypdae',
        '--stage',
        '1',
        '--tiny',
        '--steps1',
        '1',
        '--minutes',
        'soon',
        '--images',
        fx.goodFolder,
        '--out',
        path.join(fx.dir, 'cli-minutes'),
      ],
      exit: 2,
      contains: ['ConfigError: --minutes: expected a finite number > 0, received "soon"', 'For example: --minutes 30'],
    },
    {
      input: 'a stochastic-encoding strength above 1',
      args: ['eval', 'fewshot', '--method', 'hyperbolic', '--strength', '1.5'],
      exit: 2,
      contains: ['ConfigError: --strength: expected a number in (0, 1], received "1.5"', 'For example: --strength 0.6'],
    },
    {
      input: 'an unknown kind of perturbation target',
      args: ['eval', 'fewshot', '--method', 'hyperbolic', '--targets', 'real'],
      exit: 2,
      contains: ['ConfigError: --targets: expected one of random, seen, received "real"', 'For example: --targets random'],
    },
    {
      input: 'a worker count that is not a number',
      args: ['train', 'hypdae', '--tiny', '--workers', 'two', '--out', out],
      exit: 2,
      contains: ['ConfigError: --workers: expected a whole number ≥ 0, received "two"'],
    },
    {
      input: 'a non-numeric seed',
      args: ['eval', 'fewshot', '--seeds', 'a'],
      exit: 2,
      contains: ['ConfigError: --seeds: expected a comma-separated list of whole numbers ≥ 0, received "a"'],
    },
    {
      input: 'a nested training with 0 levels',
      args: ['train', 'nested', '--levels', '0', '--tiny', '--out', out],
      exit: 2,
      contains: ['ConfigError: --levels: expected a whole number ≥ 1, received "0"', '--levels 5'],
    },
    {
      input: 'a pixel EMA decay of 1.5',
      args: ['train', 'nested', '--levels', '2', '--tiny', '--pixel-ema', '1.5', '--out', out],
      exit: 2,
      contains: ['ConfigError: --pixel-ema: expected a number strictly between 0 and 1, received "1.5"'],
    },
    {
      input: 'a negative σ² for the pixel level',
      args: ['train', 'nested', '--levels', '2', '--tiny', '--pixel-sigma2', '0,-0.1', '--out', out],
      exit: 2,
      contains: [
        'ConfigError: --pixel-sigma2: expected a comma-separated list of finite numbers ≥ 0, received "0,-0.1"',
        'For example: --pixel-sigma2 0,0.05',
      ],
    },
    {
      input: 'a negative latent η',
      args: ['eval', 'nested', '--latent-eta', '-1'],
      exit: 2,
      contains: ['ConfigError: --latent-eta: expected a finite number ≥ 0, received "-1"', 'For example: --latent-eta 1'],
    },
    {
      input: 'an output folder that cannot be created',
      args: ['train', 'hypdae', '--stage', '1', '--tiny', '--images', fx.goodFolder, '--out', path.join(fx.fileNotFolder, 'out')],
      exit: 2,
      contains: [
        'CheckpointError: train hypdae --out: expected a folder that can be created',
        'A part of the path is a file, not a folder',
      ],
    },
  ];
}

/** Not in the catalogue yet, and why. */
export const NOT_COVERED: string[] = [];

/**
 * Machine-independent text: the temporary folder and the repository as <tmp> and <repo>, and libvips'
 * detail in image errors (it varies between runs: concurrent decodes share libvips' error buffer, so the
 * same truncated file reads 'pngload: end of stream' or 'Unknown error').
 */
export function scrubber(tmp: string, repo: string): (s: string) => string {
  return (s) =>
    s
      .split(tmp)
      .join('<tmp>')
      .split(path.join(os.tmpdir(), 'hypnest-test-nested-v4'))
      .join('<nested fixture>')
      .split(repo)
      .join('<repo>')
      .replace(/an undecodable file \([^)]*\)/g, 'an undecodable file (<libvips message>)');
}

/** The catalogue without its message columns (the last cell of each table row): what the docs check compares strictly. */
export function catalogueSkeleton(md: string): string {
  return md
    .split('\n')
    .map((l) => (l.startsWith('| ') ? l.replace(/\| [^|]*(?:\\\|[^|]*)* \|$/, '|') : l))
    .join('\n');
}

/** The error part of a command's stderr: from the first `Name: …` or commander `error: …` line on (log lines before it dropped). */
export function errorPart(stderr: string): string {
  const lines = stderr.trim().split('\n');
  const i = lines.findIndex((l) => /^(error: |[A-Z]\w*Error: )/.test(l));
  return (i < 0 ? lines : lines.slice(i)).join('\n');
}

/** The case's command line as a user would type it. */
function commandOf(c: CliCase): string {
  return [...Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${v}`), 'hypnest', ...c.args].join(' ');
}

const cell = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|').replace(/\n+/g, ' ⏎ ').trim();

/** The catalogue as markdown; `scrub` replaces machine-specific paths. */
export function catalogueMarkdown(
  sdk: { c: SdkCase; o: Outcome }[],
  cli: { c: CliCase; status: number | null; stderr: string }[],
  scrub: (s: string) => string,
): string {
  const command = (c: CliCase) => cell(scrub(commandOf(c)));
  const lines = [
    '# Bad inputs and what they raise',
    '',
    'Generated by `test/reliability/bad-inputs.test.ts` (cases in bad-inputs.ts and hostile-cases.ts) from the calls it makes; `HYPNEST_UPDATE_DOCS=1 npx uvu -r tsx/cjs test/reliability bad-inputs`',
    'rewrites this file; the test fails when a case, an error class or an exit status differs from it, and says so when only',
    "a message text does. `<tmp>` is the test's temporary folder.",
    'Every SDK error is typed (sdk/core/errors.ts) and says what was expected, what was received and, where there is',
    "something to do, a hint. The command line prints a one-line error on stderr (`Name: message` for the SDK's errors, exit 2;",
    "commander's `error: …` for unknown options and commands, exit 1), without a stack trace. For the command line the",
    'table shows stderr from the error line on (log lines written before it are left out).',
    `Every SDK case runs under a ${CASE_TIMEOUT_MS / 1000} s timeout (a hang fails the test) and must leave tf.memory().numTensors as it`,
    'found it (a leak fails the test); every command under a 240 s timeout. `npm run docs:bad-inputs` regenerates this file.',
    '',
    '## SDK',
    '',
    '| area | call | bad input | error | message |',
    '|---|---|---|---|---|',
    ...sdk
      .filter((r) => r.c.kind === 'typed')
      .map(({ c, o }) => `| ${c.area} | \`${cell(c.call)}\` | ${cell(c.input)} | ${o.name} | ${cell(scrub(o.message ?? ''))} |`),
    '',
    '## Handled: a careless input that gives the correct result',
    '',
    '| area | call | input | result |',
    '|---|---|---|---|',
    ...sdk
      .filter((r) => r.c.kind === 'ok')
      .map(({ c }) => `| ${c.area} | \`${cell(c.call)}\` | ${cell(c.input)} | ${cell((c as OkCase).result)} |`),
    '',
    '## Command line (`hypnest …`, here `tsx sdk/cli/main.ts …`)',
    '',
    '| bad input | command | exit | stderr |',
    '|---|---|---|---|',
    ...cli
      .filter((r) => !r.c.gap)
      .map(({ c, status, stderr }) => `| ${cell(c.input)} | \`${command(c)}\` | ${status} | ${cell(scrub(errorPart(stderr)))} |`),
    '',
    '## Gaps: accepted without a typed error',
    '',
    '| area | call | bad input | what happens | where a check belongs |',
    '|---|---|---|---|---|',
    ...sdk
      .filter((r) => r.c.kind === 'gap')
      .map(
        ({ c }) => `| ${c.area} | \`${cell(c.call)}\` | ${cell(c.input)} | ${cell((c as GapCase).happens)} | ${cell((c as GapCase).fix)} |`,
      ),
    ...cli
      .filter((r) => r.c.gap)
      .map(
        ({ c, status }) =>
          `| cli | \`${command(c)}\` | ${cell(c.input)} | ${cell(`${c.gap!.happens} (exit ${status})`)} | ${cell(c.gap!.fix)} |`,
      ),
    ...(sdk.some((r) => r.c.kind === 'gap') || cli.some((r) => r.c.gap) ? [] : ['| — | — | none known | — | — |']),
    '',
    '## Not covered yet',
    '',
    ...(NOT_COVERED.length ? NOT_COVERED.map((s) => `- ${s}`) : ['None.']),
    '',
  ];
  return lines.join('\n');
}
