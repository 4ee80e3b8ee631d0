/**
 * A sorted set (redis: zset): a member → score table (score-table.ts: a hash table laid out
 * for lookups that miss the CPU caches) for O(1) ZSCORE and membership, plus the
 * order-statistic B+tree (ztree.ts) that orders (score, member) with ranks.
 *
 * - Encoding: Redis 7.0 keeps small sets as a listpack and converts them, one way, to a
 *   skiplist once they pass `zset-max-listpack-entries` members or a member longer than
 *   `zset-max-listpack-value` bytes arrives. We always use the tree; the entry tracks
 *   the encoding Redis would report (OBJECT ENCODING) and what it implies for values: a
 *   listpack stores -0 as 0.
 * - One string per member, the table's; the tree holds the member's id (score-table.ts).
 *   A score change looks the member up once (`slotOf`), then hands the tree the id
 *   (`updateAt`), so the tree finds its entry among equal scores by an integer compare, the
 *   table is written through the slot without a second probe, and the argument's copy is
 *   not kept: it dies young, where keeping it cost a promotion and a second copy of the
 *   member for good.
 * - ZSCAN walks a skiplist-encoded set through the shared collection cursor index
 *   (scan-cursor.ts), built on the first scan and kept current by every insert and delete.
 * - This file knows nothing of argv, replies or error texts.
 */
import type { ZsetEntry } from '../keyspace.js';
import { formatScore } from '../parse-score.js';
import type { TypeOps } from '../type-ops.js';
import { DenseIndex } from './scan-cursor.js';
import { ScoreTable } from './score-table.js';
import { ZTree } from './ztree.js';

/** The listpack limits (zset-max-listpack-entries / -value). */
export interface ListpackLimits {
  entries: number;
  value: number;
}

export class SortedSet {
  readonly dict = new ScoreTable();
  readonly tree = new ZTree(this.dict.names);
  /** ZSCAN's index, null until the first scan of a skiplist-encoded set needs it. */
  index: DenseIndex | null = null;

  get size(): number {
    return this.dict.size;
  }

  score(member: string): number | undefined {
    return this.dict.get(member);
  }

  /** Insert an absent member. */
  insert(member: string, score: number): void {
    this.tree.insert(score, this.dict.add(member, score), member);
    this.index?.add(member);
  }

  /** The member's slot in the score table (for `scoreAt`/`updateAt`), or negative when absent. */
  slotOf(member: string): number {
    return this.dict.slotOf(member);
  }

  /** The score of the member in `slot` (from `slotOf`, no change since). */
  scoreAt(slot: number): number {
    return this.dict.scoreAt(slot);
  }

  /**
   * Give the member in `slot` (from `slotOf`, no change since) a new score. The tree finds
   * its entry by the member's id, and the caller's copy of the string (an argument) is
   * not kept.
   */
  updateAt(slot: number, score: number): void {
    const current = this.dict.scoreAt(slot);
    if (score === current && 1 / score === 1 / current) return;
    this.tree.update(current, this.dict.idAt(slot), score, this.dict.memberAt(slot));
    this.dict.setScoreAt(slot, score);
  }

  /** Give a present member a new score. */
  update(member: string, score: number): void {
    this.updateAt(this.dict.slotOf(member), score);
  }

  /** Remove a member; false when absent. */
  delete(member: string): boolean {
    const slot = this.dict.slotOf(member);
    if (slot < 0) return false;
    this.tree.remove(this.dict.scoreAt(slot), this.dict.idAt(slot), member);
    this.dict.deleteAt(slot);
    this.index?.remove(member);
    return true;
  }

  /** Remove the members at 0-based ranks [start, end); `onRemove` sees each in order. */
  removeRange(start: number, end: number, onRemove?: (member: string, score: number) => void): number {
    let removed = 0;
    // The tree hands each member over before removing it; the table then frees its id.
    this.tree.removeRange(start, end, (member, score) => {
      this.dict.delete(member);
      this.index?.remove(member);
      removed++;
      onRemove?.(member, score);
    });
    return removed;
  }

