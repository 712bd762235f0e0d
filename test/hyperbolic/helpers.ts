/** Shared helpers for the hyperbolic tests: tolerant comparison, seeded random points, leak checks. */
import * as tf from '@tensorflow/tfjs-core';
import * as assert from 'uvu/assert';
import { Rng } from '../../sdk/core/rng';

/** Reads a tensor back as a flat number array and disposes it. */
export function take(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

/** Asserts |a − e| ≤ atol + rtol·|e| elementwise. */
export function close(actual: tf.Tensor | number[] | number, expected: number[] | number, atol = 1e-5, rtol = 1e-5, what = ''): void {
  const a = typeof actual === 'number' ? [actual] : Array.isArray(actual) ? actual : take(actual);
  const e = typeof expected === 'number' ? [expected] : expected;
  assert.is(a.length, e.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    const ok = Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]);
    if (!ok) assert.unreachable(`${what}[${i}]: got ${a[i]}, expected ${e[i]} (atol ${atol}, rtol ${rtol})`);
  }
}

/** Largest |a − b| between two tensors (both disposed). */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  a.dispose();
  b.dispose();
  return take(d)[0];
}

/**
 * n random points of dimension d with hyperbolic radius uniform in [rMin, rMax]/√c ... scaled so that
 * dist0 ∈ [rMin, rMax] for curvature c (moderate radii keep float32 tolerances meaningful).
 */
export function randomPoints(n: number, d: number, c: number, rng: Rng, rMin = 0.05, rMax = 2.5): tf.Tensor {
  const data = new Float32Array(n * d);
  const sc = Math.sqrt(c);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const u: number[] = [];
    for (let j = 0; j < d; j++) {
      const g = rng.normal();
      u.push(g);
      s += g * g;
    }
    const R = rMin + (rMax - rMin) * rng.next();
    const r = Math.tanh((sc * R) / 2) / sc / Math.sqrt(s);
    for (let j = 0; j < d; j++) data[i * d + j] = u[j] * r;
  }
  return tf.tensor(data, [n, d]);
}

/** n random Euclidean vectors with entries N(0, scale²). */
export function randomVectors(n: number, d: number, rng: Rng, scale = 1): tf.Tensor {
  const data = rng.normals(n * d).map((v) => v * scale);
  return tf.tensor(data, [n, d]);
}

/** Asserts that calling fn (which disposes its own results) leaves the tensor count unchanged. */
export function assertNoLeak(fn: () => void, what: string): void {
  fn(); // warm-up (backends may cache constants on first use)
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) fn();
  assert.is(tf.memory().numTensors, before, `${what} leaked tensors`);
}
