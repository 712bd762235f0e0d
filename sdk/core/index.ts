export * from './errors';
export * from './rng';
export * from './backend';
export * from './progress';
export * from './paths';
export * from './atomic';
export * from './checkpoint';
export * from './grad';
