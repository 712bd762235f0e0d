/**
 * Blank share: the fraction of images with (almost) no ink,
 *   blank(x) = [ #{j : x_j > 0} < minInk · p ]      (p pixels in [−1, 1], white on black: ink is brighter than mid-grey)
 * averaged over the n images; minInk defaults to 1 % of the pixels (10 of a 32×32 image; a letter or a garment
 * covers 5–60 %). A generator that collapses to the background scores 1.
 */
import { ValueError, describe } from '../core/errors';
import { FeaturesLike, toFeatureMatrix } from './features';

export function blankShare(images: FeaturesLike, minInk = 0.01): number {
  if (!(minInk > 0 && minInk < 1))
    throw new ValueError('blankShare(minInk)', { expected: 'a fraction in (0, 1)', received: describe(minInk) });
  const x = toFeatureMatrix(images, 'blankShare(images)');
  let blank = 0;
  for (let i = 0; i < x.rows; i++) {
    let ink = 0;
    for (let j = i * x.cols; j < (i + 1) * x.cols; j++) if (x.data[j] > 0) ink++;
    if (ink < minInk * x.cols) blank++;
  }
  return blank / x.rows;
}
