/**
 * Trains the evaluator on split E (all classes): Adam on the mean softmax cross-entropy, seeded shuffles,
 * seeded dropout and random horizontal flips; logs a line per `logEvery` steps and per epoch.
 */
import * as tf from '@tensorflow/tfjs-core';
import '../../core';
import { ShapeError, checkOptions, describe } from '../../core/errors';
import { Rng } from '../../core/rng';
import { progress } from '../../core/progress';
import { EvaluatorConfig } from './config';
import { Evaluator } from './evaluator';
import { crossEntropy, evaluatorForward } from './network';

export interface LabelledImages {
  /** n images, row-major, 28×28 or 32×32, pixels in [-1, 1]. */
  images: Float32Array;
  labels: ArrayLike<number>;
}

export interface TrainEvaluatorOptions {
  train: LabelledImages;
  /** Held-out set for the accuracy reported after each epoch (split T). */
  test?: LabelledImages;
  config?: Partial<EvaluatorConfig>;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** 'cosine' (default): lr·½(1 + cos(π·step/steps)); 'constant': lr throughout. */
  schedule?: 'cosine' | 'constant';
  seed?: number;
  /** Random horizontal flips (default true). */
  flip?: boolean;
  /** Called with each log line (the training log). */
  log?: (line: string) => void;
  logEvery?: number;
}

export interface TrainEvaluatorResult {
  evaluator: Evaluator;
  /** Per epoch: mean training loss, training accuracy (on the batches, with dropout), test accuracy. */
  history: { epoch: number; loss: number; trainAccuracy: number; testAccuracy?: number; seconds: number }[];
  testAccuracy?: number;
}

const KNOWN = ['train', 'test', 'config', 'epochs', 'batchSize', 'learningRate', 'schedule', 'seed', 'flip', 'log', 'logEvery'];

function pixelsPerImage(d: LabelledImages, where: string): number {
  const n = d?.labels?.length ?? 0;
  const p = n ? d.images.length / n : 0;
  if (!n || (p !== 784 && p !== 1024)) {
    throw new ShapeError(where, {
      expected: 'images of n·784 or n·1024 pixels with n labels',
      received: `${describe(d?.images)} with ${n} labels`,
    });
  }
  return p;
}

/** Copies the chosen images into one batch, flipping some left–right. */
function gather(d: LabelledImages, idx: number[], p: number, rng: Rng, flip: boolean): { x: Float32Array; y: Int32Array } {
  const side = Math.sqrt(p);
  const x = new Float32Array(idx.length * p);
  const y = new Int32Array(idx.length);
  idx.forEach((k, b) => {
    y[b] = d.labels[k];
    const src = d.images.subarray(k * p, (k + 1) * p);
    if (flip && rng.next() < 0.5) {
      for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) x[b * p + r * side + c] = src[r * side + side - 1 - c];
    } else x.set(src, b * p);
  });
  return { x, y };
}

export async function trainEvaluator(opts: TrainEvaluatorOptions): Promise<TrainEvaluatorResult> {
  checkOptions('trainEvaluator(opts)', opts, KNOWN);
  const p = pixelsPerImage(opts.train, 'trainEvaluator(train)');
  if (opts.test) pixelsPerImage(opts.test, 'trainEvaluator(test)');
  const { epochs = 3, batchSize = 64, learningRate = 1e-3, schedule = 'cosine', seed = 0, flip = true, logEvery = 100 } = opts;
  const log = opts.log ?? (() => undefined);
  const rng = new Rng(seed);
  const ev = Evaluator.init(opts.config, rng.seed());
  const optimizer = tf.train.adam(learningRate);
  const vars = Object.values(ev.params);
  const n = opts.train.labels.length;
  const steps = Math.floor(n / batchSize);
  const history: TrainEvaluatorResult['history'] = [];
  const t0 = Date.now();
  const bar = progress('train evaluator', epochs * steps);
  log(
    `trainEvaluator: n=${n} epochs=${epochs} batch=${batchSize} lr=${learningRate} schedule=${schedule} seed=${seed} flip=${flip} backend=${tf.getBackend()} config=${JSON.stringify(ev.config)}`,
  );
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = rng.shuffle([...Array(n).keys()]);
    let lossSum = 0;
    let hits = 0;
    for (let s = 0; s < steps; s++) {
      const { x, y } = gather(opts.train, order.slice(s * batchSize, (s + 1) * batchSize), p, rng, flip);
      const dropSeed = rng.seed();
      const t = ((epoch - 1) * steps + s) / (epochs * steps);
      // AdamOptimizer reads its (protected) learningRate on every step.
      (optimizer as unknown as { learningRate: number }).learningRate =
        schedule === 'cosine' ? learningRate * 0.5 * (1 + Math.cos(Math.PI * t)) : learningRate;
      const [loss, correct] = tf.tidy(() => {
        const xt = tf.tensor4d(x, [batchSize, Math.sqrt(p), Math.sqrt(p), 1]);
        const input = p === 784 ? xt : tf.slice(xt, [0, 2, 2, 0], [batchSize, 28, 28, 1]);
        const yt = tf.tensor1d(y, 'int32');
        let logits: tf.Tensor2D | undefined;
        const l = optimizer.minimize(
          () => {
            const a = evaluatorForward(ev.params, ev.config, input, { seed: dropSeed });
            logits = tf.keep(a.logits);
            return crossEntropy(a.logits, yt, ev.config.classes);
          },
          true,
          vars,
        ) as tf.Scalar;
        const c = tf.sum(tf.cast(tf.equal(tf.argMax(logits!, -1), yt), 'int32'));
        logits!.dispose();
        return [l, c];
      });
      const [lv, cv] = [(await loss.data())[0], (await correct.data())[0]];
      tf.dispose([loss, correct]);
      lossSum += lv;
      hits += cv;
      bar.tick(1, { epoch, loss: lv });
      if ((s + 1) % logEvery === 0) {
        log(
          `epoch ${epoch} step ${s + 1}/${steps} loss ${(lossSum / (s + 1)).toFixed(4)} acc ${(hits / ((s + 1) * batchSize)).toFixed(4)} t ${((Date.now() - t0) / 1000).toFixed(0)}s`,
        );
      }
    }
    const rec: TrainEvaluatorResult['history'][number] = {
      epoch,
      loss: lossSum / steps,
      trainAccuracy: hits / (steps * batchSize),
      seconds: (Date.now() - t0) / 1000,
    };
    if (opts.test) rec.testAccuracy = ev.accuracy(opts.test.images, opts.test.labels);
    history.push(rec);
    log(
      `epoch ${epoch} done: loss ${rec.loss.toFixed(4)} train-acc ${rec.trainAccuracy.toFixed(4)}${rec.testAccuracy !== undefined ? ` test-acc ${rec.testAccuracy.toFixed(4)}` : ''} t ${rec.seconds.toFixed(0)}s`,
    );
  }
  bar.done();
  optimizer.dispose();
  for (const v of vars) (v as { trainable: boolean }).trainable = false;
  return { evaluator: ev, history, testAccuracy: history[history.length - 1]?.testAccuracy };
}
