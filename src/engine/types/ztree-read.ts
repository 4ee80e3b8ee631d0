/**
 * The reading half of the sorted-set B+tree (ztree.ts): the tree's shape, and the queries
 * that descend it (ranks, positions, score and lex bounds) and walk its leaves. ztree.ts
 * adds the changes. See ztree.ts for the design.
 */
import {
  BLOCK_SHIFT,
  Inner,
  childNear,
  positionOf,
  searchLeaf,
  searchInner,
  interpolate,
  countBefore,
} from './ztree-node.js';
import { LeafStore } from './ztree-leaves.js';

/** Where the last `seek` or `countBelowScore` landed: a leaf (-1: none) and a position in it. */
let seekLeaf = -1;
let seekIndex = 0;

export class ZTreeReads extends LeafStore {
  /** The root when it is an inner node; null while the tree is the one leaf `rootLeaf`. */
  protected root: Inner | null = null;
  protected rootLeaf = 0;
  protected head = 0;
  protected tail = 0;
  length = 0;

  /** `names`: the member strings by id (the score table's), read to order equal scores. */
  constructor(protected readonly names: readonly string[]) {
    super();
  }

  /** The greatest key of leaf `k` (not empty): its score, and its id. */
  protected lastScore(k: number): number {
    return this.scores[this.baseOf(k) + this.count[k]! - 1]!;
  }

  protected lastId(k: number): number {
    return this.ids[this.baseOf(k) + this.count[k]! - 1]!;
  }

  /** 0-based rank of (score, id), which must be present. */
  rankOf(score: number, id: number, member: string): number {
    let node = this.root;
    let rank = 0;
    let low = -Infinity;
    let high = Infinity;
    let leaf = this.rootLeaf;
    while (node !== null) {
      const i = childNear(node, this.names, score, member, low, high);
      rank += countBefore(node, i);
      if (i > 0) low = node.maxScores[i - 1]!;
      high = node.maxScores[i]!;
      if (node.bottom) {
        leaf = node.leaves[i]!;
        break;
      }
      node = node.kids[i]!;
    }
    const n = this.count[leaf]!;
    return rank + positionOf(this.scores, this.ids, this.baseOf(leaf), n, score, id, interpolate(score, low, high, n));
  }

  /** The leaf holding 0-based `index` (0 ≤ index < length); `seekIndex` is the position in it. */
  private seek(index: number): number {
    let node = this.root;
    let leaf = this.rootLeaf;
    while (node !== null) {
      // The block holding `index`, then the child within it.
      const blocks = node.blocks;
      const counts = node.counts;
      let b = 0;
      while (index >= blocks[b]!) index -= blocks[b++]!;
      let i = b << BLOCK_SHIFT;
      while (index >= counts[i]!) index -= counts[i++]!;
      if (node.bottom) {
        leaf = node.leaves[i]!;
        break;
      }
      node = node.kids[i]!;
    }
    seekIndex = index;
    seekLeaf = leaf;
    return leaf;
  }

  /** The member at 0-based `index`. */
  memberAt(index: number): string {
    const leaf = this.seek(index);
    return this.names[this.ids[this.baseOf(leaf) + seekIndex]!]!;
  }

  /**
   * Visit the entries at ranks [lo, hi) upwards, or (`reverse`) from hi - 1 down to lo;
   * stop early when `visit` returns false.
   */
  each(lo: number, hi: number, reverse: boolean, visit: (member: string, score: number) => boolean | void): void {
    if (lo >= hi) return;
    let remaining = hi - lo;
    let leaf = this.seek(reverse ? hi - 1 : lo);
    let i = seekIndex;
    const names = this.names;
    while (leaf !== -1 && remaining > 0) {
      // Read the arrays per leaf: a visit may not change the tree, but stay safe if it grows.
      const scores = this.scores;
      const ids = this.ids;
      const base = this.baseOf(leaf);
      if (!reverse) {
        const n = this.count[leaf]!;
        for (; i < n && remaining > 0; i++, remaining--) if (visit(names[ids[base + i]!]!, scores[base + i]!) === false) return;
        leaf = this.next[leaf]!;
        i = 0;
      } else {
        for (; i >= 0 && remaining > 0; i--, remaining--) if (visit(names[ids[base + i]!]!, scores[base + i]!) === false) return;
        leaf = this.prev[leaf]!;
        if (leaf !== -1) i = this.count[leaf]! - 1;
      }
    }
  }

