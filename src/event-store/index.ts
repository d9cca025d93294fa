export * from './checkpoint.js';
export * from './errors.js';
export * from './event.js';
export * from './event-schemas.js';
export * from './event-store.js';
export * from './stream-history.js';
export * from './event-hash.js';
