/**
 * The few-shot method contract: a plain function from a class's inputs to its outputs.
 * Inputs: `count` images (side × side, row-major, pixels in [-1, 1]). Outputs: count × outputsPerInput
 * images in the same layout, the outputs of input i at rows [i·m, (i+1)·m) (m = outputsPerInput).
 */
export interface FewShotRequest {
  inputs: Float32Array;
  count: number;
  side: number;
  outputsPerInput: number;
  /** The (unseen) class the inputs belong to. */
  classId: number;
  /** Seed for this (run seed, class) pair — already mixed, use it directly. */
  seed: number;
  /** The run's seed as given by the user. */
  runSeed: number;
}

export type FewShotMethod = (req: FewShotRequest) => Float32Array | Promise<Float32Array>;

export interface NamedMethod {
  name: string;
  run: FewShotMethod;
}

/** Seed of one (run seed, class) pair: distinct, stable, 31-bit. */
export function mixSeed(runSeed: number, classId: number): number {
  let h = (Math.imul(runSeed + 1, 0x9e3779b1) ^ Math.imul(classId + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  return (h ^ (h >>> 15)) & 0x7fffffff;
}
