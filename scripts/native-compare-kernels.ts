// Native vs wasm kernels in one process (and native at 1 and 2 threads): conv2d fwd+bwd, conv2d fwd, matMul.
// Usage: node --require tsx/cjs scripts/native-compare-kernels.ts   (numbers in README 'Native CPU kernels')
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../sdk/core';
import '../sdk/core/grad';
import { setNativeThreads } from '../sdk/core/native/addon';
import { registerNativeKernels, unregisterNativeKernels } from '../sdk/core/native/kernels';
async function time(reps: number, f: () => unknown) {
  f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)];
}
(async () => {
  await ready();
  const conv = (n: number, hw: number, ci: number, co: number) => {
    const x = tf.randomNormal([n, hw, hw, ci]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, ci, co], 0, 0.1) as tf.Tensor4D;
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')));
    return () => {
      const [gx, gw] = g([x, w]);
      gx.dataSync();
      gw.dataSync();
      tf.dispose([gx, gw]);
    };
  };
  const fwd = (n: number, hw: number, ci: number, co: number) => {
    const x = tf.randomNormal([n, hw, hw, ci]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, ci, co], 0, 0.1) as tf.Tensor4D;
    return () => {
      const y = tf.conv2d(x, w, 1, 'same');
      y.dataSync();
      y.dispose();
    };
  };
  const a = tf.randomNormal([1024, 1024]) as tf.Tensor2D;
  const b = tf.randomNormal([1024, 1024]) as tf.Tensor2D;
  const mm = () => {
    const y = tf.matMul(a, b);
    y.dataSync();
    y.dispose();
  };
  const rows: [string, () => unknown][] = [
    ['conv 64x32x32x64', conv(64, 32, 64, 64)],
    ['conv fwd 64x32x32x64', fwd(64, 32, 64, 64)],
    ['conv 64x16x16x128', conv(64, 16, 128, 128)],
    ['mm1024', mm],
  ];
  for (const [name, f] of rows) {
    const out: string[] = [];
    if (!process.env.SKIPWASM) {
      unregisterNativeKernels();
      out.push(`wasm ${(await time(3, f)).toFixed(1)}`);
      registerNativeKernels();
    }
    for (const th of [1, 2]) {
      setNativeThreads(th);
      out.push(`native${th} ${(await time(5, f)).toFixed(1)}`);
    }
    console.log(name, out.join('  '));
  }
})();
