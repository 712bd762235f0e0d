/** Gradients of every op and layer are finite at the origin and at (and beyond) the projection boundary. */
import * as tf from '@tensorflow/tfjs-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ready } from '../../sdk/core/backend';
import * as H from '../../sdk/hyperbolic';
import { take } from './helpers';

const CS = [0.1, 1, 2];
test.before(async () => {
  await ready();
});

/** Inputs named by where they sit: the origin, the float32 boundary, and outside the ball. */
function places(c: number): Record<string, number[][]> {
  const b = (1 - 4e-3) / Math.sqrt(c);
  return {
    origin: [
      [0, 0, 0],
      [0, 0, 0],
    ],
    boundary: [
      [b, 0, 0],
      [0, -b * 0.6, b * 0.8],
    ],
    outside: [
      [3 / Math.sqrt(c), 0, 0],
      [0, 2 / Math.sqrt(c), -2 / Math.sqrt(c)],
    ],
  };
}

function assertFiniteGrads(what: string, f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: number[][][]): void {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const xs = inputs.map((a) => tf.tensor2d(a));
    const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(f(...args)))(xs);
    grads.forEach((g, i) => {
      const v = Array.from(g.dataSync());
      assert.ok(v.every(Number.isFinite), `${what}: gradient of input ${i} is not finite: ${v.slice(0, 6)}`);
    });
  });
  assert.is(tf.memory().numTensors, before, `${what}: leaked`);
}

const OPS: Record<string, { arity: number; f: (c: number) => (...xs: tf.Tensor[]) => tf.Tensor }> = {
  mobiusAdd: { arity: 2, f: (c) => (x, y) => H.mobiusAdd(x, y, c) },
  mobiusSub: { arity: 2, f: (c) => (x, y) => H.mobiusSub(x, y, c) },
  mobiusScalarMul: { arity: 1, f: (c) => (x) => H.mobiusScalarMul(1.7, x, c) },
  mobiusMatvec: {
    arity: 1,
    f: (c) => (x) =>
      H.mobiusMatvec(
        [
          [1, 2, 0],
          [0.5, -1, 0.3],
        ],
        x,
        c,
      ),
  },
  mobiusMatvecZeroRow: { arity: 1, f: (c) => (x) => H.mobiusMatvec([[0, 0, 0]], x, c) },
  expmap0: { arity: 1, f: (c) => (u) => H.expmap0(u, c) },
  logmap0: { arity: 1, f: (c) => (y) => H.logmap0(y, c) },
  expmap: { arity: 2, f: (c) => (x, u) => H.expmap(x, u, c) },
  logmap: { arity: 2, f: (c) => (x, y) => H.logmap(x, y, c) },
  dist: { arity: 2, f: (c) => (x, y) => H.dist(x, y, c) },
  distSelf: { arity: 1, f: (c) => (x) => H.dist(x, x, c) },
  dist0: { arity: 1, f: (c) => (x) => H.dist0(x, c) },
  lambdaX: { arity: 1, f: (c) => (x) => H.lambdaX(x, c) },
  project: { arity: 1, f: (c) => (x) => H.project(x, c) },
  gyration: { arity: 3, f: (c) => (u, v, w) => H.gyration(u, v, w, c) },
  parallelTransport: { arity: 3, f: (c) => (x, y, v) => H.parallelTransport(x, y, v, c) },
  geodesic: { arity: 2, f: (c) => (x, y) => H.geodesic(0.3, x, y, c) },
  rescale: { arity: 1, f: (c) => (x) => H.rescale(H.maxRadius(c) / 2, x, c) },
  gyromidpoint: { arity: 2, f: (c) => (x, y) => H.gyromidpoint(tf.stack([x, y], 1), c) },
  perturbToward: { arity: 2, f: (c) => (x, y) => H.perturb(x, 1, H.maxRadius(c) / 2, c, { toward: y }) },
  interpolate: { arity: 2, f: (c) => (x, y) => H.interpolate(x, y, 0.4, H.maxRadius(c) / 2, c) },
};

