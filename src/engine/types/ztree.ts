/**
 * The ordered half of a sorted set: an order-statistic B+tree over (score, member).
 *
 * Redis uses a skiplist with spans; we keep its contract (O(log n) insert, delete and rank,
 * O(log n + m) ranges by rank, score or lex, never a sort) with a layout that suits a JS
 * heap: a skiplist hop is two or three dependent cache misses (node, link array, next
 * node), and a million-member skiplist pays ~60 of them per lookup. Here a lookup visits
 * 3 nodes at 1M members (256 entries per node), searching contiguous arrays.
 *
 * - Order: by score, ties broken by member bytes (members are byte strings, so `<` is
 *   memcmp order). A member appears once; the owner (zset.ts) keeps the member → score
 *   table that guarantees it, and names each member by an integer id (score-table.ts):
 *   the tree stores (score, id, key) and reads a member string, through `names`, only
 *   where two scores and their keys tie. A key being placed comes with its member string.
 * - A member's key (ztree-node.ts `keyOf`) is 30 bits of its bytes past `prefix`, the
 *   bytes every member shares (`user:` in `user:1234`): order-preserving, so most ties of
 *   scores are decided on the line that holds the scores, where comparing the members
 *   was three dependent misses (the id, the `names` slot, the string). The first member
 *   of an empty tree sets the prefix (at most MAX_PREFIX bytes); a member that shares
 *   less shortens it, and every key is rewritten from the old keys and the prefix, no
 *   member read (O(n), at most MAX_PREFIX times in a set's life, like a table resize).
 * - Leaves are stored flat (ztree-leaves.ts): up to LEAF_ROOM (256) entries each, 16
 *   bytes an entry (score, id, key) in one buffer, linked both ways, so a range is one
 *   descent then a walk. Inner nodes (objects) hold up to `B` (256) children with, per
 *   child, its entry count and its greatest key, plus the counts summed per block of 16
 *   children: descending sums the counts of the children passed (a rank: at most 15
 *   blocks and 15 counts), and picks the first child whose greatest key reaches the target.
 * - A full node splits in two halves. A node left empty is removed; a leaf that falls
 *   below a quarter merges with a neighbour under the same parent when both fit in half a
 *   leaf. The root collapses while it is an inner node with one child.
 * - Every query reduces to ranks: `countBelowScore`/`countBelowLex` tell how many entries
 *   precede a bound, so a range is the rank interval [lo, hi) and `collect`/`each` walk it;
 *   a score range walks on from its near bound's descent (`collectFromBound`).
 * - Node size: 256 measured faster than 64 or 128 for random lookups at 1M members (one
 *   level less; descents are cache-miss bound). Leaves of 64 or 128 under 256-wide inner
 *   nodes were slower, with leaves as JS arrays and again (128) with flat leaves.
 * - At 1M members a lookup's time is cache misses. Node searches look at scores alone
 *   and start from a guess interpolated between the node's score bounds (its ancestors'
 *   greatest keys), galloping out from it, so evenly spread scores read fewer cold lines
 *   than a bisection from the middle. Any spread stays exact; a skewed one costs at most
 *   ~2 log n probes. (Interpolated leaves took a rank lookup from ~1.18 to ~0.81 µs.)
 * - A random score change at 1M members (ZADD of an existing member) is a table lookup,
 *   two leaves (the old key's and the new key's) and an entry moved out of one and into
 *   the other. What it costs is the cold lines read one after another, so: the entry
 *   comes and goes by moving the shorter side of its leaf (half the lines streamed); a
 *   removal that leaves the leaf's greatest entry and size alone changes nothing above
 *   it; a key that stays inside its leaf moves by one shift, one whose neighbours still
 *   bracket it is rewritten in place (a small ZINCRBY). Ids and keys sit beside the
 *   scores; members are read only where scores and keys tie, and a tie run is galloped
 *   from its start before it is bisected (the lines past a short run may be cold).
 * - Measured (structure alone, 1M members, old and new code alternating in separate
 *   processes): a score change ~5.2 → ~3.4 µs, a new member ~3.5 → ~2.3 µs, a rank ~1.8 →
 *   ~1.5 µs. The step from leaves as objects holding a scores array and a member-string
 *   array: their splices paid the write barrier per pointer moved (~18% of a score change)
 *   and a reallocation when full. Reaching member strings through `names[id]` where the
 *   caller holds the string cost a cold line per tie compare; the table reaching its keys
 *   through `names[id]` made its lookup three misses in a row (it keeps them by slot).
 *   Then (the bench's ZADD of an existing member through engine.call, 1M members, old and
 *   new alternating): keys in 16-byte slots, where a tie compare was the id line, the
 *   `names` slot and the string, ~1.3× (the bench's scores tie nearly every insert).
 *   The price: 4 bytes more per slot of room (a 1M-member set's leaves ~23 → ~31 MB), and
 *   a shortened prefix rewrites every key (~6-13 ms at 1M members, a few times at most).
 *   Tried and dropped, no gain within this machine's spread (±15%): leaves of 128 flat
 *   entries (twice: arrays of 12-byte and of 16-byte entries); ordering tied members by
 *   their first 8 bytes kept per id (one cold line instead of two when those differ: ~5%
 *   on the tree alone, nothing end to end); finding the new key's leaf and loading its
 *   lines before reading the old key's, so the two misses overlap (and, further, starting
 *   both leaves' loads during the table lookup: slower; tried again with 16-byte slots,
 *   the new key's leaf loaded during the table lookup: ~8% slower); finding the old key's
 *   entry between the table's hash probe and its string compare, so those two misses
 *   overlap (~1%, not kept); guessing the slot of an exact score one place lower (the
 *   first ≥ it, where the guess was one past: no change); shifting by hand instead of
 *   `splice` with array leaves (slower). `copyWithin` is a builtin call (~40 ns), but
 *   moves cold lines faster than a loop: spans up to 12 slots move by hand (32 before:
 *   12 measured 3-12% faster).
 */

