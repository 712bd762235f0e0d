/**
 * The frozen evaluator: a small CNN classifier whose activations are the feature space of every metric.
 *   features(images) → { penultimate [n, hidden], layers [a₁, a₂, a₃, h], logits }   (batched, caller disposes)
 *   classify(images) → predicted class per image
 * Load the shipped one with `await Evaluator.load()` (assets/evaluator/evaluator.{safetensors,json}).
 */
import * as tf from '@tensorflow/tfjs-core';
import '../../core';
import { CheckpointError, checkOptions } from '../../core/errors';
import { assetPath } from '../../core/paths';
import { loadCheckpoint, saveCheckpoint } from '../../core/checkpoint';
import { EvaluatorConfig, evaluatorConfig } from './config';
import { ImagesLike, toEvaluatorInput } from './input';
import { evaluatorForward } from './network';
import { EvaluatorParams, evaluatorParamShapes, initEvaluatorParams } from './params';

export interface EvaluatorFeatures {
  penultimate: tf.Tensor2D;
  logits: tf.Tensor2D;
  /** Feature maps of EVALUATOR_LAYERS; empty unless `layers: true`. */
  layers: tf.Tensor[];
}

export interface FeatureOptions {
  /** Also return the per-layer activations (memory: n × 28·28·c₁ floats for conv1). Default false. */
  layers?: boolean;
  /** Images per forward pass (default 256). */
  batchSize?: number;
}

/** Default location of the shipped checkpoint (without extension). */
export const EVALUATOR_CHECKPOINT = (): string => assetPath('evaluator', 'evaluator');

export class Evaluator {
  constructor(
    readonly config: EvaluatorConfig,
    readonly params: EvaluatorParams,
    readonly meta: Record<string, unknown> = {},
  ) {}

  /** A freshly initialised (untrained) evaluator. */
  static init(config: Partial<EvaluatorConfig> = {}, seed = 0): Evaluator {
    const c = evaluatorConfig(config);
    return new Evaluator(c, initEvaluatorParams(c, seed));
  }

  /** Loads (and verifies) a checkpoint; default: the shipped one. */
  static async load(basePath: string = EVALUATOR_CHECKPOINT()): Promise<Evaluator> {
    const hint = 'Train it with `npx tsx sdk/models/evaluator/train-main.ts` (see assets/evaluator/README.md).';
    const probe = await loadCheckpoint(basePath, { hint });
    const params: EvaluatorParams = {};
    let config: EvaluatorConfig;
    try {
      try {
        config = evaluatorConfig(probe.config as Partial<EvaluatorConfig>);
      } catch (e) {
        throw new CheckpointError(`Evaluator.load(${basePath})`, {
          expected: 'an evaluator config',
          received: (e as Error).message,
          hint: 'Is this an evaluator checkpoint? Pass the one written by `hypnest train evaluator`.',
        });
      }
      const shapes = evaluatorParamShapes(config);
      const bad = Object.keys(shapes).filter((k) => !probe.tensors[k] || probe.tensors[k].shape.join(',') !== shapes[k].join(','));
      if (bad.length) {
        throw new CheckpointError(`Evaluator.load(${basePath})`, {
          expected: 'the evaluator parameters',
          received: `missing or misshapen ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''}`,
          hint,
        });
      }
      for (const k of Object.keys(shapes)) params[k] = tf.variable(probe.tensors[k], false);
    } catch (e) {
      tf.dispose(Object.values(params));
      throw e;
    } finally {
      tf.dispose(Object.values(probe.tensors));
    }
    return new Evaluator(config, params, { ...(probe.meta as object), hash: probe.hash });
  }

  /** Saves config, parameters and `meta` as `<basePath>.safetensors` + `<basePath>.json`. */
  async save(basePath: string, meta: object = {}): Promise<{ hash: string; files: string[] }> {
    return saveCheckpoint(basePath, { config: this.config, tensors: this.params, meta });
  }

  /** Activations of the frozen network, computed in batches. The caller disposes the returned tensors. */
  features(images: ImagesLike, options: FeatureOptions = {}): EvaluatorFeatures {
    checkOptions('Evaluator.features(options)', options, ['layers', 'batchSize']);
    const x = toEvaluatorInput(images, 'Evaluator.features(images)');
    const bs = options.batchSize ?? 256;
    const parts: EvaluatorFeatures[] = [];
    try {
      for (let start = 0; start < x.shape[0]; start += bs) {
        const size = Math.min(bs, x.shape[0] - start);
        parts.push(
          tf.tidy(() => {
            const a = evaluatorForward(this.params, this.config, tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1]));
            return { penultimate: a.penultimate, logits: a.logits, layers: options.layers ? a.layers : [] };
          }),
        );
      }
    } finally {
      x.dispose();
    }
    if (parts.length === 1) return parts[0];
    const cat = <T extends tf.Tensor>(ts: T[]): T => tf.concat(ts, 0) as T;
    const out: EvaluatorFeatures = {
      penultimate: cat(parts.map((p) => p.penultimate)),
      logits: cat(parts.map((p) => p.logits)),
      layers: options.layers ? parts[0].layers.map((_, l) => cat(parts.map((p) => p.layers[l]))) : [],
    };
    for (const p of parts) tf.dispose([p.penultimate, p.logits, ...p.layers]);
    return out;
  }

  /** Penultimate features as plain rows (for the metrics): { data, rows, cols }. */
  embed(images: ImagesLike): { data: Float32Array; rows: number; cols: number } {
    const f = this.features(images);
    const data = f.penultimate.dataSync() as Float32Array;
    const [rows, cols] = f.penultimate.shape;
    tf.dispose([f.penultimate, f.logits]);
    return { data, rows, cols };
  }

  /** Predicted class of each image (argmax of the logits). */
  classify(images: ImagesLike): Int32Array {
    const f = this.features(images);
    const pred = tf.argMax(f.logits, -1);
    const out = Int32Array.from(pred.dataSync());
    tf.dispose([f.penultimate, f.logits, pred]);
    return out;
  }

  /** Share of images classified as their label. */
  accuracy(images: ImagesLike, labels: ArrayLike<number>): number {
    const pred = this.classify(images);
    let hits = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) hits++;
    return hits / pred.length;
  }

  dispose(): void {
    for (const v of Object.values(this.params)) v.dispose();
  }
}
