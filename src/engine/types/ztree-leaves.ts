/**
 * The leaves of the sorted-set B+tree (ztree.ts), stored flat: leaf k owns the LEAF_ROOM
 * slots from k << LEAF_SHIFT of one buffer of 16-byte slots (score, member id, member
 * key: see ztree-node.ts `idAt`), and its entries are the count[k] slots from start[k]
 * among them; its count, start and neighbours are in plain arrays of small integers (-1:
 * none).
 *
 * - A leaf is then one cold line per line of data it reads: a leaf object holding two JS
 *   arrays was three dependent misses (object, array, its elements) before the first
 *   score, and twice that for the members. A leaf's room is 4 KB, one page, so a leaf
 *   visited costs one TLB miss, where scores and ids in two arrays cost two (at 1M
 *   members every leaf visit misses the TLB too).
 * - Moving entries is a memmove of unboxed numbers (no write barrier, no reallocation: a
 *   leaf's room is fixed at LEAF_ROOM entries). An entry comes or goes by moving the
 *   shorter side of the leaf (the entries stay contiguous, with free room at both ends):
 *   at 1M members those moves stream cold lines, so halving them counts.
 * - A tree of one leaf keeps only the room it uses (doubled as it grows, from 8), so a
 *   small set costs little; the arrays double when a new leaf needs room past their end.
 *   Freed leaves are reused; the arrays shrink back when the tree is one leaf again.
 */
import { LEAF_ROOM, LEAF_SHIFT } from './ztree-node.js';

const MIN_ROOM = 8;

export class LeafStore {
  /** Slot k's score at k << 1; the same buffer as `words`. */
  scores = new Float64Array(2 * MIN_ROOM);
  /** Slot k's member id at (k << 2) | 2, its key at (k << 2) | 3. */
  words = new Int32Array(this.scores.buffer);
  /** Entries per leaf. */
  count: number[] = [0];
  /** Where each leaf's first entry is, from the start of its room. */
  start: number[] = [0];
  next: number[] = [-1];
  prev: number[] = [-1];
  private freeLeaves: number[] = [];

  /** A new empty, unlinked leaf. */
  protected allocLeaf(): number {
    let k = this.freeLeaves.pop();
    if (k === undefined) {
      k = this.count.length;
      this.count.push(0);
      this.start.push(0);
      this.next.push(-1);
      this.prev.push(-1);
    } else {
      this.count[k] = 0;
      this.start[k] = 0;
      this.next[k] = -1;
      this.prev[k] = -1;
    }
    const end = (k + 1) << LEAF_SHIFT;
    if (end > this.slots()) this.grow(Math.max(end, 2 * this.slots()));
    return k;
  }

  protected freeLeaf(k: number): void {
    this.count[k] = 0;
    this.freeLeaves.push(k);
  }

  /** Slots in the leaf arrays. */
  protected slots(): number {
    return this.scores.length >> 1;
  }

  /** The slot of leaf `k`'s first entry. */
  protected baseOf(k: number): number {
    return (k << LEAF_SHIFT) + this.start[k]!;
  }

  /** Room for one more entry after leaf `k`'s last (only leaf 0 of a one-leaf tree can lack it). */
  protected roomFor(k: number): void {
    const end = this.baseOf(k) + this.count[k]! + 1;
    if (end > this.slots() && this.slots() < LEAF_ROOM) this.grow(Math.min(LEAF_ROOM, 2 * this.slots()));
  }

  private grow(slots: number): void {
    const scores = new Float64Array(2 * slots);
    scores.set(this.scores);
    this.scores = scores;
    this.words = new Int32Array(scores.buffer);
  }

  /**
   * Rewrite the key of every entry in the leaves linked from `head`, the members having
   * shared all of `prefix` and now sharing its first `to` bytes, without reading a member:
   * the bytes a key gains are the prefix's own, the rest come from the old key.
   */
  protected rekey(head: number, prefix: string, to: number): void {
    const d = prefix.length - to;
    let high = 0;
    for (let i = 0; i < 4; i++) high = (high << 8) | (i < d ? Math.min(prefix.charCodeAt(to + i), 255) : 0);
    const words = this.words;
    for (let leaf = head; leaf !== -1; leaf = this.next[leaf]!) {
      const base = this.baseOf(leaf);
      for (let k = base; k < base + this.count[leaf]!; k++) {
        const at = (k << 2) | 3;
        words[at] = (d >= 4 ? high : high | ((words[at]! << 2) >>> (8 * d))) >>> 2;
      }
    }
  }

  /** Make `leaf`, the tree's only one now, leaf 0 of arrays sized to it; returns 0. */
  protected compactTo(leaf: number): number {
    const n = this.count[leaf]!;
    let room = MIN_ROOM;
    while (room < n + 1) room <<= 1;
    const base = this.baseOf(leaf);
    const scores = new Float64Array(2 * room);
    scores.set(this.scores.subarray(base << 1, (base + n) << 1));
    this.scores = scores;
    this.words = new Int32Array(scores.buffer);
    this.count = [n];
    this.start = [0];
    this.next = [-1];
    this.prev = [-1];
    this.freeLeaves = [];
    return 0;
  }
}