import {
  B,
  LEAF_ROOM,
  LEAF_SHIFT,
  Inner,
  childNear,
  lowerBound,
  positionOf,
  interpolate,
  refreshBlocks,
  BLOCK_SHIFT,
  sizeOf,
  openGap,
  closeGap,
  keyOf,
  slotLess,
  keyBefore,
  idAt,
} from './ztree-node.js';
import { ZTreeReads } from './ztree-read.js';

/** The descent path of the last operation (one tree operation runs at a time). */
const pathNodes: Inner[] = [];
const pathIdx: number[] = [];
let depth = 0;
/** The score bounds of the keys under the leaf `descend` reached (from its ancestors). */
let pathLow = -Infinity;
let pathHigh = Infinity;
/** The longest shared prefix kept (each shortening rewrites every key: at most this many times). */
const MAX_PREFIX = 24;

export class ZTree extends ZTreeReads {

  /** Descend to the leaf where (score, id) is or would be, recording the path. */
  private descend(score: number, member: string): number {
    depth = 0;
    let node = this.root;
    let low = -Infinity;
    let high = Infinity;
    if (node === null) {
      pathLow = low;
      pathHigh = high;
      return this.rootLeaf;
    }
    for (;;) {
      const i = childNear(node, this.names, score, member, low, high);
      pathNodes[depth] = node;
      pathIdx[depth] = i;
      depth++;
      if (i > 0) low = node.maxScores[i - 1]!;
      high = node.maxScores[i]!;
      if (node.bottom) {
        pathLow = low;
        pathHigh = high;
        return node.leaves[i]!;
      }
      node = node.kids[i]!;
    }
  }

  /** Insert an absent (score, id); `member` is names[id]. */
  insert(score: number, id: number, member: string): void {
    const key = this.admit(member);
    this.insertInto(this.descend(score, member), score, id, key, member);
  }

  /**
   * The key of `member`, about to enter the tree: the first member of an empty tree sets
   * the shared prefix, one that does not share all of it shortens it first.
   */
  private admit(member: string): number {
    if (this.length === 0) {
      this.prefix = member.length > MAX_PREFIX ? member.slice(0, MAX_PREFIX) : member;
      return keyOf(member, this.prefix.length);
    }
    const prefix = this.prefix;
    const n = Math.min(prefix.length, member.length);
    let i = 0;
    while (i < n && prefix.charCodeAt(i) === member.charCodeAt(i)) i++;
    if (i < prefix.length) this.shortenPrefix(i);
    return keyOf(member, i);
  }

