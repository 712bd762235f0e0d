// A HypDAE stage-I training step (default networks, batch 32) on wasm kernels, then native at 1 and 2 threads.
// Usage: node --require tsx/cjs scripts/native-compare-step.ts   (numbers in README 'Native CPU kernels')
import * as tf from '@tensorflow/tfjs-core';
import { ready, Rng } from '../sdk/core';
import '../sdk/core/grad';
import { registerNativeKernels, unregisterNativeKernels } from '../sdk/core/native/kernels';
import { setNativeThreads } from '../sdk/core/native/addon';
import { hypdaeConfig, createStage1, stage1Loss } from '../sdk/models/hypdae';
(async () => {
  await ready();
  const s1 = createStage1(hypdaeConfig());
  const rng = new Rng(1);
  const x = tf.tensor4d(
    Float32Array.from({ length: 32 * 1024 }, () => rng.next() * 2 - 1),
    [32, 32, 32, 1],
  );
  const names = Object.keys(s1.params);
  const step = () => {
    const { value, grads } = tf.variableGrads(
      () => stage1Loss(s1, { x, xAug: x }, new Rng(7)),
      names.map((k) => s1.params[k]),
    );
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  const time = (n: number) => {
    step();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) step();
    return (performance.now() - t0) / n;
  };
  unregisterNativeKernels();
  console.log('wasm ms/step (batch 32)', time(3).toFixed(0));
  registerNativeKernels();
  for (const th of [1, 2]) {
    setNativeThreads(th);
    console.log(`native ${th} thr ms/step (batch 32)`, time(5).toFixed(0));
  }
})();
