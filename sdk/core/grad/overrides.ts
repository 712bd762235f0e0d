/**
 * Gradients we define ourselves, on every backend, where the stock one is wrong or slow.
 *
 * ResizeNearestNeighbor with an integer factor f = out/in per axis (alignCorners false): output pixel i
 * copies input pixel ⌊i/f⌋ (also with halfPixelCenters, as ⌊(i+½)/f⌋ = ⌊i/f⌋), so
 *   ∂L/∂x[n,h,w,c] = Σ_{a,b<f} dy[n, f·h+a, f·w+b, c]   — a reshape and a sum.
 * (tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad is wrong for batch > 1.) Other cases use the kernel.
 *
 * Sum and Mean: ∂L/∂x is dy (divided by the reduced size for Mean) broadcast back to x's shape. The stock
 * gradients multiply by `ones(x.shape)`, which tfjs builds as a JavaScript array and uploads: for the
 * 64×32×32×64 convolution benchmark that is a fresh 16 MB buffer (4,096 page faults) on every step. The
 * Fill kernel writes its constant where the backend keeps it (wasm's Tile would take 370 ms there).
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

function reduceGrad(kernelName: 'Sum' | 'Mean'): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
      const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
      const reduced = axes.reduce((n, a) => n * x.shape[a], 1);
      return {
        x: () =>
          tf.tidy(() => {
            const g = tf.reshape(dy as tf.Tensor, kept);
            return tf.mul(g, tf.fill(x.shape, kernelName === 'Mean' ? 1 / reduced : 1, 'float32'));
          }),
      };
    },
  };
}

/** Replaces the gradients above (call after the stock ones are registered). */
export function registerOverrides(): string[] {
  const added: string[] = [];
  const ours = (name: string) => Boolean((tf.getGradient(name) as { ours?: boolean } | undefined)?.ours);
  const stock = tf.getGradient('ResizeNearestNeighbor');
  if (stock && !ours('ResizeNearestNeighbor')) {
    tf.registerGradient(Object.assign(resizeNearestGrad(stock.gradFunc), { ours: true }));
    added.push('ResizeNearestNeighbor');
  }
  for (const name of ['Sum', 'Mean'] as const) {
    if (!tf.getGradient(name) || ours(name)) continue;
    tf.registerGradient(Object.assign(reduceGrad(name), { ours: true }));
    added.push(name);
  }
  return added;
}
