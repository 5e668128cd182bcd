export * from './errors';
export * from './quantity';
export * from './validate';
