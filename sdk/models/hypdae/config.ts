/**
 * HypDAE configuration: frozen plain data, validated when built, printable.
 * Stage I (diffusion autoencoder) and stage II (hyperbolic code autoencoder) are configured separately so a
 * stage-II checkpoint can be retrained on a fixed stage I. `hypdaeConfig()`'s defaults are what `hypnest train hypdae`
 * trains and ships (stage I 15.7 min here on the native kernels); `HYPDAE_FAITHFUL` is the recipe whose semantic code
 * keeps an unseen class from fresh noise; `HYPDAE_TINY` is for tests.
 */
import { ConfigError, checkOptions, describe } from '../../core/errors';
import type { UNetConfig } from '../../nn/unet-config';
import type { ScheduleKind } from '../../diffusion/schedule';
import { PREDICTIONS, type Prediction } from '../../diffusion/denoiser';

export interface AugmentConfig {
  /** Probability of a left–right flip. */
  readonly flip: number;
  /** Largest shift in pixels (uniform in ±shift). */
  readonly shift: number;
  /** Largest rotation in degrees (uniform in ±rotate). */
  readonly rotate: number;
  /** Largest relative scale change (uniform in 1 ± scale). */
  readonly scale: number;
  /** Elastic warp amplitude in pixels (smooth random field on a 4×4 grid). */
  readonly elastic: number;
  /** Probability of a 3×3 Gaussian blur. */
  readonly blur: number;
}

export interface SpatialCode {
  /** Side of the map: 16, 8 or 4 (the encoder's three stride-2 stages). */
  readonly size: number;
  readonly channels: number;
}

/** Entries of the code that are the spatial map (0 without one). */
export function spatialCodeWidth(s1: Pick<Stage1Config, 'spatialCode'>): number {
  return s1.spatialCode ? s1.spatialCode.size ** 2 * s1.spatialCode.channels : 0;
}

export interface Stage1Config {
  /** U-Net of the decoder (condDim is set to codeDim). */
  readonly unet: Readonly<Partial<UNetConfig>>;
  /** Width of the semantic code z. */
  readonly codeDim: number;
  /** Channels of the encoder's three stride-2 conv stages. */
  readonly encoderChannels: readonly number[];
  readonly schedule: { readonly kind: ScheduleKind; readonly trainSteps: number };
  /** Probability of replacing z by the learned null code during training (for classifier-free guidance). */
  readonly condDrop: number;
  /**
   * What the decoder's U-Net predicts: 'epsilon' (the noise; absent means this) or 'v' (Salimans & Ho 2022,
   * v = √ᾱ·ε − √(1−ᾱ)·x₀: at high t the target is ≈ −x₀, so the decoder must draw the image from z alone there,
   * where ε-prediction's loss hardly depends on the image). The stage's denoiser returns ε either way, so the
   * samplers, inversion and guidance are unchanged. Left out of the config when 'epsilon', so checkpoints and
   * resumable training states written before the option still match their config.
   */
  readonly prediction?: Prediction;
  /**
   * A spatial part of the code (absent means none): the last size²·channels entries of z are a size×size×channels
   * map the encoder computes at that resolution (a 1×1 conv of its feature map, layer-normed), which the decoder
   * also receives as a picture (upsampled, stacked onto x_t's channels). A coarse layout is a local cue the
   * decoder learns to follow whatever the class, so a fresh-noise decode keeps an unseen class's shape, which a
   * code of vector features only leaves to the classes stage I was trained on. Left out when absent, so older
   * checkpoints still match their config.
   */
  readonly spatialCode?: SpatialCode;
  readonly batchSize: number;
  /** Training steps (optimizer updates). */
  readonly steps: number;
  readonly lr: number;
  /** Linear warm-up of the learning rate over this many steps. */
  readonly warmup: number;
  /** EMA decay of the weights used for sampling (with the (1+n)/(10+n) warm-up). */
  readonly emaDecay: number;
  readonly augment: AugmentConfig;
  readonly seed: number;
}

export type Space = 'hyperbolic' | 'euclidean';
export type LabelSource = 'pseudo' | 'real';

