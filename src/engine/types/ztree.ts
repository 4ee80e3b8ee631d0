/**
 * The ordered half of a sorted set: an order-statistic B+tree over (score, member).
 *
 * Redis uses a skiplist with spans; we keep its contract (O(log n) insert, delete and rank,
 * O(log n + m) ranges by rank, score or lex, never a sort) with a layout that suits a JS
 * heap: a skiplist hop is two or three dependent cache misses (node, link array, next
 * node), and a million-member skiplist pays ~60 of them per lookup. Here a lookup visits
 * 3 nodes at 1M members (256 entries per node), binary-searching contiguous arrays.
 *
 * - Order: by score, ties broken by member bytes (members are byte strings, so `<` is
 *   memcmp order). A member appears once; the owner (zset.ts) keeps the member → score map
 *   that guarantees it.
 * - Leaves hold up to `B` entries in two parallel arrays (scores, members) and are linked
 *   both ways, so a range is one descent then a walk. Inner nodes hold up to `B` children
 *   with, per child, its entry count and its greatest key, plus the counts summed per
 *   block of 16 children: descending sums the counts of the children passed (a rank: at
 *   most 15 blocks and 15 counts), and picks the first child whose greatest key reaches
 *   the target.
 * - A full node splits in two halves. A node left empty is removed; a leaf that falls
 *   below B/4 merges with a neighbour under the same parent when both fit in B/2. The root
 *   collapses while it is an inner node with one child.
 * - Every query reduces to ranks: `countBelowScore`/`countBelowLex` tell how many entries
 *   precede a bound, so a range is the rank interval [lo, hi) and `collect`/`each` walk it;
 *   a score range walks on from its near bound's descent (`collectFromBound`).
 * - Node size: 256 measured faster than 64 or 128 for random lookups at 1M members (one
 *   level less; descents are cache-miss bound), while an insert still shifts at most 255
 *   array slots. 32 and 64 for leaves alone were slower too (more inner entries to miss).
 * - At 1M members a lookup's time is cache misses: the leaf, and the inner node above it
 *   too (the member → score table's traffic evicts it). Node searches therefore look at
 *   scores alone, reading a member (another heap string) only among equal scores, and
 *   start from a guess interpolated between the node's score bounds (its ancestors'
 *   greatest keys), galloping out from it, so evenly spread scores read fewer cold lines
 *   than a bisection from the middle. Any spread stays exact; a skewed one costs at most
 *   ~2 log n probes. Measured at 1M members, old and new trees alternating in one process:
 *   interpolated leaves took a rank lookup from ~1.18 to ~0.81 µs; interpolated inner
 *   nodes and block sums then ~10% more on ranks and ~20% on score bounds.
 * - A random score change at 1M members (ZADD of an existing member) costs ~3–4× a rank
 *   lookup: two descents, four array splices and the member → score table's read and
 *   write. `update` removes through the path it found, and a removal that leaves its
 *   leaf's greatest entry and size alone changes nothing above the leaf but the counts.
 *   Its profile (bundled driver, --cpu-prof): the members arrays' splices ~18% (a pointer
 *   move pays the write barrier, ~2 ns a slot even in cache), the scores' ~6%, the
 *   descents' cold node loads ~18%, the table ~12%, members compared among equal scores
 *   ~7%. Tried and dropped: shifting by hand instead of `splice` (the builtin moves
 *   doubles by memmove, 2× a JS loop, and pointers 1.2× faster); leaves of 64 or 128
 *   entries under 256-wide inner nodes (slower on ranks and on score changes alike, sets
 *   built side by side in one process); galloping to a tie run's end before bisecting it.
 */

import {
  B,
  Leaf,
  Inner,
  less,
  childNear,
  lowerBound,
  positionOf,
  searchNear,
  searchInner,
  interpolate,
  countBefore,
  refreshBlocks,
  BLOCK_SHIFT,
  maxScoreOf,
  maxMemberOf,
  sizeOf,
  type TreeNode,
} from './ztree-node.js';

