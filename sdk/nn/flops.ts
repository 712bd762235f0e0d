/**
 * FLOP counting by tracing: while `countFlops(fn)` runs, the dense/conv/attention layers add
 * 2·MACs of their matrix products to a counter (norms and pointwise ops are not counted).
 */
let counter: { flops: number } | undefined;

/** Called by layers: adds `n` FLOPs to the active counter, if any. */
export function addFlops(n: number): void {
  if (counter) counter.flops += n;
}

/** Runs fn (which should dispose its outputs) and returns the FLOPs its layers reported. */
export function countFlops(fn: () => void): number {
  const prev = counter;
  counter = { flops: 0 };
  try {
    fn();
    return counter.flops;
  } finally {
    counter = prev;
  }
}
