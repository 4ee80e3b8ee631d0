/**
 * The reading half of the sorted-set B+tree (ztree.ts): the tree's shape, the queries
 * that descend it (ranks, positions, score and lex bounds) and walk its leaves. ztree.ts
 * adds the changes; the structure check (`verify`) is here too. See ztree.ts for the design.
 */
import {
  B,
  LEAF_ROOM,
  less,
  BLOCK_SHIFT,
  Inner,
  childNear,
  positionOf,
  searchLeaf,
  searchInner,
  interpolate,
  countBefore,
  idAt,
  keyOf,
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
  /**
   * Bytes every member in the tree starts with (at most MAX_PREFIX of them; set by the
   * first member of an empty tree): the leaves' member keys are read from past them.
   */
  protected prefix = '';

  /** `names`: the member strings by id (the score table's), read to order equal scores. */
  constructor(protected readonly names: readonly string[]) {
    super();
  }

  /** The greatest key of leaf `k` (not empty): its score, and its id. */
  protected lastScore(k: number): number {
    return this.scores[(this.baseOf(k) + this.count[k]! - 1) << 1]!;
  }

  protected lastId(k: number): number {
    return idAt(this.words, this.baseOf(k) + this.count[k]! - 1);
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
    return rank + positionOf(this.scores, this.words, this.baseOf(leaf), n, score, id, interpolate(score, low, high, n));
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
    return this.names[idAt(this.words, this.baseOf(leaf) + seekIndex)]!;
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
      const words = this.words;
      const base = this.baseOf(leaf);
      if (!reverse) {
        const n = this.count[leaf]!;
        for (; i < n && remaining > 0; i++, remaining--) if (visit(names[idAt(words, base + i)]!, scores[(base + i) << 1]!) === false) return;
        leaf = this.next[leaf]!;
        i = 0;
      } else {
        for (; i >= 0 && remaining > 0; i--, remaining--) if (visit(names[idAt(words, base + i)]!, scores[(base + i) << 1]!) === false) return;
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
    const words = this.words;
    const names = this.names;
    while (leaf !== -1 && left > 0) {
      const base = this.baseOf(leaf);
      if (!reverse) {
        const n = this.count[leaf]!;
        for (; i < n && left > 0; i++, left--) {
          const s = ls[(base + i) << 1]!;
          if (s > bound || (ex && s === bound)) return;
          members.push(names[idAt(words, base + i)]!);
          scores.push(s);
        }
        leaf = this.next[leaf]!;
        i = 0;
      } else {
        for (; i >= 0 && left > 0; i--, left--) {
          const s = ls[(base + i) << 1]!;
          if (s < bound || (ex && s === bound)) return;
          members.push(names[idAt(words, base + i)]!);
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
    const words = this.words;
    const base = this.baseOf(leaf);
    let lo = 0;
    let hi = this.count[leaf]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = names[idAt(words, base + mid)]!;
      if (m < member || (inclusive && m === member)) lo = mid + 1;
      else hi = mid;
    }
    return rank + lo;
  }

  /** Check every structural invariant; throws on the first violation (tests). */
  verify(): void {
    const names = this.names;
    let total = 0;
    let prevScore = -Infinity;
    let prevId = -1;
    let prevLeaf = -1;
    const seen = new Set<number>();
    for (let leaf = this.head; leaf !== -1; leaf = this.next[leaf]!) {
      if (this.prev[leaf] !== prevLeaf) throw new Error('bad prev link');
      const n = this.count[leaf]!;
      if (n === 0 && this.length > 0) throw new Error('empty leaf');
      if (n >= LEAF_ROOM) throw new Error('overfull leaf');
      const st = this.start[leaf]!;
      if (st < 0 || st + n > LEAF_ROOM || this.baseOf(leaf) + n > this.slots()) throw new Error('leaf past its room');
      for (let i = 0; i < n; i++) {
        const s = this.scores[(this.baseOf(leaf) + i) << 1]!;
        const id = idAt(this.words, this.baseOf(leaf) + i);
        if (names[id] === undefined) throw new Error(`dead id ${id}`);
        if (!names[id].startsWith(this.prefix)) throw new Error(`${names[id]} lacks the shared prefix`);
        if (this.words[((this.baseOf(leaf) + i) << 2) | 3] !== keyOf(names[id], this.prefix.length)) throw new Error(`bad key for ${names[id]}`);
        if (seen.has(id)) throw new Error(`id ${id} twice`);
        seen.add(id);
        if (prevId !== -1 && !less(names, prevScore, prevId, s, id)) throw new Error(`out of order at ${names[id]}`);
        prevScore = s;
        prevId = id;
        total++;
      }
      prevLeaf = leaf;
      if (seen.size > this.length + 1) throw new Error('leaf cycle');
    }
    if (this.tail !== prevLeaf) throw new Error('bad tail');
    if (total !== this.length) throw new Error(`length ${this.length}, counted ${total}`);
    const check = (node: Inner): [number, number, number] => {
      const fanout = node.counts.length;
      if (fanout === 0 || fanout >= B) throw new Error('bad fan-out');
      if ((node.bottom ? node.leaves.length : node.kids.length) !== fanout) throw new Error('children and counts differ');
      if (node.blocks.length !== (fanout + (1 << BLOCK_SHIFT) - 1) >> BLOCK_SHIFT) throw new Error('bad block count');
      let sum = 0;
      for (let i = 0; i < fanout; i++) {
        let n: number;
        let s: number;
        let m: number;
        if (node.bottom) {
          const leaf = node.leaves[i]!;
          n = this.count[leaf]!;
          if (n === 0) throw new Error('empty leaf under a node');
          s = this.lastScore(leaf);
          m = this.lastId(leaf);
        } else [n, s, m] = check(node.kids[i]!);
        if (node.counts[i] !== n) throw new Error(`bad count ${node.counts[i]} != ${n}`);
        let block = 0;
        for (let k = i & ~((1 << BLOCK_SHIFT) - 1); k < Math.min(fanout, (i | ((1 << BLOCK_SHIFT) - 1)) + 1); k++) block += node.counts[k]!;
        if (node.blocks[i >> BLOCK_SHIFT] !== block) throw new Error(`bad block sum at child ${i}`);
        if (node.maxScores[i] !== s || node.maxIds[i] !== m) throw new Error('bad max key');
        sum += n;
      }
      return [sum, node.maxScores[fanout - 1]!, node.maxIds[fanout - 1]!];
    };
    if (this.root !== null && check(this.root)[0] !== this.length) throw new Error('bad root count');
    if (this.root === null && this.head !== this.rootLeaf) throw new Error('bad root leaf');
  }
}