  /** 0-based rank of `member` from the lowest (or, `reverse`, the highest) score; -1 when absent. */
  rank(member: string, reverse: boolean): number {
    const slot = this.dict.slotOf(member);
    if (slot < 0) return -1;
    const rank = this.tree.rankOf(this.dict.scoreAt(slot), this.dict.idAt(slot), member);
    return reverse ? this.tree.length - 1 - rank : rank;
  }

  /** The member at 0-based rank `index` from the lowest score. */
  memberAt(index: number): string {
    return this.tree.memberAt(index);
  }

  /** Visit ranks [lo, hi) upwards or (`reverse`) downwards; `visit` returning false stops. */
  each(lo: number, hi: number, reverse: boolean, visit: (member: string, score: number) => boolean | void): void {
    this.tree.each(lo, hi, reverse, visit);
  }

  /** Visit every member in order. */
  forEach(visit: (member: string, score: number) => boolean | void): void {
    this.tree.each(0, this.tree.length, false, visit);
  }

  /** The ZSCAN index, built on first use. */
  ensureIndex(): DenseIndex {
    return (this.index ??= new DenseIndex(this.dict.keys()));
  }

  /** A copy sharing nothing mutable (COPY). */
  clone(): SortedSet {
    const copy = new SortedSet();
    this.forEach((member, score) => copy.insert(member, score));
    return copy;
  }
}

/** A new, empty sorted-set entry in the given encoding. */
export function newZsetEntry(encoding: ZsetEntry['encoding']): ZsetEntry {
  return { type: 'zset', value: new SortedSet(), encoding, expireAt: 0, access: 0, slot: 0 };
}

/**
 * Convert `entry` to a skiplist if adding a member of `memberLength` bytes would leave
 * the listpack limits (redis: zsetAdd's conversion check, made before the insert).
 */
export function growFor(entry: ZsetEntry, memberLength: number, limits: ListpackLimits): void {
  if (entry.encoding === 'listpack' && (entry.value.size + 1 > limits.entries || memberLength > limits.value)) {
    entry.encoding = 'skiplist';
  }
}

/** The score as the entry's encoding keeps it: a listpack stores -0 as 0 (checked against 7.0). */
export function storedScore(entry: ZsetEntry, score: number): number {
  return score === 0 && entry.encoding === 'listpack' ? 0 : score;
}

/**
 * After a store command built `entry` as a skiplist: a listpack when it fits the limits
 * (redis: zsetConvertToListpackIfNeeded), its -0 scores turned to 0.
 */
export function shrinkIfFits(entry: ZsetEntry, limits: ListpackLimits): void {
  const set = entry.value;
  if (set.size > limits.entries) return;
  for (const member of set.dict.keys()) if (member.length > limits.value) return;
  entry.encoding = 'listpack';
  const zeros: string[] = [];
  set.forEach((member, score) => void (score === 0 && 1 / score < 0 && zeros.push(member)));
  for (const member of zeros) set.update(member, 0);
}

/** The sorted-set entry's per-type operations (type-ops.ts). */
export const zsetOps: TypeOps<ZsetEntry> = {
  encoding: (entry) => entry.encoding,
  copy: (entry) => ({ type: 'zset', value: entry.value.clone(), encoding: entry.encoding, expireAt: 0, access: 0, slot: 0 }),
  rewrite(key, entry) {
    const out: string[][] = [];
    let batch: string[] = [];
    const push = (score: string, member: string): void => {
      if (batch.length === 0) batch = ['ZADD', key];
      batch.push(score, member);
      if (batch.length === 2 + 2 * 64) {
        out.push(batch);
        batch = [];
      }
    };
    // Replayed, a set starts as a listpack, which stores -0 as 0, and a later ZADD of -0
    // over 0 is no change: a skiplist's -0 would come back as 0 (Redis's RDB keeps it).
    // So its -0 members go in at 1 first, and are moved to -0 once every member is in
    // (the set is a skiplist again by then if its size or members made it one).
    const negativeZeros: string[] = [];
    entry.value.forEach((member, score) => {
      if (score === 0 && 1 / score < 0 && entry.encoding === 'skiplist') {
        negativeZeros.push(member);
        push('1', member);
      } else push(formatScore(score), member);
    });
    if (batch.length > 0) out.push(batch);
    batch = [];
    for (const member of negativeZeros) push('-0', member);
    if (batch.length > 0) out.push(batch);
    return out;
  },
};
