export * from './actor.commands.js';
export * from './actor.errors.js';
export * from './actor.events.js';
export * from './actor.state.js';
export * from './actor.types.js';
export * from './decide.js';
