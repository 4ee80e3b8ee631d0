/**
 * idb-redis public surface. In-process: `createEngine`. In a page: `createClient`.
 */
export { createEngine, Engine } from './engine/engine.js';
export type { EngineOptions, KeyspaceEvent, EffectListener, KeyspaceEventListener } from './engine/engine.js';
export { Connection } from './engine/connection.js';
export { memoryStorage } from './persistence/storage.js';
export type { Storage, MemoryStorage, Durability } from './persistence/storage.js';
export { indexedDBStorage } from './persistence/indexeddb.js';
export type { IndexedDBStorageOptions } from './persistence/indexeddb.js';
export { PersistenceError } from './persistence/codec.js';
export type { Manifest, LogRecord, SnapshotChunk } from './persistence/codec.js';
export type { PersistenceOptions, AppendFsync } from './persistence/persistence.js';
export type { LoadProgress } from './persistence/recovery.js';
export { exportResp, exportRespBytes, importResp } from './persistence/export.js';
export type { ExportOptions, ImportResult, ImportSource } from './persistence/export.js';
export { faultyStorage, quotaExceeded } from './persistence/faults.js';
export type { FaultPlan, FaultyStorage, StorageOp } from './persistence/faults.js';
export type { Arg } from './engine/connection.js';
export { ReplyError } from './engine/errors.js';
export type { Reply } from './engine/reply.js';
export { RedisClient } from './client/client.js';
export { createClient } from './client/create.js';
export type { ClientOptions } from './client/create.js';
export type { SendCommandOptions, ScanIteratorOptions } from './client/client.js';
export { RedisMulti } from './client/multi.js';
export type { ExecReply } from './client/multi.js';
export { WatchError, ClientClosedError } from './client/errors.js';
export type { BufferReply, RespReply } from './client/replies.js';
export type { RedisArgument, RedisValue, RedisVariadicArgument } from './client/commands/define.js';
export type { SetOptions, GetExOptions, MSetArguments, LcsIdxOptions, LcsIdxReply, LcsIdxWithMatchLenReply, RangeReply } from './client/commands/strings.js';
export type { CopyOptions, ScanOptions, ScanReply, SortOptions } from './client/commands/keys.js';
export type { ExpireMode } from './client/commands/expiry.js';
export type { TimeReply, FlushMode, CommandReply, CommandListOptions, CommandKeyAndFlags } from './client/commands/server.js';
export type { AuthOptions, HelloOptions, HelloReply, ClientInfoReply, ClientListFilter } from './client/commands/connection.js';
export { isSubscribeFamily } from './engine/commands/pubsub.js';
export type { PubSubListener, PubSubMessage } from './client/pubsub.js';
export type { KeyChange, KeyChangeListener, ObserveTarget } from './client/observe.js';