/** The descent path of the last operation (one tree operation runs at a time). */
const pathNodes: Inner[] = [];
const pathIdx: number[] = [];
let depth = 0;
/** The score bounds of the keys under the node `descend` reached (from its ancestors). */
let pathLow = -Infinity;
let pathHigh = Infinity;
/** Where the last `seek` or `countBelowScore` landed: a leaf and a position in it. */
let seekLeaf: Leaf | null = null;
let seekIndex = 0;

/**
 * The interpolation guess for (score, …) in `leaf`, the end of the path `descend` recorded:
 * its ancestors' greatest keys bound it.
 */
function pathGuess(leaf: Leaf, score: number): number {
  return interpolate(score, pathLow, pathHigh, leaf.scores.length);
}

export class ZTree {
  private root: TreeNode = new Leaf();
  private head: Leaf = this.root as Leaf;
  private tailLeaf: Leaf = this.root as Leaf;
  length = 0;

  /** Descend to the leaf where (score, member) is or would be, recording the path. */
  private descend(score: number, member: string): Leaf {
    let node = this.root;
    let low = -Infinity;
    let high = Infinity;
    depth = 0;
    while (!node.leaf) {
      const i = childNear(node, score, member, low, high);
      pathNodes[depth] = node;
      pathIdx[depth] = i;
      depth++;
      if (i > 0) low = node.maxScores[i - 1]!;
      high = node.maxScores[i]!;
      node = node.children[i]!;
    }
    pathLow = low;
    pathHigh = high;
    return node;
  }

  /** Insert an absent (score, member). */
  insert(score: number, member: string): void {
    const leaf = this.descend(score, member);
    const p = lowerBound(leaf, score, member, pathGuess(leaf, score));
    leaf.scores.splice(p, 0, score);
    leaf.members.splice(p, 0, member);
    this.length++;
    for (let d = 0; d < depth; d++) {
      const node = pathNodes[d]!;
      const i = pathIdx[d]!;
      node.counts[i]!++;
      node.blocks[i >> BLOCK_SHIFT]!++;
      // Only a key past the last child's maximum can raise it.
      if (less(node.maxScores[i]!, node.maxMembers[i]!, score, member)) {
        node.maxScores[i] = score;
        node.maxMembers[i] = member;
      }
    }
    if (leaf.scores.length >= B) this.split(leaf, depth);
  }

  /** Split the full `node` found at path depth `at`, then its parent if that fills up. */
  private split(node: TreeNode, at: number): void {
    const half = B >> 1;
    let right: TreeNode;
    if (node.leaf) {
      const r = new Leaf();
      r.scores = node.scores.splice(half);
      r.members = node.members.splice(half);
      r.next = node.next;
      r.prev = node;
      if (node.next !== null) node.next.prev = r;
      else this.tailLeaf = r;
      node.next = r;
      right = r;
    } else {
      const r = new Inner();
      r.children = node.children.splice(half);
      r.counts = node.counts.splice(half);
      r.maxScores = node.maxScores.splice(half);
      r.maxMembers = node.maxMembers.splice(half);
      refreshBlocks(node);
      refreshBlocks(r);
      right = r;
    }
    if (at === 0) {
      const root = new Inner();
      root.children = [node, right];
      root.counts = [sizeOf(node), sizeOf(right)];
      root.maxScores = [maxScoreOf(node), maxScoreOf(right)];
      root.maxMembers = [maxMemberOf(node), maxMemberOf(right)];
      refreshBlocks(root);
      this.root = root;
      return;
    }
    const parent = pathNodes[at - 1]!;
    const i = pathIdx[at - 1]!;
    const rightCount = sizeOf(right);
    parent.counts[i]! -= rightCount;
    parent.maxScores[i] = maxScoreOf(node);
    parent.maxMembers[i] = maxMemberOf(node);
    parent.children.splice(i + 1, 0, right);
    parent.counts.splice(i + 1, 0, rightCount);
    parent.maxScores.splice(i + 1, 0, maxScoreOf(right));
    parent.maxMembers.splice(i + 1, 0, maxMemberOf(right));
    refreshBlocks(parent);
    if (parent.children.length >= B) this.split(parent, at - 1);
  }

