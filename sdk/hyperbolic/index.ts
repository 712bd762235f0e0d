/** Poincaré-ball geometry (pure functions, curvature c passed explicitly) and hyperbolic layers. */
export { PointLike, ScalarLike, MIN_NORM, TANH_CLAMP, ARTANH_CLAMP, BALL_EPS } from './guards';
export { project, maxRadius, MAX_RADIUS_F32 } from './project';
export { mobiusAdd, mobiusSub } from './mobius-add';
export { mobiusScalarMul } from './mobius-scalar-mul';
export { mobiusMatvec } from './mobius-matvec';
export { expmap0, logmap0, expmap, logmap } from './exp-log';
export { dist, dist0 } from './dist';
export { lambdaX } from './lambda-x';
export { gyration, parallelTransport } from './gyration';
export { geodesic } from './geodesic';
export { rescale } from './rescale';
export { randomUnitTangent, randomAtRadius } from './random';
export { gyromidpoint, einsteinMidpoint } from './midpoint';
export { perturb, interpolate, PerturbOptions } from './edits';
export { PoincareBall } from './poincare-ball';
export * from './layers';