export interface Stage2Config {
  readonly space: Space;
  readonly labels: LabelSource;
  /** Number of k-means clusters (pseudo-labels); real labels use the classes present. */
  readonly clusters: number;
  /** Dimension of the ball (or of the Euclidean latent). */
  readonly ballDim: number;
  /** Curvature c of the ball. */
  readonly c: number;
  /** Feature clipping radius r before expmap0 (Guo et al. 2022); hyperbolic radius ≤ 2r/√c. */
  readonly clipR: number;
  readonly width: number;
  /** Residual MLP blocks in the encoder and in the decoder. */
  readonly blocks: number;
  /**
   * Normalisation inside the decoder MLP. 'layer' (LayerNorm before each block and the output) makes the decoder
   * nearly blind to the length of log₀h, i.e. to the radius; 'none' keeps the radius an input the decoder can use.
   */
  readonly decoderNorm: 'layer' | 'none';
  /** Weight λ of the reconstruction term: L = CE + λ (L2 + 1 − cos). */
  readonly lambda: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly lr: number;
  readonly seed: number;
}

export interface SampleConfig {
  /** DDIM steps for generation. */
  readonly steps: number;
  /** Classifier-free guidance weight w (1 = conditional, > 1 stronger). */
  readonly guidance: number;
  /** DDIM η (0 deterministic). */
  readonly eta: number;
}

export interface HypdaeConfig {
  readonly kind: 'hypdae';
  readonly stage1: Stage1Config;
  readonly stage2: Stage2Config;
  readonly sample: SampleConfig;
}

export type HypdaeOptions = {
  stage1?: Partial<Omit<Stage1Config, 'augment'>> & { augment?: Partial<AugmentConfig> };
  stage2?: Partial<Stage2Config>;
  sample?: Partial<SampleConfig>;
};

const AUGMENT: AugmentConfig = { flip: 0.5, shift: 3, rotate: 12, scale: 0.1, elastic: 1.5, blur: 0.3 };

/**
 * The default augmentation with every amplitude and probability times k (0: the encoder sees the clean image, as in
 * Diff-AE and HYPDAE_FAITHFUL; 1: the default). Weaker augmentation leaves more of the input's shape in z, which is
 * what a fresh-noise decode has to draw an unseen class from.
 */
export function scaledAugment(k: number): AugmentConfig {
  num('augment scale', k, 0, 1);
  return Object.fromEntries(Object.entries(AUGMENT).map(([key, v]) => [key, v * k])) as unknown as AugmentConfig;
}

const STAGE1: Stage1Config = {
  unet: { imageSize: 32, channels: 32, channelMults: [1, 2, 2], blocksPerLevel: 1, attention: true },
  codeDim: 64,
  encoderChannels: [32, 64, 64],
  schedule: { kind: 'linear', trainSteps: 1000 },
  condDrop: 0.1,
  batchSize: 32,
  steps: 2400,
  lr: 1e-3,
  warmup: 100,
  emaDecay: 0.995,
  augment: AUGMENT,
  seed: 0,
};

const STAGE2: Stage2Config = {
  space: 'hyperbolic',
  labels: 'pseudo',
  clusters: 8,
  ballDim: 16,
  c: 1,
  clipR: 3,
  width: 128,
  blocks: 2,
  decoderNorm: 'layer',
  lambda: 1,
  batchSize: 256,
  steps: 1500,
  lr: 1e-3,
  seed: 0,
};

const SAMPLE: SampleConfig = { steps: 20, guidance: 2, eta: 0 };

/**
 * The faithful recipe (`train hypdae --faithful`, i.e. `--prediction v --augment-scale 0 --spatial-code 8x1`):
 * v-prediction, the encoder sees the clean image, and the code is 64 vector features plus an 8×8×1 map that stays
 * out of the ball. With it a fresh-noise decode keeps an unseen class (the few-shot `stochastic` method, 10 steps,
 * guidance 2: FD 140.8 → 24.5, recognisability 0.16 → 0.83 over 3 seeds; v-prediction without augmentation alone
 * gave 55.7 and 0.49 on seed 0), at the price of the radius's range of diversity
 * (assets/hypdae/sweeps/fidelity/README.md). The shipped checkpoints and `hypdaeConfig()`'s defaults are the first
 * recipe (ε, full augmentation, a 64-wide code).
 */
export const HYPDAE_FAITHFUL: HypdaeOptions = {
  stage1: { prediction: 'v', augment: scaledAugment(0), spatialCode: { size: 8, channels: 1 }, codeDim: 64 + 64 },
};

