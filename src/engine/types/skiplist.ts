/**
 * The ordered half of a sorted set: a skiplist with spans, as in Redis (t_zset.c, after
 * William Pugh's "Skip Lists: A Probabilistic Alternative to Balanced Trees").
 *
 * - Elements are ordered by (score, member): ties on score are broken by the member's
 *   bytes (members are byte strings, so `<` is memcmp order). A member appears once;
 *   the owner (zset.ts) keeps the member → node map that guarantees it.
 * - Each node has a random level (p = 1/4, at most 32). `next[i]` is the following node
 *   at level i and `span[i]` how many level-0 steps that link jumps, so walking down from
 *   the header while summing spans gives a node's rank in O(log n); going the other way
 *   finds the node at a rank.
 * - Every range query reduces to ranks: `countBelowScore`/`countBelowLex` give, in
 *   O(log n), how many elements precede a bound, so a score or lex range is the rank
 *   interval [lo, hi), its size is hi - lo, and its elements are `nodeAt(lo)` followed by
 *   level-0 links: O(log n + m), never a sort.
 * - `backward` links make reverse walks O(1) per step.
 */

const MAX_LEVEL = 32;

export class ZNode {
  backward: ZNode | null = null;
  readonly next: (ZNode | null)[];
  readonly span: number[];

  constructor(
    public member: string,
    public score: number,
    level: number,
  ) {
    this.next = new Array<ZNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
}

/** True when (score, member) orders before node `x`. */
function before(score: number, member: string, x: ZNode): boolean {
  return score < x.score || (score === x.score && member < x.member);
}

/** Scratch arrays for insert/delete (one skiplist operation runs at a time). */
const update: ZNode[] = new Array<ZNode>(MAX_LEVEL);
const rankAt: number[] = new Array<number>(MAX_LEVEL).fill(0);

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < 0.25) level++;
  return level;
}

export class SkipList {
  readonly header = new ZNode('', 0, MAX_LEVEL);
  tail: ZNode | null = null;
  length = 0;
  level = 1;