  /**
   * Move `member` from `score` to `newScore`. In place when its neighbours still bracket
   * it (a small ZINCRBY usually keeps its rank), else removed and re-inserted.
   */
  update(score: number, member: string, newScore: number): void {
    const leaf = this.descend(score, member);
    const p = positionOf(leaf, score, member, pathGuess(leaf, score));
    const scores = leaf.scores;
    const members = leaf.members;
    const last = scores.length - 1;
    const prevLeaf = p === 0 ? leaf.prev : null;
    const nextLeaf = p === last ? leaf.next : null;
    const afterPrev = p > 0
      ? less(scores[p - 1]!, members[p - 1]!, newScore, member)
      : prevLeaf === null || less(prevLeaf.scores[prevLeaf.scores.length - 1]!, prevLeaf.members[prevLeaf.members.length - 1]!, newScore, member);
    const beforeNext = p < last
      ? less(newScore, member, scores[p + 1]!, members[p + 1]!)
      : nextLeaf === null || less(newScore, member, nextLeaf.scores[0]!, nextLeaf.members[0]!);
    if (!afterPrev || !beforeNext) {
      // Removed through the path just recorded: one descent fewer.
      this.removeAt(leaf, p);
      this.insert(newScore, member);
      return;
    }
    scores[p] = newScore;
    if (p !== last) return;
    // It was its leaf's greatest key: so it is in the ancestors that end with this leaf.
    for (let d = depth - 1; d >= 0; d--) {
      const node = pathNodes[d]!;
      const i = pathIdx[d]!;
      if (node.maxScores[i] !== score || node.maxMembers[i] !== member) break;
      node.maxScores[i] = newScore;
    }
  }

  /** Remove (score, member), which must be present. */
  remove(score: number, member: string): void {
    const leaf = this.descend(score, member);
    this.removeAt(leaf, positionOf(leaf, score, member, pathGuess(leaf, score)));
  }

  /** Remove the entry at position `p` of `leaf`, the end of the path `descend` recorded. */
  private removeAt(leaf: Leaf, p: number): void {
    const wasLast = p === leaf.scores.length - 1;
    leaf.scores.splice(p, 1);
    leaf.members.splice(p, 1);
    this.length--;
    for (let d = 0; d < depth; d++) {
      const node = pathNodes[d]!;
      const i = pathIdx[d]!;
      node.counts[i]!--;
      node.blocks[i >> BLOCK_SHIFT]!--;
    }
    this.afterRemoval(leaf, wasLast);
  }

  /**
   * Restore the invariants on the path to `leaf` after entries left it: drop emptied
   * nodes, merge a small leaf into a neighbour, refresh the greatest keys, collapse the root.
   * `lastLeft`: the leaf's greatest entry was among those removed. When it was not and the
   * leaf stays big enough to keep, nothing above the leaf changes but the counts (the
   * refresh would read the leaf's last entry: two more cold lines at 1M members).
   */
  private afterRemoval(leaf: Leaf, lastLeft: boolean): void {
    if (!lastLeft && leaf.scores.length >= B >> 2) return;
    let d = depth;
    if (leaf.scores.length === 0 && d > 0) {
      this.unlinkLeaf(leaf);
      // Remove emptied nodes bottom-up.
      while (d > 0) {
        const parent = pathNodes[d - 1]!;
        const i = pathIdx[d - 1]!;
        parent.children.splice(i, 1);
        parent.counts.splice(i, 1);
        parent.maxScores.splice(i, 1);
        parent.maxMembers.splice(i, 1);
        refreshBlocks(parent);
        d--;
        if (parent.children.length > 0 || d === 0) break;
      }
    } else if (leaf.scores.length < B >> 2 && d > 0) {
      this.mergeSmall(leaf, d);
    }
    // Greatest keys along what is left of the path, bottom-up.
    for (let k = Math.min(d, depth) - 1; k >= 0; k--) {
      const node = pathNodes[k]!;
      const i = pathIdx[k]!;
      if (i >= node.children.length) continue;
      const child = node.children[i]!;
      node.maxScores[i] = maxScoreOf(child);
      node.maxMembers[i] = maxMemberOf(child);
    }
    while (!this.root.leaf && this.root.children.length === 1) this.root = this.root.children[0]!;
    if (!this.root.leaf && this.root.children.length === 0) {
      const empty = new Leaf();
      this.root = this.head = this.tailLeaf = empty;
    }
  }