/** Tiny sizes for tests (a step takes well under a second). */
export const HYPDAE_TINY: HypdaeOptions = {
  stage1: {
    unet: { imageSize: 32, channels: 8, channelMults: [1, 2], blocksPerLevel: 1, attention: false, groups: 4 },
    codeDim: 8,
    encoderChannels: [8, 8, 8],
    batchSize: 4,
    steps: 4,
    warmup: 0,
    lr: 2e-3,
    schedule: { kind: 'linear', trainSteps: 100 },
  },
  stage2: { clusters: 3, ballDim: 4, width: 16, blocks: 1, batchSize: 16, steps: 20 },
  sample: { steps: 4 },
};

function num(where: string, v: unknown, lo: number, hi: number, integer = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    throw new ConfigError(`hypdaeConfig(${where})`, {
      expected: `${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}]`,
      received: describe(v),
    });
  }
}

function oneOf<T extends string>(where: string, v: unknown, allowed: readonly T[]): void {
  if (!allowed.includes(v as T)) {
    throw new ConfigError(`hypdaeConfig(${where})`, {
      expected: `one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
      received: describe(v),
    });
  }
}

function validate(c: HypdaeConfig): void {
  const s1 = c.stage1;
  num('stage1.codeDim', s1.codeDim, 1, 4096, true);
  if (!Array.isArray(s1.encoderChannels) || s1.encoderChannels.length !== 3) {
    throw new ConfigError('hypdaeConfig(stage1.encoderChannels)', {
      expected: 'three positive integers',
      received: describe(s1.encoderChannels),
    });
  }
  s1.encoderChannels.forEach((ch, i) => num(`stage1.encoderChannels[${i}]`, ch, 1, 1024, true));
  oneOf('stage1.schedule.kind', s1.schedule.kind, ['linear', 'scaled-linear', 'cosine']);
  num('stage1.schedule.trainSteps', s1.schedule.trainSteps, 2, 100000, true);
  num('stage1.condDrop', s1.condDrop, 0, 1);
  if (s1.prediction !== undefined) oneOf('stage1.prediction', s1.prediction, PREDICTIONS);
  if (s1.spatialCode !== undefined) {
    checkOptions('hypdaeConfig(stage1.spatialCode)', s1.spatialCode, ['size', 'channels']);
    if (![16, 8, 4].includes(s1.spatialCode.size))
      throw new ConfigError('hypdaeConfig(stage1.spatialCode.size)', {
        expected: '16, 8 or 4 (a resolution of the encoder)',
        received: describe(s1.spatialCode.size),
      });
    num('stage1.spatialCode.channels', s1.spatialCode.channels, 1, 64, true);
    if (s1.codeDim <= spatialCodeWidth(s1))
      throw new ConfigError('hypdaeConfig(stage1.codeDim)', {
        expected: `more than the spatial map's ${spatialCodeWidth(s1)} entries (the code holds both)`,
        received: describe(s1.codeDim),
        hint: `e.g. codeDim ${spatialCodeWidth(s1) + 64}`,
      });
  }
  num('stage1.batchSize', s1.batchSize, 1, 4096, true);
  num('stage1.steps', s1.steps, 0, 1e7, true);
  num('stage1.lr', s1.lr, 0, 1);
  num('stage1.warmup', s1.warmup, 0, 1e7, true);
  num('stage1.emaDecay', s1.emaDecay, 0, 1);
  num('stage1.seed', s1.seed, 0, 2 ** 31, true);
  const a = s1.augment;
  checkOptions('hypdaeConfig(stage1.augment)', a, Object.keys(AUGMENT));
  num('stage1.augment.flip', a.flip, 0, 1);
  num('stage1.augment.blur', a.blur, 0, 1);
  num('stage1.augment.shift', a.shift, 0, 16);
  num('stage1.augment.rotate', a.rotate, 0, 180);
  num('stage1.augment.scale', a.scale, 0, 0.9);
  num('stage1.augment.elastic', a.elastic, 0, 8);
  const s2 = c.stage2;
  oneOf('stage2.space', s2.space, ['hyperbolic', 'euclidean']);
  oneOf('stage2.labels', s2.labels, ['pseudo', 'real']);
  oneOf('stage2.decoderNorm', s2.decoderNorm, ['layer', 'none']);
  num('stage2.clusters', s2.clusters, 2, 1000, true);
  num('stage2.ballDim', s2.ballDim, 1, 1024, true);
  num('stage2.c', s2.c, 1e-6, 1e3);
  num('stage2.clipR', s2.clipR, 1e-3, 100);
  num('stage2.width', s2.width, 1, 8192, true);
  num('stage2.blocks', s2.blocks, 0, 64, true);
  num('stage2.lambda', s2.lambda, 0, 1e6);
  num('stage2.batchSize', s2.batchSize, 1, 1e5, true);
  num('stage2.steps', s2.steps, 0, 1e7, true);
  num('stage2.lr', s2.lr, 0, 1);
  num('stage2.seed', s2.seed, 0, 2 ** 31, true);
  num('sample.steps', c.sample.steps, 1, 10000, true);
  num('sample.guidance', c.sample.guidance, -100, 100);
  num('sample.eta', c.sample.eta, 0, 10);
}

