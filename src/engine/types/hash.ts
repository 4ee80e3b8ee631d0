/**
 * The hash type: a native `Map<string, string>` (field → value, byte strings) behind a
 * `HashEntry` (keyspace.ts), plus the encoding Redis 7.0 would hold it in.
 *
 * Design note:
 * - A Map keeps insertion order and updates a field in place, exactly as a listpack does,
 *   so HGETALL/HKEYS/HSCAN of a listpack-encoded hash answer in Redis's own order.
 * - Encoding (redis: t_hash.c hashTypeTryConversion / hashTypeSet): a new hash is a
 *   'listpack'; it becomes a 'hashtable' for good when a field or value longer than
 *   hash-max-listpack-value bytes is written, or when it grows past
 *   hash-max-listpack-entries fields. Nothing converts back (a restart rebuilds the value
 *   with HSET, which recomputes it, as Redis's RDB load does).
 * - Every write goes through `hashSet` / `hashDelete` so the entry's DenseIndex (HSCAN
 *   cursors and random picks on big hashes, scan-cursor.ts) stays current.
 */
import type { HashEntry } from '../keyspace.js';
import type { TypeOps } from '../type-ops.js';
import { DenseIndex } from './scan-cursor.js';

/** The hash-max-listpack-* settings in force for one command. */
export interface HashLimits {
  maxEntries: number;
  maxValue: number;
}

/** Fields per rewritten HSET (redis: AOF_REWRITE_ITEMS_PER_CMD). */
const REWRITE_ITEMS = 64;
/** Below this size a random pick walks the Map instead of building an index. */
const INDEX_THRESHOLD = 128;

export function createHash(): HashEntry {
  return { type: 'hash', value: new Map(), encoding: 'listpack', index: null, flat: null, expireAt: 0, access: 0, slot: 0 };
}

/**
 * Convert before a write whose arguments `args[from..to]` include a string too long for
 * a listpack (redis: hashTypeTryConversion, called on HSET/HMSET/HSETNX arguments).
 */
export function hashConvertForArgs(entry: HashEntry, args: readonly string[], from: number, to: number, limits: HashLimits): void {
  if (entry.encoding !== 'listpack') return;
  for (let i = from; i <= to; i++) {
    if (args[i]!.length > limits.maxValue) {
      entry.encoding = 'hashtable';
      return;
    }
  }
}

/**
 * Set `field` to `value`; true when the field is new (redis: hashTypeSet). Converts to a
 * hashtable when either string is too long for a listpack (the HINCRBY* case) or the
 * hash outgrows hash-max-listpack-entries.
 */
export function hashSet(entry: HashEntry, field: string, value: string, limits: HashLimits): boolean {
  const map = entry.value;
  const size = map.size;
  map.set(field, value);
  entry.flat = null;
  const added = map.size !== size;
  if (added && entry.index !== null) entry.index.add(field);
  if (entry.encoding === 'listpack' &&
    (field.length > limits.maxValue || value.length > limits.maxValue || map.size > limits.maxEntries)) {
    entry.encoding = 'hashtable';
  }
  return added;
}

/**
 * Set the pairs `args[from]`, `args[from + 1]`, … to the end (HSET / HMSET, after
 * `hashConvertForArgs` saw every string); returns how many fields are new. The same as
 * `hashSet` on each pair: HSET only adds, so the hash outgrows the listpack limit during
 * the command exactly when it ends past it, and the lengths were checked before.
 */
export function hashSetPairs(entry: HashEntry, args: readonly string[], from: number, limits: HashLimits): number {
  const map = entry.value;
  const before = map.size;
  const index = entry.index;
  if (index === null) for (let j = from; j < args.length; j += 2) map.set(args[j]!, args[j + 1]!);
  else {
    for (let j = from; j < args.length; j += 2) {
      const size = map.size;
      map.set(args[j]!, args[j + 1]!);
      if (map.size !== size) index.add(args[j]!);
    }
  }
  entry.flat = null;
  if (entry.encoding === 'listpack' && map.size > limits.maxEntries) entry.encoding = 'hashtable';
  return map.size - before;
}

/** Delete `field`; true when it existed. The caller deletes an emptied key. */
export function hashDelete(entry: HashEntry, field: string): boolean {
  if (!entry.value.delete(field)) return false;
  entry.flat = null;
  if (entry.index !== null) entry.index.remove(field);
  return true;
}

/** The entry's dense index, built on first use (scan-cursor.ts). */
export function hashIndex(entry: HashEntry): DenseIndex {
  return (entry.index ??= new DenseIndex(entry.value.keys()));
}

/** A uniformly random field of a non-empty hash. */
export function randomField(entry: HashEntry, random: () => number): string {
  const map = entry.value;
  if (entry.index === null && map.size < INDEX_THRESHOLD) {
    let skip = Math.floor(random() * map.size);
    for (const field of map.keys()) if (skip-- === 0) return field;
  }
  return hashIndex(entry).random(random);
}

/**
 * Every field in the dense order, for many random picks in a row (a negative count): the
 * index's own array when there is one (read-only: do not keep it across writes).
 */
export function fieldArray(entry: HashEntry): readonly string[] {
  if (entry.index === null && entry.value.size < INDEX_THRESHOLD) return [...entry.value.keys()];
  return hashIndex(entry).members;
}

/** Fields at the given positions of the dense order (any order; positions < size). */
export function fieldsAt(entry: HashEntry, positions: readonly number[]): string[] {
  if (entry.index === null && entry.value.size < INDEX_THRESHOLD) {
    const fields = [...entry.value.keys()];
    return positions.map((pos) => fields[pos]!);
  }
  const index = hashIndex(entry);
  return positions.map((pos) => index.at(pos));
}

export const hashOps: TypeOps<HashEntry> = {
  encoding: (entry) => entry.encoding,
  copy(entry) {
    const copy = createHash();
    copy.value = new Map(entry.value);
    copy.encoding = entry.encoding;
    // No index: a copy builds its own if it is ever scanned or sampled.
    return copy;
  },
  rewrite(key, entry) {
    const out: string[][] = [];
    let argv: string[] = [];
    for (const [field, value] of entry.value) {
      if (argv.length === 0) argv.push('HSET', key);
      argv.push(field, value);
      if (argv.length === 2 + 2 * REWRITE_ITEMS) {
        out.push(argv);
        argv = [];
      }
    }
    if (argv.length > 0) out.push(argv);
    return out;
  },
};
