/**
 * Train, save and log in one call: what `hypnest train evaluator` runs. The log file is appended line by
 * line while training runs (so `tail -f` works), and the checkpoint meta records the accuracies.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../core/backend';
import { gitCommit } from '../../core/paths';
import { Evaluator } from './evaluator';
import { LabelledImages, TrainEvaluatorOptions, trainEvaluator } from './train';
import { evaluatorParamCount } from './params';

export interface TrainAndSaveOptions extends Omit<TrainEvaluatorOptions, 'log' | 'train' | 'test'> {
  train: LabelledImages;
  test: LabelledImages;
  /** Checkpoint base path (writes .safetensors + .json). */
  out: string;
  /** Training log path (default `<dir of out>/train.log`). */
  logFile?: string;
}

export async function trainAndSaveEvaluator(
  o: TrainAndSaveOptions,
): Promise<{ evaluator: Evaluator; testAccuracy: number; files: string[] }> {
  const backend = (await ready()).chosen;
  const logFile = o.logFile ?? path.join(path.dirname(o.out), 'train.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.writeFileSync(logFile, '');
  const log = (line: string) => {
    const l = `[${new Date().toISOString()}] ${line}`;
    fs.appendFileSync(logFile, l + '\n');
    process.stdout.write(l + '\n');
  };
  log(`commit ${gitCommit()} backend ${backend} train n=${o.train.labels.length} (split E) test n=${o.test.labels.length} (split T)`);
  const { out, logFile: _l, ...trainOpts } = o;
  const t0 = Date.now();
  const res = await trainEvaluator({ ...trainOpts, log });
  const testAccuracy = res.evaluator.accuracy(o.test.images, o.test.labels);
  const meta = {
    trainedOn: 'E (train file 30000–59999, all classes)',
    testAccuracy,
    testN: o.test.labels.length,
    history: res.history,
    epochs: o.epochs ?? 3,
    seed: o.seed ?? 0,
    backend,
    commit: gitCommit(),
    params: evaluatorParamCount(res.evaluator.params),
    seconds: (Date.now() - t0) / 1000,
  };
  const { hash, files } = await res.evaluator.save(out, meta);
  log(
    `final T accuracy ${testAccuracy.toFixed(4)} on ${o.test.labels.length} images; params ${meta.params}; ${meta.seconds.toFixed(0)} s; saved ${files.join(', ')} sha256 ${hash}`,
  );
  log(`tensors alive ${tf.memory().numTensors}`);
  return { evaluator: res.evaluator, testAccuracy, files };
}