const deepFreeze = <T>(o: T): T => {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
};

/** Fills defaults, validates (ConfigError naming the field; unknown keys suggest the nearest), freezes. */
export function hypdaeConfig(options: HypdaeOptions | HypdaeConfig = {}): HypdaeConfig {
  checkOptions('hypdaeConfig', options, ['kind', 'stage1', 'stage2', 'sample']);
  const o = options as HypdaeOptions;
  checkOptions('hypdaeConfig(stage1)', o.stage1, [...Object.keys(STAGE1), 'prediction', 'spatialCode']);
  checkOptions('hypdaeConfig(stage2)', o.stage2, Object.keys(STAGE2));
  checkOptions('hypdaeConfig(sample)', o.sample, Object.keys(SAMPLE));
  const stage1: Stage1Config = {
    ...STAGE1,
    ...o.stage1,
    unet: { ...STAGE1.unet, ...o.stage1?.unet },
    schedule: { ...STAGE1.schedule, ...o.stage1?.schedule },
    augment: { ...AUGMENT, ...o.stage1?.augment },
    encoderChannels: [...(o.stage1?.encoderChannels ?? STAGE1.encoderChannels)],
  };
  if (stage1.prediction === undefined || stage1.prediction === 'epsilon') delete (stage1 as { prediction?: Prediction }).prediction;
  if (stage1.spatialCode === undefined) delete (stage1 as { spatialCode?: SpatialCode }).spatialCode;
  const c: HypdaeConfig = { kind: 'hypdae', stage1, stage2: { ...STAGE2, ...o.stage2 }, sample: { ...SAMPLE, ...o.sample } };
  validate(c);
  return deepFreeze(JSON.parse(JSON.stringify(c)) as HypdaeConfig);
}

/** The U-Net config of the decoder (the code is its condition). */
export function decoderUNetConfig(c: HypdaeConfig): Partial<UNetConfig> {
  return { ...c.stage1.unet, inChannels: 1 + (c.stage1.spatialCode?.channels ?? 0), outChannels: 1, condDim: c.stage1.codeDim };
}

/** A few lines describing the config. */
export function formatHypdaeConfig(c: HypdaeConfig): string {
  const s1 = c.stage1;
  const s2 = c.stage2;
  const u = s1.unet;
  const aug = Object.entries(s1.augment)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `HypDAE stage I: code ${s1.codeDim}${s1.spatialCode ? ` (of which a ${s1.spatialCode.size}×${s1.spatialCode.size}×${s1.spatialCode.channels} map)` : ''}, encoder [${s1.encoderChannels}], U-Net ch ${u.channels}×[${u.channelMults}] attn ${u.attention}, ` +
      `${s1.schedule.kind} T=${s1.schedule.trainSteps}${s1.prediction ? `, ${s1.prediction}-prediction` : ''}, batch ${s1.batchSize} × ${s1.steps} steps, lr ${s1.lr}, EMA ${s1.emaDecay}, cond-drop ${s1.condDrop}`,
    `  augment (encoder input only): ${aug}`,
    `HypDAE stage II: ${s2.space}, labels ${s2.labels}${s2.labels === 'pseudo' ? ` (k-means k=${s2.clusters})` : ''}, dim ${s2.ballDim}, c ${s2.c}, clipR ${s2.clipR}, ` +
      `width ${s2.width} × ${s2.blocks} blocks, decoder norm ${s2.decoderNorm}, λ ${s2.lambda}, batch ${s2.batchSize} × ${s2.steps} steps, lr ${s2.lr}`,
    `sampling: DDIM ${c.sample.steps} steps, guidance ${c.sample.guidance}, η ${c.sample.eta}`,
  ].join('\n');
}
