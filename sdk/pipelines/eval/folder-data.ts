/**
 * The few-shot protocol on your own images: a class-per-folder collection of unseen classes (sdk/data/image-folder).
 * Each class's inputs are its first images in sorted file order (up to 16, as the protocol's T inputs), its reference
 * set the images after the 16th. A class whose folder is named like a class of the evaluator (e.g. `Shirt` for the
 * shipped Fashion-MNIST evaluator, case and spaces ignored) takes that class's id, so recognisability is scored and
 * seeds match the built-in protocol; other classes get ids 0, 1, … and no recognisability.
 */
import { DataError } from '../../core/errors';
import { CLASS_NAMES } from '../../data/classes';
import { loadImageFolder } from '../../data/image-folder';
import { FEW_SHOT_INPUTS } from '../../data/splits';
import type { FewShotData, ImageSet } from './data';

export interface FolderFewShot {
  data: FewShotData;
  /** Class ids, in folder order. */
  classes: number[];
  /** Folder name of each class id. */
  names: Record<number, string>;
}

const key = (s: string): string => s.toLowerCase().replace(/[\s_-]+/g, '');

/** The unseen classes of `dir` at side 28 (the evaluator's input), named against `evaluatorClasses`. */
export async function folderFewShotData(dir: string, evaluatorClasses: readonly string[] = CLASS_NAMES): Promise<FolderFewShot> {
  const ds = await loadImageFolder(dir, { size: 28, channels: 1 });
  const names = ds.classNames;
  const known = names.map((n) => evaluatorClasses.findIndex((c) => key(c) === key(n)));
  const ids = known.every((k) => k >= 0) ? known : names.map((_, i) => i);
  const recognisable = known.every((k) => k >= 0);
  const px = 28 * 28;
  const rowsOf = (label: number): number[] =>
    Array.from(ds.labels.entries())
      .filter(([, l]) => l === label)
      .map(([i]) => i);
  const set = (rows: number[]): ImageSet => {
    const images = new Float32Array(rows.length * px);
    rows.forEach((r, j) => images.set(ds.images.subarray(r * px, (r + 1) * px), j * px));
    return { images, count: rows.length, side: 28 };
  };
  const byId = new Map(ids.map((id, label) => [id, rowsOf(label)]));
  for (const [id, rows] of byId) {
    if (rows.length < FEW_SHOT_INPUTS + 2) {
      throw new DataError(`folderFewShotData(${dir})`, {
        expected: `at least ${FEW_SHOT_INPUTS + 2} images per class (${FEW_SHOT_INPUTS} inputs, then a reference set of 2 or more)`,
        received: `${rows.length} in '${names[ids.indexOf(id)]}'`,
      });
    }
  }
  const rows = (id: number): number[] => {
    const r = byId.get(id);
    if (!r) throw new DataError(`folderFewShotData(${dir})`, { expected: `one of the classes ${ids.join(', ')}`, received: `class ${id}` });
    return r;
  };
  return {
    data: {
      inputs: (id, count) => set(rows(id).slice(0, Math.min(count, FEW_SHOT_INPUTS))),
      reference: (id) => set(rows(id).slice(FEW_SHOT_INPUTS)),
      recognisable,
      name: `folder:${dir}`,
    },
    classes: ids,
    names: Object.fromEntries(ids.map((id, i) => [id, names[i]])),
  };
}
