/**
 * The leaves of the sorted-set B+tree (ztree.ts), stored flat: leaf k's entries are
 * [k << LEAF_SHIFT, (k << LEAF_SHIFT) + count[k]) of one Float64Array of scores and one
 * Int32Array of member ids, with its count and neighbours in plain arrays of small
 * integers (-1: none).
 *
 * - A leaf is then one cold line per line of data it reads: a leaf object holding two JS
 *   arrays was three dependent misses (object, array, its elements) before the first
 *   score, and twice that for the members.
 * - Moving entries is a memmove of unboxed numbers (no write barrier, no reallocation: a
 *   leaf's room is fixed at B entries).
 * - A tree of one leaf keeps only the room it uses (doubled as it grows, from 8), so a
 *   small set costs little; the arrays double when a new leaf needs room past their end.
 *   Freed leaves are reused; the arrays shrink back when the tree is one leaf again.
 */
import { B, LEAF_SHIFT } from './ztree-node.js';

const MIN_ROOM = 8;

export class LeafStore {
  scores = new Float64Array(MIN_ROOM);
  ids = new Int32Array(MIN_ROOM);
  /** Entries per leaf. */
  count: number[] = [0];
  next: number[] = [-1];
  prev: number[] = [-1];
  private freeLeaves: number[] = [];

  /** A new empty, unlinked leaf. */
  protected allocLeaf(): number {
    let k = this.freeLeaves.pop();
    if (k === undefined) {
      k = this.count.length;
      this.count.push(0);
      this.next.push(-1);
      this.prev.push(-1);
    } else {
      this.count[k] = 0;
      this.next[k] = -1;
      this.prev[k] = -1;
    }
    const end = (k + 1) << LEAF_SHIFT;
    if (end > this.scores.length) this.grow(Math.max(end, 2 * this.scores.length));
    return k;
  }

  protected freeLeaf(k: number): void {
    this.count[k] = 0;
    this.freeLeaves.push(k);
  }

  /** Room for one more entry in leaf `k` (only leaf 0 of a one-leaf tree can lack it). */
  protected roomFor(k: number): void {
    const end = (k << LEAF_SHIFT) + this.count[k]! + 1;
    if (end > this.scores.length) this.grow(Math.min(B, 2 * this.scores.length));
  }

  private grow(length: number): void {
    const scores = new Float64Array(length);
    scores.set(this.scores);
    const ids = new Int32Array(length);
    ids.set(this.ids);
    this.scores = scores;
    this.ids = ids;
  }

  /** Make `leaf`, the tree's only one now, leaf 0 of arrays sized to it; returns 0. */
  protected compactTo(leaf: number): number {
    const n = this.count[leaf]!;
    let room = MIN_ROOM;
    while (room < n + 1) room <<= 1;
    const base = leaf << LEAF_SHIFT;
    const scores = new Float64Array(room);
    scores.set(this.scores.subarray(base, base + n));
    const ids = new Int32Array(room);
    ids.set(this.ids.subarray(base, base + n));
    this.scores = scores;
    this.ids = ids;
    this.count = [n];
    this.next = [-1];
    this.prev = [-1];
    this.freeLeaves = [];
    return 0;
  }
}
