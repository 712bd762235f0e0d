/** Known values: rows 1–16 of shared/reference/reference-values.md (c = 1, float32). */
import * as tf from '@tensorflow/tfjs-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ready } from '../../sdk/core/backend';
import * as H from '../../sdk/hyperbolic';
import { close, take } from './helpers';

const x = [0.1, 0.2];
const y = [0.3, -0.1];
const DXY = 0.7613421083;

test.before(async () => {
  await ready();
});

test('rows 1–2: dist0 at the float32 boundary and at norm 0.999; MAX_RADIUS_F32 = ln 499', () => {
  close(H.dist0([0.996, 0], 1), 6.212606095751517, 0, 1e-5, 'row 1');
  close(H.dist0([0.999, 0], 1), 7.6004023345, 0, 1e-5, 'row 2');
  close(H.MAX_RADIUS_F32, Math.log(499), 0, 1e-12);
  close(H.maxRadius(1), Math.log(499), 0, 1e-12);
  close(H.maxRadius(4), Math.log(499) / 2, 0, 1e-12);
});

test('row 3: expmap0 / dist0 / logmap0 of [0.3, 0.4]', () => {
  const e = H.expmap0([0.3, 0.4], 1);
  close(H.dist0(e, 1), 1.0, 0, 1e-5, 'dist0');
  close(H.logmap0(e, 1), [0.3, 0.4], 0, 1e-5, 'logmap0');
  close(e, [0.2772702944, 0.3696937258], 0, 1e-5, 'expmap0');
});

test('row 4: expmap0([3, 4]) is projected to norm 0.996', () => {
  close(H.expmap0([3, 4], 1), [0.5976, 0.7968], 0, 1e-5, 'projected');
  const raw = tf.tidy(() => tf.mul(tf.tanh(tf.scalar(5)), tf.div(tf.tensor([3, 4]), 5)));
  close(raw, [0.5999455226, 0.7999273634], 0, 1e-5, 'unprojected');
});

test('rows 5–6: Möbius addition, non-commutative, left cancellation', () => {
  close(H.mobiusAdd(x, y, 1), [0.3873170732, 0.1258536585], 0, 1e-5, 'x⊕y');
  close(H.mobiusAdd(y, x, 1), [0.4009756098, 0.0712195122], 0, 1e-5, 'y⊕x');
  const xy = H.mobiusAdd(x, y, 1);
  close(H.mobiusAdd([-0.1, -0.2], xy, 1), y, 1e-6, 1e-5, 'row 6');
  xy.dispose();
});

test('row 7: dist, dist0', () => {
  close(H.dist(x, y, 1), DXY, 0, 1e-5, 'dist(x,y)');
  close(H.dist(y, x, 1), DXY, 0, 1e-5, 'dist(y,x)');
  close(H.dist0(x, 1), 0.454899072, 0, 1e-5);
  close(H.dist0(y, 1), 0.6549003005, 0, 1e-5);
});

test('row 8: logmap_x(y) and expmap_x back', () => {
  const v = H.logmap(x, y, 1);
  close(H.expmap(x, v, 1), y, 1e-6, 1e-5, 'expmap');
  close(v, [0.1788780019, -0.314299766], 0, 1e-5, 'logmap');
});

test('rows 9–10: scalar multiplication = matvec with sI', () => {
  close(H.mobiusScalarMul(2, x, 1), [0.1904761905, 0.380952381], 0, 1e-5, '2⊗x');
  close(
    H.mobiusMatvec(
      [
        [2, 0],
        [0, 2],
      ],
      x,
      1,
    ),
    [0.1904761905, 0.380952381],
    0,
    1e-5,
    '2I⊗x',
  );
  const m = H.mobiusScalarMul(2, x, 1);
  close(H.dist0(m, 1), 0.909798144, 0, 1e-5, 'dist0(2⊗x)');
  m.dispose();
  close(H.mobiusScalarMul(0.5, y, 1), [0.1539501058, -0.0513167019], 0, 1e-5, '0.5⊗y');
});

test('row 11: geodesic points and dist(x, γ(t)) = t·dist(x, y)', () => {
  const expected: Record<string, number[]> = { '0.25': [0.1465170046, 0.1215560535], '0.5': [0.1960578331, 0.0444397755] };
  for (const t of [0.25, 0.5]) {
    const g = H.geodesic(t, x, y, 1);
    close(H.dist(x, g, 1), t * DXY, 0, 1e-5, `dist(x, γ(${t}))`);
    close(g, expected[String(t)], 0, 1e-5, `γ(${t})`);
  }
});

test('row 12: rescale(3, x)', () => {
  const r = H.rescale(3, x, 1);
  close(H.dist0(r, 1), 3, 0, 1e-5, 'dist0');
  close(r, [0.404794605, 0.8095892099], 0, 1e-5, 'rescale');
});

test('row 13: mobiusMatvec with a general matrix', () => {
  close(
    H.mobiusMatvec(
      [
        [1, 2],
        [0.5, -1],
      ],
      x,
      1,
    ),
    [0.4656325492, -0.1396897648],
    0,
    1e-5,
  );
});

test('row 14: MobiusLinear layer', () => {
  const layer = new H.MobiusLinear({ inFeatures: 2, outFeatures: 2, c: 1 });
  const v = layer.variables();
  v.weight.assign(
    tf.tensor2d([
      [0.2, 0.1],
      [-0.3, 0.4],
    ]),
  );
  v.bias.assign(tf.tensor1d([0.05, 0.1])); // the hyperbolic bias is expmap0(bias)
  const z = H.expmap0([0.5, -1], 1); // W ⊗ expmap0(z) = expmap0(W z)
  close(layer.apply(z), [0.041308309, -0.4230510741], 0, 1e-5, 'row 14');
  z.dispose();
  layer.dispose();
});

test('row 15: HyperbolicMLR logits', () => {
  const mlr = new H.HyperbolicMLR({ inFeatures: 2, numClasses: 3, c: 1 });
  const v = mlr.variables();
  v.a.assign(
    tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 1],
    ]),
  );
  v.p.assign(
    tf.tensor2d([
      [0, 0],
      [0.1, 0],
      [-0.2, 0.3],
    ]),
  );
  const out = mlr.apply([
    [0.1, 0.2],
    [0.3, -0.1],
  ]);
  assert.equal(out.shape, [2, 3]);
  close(out, [0.4179982533, 0.8190124776, 0.8059366067, 1.2502766753, -0.4408603136, 0.2725603251], 1e-6, 1e-5, 'row 15');
  mlr.dispose();
});

test('row 16: perturbation invariant at the float32 boundary radius', () => {
  const R = 6.2126;
  const s = H.rescale(R, [0.6, -0.8], 1);
  const e = H.rescale(R, [0.28, 0.96], 1);
  const dse = take(H.dist(s, e, 1))[0];
  assert.ok(dse > 11 && dse < 12.5, `boundary points ~11.8 apart, got ${dse}`);
  const g = H.geodesic(5.6 / dse, s, e, 1);
  close(H.dist(s, g, 1), 5.6, 1e-3, 1e-3, 'dist(s, g)');
  close(H.dist0(H.rescale(R, g, 1), 1), R, 1e-3, 1e-3, 'dist0(rescale(R, g))');
  const p = H.perturb(s, 5.6, R, 1, { toward: e });
  close(H.dist0(p, 1), R, 1e-3, 1e-3, 'perturb radius');
  tf.dispose([s, e, g]);
});

test.run();
