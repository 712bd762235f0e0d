/**
 * The protocol's few-shot data: for each unseen class, its inputs (the first k images of the class in T)
 * and its real reference set (the rest of its T images). An injectable interface, so tests can use fakes.
 */
export interface ImageSet {
  /** count images, side × side, row-major, pixels in [-1, 1]. */
  images: Float32Array;
  count: number;
  side: number;
}

export interface FewShotData {
  inputs(classId: number, count: number): ImageSet | Promise<ImageSet>;
  reference(classId: number, inputCount: number): ImageSet | Promise<ImageSet>;
  /** Whether the evaluator has the classes' ids among its classes (default true); else no recognisability. */
  recognisable?: boolean;
  /** What the images are, for the report (default: the protocol's Fashion-MNIST split T). */
  name?: string;
}

/** Unseen classes of the protocol: Pullover, Shirt, Sneaker. */
export const UNSEEN_CLASSES = [2, 6, 7] as const;