  /** Merge `leaf` (at path depth `d`) with its right, else left, sibling when both fit in B/2. */
  private mergeSmall(leaf: Leaf, d: number): void {
    const parent = pathNodes[d - 1]!;
    const i = pathIdx[d - 1]!;
    const right = i + 1 < parent.children.length ? (parent.children[i + 1] as Leaf) : null;
    const left = i > 0 ? (parent.children[i - 1] as Leaf) : null;
    if (right !== null && leaf.scores.length + right.scores.length <= B >> 1) {
      // Take the right sibling's entries; drop it.
      for (let k = 0; k < right.scores.length; k++) {
        leaf.scores.push(right.scores[k]!);
        leaf.members.push(right.members[k]!);
      }
      this.unlinkLeaf(right);
      parent.counts[i]! += parent.counts[i + 1]!;
      parent.children.splice(i + 1, 1);
      parent.counts.splice(i + 1, 1);
      parent.maxScores.splice(i + 1, 1);
      parent.maxMembers.splice(i + 1, 1);
      refreshBlocks(parent);
    } else if (left !== null && leaf.scores.length + left.scores.length <= B >> 1) {
      for (let k = 0; k < leaf.scores.length; k++) {
        left.scores.push(leaf.scores[k]!);
        left.members.push(leaf.members[k]!);
      }
      this.unlinkLeaf(leaf);
      parent.counts[i - 1]! += parent.counts[i]!;
      parent.maxScores[i - 1] = parent.maxScores[i]!;
      parent.maxMembers[i - 1] = parent.maxMembers[i]!;
      parent.children.splice(i, 1);
      parent.counts.splice(i, 1);
      parent.maxScores.splice(i, 1);
      parent.maxMembers.splice(i, 1);
      refreshBlocks(parent);
      // The path now ends at the left sibling.
      pathIdx[d - 1] = i - 1;
    }
  }

  private unlinkLeaf(leaf: Leaf): void {
    if (leaf.prev !== null) leaf.prev.next = leaf.next;
    else if (leaf.next !== null) this.head = leaf.next;
    if (leaf.next !== null) leaf.next.prev = leaf.prev;
    else if (leaf.prev !== null) this.tailLeaf = leaf.prev;
  }

  /** 0-based rank of (score, member), which must be present. */
  rankOf(score: number, member: string): number {
    let node = this.root;
    let rank = 0;
    let low = -Infinity;
    let high = Infinity;
    while (!node.leaf) {
      const i = childNear(node, score, member, low, high);
      rank += countBefore(node, i);
      if (i > 0) low = node.maxScores[i - 1]!;
      high = node.maxScores[i]!;
      node = node.children[i]!;
    }
    return rank + positionOf(node, score, member, interpolate(score, low, high, node.scores.length));
  }

  /** The leaf holding 0-based `index` (0 ≤ index < length); `seekIndex` is the position in it. */
  private seek(index: number): Leaf {
    let node = this.root;
    while (!node.leaf) {
      // The block holding `index`, then the child within it.
      const blocks = node.blocks;
      const counts = node.counts;
      let b = 0;
      while (index >= blocks[b]!) index -= blocks[b++]!;
      let i = b << BLOCK_SHIFT;
      while (index >= counts[i]!) index -= counts[i++]!;
      node = node.children[i]!;
    }
    seekIndex = index;
    seekLeaf = node;
    return node;
  }

