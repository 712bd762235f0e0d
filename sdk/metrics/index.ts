export * from './features';
export * from './sqrtm';
export * from './fd';
export * from './kid';
export * from './diversity';
export * from './identity';
export * from './recognisability';
export * from './copy-distance';