  /** Insert a member known to be absent (redis: zslInsert). Returns its node. */
  insert(score: number, member: string, node?: ZNode): ZNode {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rankAt[i] = i === this.level - 1 ? 0 : rankAt[i + 1]!;
      let next = x.next[i]!;
      while (next !== null && (next.score < score || (next.score === score && next.member < member))) {
        rankAt[i]! += x.span[i]!;
        x = next;
        next = x.next[i]!;
      }
      update[i] = x;
    }
    let level: number;
    if (node === undefined) {
      level = randomLevel();
      node = new ZNode(member, score, level);
    } else {
      level = node.next.length;
      node.score = score;
    }
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        update[i] = this.header;
        this.header.span[i] = this.length;
      }
      this.level = level;
    }
    for (let i = 0; i < level; i++) {
      const prev = update[i]!;
      node.next[i] = prev.next[i]!;
      prev.next[i] = node;
      // The new node's span: what prev jumped, minus the steps between prev and the node.
      node.span[i] = prev.span[i]! - (rankAt[0]! - rankAt[i]!);
      prev.span[i] = rankAt[0]! - rankAt[i]! + 1;
    }
    for (let i = level; i < this.level; i++) update[i]!.span[i]!++;
    node.backward = update[0] === this.header ? null : update[0]!;
    const after = node.next[0]!;
    if (after !== null) after.backward = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  /** Unlink `x`, given its predecessors in `update` (redis: zslDeleteNode). */
  private unlink(x: ZNode): void {
    for (let i = 0; i < this.level; i++) {
      const prev = update[i]!;
      if (prev.next[i] === x) {
        prev.span[i]! += x.span[i]! - 1;
        prev.next[i] = x.next[i]!;
      } else {
        prev.span[i]!--;
      }
    }
    const after = x.next[0]!;
    if (after !== null) after.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && this.header.next[this.level - 1] === null) this.level--;
    this.length--;
  }

  /** Fill `update` with the last node before (score, member) at each level. */
  private findPredecessors(score: number, member: string): ZNode {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i]!;
      while (next !== null && (next.score < score || (next.score === score && next.member < member))) {
        x = next;
        next = x.next[i]!;
      }
      update[i] = x;
    }
    return x;
  }

  /** Remove `node`, which must be in this list (its score and member as stored). */
  remove(node: ZNode): void {
    this.findPredecessors(node.score, node.member);
    this.unlink(node);
  }

  /**
   * Move `node` to `score` (redis: zslUpdateScore): in place when its neighbours still
   * bracket it, else unlinked and re-inserted (keeping the node object and its level).
   */
  updateScore(node: ZNode, score: number): void {
    const prev = node.backward;
    const after = node.next[0]!;
    if ((prev === null || prev.score < score || (prev.score === score && prev.member < node.member)) &&
        (after === null || before(score, node.member, after))) {
      node.score = score;
      return;
    }
    this.remove(node);
    this.insert(score, node.member, node);
  }

  /** 1-based rank of (score, member), or 0 when absent (redis: zslGetRank). */
  rankOf(score: number, member: string): number {
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i]!;
      while (next !== null && (next.score < score || (next.score === score && next.member <= member))) {
        rank += x.span[i]!;
        x = next;
        next = x.next[i]!;
      }
      if (x !== this.header && x.member === member) return rank;
    }
    return 0;
  }

  /** The node at 0-based `index` (0 ≤ index < length), in O(log n) (redis: zslGetElementByRank). */
  nodeAt(index: number): ZNode {
    const rank = index + 1;
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] !== null && traversed + x.span[i]! <= rank) {
        traversed += x.span[i]!;
        x = x.next[i]!;
      }
      if (traversed === rank) return x;
    }
    throw new RangeError(`skiplist index ${index} out of range`);
  }

  /** The first node, or null. */
  first(): ZNode | null {
    return this.header.next[0]!;
  }

  /**
   * How many elements order before a score bound: with `inclusive` false the elements
   * scoring < `score`, with true those scoring ≤ `score`.
   */
  countBelowScore(score: number, inclusive: boolean): number {
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i]!;
      while (next !== null && (next.score < score || (inclusive && next.score === score))) {
        rank += x.span[i]!;
        x = next;
        next = x.next[i]!;
      }
    }
    return rank;
  }

  /**
   * How many elements order before a lex bound (members compared alone, as Redis does
   * when every score is equal): kind -1 is before all, 1 after all; otherwise the members
   * < `member`, or ≤ `member` with `inclusive`.
   */
  countBelowLex(kind: number, member: string, inclusive: boolean): number {
    if (kind < 0) return 0;
    if (kind > 0) return this.length;
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i]!;
      while (next !== null && (next.member < member || (inclusive && next.member === member))) {
        rank += x.span[i]!;
        x = next;
        next = x.next[i]!;
      }
    }
    return rank;
  }

  /**
   * Remove the elements at 0-based ranks [start, end) in O(log n + m) (redis:
   * zslDeleteRangeByRank), handing each removed node to `onRemove` in order.
   */
  removeRange(start: number, end: number, onRemove: (node: ZNode) => void): void {
    if (start >= end) return;
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] !== null && traversed + x.span[i]! <= start) {
        traversed += x.span[i]!;
        x = x.next[i]!;
      }
      update[i] = x;
    }
    let node = x.next[0]!;
    for (let removed = start; removed < end && node !== null; removed++) {
      const after = node.next[0]!;
      this.unlink(node);
      onRemove(node);
      node = after;
    }
  }

  /** Check every structural invariant; throws on the first violation (tests). */
  verify(): void {
    let count = 0;
    let prev: ZNode | null = null;
    for (let x = this.header.next[0]!; x !== null; x = x.next[0]!) {
      if (x.backward !== prev) throw new Error(`bad backward link at ${x.member}`);
      if (prev !== null && !before(prev.score, prev.member, x)) throw new Error(`out of order at ${x.member}`);
      prev = x;
      count++;
    }
    if (count !== this.length) throw new Error(`length ${this.length}, counted ${count}`);
    if (this.tail !== prev) throw new Error('bad tail');
    // Spans: each link jumps exactly the level-0 distance to its target.
    const position = new Map<ZNode, number>([[this.header, 0]]);
    let pos = 0;
    for (let x = this.header.next[0]!; x !== null; x = x.next[0]!) position.set(x, ++pos);
    for (const [node, at] of position) {
      for (let i = 0; i < (node === this.header ? this.level : node.next.length); i++) {
        const target = node.next[i]!;
        const expected = target === null ? this.length - at : position.get(target)! - at;
        if (target !== null && node.span[i] !== expected) throw new Error(`bad span at level ${i}`);
        if (target === null && node === this.header && node.span[i] !== 0 && node.span[i] !== expected) {
          throw new Error(`bad header span at level ${i}`);
        }
      }
    }
    for (let i = this.level; i < MAX_LEVEL; i++) if (this.header.next[i] !== null) throw new Error('level too low');
    if (this.level > 1 && this.header.next[this.level - 1] === null) throw new Error('level too high');
  }
}
