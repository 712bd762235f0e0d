/**
 * The protocol's splits of Fashion-MNIST (docs/protocol.md, "Data"):
 *   G = train indices 0–29,999 (generators; few-shot models: seen classes only),
 *   E = train indices 30,000–59,999 (the evaluator only), T = t10k (references and few-shot inputs).
 * Few-shot inputs of an unseen class: its first 16 images in T, in file order, in consecutive groups of k;
 * its reference set: the rest of its T images.
 */
import { ConfigError, ValueError, checkOptions, describe } from '../core/errors';
import { CLASS_NAMES, SEEN_CLASSES, UNSEEN_CLASSES } from './classes';
import { Dataset, datasetFromBytes, subset } from './dataset';
import { Part, RawPart, SourceOptions, fashionMnistPart } from './fashion-mnist';

export const FEW_SHOT_INPUTS = 16;
export const G_RANGE: readonly [number, number] = [0, 30000];
export const E_RANGE: readonly [number, number] = [30000, 60000];

export interface SplitOptions extends SourceOptions {
  /** Pad 28 × 28 images to size × size with background (default 28; the U-Nets use 32). */
  size?: number;
  /** Keep only these classes. */
  classes?: readonly number[];
  /** Keep at most this many images (the first ones, in file order). */
  limit?: number;
}

const KNOWN = ['dir', 'fallback', 'size', 'classes', 'limit'];

function build(where: string, part: Part, range: readonly [number, number] | undefined, opts: SplitOptions, split: string): Dataset {
  const { size = 28, classes, limit = Infinity } = opts;
  if (classes && !classes.every((c) => Number.isInteger(c) && c >= 0 && c < 10)) {
    throw new ConfigError(`${where} option classes`, { expected: 'class numbers in 0..9', received: describe(classes) });
  }
  if (!(limit >= 0)) throw new ConfigError(`${where} option limit`, { expected: 'a count ≥ 0', received: describe(limit) });
  const raw: RawPart = fashionMnistPart(part, opts);
  const keep = classes ? new Set(classes) : undefined;
  const positions: number[] = [];
  for (let p = 0; p < raw.n && positions.length < limit; p++) {
    const i = raw.indices[p];
    if (range && (i < range[0] || i >= range[1])) continue;
    if (keep && !keep.has(raw.labels[p])) continue;
    positions.push(p);
  }
  const name = `fashion-mnist:${split}${raw.origin === 'embedded' ? ' (embedded subset)' : ''}`;
  return datasetFromBytes(raw, positions, size, name, CLASS_NAMES);
}

/** G: train indices 0–29,999. `seenOnly` keeps the seen classes {0, 1, 3, 4, 5, 8, 9} (few-shot models). */
export function splitG(opts: SplitOptions & { seenOnly?: boolean } = {}): Dataset {
  checkOptions('splitG', opts, [...KNOWN, 'seenOnly']);
  const { seenOnly, ...rest } = opts;
  if (seenOnly && rest.classes) throw new ConfigError('splitG', { expected: 'either seenOnly or classes', received: 'both' });
  return build('splitG', 'train', G_RANGE, seenOnly ? { ...rest, classes: SEEN_CLASSES } : rest, 'G');
}

/** E: train indices 30,000–59,999, all classes (the evaluator only). */
export function splitE(opts: SplitOptions = {}): Dataset {
  checkOptions('splitE', opts, KNOWN);
  return build('splitE', 'train', E_RANGE, opts, 'E');
}

/** T: the t10k file. */
export function splitT(opts: SplitOptions = {}): Dataset {
  checkOptions('splitT', opts, KNOWN);
  return build('splitT', 't10k', undefined, opts, 'T');
}

function checkUnseen(where: string, cls: number): void {
  if (!UNSEEN_CLASSES.includes(cls)) {
    throw new ValueError(`${where}(cls)`, {
      expected: `an unseen class (${UNSEEN_CLASSES.join(', ')})`,
      received: describe(cls),
      hint: `Few-shot inputs come only from unseen classes; ${describe(cls)} is ${SEEN_CLASSES.includes(cls) ? 'a seen class' : 'not a class'}.`,
    });
  }
}

export type FewShotSet = Dataset & {
  /** Images per group. */
  k: number;
  /** Row numbers of each group: [[0..k-1], [k..2k-1], …] (floor(16 / k) groups). */
  groups: number[][];
};

/** The first 16 T images of unseen class `cls`, in file order, grouped in consecutive groups of k. */
export function fewShotInputs(cls: number, k = 1, opts: Omit<SplitOptions, 'classes' | 'limit'> = {}): FewShotSet {
  checkOptions('fewShotInputs', opts, ['dir', 'fallback', 'size']);
  checkUnseen('fewShotInputs', cls);
  if (!Number.isInteger(k) || k < 1 || k > FEW_SHOT_INPUTS) {
    throw new ValueError('fewShotInputs(k)', { expected: `an integer in 1..${FEW_SHOT_INPUTS}`, received: describe(k) });
  }
  const ds = build(
    'fewShotInputs',
    't10k',
    undefined,
    { ...opts, classes: [cls], limit: FEW_SHOT_INPUTS },
    `T few-shot inputs of class ${cls}`,
  );
  if (ds.n < FEW_SHOT_INPUTS)
    throw new ValueError('fewShotInputs', { expected: `${FEW_SHOT_INPUTS} images of class ${cls}`, received: `${ds.n}` });
  const groups = Array.from({ length: Math.floor(FEW_SHOT_INPUTS / k) }, (_, g) => Array.from({ length: k }, (_, j) => g * k + j));
  return { ...ds, k, groups };
}

/** The real reference set of unseen class `cls`: its T images after the first 16. */
export function referenceSet(cls: number, opts: Omit<SplitOptions, 'classes'> = {}): Dataset {
  checkOptions('referenceSet', opts, ['dir', 'fallback', 'size', 'limit']);
  checkUnseen('referenceSet', cls);
  const all = build('referenceSet', 't10k', undefined, { ...opts, classes: [cls], limit: Infinity }, `T references of class ${cls}`);
  const { limit = Infinity } = opts;
  const rows = Array.from({ length: Math.max(0, Math.min(all.n - FEW_SHOT_INPUTS, limit)) }, (_, i) => i + FEW_SHOT_INPUTS);
  return subset(all, rows);
}
