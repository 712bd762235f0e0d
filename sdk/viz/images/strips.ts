/**
 * Strips built on imageGrid: the denoising trajectory (x_t over the predicted x̂₀, one column per step)
 * and the nested coarse-to-fine strip (one column per level, one row per sample).
 */
import { ShapeError, describe } from '../../core/errors';
import { ImageArray, asImageList } from './image-array';
import { GridOptions, imageGrid } from './image-grid';

export interface TrajectoryStep {
  t: number;
  /** Current noisy sample x_t. */
  x: ImageArray;
  /** Predicted clean sample x̂₀ at that step. */
  x0: ImageArray;
}

/** Indices of at most `k` evenly spaced items of `n`, always keeping the first and the last. */
export function evenlySpaced(n: number, k: number): number[] {
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / (k - 1)));
}

/** Two rows (x_t, x̂₀) × one column per step (at most `maxSteps`, default 10), columns labelled t. */
export async function trajectoryStrip(
  steps: readonly TrajectoryStep[],
  opts: Omit<GridOptions, 'cols' | 'rowLabels' | 'colLabels'> & { maxSteps?: number } = {},
): Promise<Buffer> {
  if (!Array.isArray(steps) || steps.length === 0) {
    throw new ShapeError('trajectoryStrip(steps)', { expected: 'a non-empty array of { t, x, x0 }', received: describe(steps) });
  }
  const { maxSteps = 10, ...grid } = opts;
  const picked = evenlySpaced(steps.length, Math.max(2, maxSteps)).map((i) => steps[i]);
  return imageGrid([...picked.map((s) => s.x), ...picked.map((s) => s.x0)], {
    ...grid,
    cols: picked.length,
    rowLabels: ['xₜ', 'x̂₀'],
    colLabels: picked.map((s) => `t=${s.t}`),
  });
}

export interface NestedLevel {
  name?: string;
  /** One image per sample (list or batch); resolutions may differ between levels. */
  images: readonly ImageArray[] | ImageArray;
}

/** Columns = levels (coarse → fine), rows = samples; each level upscaled to the common cell size. */
export async function nestedStrip(levels: readonly NestedLevel[], opts: Omit<GridOptions, 'cols' | 'colLabels'> = {}): Promise<Buffer> {
  if (!Array.isArray(levels) || levels.length === 0) {
    throw new ShapeError('nestedStrip(levels)', { expected: 'a non-empty array of { name?, images }', received: describe(levels) });
  }
  const lists = levels.map((l) => asImageList(l.images));
  const rows = lists[0].length;
  lists.forEach((l, k) => {
    if (l.length !== rows)
      throw new ShapeError(`nestedStrip(levels[${k}].images)`, { expected: `${rows} images (as level 0)`, received: `${l.length}` });
  });
  const cells: ImageArray[] = [];
  for (let i = 0; i < rows; i++) for (const l of lists) cells.push(l[i]);
  return imageGrid(cells, {
    ...opts,
    cols: levels.length,
    colLabels: levels.map((l, k) => l.name ?? `${lists[k][0].shape[0]}×${lists[k][0].shape[1]}`),
  });
}