  /** Shorten the shared prefix to its first `to` bytes, rewriting every key. */
  private shortenPrefix(to: number): void {
    this.rekey(this.head, this.prefix, to);
    this.prefix = this.prefix.slice(0, to);
  }

  /** Insert (score, id) into `leaf`, the end of the path `descend` recorded; `key` is the member's key. */
  private insertInto(leaf: number, score: number, id: number, key: number, member: string): void {
    if (leaf === 0) this.roomFor(0);
    const n = this.count[leaf]!;
    const st = this.start[leaf]!;
    const base = (leaf << LEAF_SHIFT) + st;
    const scores = this.scores;
    const words = this.words;
    const names = this.names;
    const p = lowerBound(scores, words, names, base, n, score, key, member, interpolate(score, pathLow, pathHigh, n));
    // Move the shorter side, unless there is no room on that side.
    let at = base + p;
    if (st > 0 && (p < n - p || base + n >= scores.length >> 1 || st + n >= LEAF_ROOM)) {
      closeGap(scores, base - 1, at);
      at--;
      this.start[leaf] = st - 1;
    } else openGap(scores, at, base + n);
    scores[at << 1] = score;
    words[(at << 2) | 2] = id;
    words[(at << 2) | 3] = key;
    this.count[leaf] = n + 1;
    this.length++;
    for (let d = 0; d < depth; d++) {
      const node = pathNodes[d]!;
      const i = pathIdx[d]!;
      node.counts[i]!++;
      node.blocks[i >> BLOCK_SHIFT]!++;
      // Only a key past the last child's maximum can raise it. The id is read only on a
      // tie (passed to a compare function, it was loaded every time: its own cold lines).
      const max = node.maxScores[i]!;
      if (max < score || (max === score && names[node.maxIds[i]!]! < member)) {
        node.maxScores[i] = score;
        node.maxIds[i] = id;
      }
    }
    if (n + 1 >= LEAF_ROOM) this.splitLeaf(leaf);
  }

  /**
   * Split the full `leaf` at the end of the recorded path, then its parents as they fill
   * up. Each half is centred in its room, so either side has room to grow.
   */
  private splitLeaf(leaf: number): void {
    const r = this.allocLeaf();
    const n = this.count[leaf]!;
    const half = n >> 1;
    const base = this.baseOf(leaf);
    const scores = this.scores;
    const rs = (LEAF_ROOM - (n - half)) >> 1;
    const rb = (r << LEAF_SHIFT) + rs;
    scores.copyWithin(rb << 1, (base + half) << 1, (base + n) << 1);
    const ls = (LEAF_ROOM - half) >> 1;
    const lb = (leaf << LEAF_SHIFT) + ls;
    scores.copyWithin(lb << 1, base << 1, (base + half) << 1);
    this.start[leaf] = ls;
    this.start[r] = rs;
    this.count[leaf] = half;
    this.count[r] = n - half;
    const after = this.next[leaf]!;
    this.next[r] = after;
    this.prev[r] = leaf;
    if (after !== -1) this.prev[after] = r;
    else this.tail = r;
    this.next[leaf] = r;
    this.attach(depth, leaf, r, half, n - half);
  }

