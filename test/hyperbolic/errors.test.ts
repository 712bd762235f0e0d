/** Error cases: bad curvature, radius out of range, NaN inputs, bad shapes and misspelled options. */
import * as tf from '@tensorflow/tfjs-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ready } from '../../sdk/core/backend';
import { ConfigError, ShapeError, ValueError } from '../../sdk/core/errors';
import * as H from '../../sdk/hyperbolic';

test.before(async () => {
  await ready();
});

function throwsType(fn: () => unknown, type: new (...a: never[]) => Error, pattern: RegExp, what: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, type, `${what}: wrong error type ${(e as Error).name}: ${(e as Error).message}`);
    assert.match((e as Error).message, pattern, what);
    return;
  }
  assert.unreachable(`${what}: did not throw`);
}

test('curvature must be a finite number > 0', () => {
  for (const c of [0, -1, NaN, Infinity]) {
    throwsType(() => H.expmap0([0.1, 0.2], c), ValueError, /expmap0\(c\): expected a curvature c > 0/, `c=${c}`);
    throwsType(() => new H.PoincareBall(c), ValueError, /PoincareBall/, `ball c=${c}`);
  }
  throwsType(() => H.maxRadius(0), ValueError, /maxRadius/, 'maxRadius');
});

test('radius ≤ 0 or beyond maxRadius(c) throws ValueError explaining the float32 limit', () => {
  throwsType(() => H.rescale(0, [0.1, 0.2], 1), ValueError, /radius 0 < R ≤ maxRadius\(c\) = 6\.2126.*positive/, 'R=0');
  throwsType(() => H.rescale(-1, [0.1, 0.2], 1), ValueError, /received -1/, 'R<0');
  throwsType(() => H.rescale(6.3, [0.1, 0.2], 1), ValueError, /float32 projection keeps ‖x‖ ≤ \(1 − 4e-3\)\/√c/, 'R>max');
  throwsType(() => H.rescale(4.5, [0.1, 0.2], 2), ValueError, /maxRadius\(c\) = 4\.393/, 'R>max(2)');
  throwsType(() => H.rescale(NaN, [0.1, 0.2], 1), ValueError, /NaN/, 'R=NaN');
  throwsType(() => H.perturb([0.1, 0.2], 1, 7, 1, { seed: 0 }), ValueError, /perturb\(radius\)/, 'perturb R');
  throwsType(() => H.interpolate([0.1, 0.2], [0.2, 0], 0.5, 0, 1), ValueError, /interpolate\(radius\)/, 'interpolate R');
  throwsType(() => H.randomAtRadius(3, 2, 10, 1, 0), ValueError, /randomAtRadius/, 'randomAtRadius R');
  const ok = H.rescale(H.MAX_RADIUS_F32, [0.1, 0.2], 1); // the limit itself is allowed
  ok.dispose();
});

test('NaN inputs throw ValueError (arrays in every op; tensors in the edits)', () => {
  throwsType(() => H.mobiusAdd([NaN, 0], [0.1, 0.2], 1), ValueError, /mobiusAdd\(x\).*NaN/, 'mobiusAdd');
  throwsType(() => H.dist0([[0.1, Infinity]], 1), ValueError, /dist0\(x\)/, 'dist0');
  const bad = tf.tensor([[0.1, NaN]]);
  const before = tf.memory().numTensors;
  throwsType(() => H.rescale(2, bad, 1), ValueError, /rescale\(x\): expected finite coordinates/, 'rescale tensor');
  throwsType(() => H.perturb(bad, 1, 2, 1, { seed: 1 }), ValueError, /perturb\(code\)/, 'perturb tensor');
  throwsType(() => H.perturb([0.1, 0.2], 1, 2, 1, { toward: bad }), ValueError, /perturb\(toward\)/, 'perturb toward');
  throwsType(() => H.interpolate([0.1, 0.2], bad, 0.5, 2, 1), ValueError, /interpolate\(b\)/, 'interpolate');
  throwsType(() => H.perturb([0.1, 0.2], NaN, 2, 1, { seed: 1 }), ValueError, /perturb\(distance\)/, 'distance NaN');
  throwsType(() => H.geodesic(NaN, [0.1, 0.2], [0.2, 0.1], 1), ValueError, /geodesic\(t\)/, 't NaN');
  assert.is(tf.memory().numTensors, before, 'errors leaked tensors');
  bad.dispose();
});

test('shape and option errors', () => {
  throwsType(() => H.mobiusMatvec([[1, 2, 3]], [0.1, 0.2], 1), ShapeError, /mobiusMatvec\(m\): expected a matrix \[m, 2\]/, 'matvec');
  throwsType(() => H.expmap0(tf.scalar(1), 1), ShapeError, /rank ≥ 1/, 'scalar');
  throwsType(() => H.gyromidpoint([0.1, 0.2], 1), ShapeError, /\[\.\.\., k, d\]/, 'midpoint rank');
  throwsType(
    () =>
      H.gyromidpoint(
        [
          [0.1, 0.2],
          [0, 0],
        ],
        1,
        [1, 2, 3],
      ),
    ShapeError,
    /2 weights/,
    'midpoint weights',
  );
  throwsType(() => H.perturb([0.1, 0.2], 1, 2, 1), ConfigError, /either 'toward'.*seed: 0/, 'perturb without target');
  throwsType(() => H.perturb([0.1, 0.2], 1, 2, 1, { sed: 1 } as never), ConfigError, /Did you mean 'seed'/, 'perturb typo');
  throwsType(() => new H.MobiusLinear({ inFeatures: 2, outFeatures: 0, c: 1 }), ConfigError, /outFeatures/, 'features');
  throwsType(
    () => new H.MobiusLinear({ inFeatures: 2, outFeatures: 2, c: 1, bais: false } as never),
    ConfigError,
    /Did you mean 'bias'/,
    'typo',
  );
  throwsType(() => new H.ToPoincare({ c: 1, clipR: -1 }), ConfigError, /clipping radius/, 'clipR');
  const lin = new H.MobiusLinear({ inFeatures: 3, outFeatures: 2, c: 1 });
  throwsType(() => lin.apply([[0.1, 0.2]]), ShapeError, /MobiusLinear\.apply\(x\): expected \[\.\.\., 3\]/, 'layer input');
  lin.dispose();
  throwsType(() => H.randomUnitTangent(2, 0, 1), ShapeError, /dim ≥ 1/, 'random dim');
});

test.run();
