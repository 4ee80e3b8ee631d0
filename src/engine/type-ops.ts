/**
 * What the engine needs to know of each value type beyond its commands, in one table
 * (redis: the per-type branches of copyCommand, objectTypeName and rewriteAppendOnlyFile).
 * A new type adds its `Entry` variant in keyspace.ts and its row here; everything written
 * over `entry.type` (COPY, OBJECT ENCODING, snapshots, export) then covers it.
 */
import type { Entry, RedisType } from './keyspace.js';
import { stringOps } from './types/string.js';
import { hashOps } from './types/hash.js';
import { setOps } from './types/set.js';
import { zsetOps } from './types/zset.js';
import { listOps } from './types/deque.js';

export type EntryOf<T extends RedisType> = Extract<Entry, { type: T }>;

export interface TypeOps<E extends Entry> {
  /** OBJECT ENCODING: the encoding Redis 7.0 would hold this value in. */
  encoding(entry: E): string;
  /**
   * A deep copy sharing nothing mutable (COPY). `expireAt`, `access` and `slot` are 0:
   * they are the keyspace's to set.
   */
  copy(entry: E): E;
  /**
   * Commands that rebuild the value at `key` from nothing, deadline excluded (redis:
   * rewriteAppendOnlyFile; at most 64 elements per command, AOF_REWRITE_ITEMS_PER_CMD).
   * Snapshots and the RESP export are written from these.
   */
  rewrite(key: string, entry: E): string[][];
}

export const TYPE_OPS: { [T in RedisType]: TypeOps<EntryOf<T>> } = {
  string: stringOps,
  hash: hashOps,
  set: setOps,
  zset: zsetOps,
  list: listOps,
};

/** The ops of an entry's type. */
export function typeOps(entry: Entry): TypeOps<Entry> {
  return TYPE_OPS[entry.type] as TypeOps<Entry>;
}