  /** The member at 0-based `index`. */
  memberAt(index: number): string {
    const leaf = this.seek(index);
    return leaf.members[seekIndex]!;
  }

  /**
   * Visit the entries at ranks [lo, hi) upwards, or (`reverse`) from hi - 1 down to lo;
   * stop early when `visit` returns false.
   */
  each(lo: number, hi: number, reverse: boolean, visit: (member: string, score: number) => boolean | void): void {
    if (lo >= hi) return;
    let remaining = hi - lo;
    let leaf: Leaf | null = this.seek(reverse ? hi - 1 : lo);
    let i = seekIndex;
    if (!reverse) {
      while (leaf !== null && remaining > 0) {
        const { members, scores } = leaf;
        for (; i < members.length && remaining > 0; i++, remaining--) if (visit(members[i]!, scores[i]!) === false) return;
        leaf = leaf.next;
        i = 0;
      }
    } else {
      while (leaf !== null && remaining > 0) {
        const { members, scores } = leaf;
        for (; i >= 0 && remaining > 0; i--, remaining--) if (visit(members[i]!, scores[i]!) === false) return;
        leaf = leaf.prev;
        if (leaf !== null) i = leaf.members.length - 1;
      }
    }
  }

  /**
   * How many entries precede a score bound: with `inclusive` false those scoring < `score`,
   * with true those scoring ≤ `score`. Leaves `collectFromBound` positioned at the bound.
   */
  countBelowScore(score: number, inclusive: boolean): number {
    let node = this.root;
    let rank = 0;
    let total = this.length;
    let low = -Infinity;
    let high = Infinity;
    while (!node.leaf) {
      // The first child whose greatest score passes the bound holds it.
      const maxScores = node.maxScores;
      const lo = searchInner(maxScores, score, inclusive, low, high);
      if (lo === maxScores.length) {
        seekLeaf = this.tailLeaf;
        seekIndex = this.tailLeaf.scores.length;
        return rank + total;
      }
      rank += countBefore(node, lo);
      total = node.counts[lo]!;
      if (lo > 0) low = maxScores[lo - 1]!;
      high = maxScores[lo]!;
      node = node.children[lo]!;
    }
    const scores = node.scores;
    const at = searchNear(scores, score, inclusive, interpolate(score, low, high, scores.length));
    seekLeaf = node;
    seekIndex = at;
    return rank + at;
  }

