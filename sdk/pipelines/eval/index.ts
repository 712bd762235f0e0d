export * from './method';
export * from './data';
export * from './default-data';
export * from './registry';
export * from './metrics-set';
export * from './report';
export * from './fewshot';
export * from './folder-data';
