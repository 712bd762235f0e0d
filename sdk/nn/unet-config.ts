/**
 * U-Net configuration: frozen plain data, validated when built, printable.
 */
import { ConfigError, checkOptions, describe } from '../core/errors';

export interface UNetConfig {
  readonly kind: 'unet';
  /** Square input size; must be divisible by 2^(levels − 1). */
  readonly imageSize: number;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Base width; level i has channels · channelMults[i]. */
  readonly channels: number;
  readonly channelMults: readonly number[];
  readonly blocksPerLevel: 1 | 2 | 3;
  /** Self-attention at the lowest resolution (in the middle block). */
  readonly attention: boolean;
  readonly heads: number;
  /** Width of the condition vector; 0 = unconditional (no cond.* parameters). */
  readonly condDim: number;
  /**
   * How the condition enters: 'add' (projected and added to the time embedding) or 'scale' (DiffAE's
   * conditioning: every residual block multiplies its normalised features by 1 + dense(cond),
   * z_s · (t_s · GN(h) + t_b)).
   */
  readonly condMode: 'add' | 'scale';
  /** Groups of every group norm (must divide every width). */
  readonly groups: number;
}

const DEFAULTS: Omit<UNetConfig, 'kind'> = {
  imageSize: 32,
  inChannels: 1,
  outChannels: 1,
  channels: 32,
  channelMults: [1, 2, 2],
  blocksPerLevel: 1,
  attention: true,
  heads: 4,
  condDim: 0,
  condMode: 'add',
  groups: 8,
};

/**
 * The configuration of the shipped Fashion-MNIST models' U-Net (32×32×1, base 32, mults [1,2,2],
 * one block per level, attention at 8×8). Forward cost: see `unetFlops`; ≈ 0.51 GFLOP per image.
 */
export const FASHION_UNET: Partial<UNetConfig> = {
  imageSize: 32,
  channels: 32,
  channelMults: [1, 2, 2],
  blocksPerLevel: 1,
  attention: true,
};

function positiveInt(where: string, v: unknown, allowZero = false): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < (allowZero ? 0 : 1)) {
    throw new ConfigError(`unetConfig(${where})`, {
      expected: `a ${allowZero ? 'non-negative' : 'positive'} integer`,
      received: describe(v),
    });
  }
}

/** Fills defaults, validates, freezes. */
export function unetConfig(options: Partial<UNetConfig> = {}): UNetConfig {
  checkOptions('unetConfig', options, ['kind', ...Object.keys(DEFAULTS)]);
  const c = { kind: 'unet' as const, ...DEFAULTS, ...options };
  for (const k of ['imageSize', 'inChannels', 'outChannels', 'channels', 'heads', 'groups'] as const) positiveInt(k, c[k]);
  positiveInt('condDim', c.condDim, true);
  if (![1, 2, 3].includes(c.blocksPerLevel))
    throw new ConfigError('unetConfig(blocksPerLevel)', { expected: '1, 2 or 3', received: describe(c.blocksPerLevel) });
  if (!Array.isArray(c.channelMults) || c.channelMults.length < 1)
    throw new ConfigError('unetConfig(channelMults)', {
      expected: 'a non-empty array of positive integers',
      received: describe(c.channelMults),
    });
  c.channelMults.forEach((m, i) => positiveInt(`channelMults[${i}]`, m));
  const div = 2 ** (c.channelMults.length - 1);
  if (c.imageSize % div !== 0) {
    throw new ConfigError('unetConfig(imageSize)', {
      expected: `a multiple of ${div} (2^(levels−1) for ${c.channelMults.length} levels)`,
      received: String(c.imageSize),
      hint: 'Pad images (e.g. 28 → 32) or use fewer levels.',
    });
  }
  for (const m of c.channelMults) {
    const w = c.channels * m;
    if (w % c.groups !== 0)
      throw new ConfigError('unetConfig(groups)', { expected: `a divisor of every width (${w})`, received: String(c.groups) });
  }
  const low = c.channels * c.channelMults[c.channelMults.length - 1];
  if (c.attention && low % c.heads !== 0)
    throw new ConfigError('unetConfig(heads)', { expected: `a divisor of the lowest width ${low}`, received: String(c.heads) });
  if (c.condMode !== 'add' && c.condMode !== 'scale')
    throw new ConfigError('unetConfig(condMode)', { expected: "'add' or 'scale'", received: describe(c.condMode) });
  if (typeof c.attention !== 'boolean')
    throw new ConfigError('unetConfig(attention)', { expected: 'true or false', received: describe(c.attention) });
  return Object.freeze({ ...c, channelMults: Object.freeze([...c.channelMults]) });
}

/** One line, e.g. `unet 32×32×1→1 ch 32×[1,2,2] blocks 1 attn 4 heads cond 0 groups 8`. */
export function formatUNetConfig(c: UNetConfig): string {
  return (
    `unet ${c.imageSize}×${c.imageSize}×${c.inChannels}→${c.outChannels} ch ${c.channels}×[${c.channelMults.join(',')}] blocks ${c.blocksPerLevel} ` +
    `${c.attention ? `attn ${c.heads} heads` : 'no attn'} cond ${c.condDim}${c.condMode === 'scale' ? ' (scale)' : ''} groups ${c.groups}`
  );
}