  /** Position the walk of `collectFromBound` at 0-based `rank` (the end when rank ≥ length). */
  seekRank(rank: number): void {
    if (rank >= this.length) {
      seekLeaf = this.tailLeaf;
      seekIndex = this.tailLeaf.scores.length;
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
    while (leaf !== null && left > 0) {
      const ls = leaf.scores;
      const lm = leaf.members;
      if (!reverse) {
        for (; i < ls.length && left > 0; i++, left--) {
          const s = ls[i]!;
          if (s > bound || (ex && s === bound)) return;
          members.push(lm[i]!);
          scores.push(s);
        }
        leaf = leaf.next;
        i = 0;
      } else {
        for (; i >= 0 && left > 0; i--, left--) {
          const s = ls[i]!;
          if (s < bound || (ex && s === bound)) return;
          members.push(lm[i]!);
          scores.push(s);
        }
        leaf = leaf.prev;
        if (leaf !== null) i = leaf.members.length - 1;
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
    let node = this.root;
    let rank = 0;
    while (!node.leaf) {
      const { maxMembers, counts } = node;
      const n = maxMembers.length;
      let i = 0;
      while (i < n && (maxMembers[i]! < member || (inclusive && maxMembers[i] === member))) rank += counts[i++]!;
      if (i === n) return rank;
      node = node.children[i]!;
    }
    const members = node.members;
    let lo = 0;
    let hi = members.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = members[mid]!;
      if (m < member || (inclusive && m === member)) lo = mid + 1;
      else hi = mid;
    }
    return rank + lo;
  }

  /**
   * Remove the entries at ranks [start, end) in O(log n + m), leaf by leaf, handing each
   * to `onRemove` in order.
   */
  removeRange(start: number, end: number, onRemove: (member: string, score: number) => void): void {
    let remaining = Math.min(end, this.length) - start;
    while (remaining > 0) {
      // Descend by counts to the leaf holding `start`, recording the path.
      let node = this.root;
      let index = start;
      depth = 0;
      while (!node.leaf) {
        const counts = node.counts;
        let i = 0;
        while (index >= counts[i]!) index -= counts[i++]!;
        pathNodes[depth] = node;
        pathIdx[depth] = i;
        depth++;
        node = node.children[i]!;
      }
      const leaf = node;
      const k = Math.min(leaf.scores.length - index, remaining);
      for (let j = index; j < index + k; j++) onRemove(leaf.members[j]!, leaf.scores[j]!);
      leaf.scores.splice(index, k);
      leaf.members.splice(index, k);
      for (let d = 0; d < depth; d++) {
        const node = pathNodes[d]!;
        const i = pathIdx[d]!;
        node.counts[i]! -= k;
        node.blocks[i >> BLOCK_SHIFT]! -= k;
      }
      this.length -= k;
      remaining -= k;
      this.afterRemoval(leaf, true);
    }
  }

  /** Check every structural invariant; throws on the first violation (tests). */
  verify(): void {
    let count = 0;
    let prevScore = -Infinity;
    let prevMember: string | null = null;
    let prevLeaf: Leaf | null = null;
    for (let leaf: Leaf | null = this.head; leaf !== null; leaf = leaf.next) {
      if (leaf.prev !== prevLeaf) throw new Error('bad prev link');
      if (leaf.scores.length !== leaf.members.length) throw new Error('leaf arrays differ');
      if (leaf.scores.length === 0 && this.length > 0) throw new Error('empty leaf');
      if (leaf.scores.length >= B) throw new Error('overfull leaf');
      for (let i = 0; i < leaf.scores.length; i++) {
        const s = leaf.scores[i]!;
        const m = leaf.members[i]!;
        if (prevMember !== null && !less(prevScore, prevMember, s, m)) throw new Error(`out of order at ${m}`);
        prevScore = s;
        prevMember = m;
        count++;
      }
      prevLeaf = leaf;
    }
    if (this.tailLeaf !== prevLeaf) throw new Error('bad tail');
    if (count !== this.length) throw new Error(`length ${this.length}, counted ${count}`);
    const check = (node: TreeNode): [number, number, string] => {
      if (node.leaf) return [node.scores.length, maxScoreOf(node), maxMemberOf(node)];
      if (node.children.length === 0 || node.children.length >= B) throw new Error('bad fan-out');
      if (node.blocks.length !== (node.counts.length + (1 << BLOCK_SHIFT) - 1) >> BLOCK_SHIFT) throw new Error('bad block count');
      let total = 0;
      node.children.forEach((child, i) => {
        const [n, s, m] = check(child);
        if (node.counts[i] !== n) throw new Error(`bad count ${node.counts[i]} != ${n}`);
        let block = 0;
        for (let k = i & ~((1 << BLOCK_SHIFT) - 1); k < Math.min(node.counts.length, (i | ((1 << BLOCK_SHIFT) - 1)) + 1); k++) block += node.counts[k]!;
        if (node.blocks[i >> BLOCK_SHIFT] !== block) throw new Error(`bad block sum at child ${i}`);
        if (node.maxScores[i] !== s || node.maxMembers[i] !== m) throw new Error('bad max key');
        total += n;
      });
      return [total, maxScoreOf(node), maxMemberOf(node)];
    };
    if (!this.root.leaf && check(this.root)[0] !== this.length) throw new Error('bad root count');
  }
}
