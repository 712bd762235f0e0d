/**
 * `.embed(n)`: where the codes are, as plain arrays for Poincaré-disk plots (viz.poincareDiskFigure).
 * Rows: the G group codes before any edit ('input'), then the G·n output codes ('output'), the codes `.sample(n)`
 * decodes with the same settings. `coords` are 2-D: in the ball, projectToDisk's 'pca' (logmap0, the plane
 * through the origin of largest second moment, expmap0: radii exact in that plane); in the Euclidean twin the
 * same origin-anchored PCA without the maps (plot them in a plain plane, not a disk).
 */
import * as tf from '@tensorflow/tfjs-core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { projectionInfo } from '../viz/figures/project-to-disk';
import type { Space } from '../models/hypdae/config';
import { codeRadii } from '../models/hypdae/edits';
import type { Stage2 } from '../models/hypdae/stage2';
import type { Codes } from '../models/hypdae/pipeline';

export interface Embedding {
  space: Space;
  /** Curvature of the ball (1 for the twin, unused there). */
  c: number;
  /** 2-D coordinates of every row (disk points in the ball). */
  coords: number[][];
  /** Radius of every row: dist0 in the ball, ‖h‖ in the twin (computed in float32, as the edits). */
  radius: number[];
  /** The full codes (ball points of dimension ballDim). */
  ball: number[][];
  /** 'input' for the group codes, 'output' for the output codes (ready to be plot labels). */
  kind: ('input' | 'output')[];
  /** Group of every row. */
  group: number[];
  /** Share of the tangent (or Euclidean) second moment that the 2-D projection keeps, in [0, 1]. */
  explained: number;
}

/** Origin-anchored PCA to 2-D (top two eigenvectors of (1/n) Σ v vᵀ) with the kept share. */
function pca2(vs: number[][]): { points: number[][]; explained: number } {
  const d = vs[0].length;
  if (d <= 2) return { points: vs.map((v) => [v[0], v[1] ?? 0]), explained: 1 };
  const M = Matrix.zeros(d, d);
  for (const v of vs) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) M.set(i, j, M.get(i, j) + v[i] * v[j]);
  const evd = new EigenvalueDecomposition(M, { assumeSymmetric: true });
  const order = evd.realEigenvalues
    .map((l, i) => [l, i])
    .sort((a, b) => b[0] - a[0])
    .map((p) => p[1]);
  const e = [evd.eigenvectorMatrix.getColumn(order[0]), evd.eigenvectorMatrix.getColumn(order[1])];
  let total = 0;
  let kept = 0;
  const points = vs.map((v) => {
    const u = e.map((b) => b.reduce((s, x, i) => s + x * v[i], 0));
    total += v.reduce((s, x) => s + x * x, 0);
    kept += u[0] * u[0] + u[1] * u[1];
    return u;
  });
  return { points, explained: total > 0 ? kept / total : 1 };
}

/** The embedding of codes computed by `outputCodes` (with stage II). */
export function embedding(s2: Stage2, codes: Codes, n: number): Embedding {
  const src = codes.source as tf.Tensor2D;
  const out = codes.edited as tf.Tensor2D;
  const all = tf.concat([src, out]);
  const r = codeRadii(s2, all);
  const ball = all.arraySync() as number[][];
  const radius = Array.from(r.dataSync());
  tf.dispose([all, r]);
  const G = src.shape[0];
  const { space, c } = s2.config.stage2;
  const proj = space === 'hyperbolic' ? projectionInfo(ball, 'pca', c) : pca2(ball);
  return {
    space,
    c,
    coords: proj.points,
    radius,
    ball,
    explained: proj.explained,
    kind: ball.map((_, i) => (i < G ? 'input' : 'output')),
    group: ball.map((_, i) => (i < G ? i : Math.floor((i - G) / n))),
  };
}
