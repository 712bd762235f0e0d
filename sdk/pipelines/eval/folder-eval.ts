/**
 * What `hypnest eval fewshot --unseen DIR [--train-evaluator SEEN_DIR]` adds to the protocol's run: the data of your
 * own unseen classes (folder-data.ts), and optionally an evaluator trained on your seen classes (its features score
 * FD, KID, diversity and identity; it cannot recognise unseen classes, so recognisability is left out).
 */
import { checkOptions } from '../../core/errors';
import { loadImageFolder } from '../../data/image-folder';
import { Evaluator } from '../../models/evaluator/evaluator';
import { trainEvaluator } from '../../models/evaluator/train';
import type { FewShotEvalOptions } from './fewshot';
import { defaultFewShotData } from './default-data';
import { folderFewShotData } from './folder-data';

export interface FolderEvaluationOptions {
  /** Class-per-folder unseen classes; undefined = the protocol's Fashion-MNIST data. */
  unseen?: string;
  /** Class-per-folder data to train the evaluator on; undefined = the shipped evaluator. */
  trainEvaluator?: string;
  /** Epochs of that training (default 8). */
  epochs?: number;
  seed?: number;
  log?: (line: string) => void;
}

/** An evaluator trained on a class-per-folder collection (28 × 28 grayscale), its classes the folder names. */
export async function trainFolderEvaluator(
  dir: string,
  o: { epochs?: number; seed?: number; log?: (line: string) => void } = {},
): Promise<{ evaluator: Evaluator; classNames: readonly string[] }> {
  const ds = await loadImageFolder(dir, { size: 28, channels: 1 });
  const r = await trainEvaluator({
    train: { images: ds.images, labels: ds.labels },
    config: { classes: ds.classNames.length },
    epochs: o.epochs ?? 8,
    seed: o.seed ?? 0,
    log: o.log,
  });
  return { evaluator: r.evaluator, classNames: ds.classNames };
}

/** The options of runFewShotEval for your own folders (none without `unseen`), and what frees the evaluator trained here. */
export async function folderEvaluation(o: FolderEvaluationOptions): Promise<{ options: Partial<FewShotEvalOptions>; dispose: () => void }> {
  checkOptions('folderEvaluation(o)', o, ['unseen', 'trainEvaluator', 'epochs', 'seed', 'log']);
  const trained = o.trainEvaluator ? await trainFolderEvaluator(o.trainEvaluator, o) : undefined;
  const dispose = () => trained?.evaluator.dispose();
  // an evaluator of your seen classes cannot recognise the protocol's unseen ones either
  if (!o.unseen)
    return { options: trained ? { evaluator: trained.evaluator, data: { ...defaultFewShotData(), recognisable: false } } : {}, dispose };
  try {
    const f = await folderFewShotData(o.unseen, trained?.classNames);
    // The evaluator trained here knows the folder's classes only when they are among its own (held-out images of the
    // seen classes); folderFewShotData matches the names, and unknown classes leave recognisability out (—).
    return { options: { data: f.data, classes: f.classes, ...(trained ? { evaluator: trained.evaluator } : {}) }, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}