for (const [name, { arity, f }] of Object.entries(OPS)) {
  test(`${name}: finite gradients at the origin, the boundary and outside the ball`, () => {
    for (const c of CS) {
      const p = places(c);
      for (const [where, pts] of Object.entries(p)) {
        // every input at the same place, and mixed (origin with boundary)
        assertFiniteGrads(`${name} c=${c} ${where}`, f(c), Array(arity).fill(pts));
        assertFiniteGrads(
          `${name} c=${c} origin/${where}`,
          f(c),
          Array.from({ length: arity }, (_, i) => (i % 2 ? pts : p.origin)),
        );
      }
    }
  });
}

test('geodesic: gradient wrt t is finite, also between two boundary points', () => {
  const c = 1;
  const b = places(c).boundary;
  const g = tf.grad((t: tf.Tensor) =>
    tf.sum(
      H.dist0(
        H.geodesic(
          t,
          b,
          [
            [-b[0][0], 0, 0],
            [0, b[1][1], -b[1][2]],
          ],
          c,
        ),
        c,
      ),
    ),
  );
  assert.ok(take(g(tf.scalar(0.5))).every(Number.isFinite));
});

function layerCases(c: number): [string, H.Layer][] {
  return [
    ['ToPoincare', new H.ToPoincare({ c })],
    ['ToPoincare(clipR)', new H.ToPoincare({ c, clipR: 1 })],
    ['ToEuclidean', new H.ToEuclidean()],
    ['MobiusLinear', new H.MobiusLinear({ inFeatures: 3, outFeatures: 4, c, seed: 1 })],
    ['MobiusLinear(no bias)', new H.MobiusLinear({ inFeatures: 3, outFeatures: 4, c, bias: false })],
    ['EuclideanLinear', new H.EuclideanLinear({ inFeatures: 3, outFeatures: 4 })],
    ['HyperbolicMLR', new H.HyperbolicMLR({ inFeatures: 3, numClasses: 5, c })],
    ['EuclideanMLR', new H.EuclideanMLR({ inFeatures: 3, numClasses: 5 })],
  ];
}

test('layers: finite gradients wrt input and every variable at the origin and the boundary', () => {
  for (const c of CS) {
    for (const [name, layer] of layerCases(c)) {
      for (const [where, pts] of Object.entries(places(c))) {
        const before = tf.memory().numTensors;
        tf.tidy(() => {
          const x = tf.tensor2d(pts);
          const gx = tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v)))(x);
          assert.ok(Array.from(gx.dataSync()).every(Number.isFinite), `${name} c=${c} ${where}: input gradient`);
          const vars = Object.values(layer.variables());
          if (vars.length === 0) return;
          const { grads } = tf.variableGrads(() => tf.sum(layer.apply(x)) as tf.Scalar, vars);
          assert.is(Object.keys(grads).length, vars.length, `${name}: one gradient per variable`);
          for (const g of Object.values(grads)) {
            assert.ok(Array.from(g.dataSync()).every(Number.isFinite), `${name} c=${c} ${where}: variable gradient`);
          }
        });
        assert.is(tf.memory().numTensors, before, `${name}: leaked`);
      }
      layer.dispose();
    }
  }
});

test('MobiusLinear / HyperbolicMLR: finite variable gradients with parameters at the boundary', () => {
  const lin = new H.MobiusLinear({ inFeatures: 3, outFeatures: 3, c: 1 });
  lin.variables().bias.assign(tf.tensor1d([40, 0, 0])); // expmap0(bias) saturates at the boundary
  const mlr = new H.HyperbolicMLR({ inFeatures: 3, numClasses: 2, c: 1 });
  mlr.variables().p.assign(
    tf.tensor2d([
      [30, 0, 0],
      [0, 0, 0],
    ]),
  );
  for (const layer of [lin, mlr] as H.Layer[]) {
    tf.tidy(() => {
      const x = tf.tensor2d(places(1).boundary);
      const { grads } = tf.variableGrads(() => tf.sum(layer.apply(x)) as tf.Scalar, Object.values(layer.variables()));
      for (const g of Object.values(grads)) assert.ok(Array.from(g.dataSync()).every(Number.isFinite));
    });
    layer.dispose();
  }
});

test.run();
