/**
 * The values the keyspace holds: one `Entry` per key, tagged with its Redis type (so
 * WRONGTYPE comes from one check), with the bookkeeping every key carries (deadline,
 * access time, slot, LFU counter) and, for collections, the encoding Redis 7.0 would
 * report. The keyspace itself is keyspace.ts.
 */
import type { DenseIndex } from './types/scan-cursor.js';
import type { SortedSet } from './types/zset.js';
import type { Deque } from './types/deque.js';

export type RedisType = 'string' | 'hash' | 'set' | 'zset' | 'list';

interface EntryBase {
  /** Absolute expiry in ms since the epoch; 0 = persistent. */
  expireAt: number;
  /** Last access time in ms (OBJECT IDLETIME). */
  access: number;
  /** Position in `Keyspace.slots`; maintained by the keyspace. */
  slot: number;
  /** LFU stamp and counter (lfu.ts), kept only under an LFU maxmemory-policy. */
  lfu?: number;
}

export interface StringEntry extends EntryBase {
  type: 'string';
  value: string;
  /**
   * OBJECT ENCODING forced by the last write; undefined = derived from the content as
   * Redis's tryObjectEncoding does: 'int' when the value is a canonical int64 (string2ll,
   * ≤ 20 bytes), else 'embstr' up to 44 bytes, else 'raw'. Checked against Redis 7.0:
   * - derived: SET, SETNX, SETEX, PSETEX, GETSET, MSET, MSETNX, APPEND to a missing key,
   *   INCR/DECR/INCRBY/DECRBY (their result is int-encoded);
   * - 'raw': APPEND to an existing key (even of ""), SETRANGE that writes (new or old key);
   * - 'embstr' (≤ 44 bytes, else 'raw'): INCRBYFLOAT's result, even when it looks like
   *   an integer ("3").
   */
  encoding?: 'raw' | 'embstr';
}

/**
 * A hash (types/hash.ts): field → value in insertion order. `encoding` is what Redis 7.0
 * would hold it in: 'listpack' until a hash-max-listpack-* limit is crossed, then
 * 'hashtable' for good (conversions are one-way, as in Redis).
 */
export interface HashEntry extends EntryBase {
  type: 'hash';
  value: Map<string, string>;
  encoding: 'listpack' | 'hashtable';
  /** HSCAN cursors and random picks on a big hash (types/scan-cursor.ts); null until needed. */
  index: DenseIndex | null;
  /**
   * A listpack-sized hash's [field, value, …] as HGETALL last read it (Redis's own listpack
   * is this flat array); null after any write. Read-mostly records then cost a copy.
   */
  flat: string[] | null;
}

/**
 * A set (types/set.ts). `encoding` as in Redis 7.0: 'intset' while every member is an
 * int64 and set-max-intset-entries is not exceeded, then 'hashtable' for good.
 */
export interface SetEntry extends EntryBase {
  type: 'set';
  value: Set<string>;
  encoding: 'intset' | 'hashtable';
  /** SSCAN cursors and random picks on a big set (types/scan-cursor.ts); null until needed. */
  index: DenseIndex | null;
}

/**
 * A sorted set (types/zset.ts). `encoding` as in Redis 7.0: 'listpack' until a
 * zset-max-listpack-* limit is crossed, then 'skiplist' for good.
 */
export interface ZsetEntry extends EntryBase {
  type: 'zset';
  value: SortedSet;
  encoding: 'listpack' | 'skiplist';
}

/** A list (types/deque.ts); Redis 7.0 reports every list as 'quicklist'. */
export interface ListEntry extends EntryBase {
  type: 'list';
  value: Deque;
  encoding: 'quicklist';
}

export type Entry = StringEntry | HashEntry | SetEntry | ZsetEntry | ListEntry;