  /**
   * After the child at path depth `at` (`left`: an inner node, or a leaf number) split off
   * `right` after it, with `leftCount`/`rightCount` entries: enter `right` in the parent
   * (a new root at depth 0), and split the parent in turn when it fills up.
   */
  private attach(at: number, left: Inner | number, right: Inner | number, leftCount: number, rightCount: number): void {
    const leftMax = typeof left === 'number' ? this.lastScore(left) : left.maxScores[left.maxScores.length - 1]!;
    const leftId = typeof left === 'number' ? this.lastId(left) : left.maxIds[left.maxIds.length - 1]!;
    const rightMax = typeof right === 'number' ? this.lastScore(right) : right.maxScores[right.maxScores.length - 1]!;
    const rightId = typeof right === 'number' ? this.lastId(right) : right.maxIds[right.maxIds.length - 1]!;
    if (at === 0) {
      const root = new Inner(typeof left === 'number');
      if (typeof left === 'number') root.leaves = [left, right as number];
      else root.kids = [left, right as Inner];
      root.counts = [leftCount, rightCount];
      root.maxScores = [leftMax, rightMax];
      root.maxIds = [leftId, rightId];
      refreshBlocks(root);
      this.root = root;
      return;
    }
    const parent = pathNodes[at - 1]!;
    const i = pathIdx[at - 1]!;
    parent.counts[i]! -= rightCount;
    parent.maxScores[i] = leftMax;
    parent.maxIds[i] = leftId;
    if (parent.bottom) parent.leaves.splice(i + 1, 0, right as number);
    else parent.kids.splice(i + 1, 0, right as Inner);
    parent.counts.splice(i + 1, 0, rightCount);
    parent.maxScores.splice(i + 1, 0, rightMax);
    parent.maxIds.splice(i + 1, 0, rightId);
    refreshBlocks(parent);
    if (parent.counts.length < B) return;
    // Split the parent in two halves.
    const half = B >> 1;
    const r = new Inner(parent.bottom);
    if (parent.bottom) r.leaves = parent.leaves.splice(half);
    else r.kids = parent.kids.splice(half);
    r.counts = parent.counts.splice(half);
    r.maxScores = parent.maxScores.splice(half);
    r.maxIds = parent.maxIds.splice(half);
    refreshBlocks(parent);
    refreshBlocks(r);
    this.attach(at - 1, parent, r, sizeOf(parent), sizeOf(r));
  }

  /**
   * Move the member `id` from `score` to `newScore`. In place when its neighbours still
   * bracket it (a small ZINCRBY usually keeps its rank), by one shift when it stays
   * inside its leaf, else removed and re-inserted.
   */
  update(score: number, id: number, newScore: number, member: string): void {
    const leaf = this.descend(score, member);
    const scores = this.scores;
    const words = this.words;
    const names = this.names;
    const key = keyOf(member, this.prefix.length);
    const n = this.count[leaf]!;
    const base = this.baseOf(leaf);
    const p = positionOf(scores, words, base, n, score, id, interpolate(score, pathLow, pathHigh, n));
    const last = n - 1;
    const prevLeaf = p === 0 ? this.prev[leaf]! : -1;
    const nextLeaf = p === last ? this.next[leaf]! : -1;
    const afterPrev = p > 0
      ? slotLess(scores, words, names, base + p - 1, newScore, key, member)
      : prevLeaf === -1 || slotLess(scores, words, names, this.baseOf(prevLeaf) + this.count[prevLeaf]! - 1, newScore, key, member);
    const beforeNext = p < last
      ? keyBefore(newScore, key, member, scores, words, names, base + p + 1)
      : nextLeaf === -1 || keyBefore(newScore, key, member, scores, words, names, this.baseOf(nextLeaf));
    if (afterPrev && beforeNext) {
      scores[(base + p) << 1] = newScore;
      if (p !== last) return;
      // It was its leaf's greatest key: so it is in the ancestors that end with this leaf.
      for (let d = depth - 1; d >= 0; d--) {
        const node = pathNodes[d]!;
        const i = pathIdx[d]!;
        if (node.maxIds[i] !== id) break;
        node.maxScores[i] = newScore;
      }
      return;
    }
    const first = p === 0 ? 1 : 0;
    // The ancestors' bounds rule most moves out before the leaf's ends are read.
    if (p !== last && first < last && newScore >= pathLow && newScore <= pathHigh
      && slotLess(scores, words, names, base + first, newScore, key, member)
      && keyBefore(newScore, key, member, scores, words, names, base + last)) {
      // Strictly inside the leaf's other keys: one shift over the span between the two
      // positions; the leaf's size and greatest key stay, so nothing above changes.
      const q = lowerBound(scores, words, names, base, n, newScore, key, member, interpolate(newScore, scores[base << 1]!, scores[(base + last) << 1]!, n));
      let at = base + q;
      if (q > p) {
        closeGap(scores, base + p, at);
        at--;
      } else openGap(scores, at, base + p);
      scores[at << 1] = newScore;
      words[(at << 2) | 2] = id;
      words[(at << 2) | 3] = key;
      return;
    }
    // Removed through the path just recorded: one descent fewer. The member keeps its
    // key: it shares the prefix (even if it was the last member).
    this.removeAt(leaf, p);
    this.insertInto(this.descend(newScore, member), newScore, id, key, member);
  }

