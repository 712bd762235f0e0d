/**
 * Stage-II training run on stage-I codes: encode the training images with stage I's (EMA) encoder, label
 * them (k-means pseudo-labels by default, or the real labels), and fit stage II with AdamW on random
 * batches of codes (per-step Rng: resumable). Writes `stage2-<space>-<labels>.{json,safetensors}` and its
 * training state `...-train.{a,b}` under `outDir`; logs accuracy, code reconstruction and ball radii.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { train, stepRng } from '../../train/trainer';
import { HypdaeConfig } from './config';
import { Stage1, encodeAll } from './stage1';
import { Stage2, Stage2Batch, stage2Loss, classify, ballReconstructionLoss, createStage2, toBall } from './stage2';
import { codeRadii } from './edits';
import { kmeans } from './kmeans';
import { saveStage2, stage2Name } from './checkpoint';
import { saveTargetPool } from './target-pool';

export interface TrainStage2Options {
  config: HypdaeConfig;
  stage1: Stage1;
  images: Float32Array;
  /** What the images are (stage I's meta.data): recorded with the target pool of their codes. */
  dataName?: string;
  /** Real labels (used when config.stage2.labels is 'real'). */
  labels?: Int32Array;
  outDir: string;
  log?: (line: string) => void;
}

/** Accuracy, reconstruction loss and radii of all codes under a trained stage II. */
export function stage2Report(
  s2: Stage2,
  codes: Float32Array,
  labels: Int32Array,
): { accuracy: number; recLoss: number; radius: { mean: number; min: number; max: number } } {
  const d = s2.config.stage1.codeDim;
  const n = codes.length / d;
  return tf.tidy(() => {
    const z = tf.tensor2d(codes, [n, d]);
    const h = toBall(s2, z);
    const acc = tf.mean(tf.cast(tf.equal(tf.argMax(classify(s2, h), -1), tf.tensor1d(labels, 'int32')), 'float32')).dataSync()[0];
    const rec = ballReconstructionLoss(s2, z, h).dataSync()[0];
    const r = codeRadii(s2, h);
    return {
      accuracy: acc,
      recLoss: rec,
      radius: { mean: tf.mean(r).dataSync()[0], min: tf.min(r).dataSync()[0], max: tf.max(r).dataSync()[0] },
    };
  });
}

export async function trainStage2(o: TrainStage2Options): Promise<{ stage2: Stage2; report: ReturnType<typeof stage2Report> }> {
  const { config } = o;
  const c2 = config.stage2;
  const log = o.log ?? (() => undefined);
  const t0 = Date.now();
  const codes = encodeAll(o.stage1, o.images);
  const d = config.stage1.codeDim;
  const n = codes.length / d;
  await saveTargetPool(o.outDir, codes, d, o.dataName ?? 'unknown');
  let labels: Int32Array;
  let numClasses: number;
  if (c2.labels === 'real') {
    if (!o.labels || o.labels.length !== n) throw new Error('trainStage2: real labels requested but none given for every image');
    labels = o.labels;
    numClasses = Math.max(...labels) + 1;
  } else {
    const km = kmeans(codes, n, d, c2.clusters, { seed: c2.seed });
    labels = km.labels;
    numClasses = c2.clusters;
    const sizes = Array.from({ length: numClasses }, (_, k) => labels.filter((l) => l === k).length);
    log(`k-means k=${c2.clusters}: ${km.iterations} iterations, inertia ${km.inertia.toFixed(1)}, cluster sizes [${sizes}]`);
  }
  log(
    `stage II (${c2.space}, ${c2.labels} labels, ${numClasses} classes): ${n} codes encoded in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
  );
  const s2 = createStage2(config, numClasses);
  const B = Math.min(c2.batchSize, n);
  const name = stage2Name(config);
  const data = ({ step, seed }: { step: number; seed: number }): Iterator<Stage2Batch> => {
    let s = step;
    return {
      next: () => {
        const rng = stepRng(seed ^ 0xc0de, s++);
        const z = new Float32Array(B * d);
        const y = new Int32Array(B);
        for (let b = 0; b < B; b++) {
          const k = rng.int(n);
          z.set(codes.subarray(k * d, (k + 1) * d), b * d);
          y[b] = labels[k];
        }
        return { done: false, value: { z: tf.tensor2d(z, [B, d]), y: tf.tensor1d(y, 'int32') } };
      },
    };
  };
  const r = await train<Stage2Batch>({
    params: s2.params,
    lossFn: (batch) => stage2Loss(s2, batch),
    data,
    steps: c2.steps,
    lr: c2.lr,
    warmup: 50,
    clip: 5,
    checkpointEvery: 500,
    checkpointPath: path.join(o.outDir, `${name}-train`),
    config,
    seed: c2.seed,
    logEvery: 100,
    label: `HypDAE stage II (${c2.space})`,
    onLog: (l) =>
      log(`step ${l.step}/${c2.steps} loss ${l.loss.toFixed(4)} lr ${l.lr.toExponential(2)} t ${(l.elapsedMs / 1000).toFixed(0)}s`),
  });
  const report = stage2Report(s2, codes, labels);
  log(
    `stage II done at step ${r.step}: accuracy ${report.accuracy.toFixed(4)}, code reconstruction ${report.recLoss.toFixed(4)}, ` +
      `radius mean ${report.radius.mean.toFixed(3)} min ${report.radius.min.toFixed(3)} max ${report.radius.max.toFixed(3)}`,
  );
  await saveStage2(path.join(o.outDir, name), s2, { step: r.step, ...report, numCodes: n, seconds: (Date.now() - t0) / 1000 });
  return { stage2: s2, report };
}
