/**
 * Evaluator configuration: a small CNN classifier on 28×28 grayscale images in [-1, 1].
 *   conv3×3(c₁)·ReLU → maxpool2 → conv3×3(c₂)·ReLU → maxpool2 → conv3×3(c₃)·ReLU → dense(h)·ReLU → dense(10)
 * 28×28 (not 32×32): the network is fully native to Fashion-MNIST; 32×32 inputs (zero-padded data) are
 * centre-cropped back to 28×28 before the first layer, so both layouts give identical features.
 */
import { ConfigError, checkOptions } from '../../core/errors';

export interface EvaluatorConfig {
  /** Channels of the three conv layers. */
  channels: [number, number, number];
  /** Width of the penultimate (feature) layer. */
  hidden: number;
  /** Number of classes. */
  classes: number;
  /** Dropout rate on the penultimate layer while training. */
  dropout: number;
}

export const DEFAULT_EVALUATOR_CONFIG: Readonly<EvaluatorConfig> = Object.freeze({
  channels: [32, 64, 64] as [number, number, number],
  hidden: 128,
  classes: 10,
  dropout: 0.3,
});

/** Side of the images the network sees. */
export const EVALUATOR_SIZE = 28;

/** Names of the layers `features()` returns in `layers` (the diversity metric's feature maps). */
export const EVALUATOR_LAYERS = ['conv1', 'conv2', 'conv3', 'fc1'] as const;

/** Fills defaults and validates. */
export function evaluatorConfig(partial: Partial<EvaluatorConfig> = {}): EvaluatorConfig {
  checkOptions('evaluatorConfig', partial, Object.keys(DEFAULT_EVALUATOR_CONFIG));
  const c: EvaluatorConfig = {
    ...DEFAULT_EVALUATOR_CONFIG,
    ...partial,
    channels: [...(partial.channels ?? DEFAULT_EVALUATOR_CONFIG.channels)] as [number, number, number],
  };
  const posInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  if (c.channels.length !== 3 || !c.channels.every(posInt)) {
    throw new ConfigError('evaluatorConfig(channels)', { expected: 'three positive integers', received: JSON.stringify(c.channels) });
  }
  if (!posInt(c.hidden) || !posInt(c.classes) || c.classes < 2) {
    throw new ConfigError('evaluatorConfig', {
      expected: 'positive integer hidden and classes ≥ 2',
      received: `hidden=${c.hidden}, classes=${c.classes}`,
    });
  }
  if (!(c.dropout >= 0 && c.dropout < 1))
    throw new ConfigError('evaluatorConfig(dropout)', { expected: 'a rate in [0, 1)', received: String(c.dropout) });
  return c;
}
