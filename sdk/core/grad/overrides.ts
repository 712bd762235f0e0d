/**
 * Gradients we define ourselves, on every backend, where the stock one is wrong or slow.
 *
 * ResizeNearestNeighbor with an integer factor f = out/in per axis (alignCorners false): output pixel i
 * copies input pixel ⌊i/f⌋ (also with halfPixelCenters, as ⌊(i+½)/f⌋ = ⌊i/f⌋), so
 *   ∂L/∂x[n,h,w,c] = Σ_{a,b<f} dy[n, f·h+a, f·w+b, c]   — a reshape and a sum.
 * (tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad is wrong for batch > 1.) Other cases use the kernel.
 */
import * as tf from '@tensorflow/tfjs-core';

function resizeNearestGrad(fallback: tf.GradConfig['gradFunc']): tf.GradConfig {
  return {
    kernelName: 'ResizeNearestNeighbor',
    inputsToSave: ['images'],
    gradFunc: (dy, saved, attrs) => {
      const [images] = saved;
      const [n, h, w, c] = images.shape;
      const [, ho, wo] = (dy as tf.Tensor).shape;
      const integer = ho % h === 0 && wo % w === 0 && !(attrs as { alignCorners?: boolean }).alignCorners;
      if (!integer || images.rank !== 4) return fallback(dy, saved, attrs);
      const fh = ho / h;
      const fw = wo / w;
      return { images: () => tf.sum(tf.reshape(dy as tf.Tensor, [n, h, fh, w, fw, c]), [2, 4]) };
    },
  };
}

/** Replaces the gradients above (call after the stock ones are registered). */
export function registerOverrides(): string[] {
  const stock = tf.getGradient('ResizeNearestNeighbor');
  if (!stock || (stock as { ours?: boolean }).ours) return [];
  const config = Object.assign(resizeNearestGrad(stock.gradFunc), { ours: true });
  tf.registerGradient(config);
  return ['ResizeNearestNeighbor'];
}