  /** Remove (score, id), which must be present. */
  remove(score: number, id: number, member: string): void {
    const leaf = this.descend(score, member);
    const n = this.count[leaf]!;
    this.removeAt(leaf, positionOf(this.scores, this.words, this.baseOf(leaf), n, score, id, interpolate(score, pathLow, pathHigh, n)));
  }

  /** Remove the entry at position `p` of `leaf`, the end of the path `descend` recorded. */
  private removeAt(leaf: number, p: number): void {
    const n = this.count[leaf]!;
    const st = this.start[leaf]!;
    const base = (leaf << LEAF_SHIFT) + st;
    // Move the shorter side.
    if (p < n - 1 - p) {
      openGap(this.scores, base, base + p);
      this.start[leaf] = st + 1;
    } else closeGap(this.scores, base + p, base + n);
    this.count[leaf] = n - 1;
    this.length--;
    for (let d = 0; d < depth; d++) {
      const node = pathNodes[d]!;
      const i = pathIdx[d]!;
      node.counts[i]!--;
      node.blocks[i >> BLOCK_SHIFT]!--;
    }
    this.afterRemoval(leaf, p === n - 1);
  }

  /**
   * Restore the invariants on the path to `leaf` after entries left it: drop emptied
   * nodes, merge a small leaf into a neighbour, refresh the greatest keys, collapse the root.
   * `lastLeft`: the leaf's greatest entry was among those removed. When it was not and the
   * leaf stays big enough to keep, nothing above the leaf changes but the counts.
   */
  private afterRemoval(leaf: number, lastLeft: boolean): void {
    const n = this.count[leaf]!;
    if (!lastLeft && n >= LEAF_ROOM >> 2) return;
    let d = depth;
    if (n === 0 && d > 0) {
      this.unlinkLeaf(leaf);
      this.freeLeaf(leaf);
      // Remove emptied nodes bottom-up.
      while (d > 0) {
        const parent = pathNodes[d - 1]!;
        const i = pathIdx[d - 1]!;
        if (parent.bottom) parent.leaves.splice(i, 1);
        else parent.kids.splice(i, 1);
        parent.counts.splice(i, 1);
        parent.maxScores.splice(i, 1);
        parent.maxIds.splice(i, 1);
        refreshBlocks(parent);
        d--;
        if (parent.counts.length > 0 || d === 0) break;
      }
    } else if (n < LEAF_ROOM >> 2 && d > 0) {
      this.mergeSmall(leaf, d);
    }
    // Greatest keys along what is left of the path, bottom-up.
    for (let k = Math.min(d, depth) - 1; k >= 0; k--) {
      const node = pathNodes[k]!;
      const i = pathIdx[k]!;
      if (i >= node.counts.length) continue;
      if (node.bottom) {
        node.maxScores[i] = this.lastScore(node.leaves[i]!);
        node.maxIds[i] = this.lastId(node.leaves[i]!);
      } else {
        const child = node.kids[i]!;
        node.maxScores[i] = child.maxScores[child.maxScores.length - 1]!;
        node.maxIds[i] = child.maxIds[child.maxIds.length - 1]!;
      }
    }
    let root = this.root;
    while (root !== null && root.counts.length === 1) {
      if (root.bottom) {
        this.rootLeaf = this.head = this.tail = this.compactTo(root.leaves[0]!);
        root = null;
      } else root = root.kids[0]!;
    }
    if (root !== null && root.counts.length === 0) {
      root = null;
      this.count = [0];
      this.rootLeaf = this.head = this.tail = this.compactTo(0);
    }
    this.root = root;
  }

