/** The protocol's few-shot data from sdk/data (split T): inputs and reference set of each unseen class. */
import { fewShotInputs, referenceSet } from '../../data';
import { FewShotData, ImageSet } from './data';

interface Split {
  images: Float32Array;
  n: number;
  height: number;
}

function toSet(ds: Split, count = ds.n): ImageSet {
  const px = ds.height * ds.height;
  return { images: ds.images.subarray(0, count * px), count, side: ds.height };
}

/** Inputs: the first `count` of the class's 16 few-shot images in T; reference: the rest of its T images. */
export function defaultFewShotData(): FewShotData {
  return {
    inputs: (classId, count) => toSet(fewShotInputs(classId, 1), count),
    reference: (classId) => toSet(referenceSet(classId)),
  };
}
