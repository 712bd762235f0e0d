export * from './layer';
export * from './to-poincare';
export * from './mobius-linear';
export * from './mlr';