  /** Merge `leaf` (at path depth `d`) with its right, else left, sibling when both fit in half a leaf. */
  private mergeSmall(leaf: number, d: number): void {
    const parent = pathNodes[d - 1]!;
    const i = pathIdx[d - 1]!;
    const right = i + 1 < parent.leaves.length ? parent.leaves[i + 1]! : -1;
    const left = i > 0 ? parent.leaves[i - 1]! : -1;
    const n = this.count[leaf]!;
    if (right !== -1 && n + this.count[right]! <= LEAF_ROOM >> 1) {
      // Take the right sibling's entries; drop it.
      this.append(leaf, right);
      this.unlinkLeaf(right);
      this.freeLeaf(right);
      parent.counts[i]! += parent.counts[i + 1]!;
      parent.leaves.splice(i + 1, 1);
      parent.counts.splice(i + 1, 1);
      parent.maxScores.splice(i + 1, 1);
      parent.maxIds.splice(i + 1, 1);
      refreshBlocks(parent);
    } else if (left !== -1 && n + this.count[left]! <= LEAF_ROOM >> 1) {
      this.append(left, leaf);
      this.unlinkLeaf(leaf);
      this.freeLeaf(leaf);
      parent.counts[i - 1]! += parent.counts[i]!;
      parent.maxScores[i - 1] = parent.maxScores[i]!;
      parent.maxIds[i - 1] = parent.maxIds[i]!;
      parent.leaves.splice(i, 1);
      parent.counts.splice(i, 1);
      parent.maxScores.splice(i, 1);
      parent.maxIds.splice(i, 1);
      refreshBlocks(parent);
      // The path now ends at the left sibling.
      pathIdx[d - 1] = i - 1;
    }
  }

  /** Append leaf `src`'s entries to leaf `dst`'s (both fit in half a leaf), the whole centred in dst's room. */
  private append(dst: number, src: number): void {
    const n = this.count[dst]!;
    const m = this.count[src]!;
    const st = (LEAF_ROOM - n - m) >> 1;
    const from = this.baseOf(dst);
    const to = (dst << LEAF_SHIFT) + st;
    const sb = this.baseOf(src);
    this.scores.copyWithin(to << 1, from << 1, (from + n) << 1);
    this.scores.copyWithin((to + n) << 1, sb << 1, (sb + m) << 1);
    this.start[dst] = st;
    this.count[dst] = n + m;
  }

  private unlinkLeaf(leaf: number): void {
    const before = this.prev[leaf]!;
    const after = this.next[leaf]!;
    if (before !== -1) this.next[before] = after;
    else if (after !== -1) this.head = after;
    if (after !== -1) this.prev[after] = before;
    else if (before !== -1) this.tail = before;
  }

  /**
   * Remove the entries at ranks [start, end) in O(log n + m), leaf by leaf, handing each
   * to `onRemove` in order (before it is removed: its id is still valid).
   */
  removeRange(start: number, end: number, onRemove: (member: string, score: number) => void): void {
    let remaining = Math.min(end, this.length) - start;
    while (remaining > 0) {
      // Descend by counts to the leaf holding `start`, recording the path.
      let node = this.root;
      let leaf = this.rootLeaf;
      let index = start;
      depth = 0;
      while (node !== null) {
        const counts = node.counts;
        let i = 0;
        while (index >= counts[i]!) index -= counts[i++]!;
        pathNodes[depth] = node;
        pathIdx[depth] = i;
        depth++;
        if (node.bottom) {
          leaf = node.leaves[i]!;
          break;
        }
        node = node.kids[i]!;
      }
      const n = this.count[leaf]!;
      const base = this.baseOf(leaf);
      const k = Math.min(n - index, remaining);
      for (let j = index; j < index + k; j++) onRemove(this.names[idAt(this.words, base + j)]!, this.scores[(base + j) << 1]!);
      this.scores.copyWithin((base + index) << 1, (base + index + k) << 1, (base + n) << 1);
      this.count[leaf] = n - k;
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
}
