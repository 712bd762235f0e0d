/**
 * Nested diffusion level by level (tensor work only, no DOM): runs sdk/models/nested generateNested from level
 * `from` on, with the latents of the coarser levels held (`fixed`) and one seed per level, so re-drawing level l
 * (a new seed at l) or changing its guidance or σ keeps every coarser latent and the noise of every other level.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError, describe } from '../core/errors';
import { generateNested } from '../models/nested/sample';
import type { NestedModel } from '../models/nested/model';

export interface LevelSettings {
  /** Samples drawn side by side. */
  readonly n: number;
  /** DDIM steps of the pixel level and of the latent levels. */
  readonly steps: number;
  readonly latentSteps: number;
  /** Guidance scale per level (length L). */
  readonly guidance: readonly number[];
  /** σ² per latent level (length L − 1). */
  readonly sigma2: readonly number[];
  /** Seed per level (length L). */
  readonly seeds: readonly number[];
}

export interface LevelState {
  /** z̃_l per latent level, n × d_l each. */
  readonly latents: Float32Array[];
  /** n images × 1024 in [−1, 1]. */
  readonly images: Float32Array;
}

/** The widget's defaults for a model: fewer DDIM steps than the shipped 20 (speed); its guidance and σ². */
export function levelDefaults(m: NestedModel, guidance: readonly number[]): LevelSettings {
  const L = m.config.levels;
  return {
    n: 4,
    steps: 10,
    latentSteps: 10,
    guidance: [...guidance],
    sigma2: Array(L - 1).fill(m.config.sample.sigma2),
    seeds: Array.from({ length: L }, (_, i) => i),
  };
}

/** Generates levels from..L (1-based) on top of `held` (the previous state: its latents of levels < from stay). */
export async function generateFrom(m: NestedModel, s: LevelSettings, from: number, held?: LevelState): Promise<LevelState> {
  const L = m.config.levels;
  if (!Number.isInteger(from) || from < 1 || from > L || (from > 1 && !held))
    throw new ValueError('generateFrom(from)', {
      expected: `a level in 1..${L} (above 1 only with the previous state)`,
      received: describe(from),
    });
  const fixed = m.config.dims.map((d, i) => (i < from - 1 ? tf.tensor2d(held!.latents[i], [s.n, d]) : undefined));
  try {
    const g = generateNested(m, {
      n: s.n,
      guidance: s.guidance,
      sigma2: s.sigma2,
      steps: s.steps,
      latentSteps: s.latentSteps,
      seed: 0,
      levelSeeds: s.seeds,
      fixed,
    });
    try {
      const latents = await Promise.all(g.latents.map(async (z) => (await z.data()) as Float32Array));
      return { latents, images: (await g.images.data()) as Float32Array };
    } finally {
      tf.dispose([...g.latents, g.images]);
    }
  } finally {
    tf.dispose(fixed.filter((t): t is tf.Tensor2D => t !== undefined));
  }
}
