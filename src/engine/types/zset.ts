/**
 * A sorted set (redis: zset): a member → node `Map` for O(1) ZSCORE and membership, plus
 * the skiplist (skiplist.ts) that orders (score, member) with ranks. Both hold the same
 * nodes, so a score lives in one place.
 *
 * - Encoding: Redis 7.0 keeps small sets as a listpack and converts them, one way, to a
 *   skiplist once they pass `zset-max-listpack-entries` members or a member longer than
 *   `zset-max-listpack-value` bytes arrives. We always use the skiplist; the entry tracks
 *   the encoding Redis would report (OBJECT ENCODING) and what it implies for values: a
 *   listpack stores -0 as 0.
 * - ZSCAN walks a skiplist-encoded set through the shared collection cursor index
 *   (scan-cursor.ts), built on the first scan and kept current by every insert and delete.
 * - This file knows nothing of argv, replies or error texts.
 */
import type { ZsetEntry } from '../keyspace.js';
import { formatScore } from '../parse-score.js';
import type { TypeOps } from '../type-ops.js';
import { DenseIndex } from './scan-cursor.js';
import { SkipList, ZNode } from './skiplist.js';

/** Redis 7.0's defaults for the listpack limits (zset-max-listpack-entries/-value). */
export interface ListpackLimits {
  entries: number;
  value: number;
}

export class SortedSet {
  readonly dict = new Map<string, ZNode>();
  readonly list = new SkipList();
  /** ZSCAN's index, null until the first scan of a skiplist-encoded set needs it. */
  index: DenseIndex | null = null;


  get size(): number {
    return this.dict.size;
  }

  score(member: string): number | undefined {
    return this.dict.get(member)?.score;
  }

  /** Insert an absent member. */
  insert(member: string, score: number): ZNode {
    const node = this.list.insert(score, member);
    this.dict.set(member, node);
    this.index?.add(member);
    return node;
  }

  /** Move a present member's node to a new score. */
  update(node: ZNode, score: number): void {
    if (score === node.score && !(score === 0 && 1 / score !== 1 / node.score)) return;
    this.list.updateScore(node, score);
  }

  /** Remove a member; false when absent. */
  delete(member: string): boolean {
    const node = this.dict.get(member);
    if (node === undefined) return false;
    this.list.remove(node);
    this.forget(node);
    return true;
  }

  /** Remove `node`, already unlinked from the skiplist, from the map and the scan index. */
  private forget(node: ZNode): void {
    this.dict.delete(node.member);
    this.index?.remove(node.member);
  }

  /** The ZSCAN index, built on first use. */
  ensureIndex(): DenseIndex {
    return (this.index ??= new DenseIndex(this.dict.keys()));
  }

  /** Remove the elements at 0-based ranks [start, end); `onRemove` sees each in order. */
  removeRange(start: number, end: number, onRemove?: (node: ZNode) => void): number {
    let removed = 0;
    this.list.removeRange(start, end, (node) => {
      this.forget(node);
      removed++;
      onRemove?.(node);
    });
    return removed;
  }

  /** 0-based rank of `member` from the lowest (or, `reverse`, the highest) score; -1 when absent. */
  rank(member: string, reverse: boolean): number {
    const node = this.dict.get(member);
    if (node === undefined) return -1;
    const rank = this.list.rankOf(node.score, member) - 1;
    return reverse ? this.list.length - 1 - rank : rank;
  }

  /** The node at 0-based rank `index` from the lowest score. */
  at(index: number): ZNode {
    return this.list.nodeAt(index);
  }

  /** A copy sharing nothing mutable (COPY). */
  clone(): SortedSet {
    const copy = new SortedSet();
    for (let x = this.list.first(); x !== null; x = x.next[0]!) copy.insert(x.member, x.score);
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
  for (const node of set.dict.values()) if (node.score === 0) node.score = 0;
}

/** The sorted-set entry's per-type operations (type-ops.ts). */
export const zsetOps: TypeOps<ZsetEntry> = {
  encoding: (entry) => entry.encoding,
  copy: (entry) => ({ type: 'zset', value: entry.value.clone(), encoding: entry.encoding, expireAt: 0, access: 0, slot: 0 }),
  rewrite(key, entry) {
    const out: string[][] = [];
    let batch: string[] = [];
    for (let x = entry.value.list.first(); x !== null; x = x.next[0]!) {
      if (batch.length === 0) batch = ['ZADD', key];
      batch.push(formatScore(x.score), x.member);
      if (batch.length === 2 + 2 * 64) {
        out.push(batch);
        batch = [];
      }
    }
    if (batch.length > 0) out.push(batch);
    return out;
  },
};
