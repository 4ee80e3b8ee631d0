/**
 * The set type: a native `Set<string>` (members as byte strings) behind a `SetEntry`
 * (keyspace.ts), plus the encoding Redis 7.0 would hold it in.
 *
 * Design note:
 * - Encoding (redis 7.0 t_set.c setTypeAdd): every set starts as an 'intset' and becomes a
 *   'hashtable' for good when a member that is not a canonical int64 is added or it grows
 *   past set-max-intset-entries members. 7.0 has no listpack sets (7.2 added them).
 * - An intset is sorted by value, so Redis lists an intset-encoded set in ascending order
 *   (SMEMBERS, SSCAN, SRANDMEMBER of the whole set, SINTER of the smallest set …);
 *   `orderedMembers` gives that order (sorting at most set-max-intset-entries canonical
 *   integers, by length and digits, no parsing). A hashtable lists in insertion order
 *   here, where Redis's order is its dict's: callers must not rely on it, as in Redis.
 * - Every write goes through `setAdd` / `setRemove` so the entry's DenseIndex (SSCAN
 *   cursors and O(1) random picks on big sets, scan-cursor.ts) stays current.
 */
import type { SetEntry } from '../keyspace.js';
import { parseInt64 } from '../parse.js';
import type { TypeOps } from '../type-ops.js';
import { DenseIndex } from './scan-cursor.js';

/** Members per rewritten SADD (redis: AOF_REWRITE_ITEMS_PER_CMD). */
const REWRITE_ITEMS = 64;
/** Below this size a random pick walks the Set instead of building an index. */
const INDEX_THRESHOLD = 128;

export function createSet(): SetEntry {
  return { type: 'set', value: new Set(), encoding: 'intset', index: null, expireAt: 0, access: 0, slot: 0 };
}

/** True when Redis would store `member` in an intset (string2ll accepts it). */
export function isIntsetMember(member: string): boolean {
  return member.length <= 20 && parseInt64(member) !== null;
}

/**
 * Add `member`; true when it is new (redis: setTypeAdd). `maxIntset` is
 * set-max-intset-entries.
 */
export function setAdd(entry: SetEntry, member: string, maxIntset: number): boolean {
  const set = entry.value;
  const size = set.size;
  set.add(member);
  if (set.size === size) return false;
  if (entry.index !== null) entry.index.add(member);
  if (entry.encoding === 'intset' && (set.size > maxIntset || !isIntsetMember(member))) entry.encoding = 'hashtable';
  return true;
}

/** Remove `member`; true when it was there. The caller deletes an emptied key. */
export function setRemove(entry: SetEntry, member: string): boolean {
  if (!entry.value.delete(member)) return false;
  if (entry.index !== null) entry.index.remove(member);
  return true;
}

/** The encoding Redis gives a set built afresh from `members`. */
export function freshEncoding(members: Set<string>, maxIntset: number): SetEntry['encoding'] {
  if (members.size > maxIntset) return 'hashtable';
  for (const member of members) if (!isIntsetMember(member)) return 'hashtable';
  return 'intset';
}

/** A new set of `members` (duplicates collapse), encoded as Redis would build it. */
export function setFrom(members: Iterable<string>, maxIntset: number): SetEntry {
  const entry = createSet();
  for (const member of members) setAdd(entry, member, maxIntset);
  return entry;
}

/** Canonical int64 strings compared by value: sign, then length, then digits. */
export function compareIntStrings(a: string, b: string): number {
  const negA = a.charCodeAt(0) === 45;
  const negB = b.charCodeAt(0) === 45;
  if (negA !== negB) return negA ? -1 : 1;
  let order = a.length - b.length;
  if (order === 0) order = a < b ? -1 : a > b ? 1 : 0;
  return negA ? -order : order;
}

/** The members in Redis's iteration order where it is defined (an intset's). */
export function orderedMembers(entry: SetEntry): string[] {
  const members = [...entry.value];
  if (entry.encoding === 'intset') members.sort(compareIntStrings);
  return members;
}

/** The entry's dense index, built on first use (scan-cursor.ts). */
export function setIndex(entry: SetEntry): DenseIndex {
  return (entry.index ??= new DenseIndex(entry.value));
}

/** A uniformly random member of a non-empty set. */
export function randomMember(entry: SetEntry, random: () => number): string {
  const set = entry.value;
  if (entry.index === null && set.size < INDEX_THRESHOLD) {
    let skip = Math.floor(random() * set.size);
    for (const member of set) if (skip-- === 0) return member;
  }
  return setIndex(entry).random(random);
}

/**
 * Every member in the dense order, for many random picks in a row (a negative count): the
 * index's own array when there is one (read-only: do not keep it across writes).
 */
export function memberArray(entry: SetEntry): readonly string[] {
  if (entry.index === null && entry.value.size < INDEX_THRESHOLD) return [...entry.value];
  return setIndex(entry).members;
}

/** Members at the given positions of the dense order (positions < size). */
export function membersAt(entry: SetEntry, positions: readonly number[]): string[] {
  if (entry.index === null && entry.value.size < INDEX_THRESHOLD) {
    const members = [...entry.value];
    return positions.map((pos) => members[pos]!);
  }
  const index = setIndex(entry);
  return positions.map((pos) => index.at(pos));
}

export const setOps: TypeOps<SetEntry> = {
  encoding: (entry) => entry.encoding,
  copy(entry) {
    const copy = createSet();
    copy.value = new Set(entry.value);
    copy.encoding = entry.encoding;
    // No index: a copy builds its own if it is ever scanned or sampled.
    return copy;
  },
  rewrite(key, entry) {
    const out: string[][] = [];
    let argv: string[] = [];
    for (const member of entry.value) {
      if (argv.length === 0) argv.push('SADD', key);
      argv.push(member);
      if (argv.length === 2 + REWRITE_ITEMS) {
        out.push(argv);
        argv = [];
      }
    }
    if (argv.length > 0) out.push(argv);
    return out;
  },
};
