/**
 * idb-redis public surface. In-process: `createEngine`. In a page: `createClient`.
 */
export { createEngine, Engine } from './engine/engine.js';
export type { EngineOptions, KeyspaceEvent, EffectListener, KeyspaceEventListener } from './engine/engine.js';
export { Connection } from './engine/connection.js';
export type { Arg } from './engine/connection.js';
export { ReplyError } from './engine/errors.js';
export type { Reply } from './engine/reply.js';
