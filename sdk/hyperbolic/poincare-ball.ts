/** A thin class that binds the curvature c to the pure Poincaré-ball functions. */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../core/rng';
import { PointLike, ScalarLike, checkCurvature } from './guards';
import { mobiusAdd, mobiusSub } from './mobius-add';
import { mobiusScalarMul } from './mobius-scalar-mul';
import { mobiusMatvec } from './mobius-matvec';
import { expmap, expmap0, logmap, logmap0 } from './exp-log';
import { dist, dist0 } from './dist';
import { lambdaX } from './lambda-x';
import { maxRadius, project } from './project';
import { gyration, parallelTransport } from './gyration';
import { geodesic } from './geodesic';
import { rescale } from './rescale';
import { randomAtRadius } from './random';
import { gyromidpoint } from './midpoint';
import { PerturbOptions, interpolate, perturb } from './edits';

/** The Poincaré ball {x : c‖x‖² < 1} of curvature −c; every method forwards to the function of the same name. */
export class PoincareBall {
  readonly c: number;
  constructor(c = 1) {
    checkCurvature('PoincareBall', c);
    this.c = c;
  }
  /** ln(499)/√c: the largest radius representable after float32 projection. */
  get maxRadius(): number {
    return maxRadius(this.c);
  }
  mobiusAdd(x: PointLike, y: PointLike): tf.Tensor {
    return mobiusAdd(x, y, this.c);
  }
  mobiusSub(y: PointLike, x: PointLike): tf.Tensor {
    return mobiusSub(y, x, this.c);
  }
  mobiusScalarMul(r: ScalarLike, x: PointLike): tf.Tensor {
    return mobiusScalarMul(r, x, this.c);
  }
  mobiusMatvec(m: PointLike, x: PointLike): tf.Tensor {
    return mobiusMatvec(m, x, this.c);
  }
  expmap0(u: PointLike): tf.Tensor {
    return expmap0(u, this.c);
  }
  logmap0(y: PointLike): tf.Tensor {
    return logmap0(y, this.c);
  }
  expmap(x: PointLike, u: PointLike): tf.Tensor {
    return expmap(x, u, this.c);
  }
  logmap(x: PointLike, y: PointLike): tf.Tensor {
    return logmap(x, y, this.c);
  }
  dist(x: PointLike, y: PointLike, keepdim = false): tf.Tensor {
    return dist(x, y, this.c, keepdim);
  }
  dist0(x: PointLike, keepdim = false): tf.Tensor {
    return dist0(x, this.c, keepdim);
  }
  lambdaX(x: PointLike, keepdim = true): tf.Tensor {
    return lambdaX(x, this.c, keepdim);
  }
  project(x: PointLike): tf.Tensor {
    return project(x, this.c);
  }
  gyration(u: PointLike, v: PointLike, w: PointLike): tf.Tensor {
    return gyration(u, v, w, this.c);
  }
  parallelTransport(x: PointLike, y: PointLike, v: PointLike): tf.Tensor {
    return parallelTransport(x, y, v, this.c);
  }
  geodesic(t: ScalarLike, x: PointLike, y: PointLike): tf.Tensor {
    return geodesic(t, x, y, this.c);
  }
  rescale(R: number, x: PointLike): tf.Tensor {
    return rescale(R, x, this.c);
  }
  randomAtRadius(lead: number | number[], dim: number, R: number, seed: number | Rng): tf.Tensor {
    return randomAtRadius(lead, dim, R, this.c, seed);
  }
  gyromidpoint(xs: PointLike, weights?: number[] | tf.Tensor): tf.Tensor {
    return gyromidpoint(xs, this.c, weights);
  }
  perturb(code: PointLike, distance: number, radius: number, options?: PerturbOptions): tf.Tensor {
    return perturb(code, distance, radius, this.c, options);
  }
  interpolate(a: PointLike, b: PointLike, t: number | number[], radius: number): tf.Tensor {
    return interpolate(a, b, t, radius, this.c);
  }
  toString(): string {
    return `PoincareBall(c=${this.c})`;
  }
}
