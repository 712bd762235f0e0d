/**
 * Blank share: the fraction of images with (almost) no ink,
 *   blank(x) = [ #{j : x_j > −0.5} < minInk · p ]   (p pixels in [−1, 1], white on black: ink is brighter than a quarter grey)
 * averaged over the n images; minInk defaults to 1 % of the pixels (10 of a 32×32 image; a letter or a garment
 * covers 5–60 %). A generator that collapses to the background scores 1. Of Fashion-MNIST's 10,000 test images,
 * 3 are blank by this measure (0.03 %; with mid-grey as the ink level, dark garments made it 0.6 %).
 */
import { ValueError, describe } from '../core/errors';
import { FeaturesLike, toFeatureMatrix } from './features';

/** The ink level: pixels above it are drawn (−1 is the background). */
export const INK = -0.5;

export function blankShare(images: FeaturesLike, minInk = 0.01): number {
  if (!(minInk > 0 && minInk < 1))
    throw new ValueError('blankShare(minInk)', { expected: 'a fraction in (0, 1)', received: describe(minInk) });
  const x = toFeatureMatrix(images, 'blankShare(images)');
  let blank = 0;
  for (let i = 0; i < x.rows; i++) {
    let ink = 0;
    for (let j = i * x.cols; j < (i + 1) * x.cols; j++) if (x.data[j] > INK) ink++;
    if (ink < minInk * x.cols) blank++;
  }
  return blank / x.rows;
}
