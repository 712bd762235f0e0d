import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { averageLinkage, geodesicArc, orthogonalCircle, projectionInfo, projectToDisk } from '../../sdk/viz/figures';
import { leaves } from '../../sdk/viz/figures/average-linkage';
import {
  dist,
  dist0,
  distanceMatrix,
  euclideanRadius,
  expmap0,
  hyperbolicRadius,
  logmap0,
  mobiusAdd,
} from '../../sdk/viz/figures/ball-math';
import { ConfigError, ShapeError, ValueError } from '../../sdk/core/errors';
import { Rng } from '../../sdk/core/rng';

const close = (a: number, b: number, tol = 1e-9, msg = '') =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${msg} ${a} vs ${b}`);

/** A uniformly random point inside the disk of radius rMax. */
function randomDiskPoint(rng: Rng, rMax = 0.97): number[] {
  const r = rMax * Math.sqrt(rng.next());
  const a = 2 * Math.PI * rng.next();
  return [r * Math.cos(a), r * Math.sin(a)];
}

test('ball maths: reference values (reference-values.md #1, #3, #5, #7)', () => {
  close(dist0([0.996, 0]), Math.log(499));
  const e = expmap0([0.3, 0.4]);
  close(e[0], 0.2772702944, 1e-9);
  close(e[1], 0.3696937258, 1e-9);
  close(logmap0(e)[0], 0.3);
  close(dist0(e), 1.0);
  const s = mobiusAdd([0.1, 0.2], [0.3, -0.1]);
  close(s[0], 0.3873170732, 1e-9);
  close(s[1], 0.1258536585, 1e-9);
  close(dist([0.1, 0.2], [0.3, -0.1]), 0.7613421083, 1e-9);
  close(dist0([0.3, -0.1]), 0.6549003005, 1e-9);
});

test('ball maths: ring radius r = tanh(√c R/2)/√c inverts R = 2/√c artanh(√c r), several c', () => {
  const rng = new Rng(1);
  for (const c of [0.5, 1, 2]) {
    for (let i = 0; i < 50; i++) {
      const R = 6 * rng.next();
      close(hyperbolicRadius(euclideanRadius(R, c), c), R, 1e-9);
      close(euclideanRadius(R, c), Math.tanh((Math.sqrt(c) * R) / 2) / Math.sqrt(c), 1e-15);
    }
  }
  close(euclideanRadius(2), Math.tanh(1), 1e-15);
  const D = distanceMatrix([
    [0.1, 0.2],
    [0.3, -0.1],
    [0, 0],
  ]);
  assert.equal(D[0][1], D[1][0]);
  close(D[2][1], 0.6549003005, 1e-9);
});

test('geodesicArc: points on a circle orthogonal to the unit circle, exact endpoints, a true geodesic', () => {
  const rng = new Rng(2);
  for (let trial = 0; trial < 200; trial++) {
    const x = randomDiskPoint(rng);
    const y = randomDiskPoint(rng);
    const pts = geodesicArc(x, y, 33);
    assert.is(pts.length, 33);
    assert.equal(pts[0], x);
    assert.equal(pts[32], y);
    const circ = orthogonalCircle(x, y);
    assert.ok(circ, 'random points are not collinear with 0');
    const [mx, my] = circ!.center;
    const rho = circ!.radius;
    close(mx * mx + my * my, rho * rho + 1, 1e-9, 'orthogonality |m|² = ρ² + 1');
    const dxy = dist(x, y);
    for (const p of pts) {
      close(Math.hypot(p[0] - mx, p[1] - my), rho, 1e-9, 'on the circle');
      assert.ok(Math.hypot(p[0], p[1]) < 1, 'inside the disk');
      close(dist(x, p) + dist(p, y), dxy, 1e-6, 'between x and y on the geodesic');
    }
  }
});

test('geodesicArc: diameters through the origin, curvature c scales the disk', () => {
  const line = geodesicArc([-0.5, -0.25], [0.8, 0.4], 11);
  for (const p of line) close(p[1], p[0] / 2, 1e-12, 'on the line y = x/2');
  assert.is(orthogonalCircle([-0.5, -0.25], [0.8, 0.4]), null);
  const c = 4;
  const x = [0.3, 0.1];
  const y = [-0.1, 0.35];
  const pts = geodesicArc(x, y, 17, c);
  for (const p of pts) {
    assert.ok(Math.hypot(p[0], p[1]) < 0.5);
    close(dist(x, p, c) + dist(p, y, c), dist(x, y, c), 1e-6);
  }
});

test('geodesicArc: errors', () => {
  assert.throws(
    () => geodesicArc([1.2, 0], [0, 0.3]),
    (e: unknown) => e instanceof ValueError,
  );
  assert.throws(
    () => geodesicArc([0.1, 0], [0, 0.3], 1),
    (e: unknown) => e instanceof ValueError,
  );
  assert.throws(
    () => geodesicArc([0.1, 0, 0], [0, 0.3]),
    (e: unknown) => e instanceof ShapeError,
  );
  assert.throws(
    () => geodesicArc([0.3, 0], [0, 0.3], 8, 16),
    (e: unknown) => e instanceof ValueError,
    'outside the c = 16 disk',
  );
  assert.throws(
    () => geodesicArc([0.1, 0], [0, 0.3], 8, -1),
    (e: unknown) => e instanceof ValueError,
  );
});

/** n points whose tangent vectors lie in a random 2-D plane of R^d. */
function planarPoints(rng: Rng, n: number, d: number, c: number): number[][] {
  const g = () => Array.from({ length: d }, () => rng.normal());
  const e1 = g();
  const n1 = Math.hypot(...e1);
  e1.forEach((_, i) => (e1[i] /= n1));
  const e2 = g();
  const p = e2.reduce((s, v, i) => s + v * e1[i], 0);
  e2.forEach((_, i) => (e2[i] -= p * e1[i]));
  const n2 = Math.hypot(...e2);
  e2.forEach((_, i) => (e2[i] /= n2));
  return Array.from({ length: n }, () => {
    const a = 1.5 * rng.normal();
    const b = 0.8 * rng.normal();
    return expmap0(
      e1.map((v, i) => a * v + b * e2[i]),
      c,
    );
  });
}

test('projectToDisk(pca): radii and distances of points in a 2-D plane are preserved', () => {
  const rng = new Rng(3);
  for (const c of [1, 0.5]) {
    const pts = planarPoints(rng, 40, 8, c);
    const info = projectionInfo(pts, 'pca', c);
    close(info.explained, 1, 1e-9);
    info.points.forEach((q, i) => {
      assert.is(q.length, 2);
      close(dist0(q, c), dist0(pts[i], c), 1e-8, 'radius');
    });
    close(dist(info.points[0], info.points[1], c), dist(pts[0], pts[1], c), 1e-7, 'pairwise distance');
  }
});

test('projectToDisk: general points never gain radius; first2 keeps coordinates; errors', () => {
  const rng = new Rng(4);
  const pts = Array.from({ length: 30 }, () => expmap0(Array.from({ length: 6 }, () => rng.normal())));
  const info = projectionInfo(pts, 'pca');
  assert.ok(info.explained > 0 && info.explained < 1);
  info.points.forEach((q, i) => assert.ok(dist0(q) <= dist0(pts[i]) + 1e-9));
  assert.equal(projectToDisk(pts, 'first2')[3], [pts[3][0], pts[3][1]]);
  assert.throws(
    () => projectToDisk(pts, 'tsne' as 'pca'),
    (e: unknown) => e instanceof ConfigError,
  );
  assert.throws(
    () => projectToDisk([[0.1, 0.2], [0.1]]),
    (e: unknown) => e instanceof ShapeError,
  );
  assert.throws(
    () => projectToDisk([]),
    (e: unknown) => e instanceof ShapeError,
  );
});

test('averageLinkage: known merges on a line, root height is the mean cross distance', () => {
  const pos = [0, 1, 5, 6, 20];
  const D = pos.map((a) => pos.map((b) => Math.abs(a - b)));
  const root = averageLinkage(D, ['a', 'b', 'c', 'd', 'e']);
  close(root.height, (20 + 19 + 15 + 14) / 4, 1e-12);
  const inner = root.children!.find((ch) => ch.size === 4)!;
  close(inner.height, (5 + 6 + 4 + 5) / 4, 1e-12);
  assert.equal(
    leaves(root)
      .map((l) => l.name)
      .sort(),
    ['a', 'b', 'c', 'd', 'e'],
  );
  assert.throws(
    () => averageLinkage([[0, 1]]),
    (e: unknown) => e instanceof ShapeError,
  );
});

test('averageLinkage: random hyperbolic points: heights monotone, each merge = mean cross distance', () => {
  const rng = new Rng(5);
  const pts = Array.from({ length: 12 }, () => randomDiskPoint(rng, 0.9));
  const D = distanceMatrix(pts);
  const check = (node: ReturnType<typeof averageLinkage>): void => {
    if (!node.children) return;
    const [l, r] = node.children;
    let sum = 0;
    for (const a of leaves(l)) for (const b of leaves(r)) sum += D[a.index!][b.index!];
    close(node.height, sum / (l.size * r.size), 1e-12);
    assert.ok(node.height >= l.height - 1e-12 && node.height >= r.height - 1e-12, 'monotone');
    check(l);
    check(r);
  };
  const root = averageLinkage(D);
  assert.is(root.size, 12);
  check(root);
});

test.run();
