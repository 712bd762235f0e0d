/**
 * Agglomerative clustering with average linkage (UPGMA) on a distance matrix, in plain JS float64.
 * Repeatedly merges the two clusters A, B with the smallest
 *   d(A, B) = (1 / |A||B|) Σ_{a∈A, b∈B} D[a][b],
 * updated after a merge by Lance–Williams: d(A∪B, K) = (|A| d(A,K) + |B| d(B,K)) / (|A| + |B|).
 * O(n³), meant for tens to a few hundred prototypes. Ties go to the lowest (i, j).
 */
import { ShapeError, describe } from '../../core/errors';

export interface ClusterNode {
  /** Leaf: its name; internal nodes have none. */
  name?: string;
  /** Leaf: its row in the distance matrix. */
  index?: number;
  /** Merge distance (0 for leaves). Non-decreasing from leaves to root for average linkage. */
  height: number;
  /** Number of leaves below. */
  size: number;
  children?: [ClusterNode, ClusterNode];
}

function checkMatrix(D: readonly (readonly number[])[]): void {
  const n = Array.isArray(D) ? D.length : 0;
  if (n === 0 || !D.every((row) => Array.isArray(row) && row.length === n && row.every(Number.isFinite))) {
    throw new ShapeError('averageLinkage(D)', { expected: 'a non-empty square matrix of finite numbers', received: describe(D) });
  }
}

export function averageLinkage(D: readonly (readonly number[])[], names?: readonly string[]): ClusterNode {
  checkMatrix(D);
  const n = D.length;
  if (names && names.length !== n) {
    throw new ShapeError('averageLinkage(names)', { expected: `${n} names`, received: describe(names) });
  }
  const nodes: (ClusterNode | null)[] = Array.from({ length: n }, (_, i) => ({
    name: names?.[i] ?? String(i),
    index: i,
    height: 0,
    size: 1,
  }));
  const d = D.map((row) => [...row]);
  for (let step = 1; step < n; step++) {
    let bi = -1;
    let bj = -1;
    let best = Infinity;
    for (let i = 0; i < n; i++) {
      if (!nodes[i]) continue;
      for (let j = i + 1; j < n; j++)
        if (nodes[j] && d[i][j] < best) {
          best = d[i][j];
          bi = i;
          bj = j;
        }
    }
    const a = nodes[bi] as ClusterNode;
    const b = nodes[bj] as ClusterNode;
    for (let k = 0; k < n; k++) {
      if (!nodes[k] || k === bi || k === bj) continue;
      d[bi][k] = d[k][bi] = (a.size * d[bi][k] + b.size * d[bj][k]) / (a.size + b.size);
    }
    nodes[bi] = { height: best, size: a.size + b.size, children: [a, b] };
    nodes[bj] = null;
  }
  return nodes.find((x) => x !== null) as ClusterNode;
}

/** Leaves of a cluster tree, left to right. */
export function leaves(node: ClusterNode): ClusterNode[] {
  return node.children ? [...leaves(node.children[0]), ...leaves(node.children[1])] : [node];
}