  /**
   * How many entries precede a score bound: with `inclusive` false those scoring < `score`,
   * with true those scoring ≤ `score`. Leaves `collectFromBound` positioned at the bound.
   */
  countBelowScore(score: number, inclusive: boolean): number {
    let node = this.root;
    let leaf = this.rootLeaf;
    let rank = 0;
    let low = -Infinity;
    let high = Infinity;
    while (node !== null) {
      // The first child whose greatest score passes the bound holds it.
      const maxScores = node.maxScores;
      const i = searchInner(maxScores, score, inclusive, low, high);
      if (i === maxScores.length) {
        seekLeaf = this.tail;
        seekIndex = this.count[this.tail]!;
        return this.length;
      }
      rank += countBefore(node, i);
      if (i > 0) low = maxScores[i - 1]!;
      high = maxScores[i]!;
      if (node.bottom) {
        leaf = node.leaves[i]!;
        break;
      }
      node = node.kids[i]!;
    }
    const n = this.count[leaf]!;
    const at = searchLeaf(this.scores, this.baseOf(leaf), n, score, inclusive, interpolate(score, low, high, n));
    seekLeaf = leaf;
    seekIndex = at;
    return rank + at;
  }

  /** Position the walk of `collectFromBound` at 0-based `rank` (the end when rank ≥ length). */
  seekRank(rank: number): void {
    if (rank >= this.length) {
      seekLeaf = this.tail;
      seekIndex = this.count[this.tail]!;
    } else this.seek(rank);
  }

  /**
   * From where the last `countBelowScore` (or `seekRank`) stopped, append up to `count`
   * entries (negative: no limit) to `members`/`scores`: upwards from that position while
   * scores stay below `bound` (≤ unless `ex`), or (`reverse`) downwards from the entry
   * before it while they stay above it. No second descent, no closure per call.
   */
  collectFromBound(reverse: boolean, bound: number, ex: boolean, count: number, members: string[], scores: number[]): void {
    let leaf = seekLeaf;
    let i = reverse ? seekIndex - 1 : seekIndex;
    let left = count < 0 ? Infinity : count;
    const ls = this.scores;
    const ids = this.ids;
    const names = this.names;
    while (leaf !== -1 && left > 0) {
      const base = this.baseOf(leaf);
      if (!reverse) {
        const n = this.count[leaf]!;
        for (; i < n && left > 0; i++, left--) {
          const s = ls[base + i]!;
          if (s > bound || (ex && s === bound)) return;
          members.push(names[ids[base + i]!]!);
          scores.push(s);
        }
        leaf = this.next[leaf]!;
        i = 0;
      } else {
        for (; i >= 0 && left > 0; i--, left--) {
          const s = ls[base + i]!;
          if (s < bound || (ex && s === bound)) return;
          members.push(names[ids[base + i]!]!);
          scores.push(s);
        }
        leaf = this.prev[leaf]!;
        if (leaf !== -1) i = this.count[leaf]! - 1;
      }
    }
  }

  /** Append the entries at ranks [lo, hi) to `members`/`scores`, upwards or (`reverse`) downwards. */
  collect(lo: number, hi: number, reverse: boolean, members: string[], scores: number[]): void {
    if (lo >= hi) return;
    if (reverse) this.seekRank(hi);
    else this.seek(lo);
    this.collectFromBound(reverse, reverse ? -Infinity : Infinity, false, hi - lo, members, scores);
  }

  /**
   * How many entries precede a lex bound (members compared alone, as Redis does when
   * every score is equal): kind -1 is before all, 1 after all; otherwise the members
   * < `member`, or ≤ `member` with `inclusive`.
   */
  countBelowLex(kind: number, member: string, inclusive: boolean): number {
    if (kind < 0) return 0;
    if (kind > 0) return this.length;
    const names = this.names;
    let node = this.root;
    let leaf = this.rootLeaf;
    let rank = 0;
    while (node !== null) {
      const { maxIds, counts } = node;
      const n = maxIds.length;
      let i = 0;
      let m: string;
      while (i < n && ((m = names[maxIds[i]!]!) < member || (inclusive && m === member))) rank += counts[i++]!;
      if (i === n) return rank;
      if (node.bottom) {
        leaf = node.leaves[i]!;
        break;
      }
      node = node.kids[i]!;
    }
    const ids = this.ids;
    const base = this.baseOf(leaf);
    let lo = 0;
    let hi = this.count[leaf]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = names[ids[base + mid]!]!;
      if (m < member || (inclusive && m === member)) lo = mid + 1;
      else hi = mid;
    }
    return rank + lo;
  }

}
