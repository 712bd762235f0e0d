export * from './config';
export * from './params';
export * from './network';
export * from './input';
export * from './evaluator';
export * from './train';
