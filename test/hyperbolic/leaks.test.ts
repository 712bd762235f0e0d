/** Repeated calls of every op, edit and layer leave tf.memory().numTensors unchanged. */
import * as tf from '@tensorflow/tfjs-core';
import { test } from 'uvu';
import { ready } from '../../sdk/core/backend';
import { Rng } from '../../sdk/core/rng';
import * as H from '../../sdk/hyperbolic';
import { assertNoLeak, randomPoints } from './helpers';

test.before(async () => {
  await ready();
});

test('every op, with tensor and array inputs', () => {
  const c = 1;
  const x = randomPoints(20, 3, c, new Rng(1));
  const y = randomPoints(20, 3, c, new Rng(2));
  const ax = [[0.1, 0.2, -0.1]];
  const ay = [[0.3, -0.1, 0.05]];
  const half = tf.scalar(0.5);
  const ops: Record<string, () => tf.Tensor> = {
    mobiusAdd: () => H.mobiusAdd(x, ay, c),
    mobiusSub: () => H.mobiusSub(ax, y, c),
    mobiusScalarMul: () => H.mobiusScalarMul(half, x, c),
    mobiusMatvec: () => H.mobiusMatvec([[1, 0, 2]], x, c),
    expmap0: () => H.expmap0(ax, c),
    logmap0: () => H.logmap0(x, c),
    expmap: () => H.expmap(x, y, c),
    logmap: () => H.logmap(x, ay, c),
    dist: () => H.dist(x, y, c),
    dist0: () => H.dist0(ax, c, true),
    lambdaX: () => H.lambdaX(x, c),
    project: () => H.project([[3, 4, 0]], c),
    gyration: () => H.gyration(x, y, ax, c),
    parallelTransport: () => H.parallelTransport(x, y, ax, c),
    geodesic: () => H.geodesic(0.3, x, y, c),
    rescale: () => H.rescale(2, x, c),
    randomUnitTangent: () => H.randomUnitTangent([2, 3], 4, 1),
    randomAtRadius: () => H.randomAtRadius(5, 3, 2, c, 1),
    gyromidpoint: () => tf.tidy(() => H.gyromidpoint(tf.stack([x, y], 1), c, [1, 2])),
    perturb: () => H.perturb(x, 1, 3, c, { seed: 3 }),
    perturbToward: () => H.perturb(x, 1, 3, c, { toward: y }),
    interpolate: () => H.interpolate(x, y, [0, 0.5], 3, c),
  };
  for (const [name, f] of Object.entries(ops)) assertNoLeak(() => f().dispose(), name);
  tf.dispose([x, y, half]);
});

test('every layer (apply, variables) and dispose frees the variables', () => {
  const make = (): H.Layer[] => [
    new H.ToPoincare({ c: 1, clipR: 1 }),
    new H.ToEuclidean(),
    new H.MobiusLinear({ inFeatures: 3, outFeatures: 2, c: 1 }),
    new H.EuclideanLinear({ inFeatures: 3, outFeatures: 2 }),
    new H.HyperbolicMLR({ inFeatures: 3, numClasses: 4, c: 1 }),
    new H.EuclideanMLR({ inFeatures: 3, numClasses: 4 }),
  ];
  const x = randomPoints(7, 3, 1, new Rng(1));
  for (const layer of make()) {
    assertNoLeak(() => {
      layer.apply(x).dispose();
      layer.variables();
    }, layer.constructor.name);
    layer.dispose();
  }
  assertNoLeak(() => make().forEach((l) => l.dispose()), 'construct + dispose');
  x.dispose();
});

test.run();
