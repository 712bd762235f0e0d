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
export { mixSeed } from '../../core/rng';
