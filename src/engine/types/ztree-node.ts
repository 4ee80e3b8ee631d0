/**
 * The nodes of the sorted-set B+tree (ztree.ts) and the searches inside one node: the
 * layout and the per-node arithmetic, apart from the tree's own structure changes.
 * See ztree.ts for the design.
 *
 * Entries are (score, id, key): the id names the member in the table's `names`
 * (score-table.ts) and the key orders it among equal scores (`keyOf`), so member bytes are
 * read, through `names`, only where two scores and their keys tie.
 */

/** Children per inner node, at most (a node splits when it reaches B). */
export const B = 256;
/** Leaf k's entries live at [k << LEAF_SHIFT, (k << LEAF_SHIFT) + count) of the leaf arrays. */
export const LEAF_SHIFT = 8;
/** Entries per leaf, at most (a leaf splits when it reaches LEAF_ROOM). */
export const LEAF_ROOM = 1 << LEAF_SHIFT;

/** log2 of the children per block of `Inner.blocks`. */
export const BLOCK_SHIFT = 4;

export class Inner {
  /** Child i is `leaves[i]` (a leaf number in the tree's leaf store) when bottom, else `kids[i]`. */
  readonly bottom: boolean;
  kids: Inner[] = [];
  leaves: number[] = [];
  /** Entries under each child. */
  counts: number[] = [];
  /**
   * Entries under each block of 2^BLOCK_SHIFT children (the sums of `counts` by block), so
   * a rank sums at most 15 blocks and 15 counts instead of up to 128 counts: at 1M members
   * an inner node's counts are cold, and those are cache lines saved per level.
   */
  blocks: number[] = [];
  /** Greatest key under each child: its score and member id. */
  maxScores: number[] = [];
  maxIds: number[] = [];

  constructor(bottom: boolean) {
    this.bottom = bottom;
  }
}

/** (s1, names[id1]) < (s2, names[id2]) in sorted-set order. */
export function less(names: readonly string[], s1: number, id1: number, s2: number, id2: number): boolean {
  return s1 < s2 || (s1 === s2 && names[id1]! < names[id2]!);
}

/**
 * The first child of `node` whose greatest key is ≥ (score, member), the last child if none.
 * Found as in a leaf: the greatest scores searched from a guess interpolated between `low`
 * and `high` (the bounds its ancestors gave the node's keys), members read only on a tie.
 */
export function childNear(node: Inner, names: readonly string[], score: number, member: string, low: number, high: number): number {
  const maxScores = node.maxScores;
  const last = maxScores.length - 1;
  const i = searchInner(maxScores, score, false, low, high);
  if (i >= last) return last;
  if (maxScores[i] !== score) return i;
  // A run of equal scores may span children: bisect it by member.
  const maxIds = node.maxIds;
  let lo = i;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = maxScores[mid]!;
    if (s < score || (s === score && names[maxIds[mid]!]! < member)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A member's key in the leaves: the 30 bits of its bytes [skip, skip + 4) read as a
 * big-endian number (missing bytes read 0, a char past 255 as 255), so for two members
 * sharing their first `skip` bytes, a smaller key means a smaller member and only equal
 * keys leave the order to the strings. `skip` is the bytes every member of the tree
 * shares (ztree.ts), so members like `user:1234` differ within their key.
 */
export function keyOf(member: string, skip: number): number {
  const n = member.length;
  let c0 = skip < n ? member.charCodeAt(skip) : 0;
  let c1 = skip + 1 < n ? member.charCodeAt(skip + 1) : 0;
  let c2 = skip + 2 < n ? member.charCodeAt(skip + 2) : 0;
  let c3 = skip + 3 < n ? member.charCodeAt(skip + 3) : 0;
  if ((c0 | c1 | c2 | c3) > 255) {
    c0 = Math.min(c0, 255);
    c1 = Math.min(c1, 255);
    c2 = Math.min(c2, 255);
    c3 = Math.min(c3, 255);
  }
  return ((c0 << 22) | (c1 << 14) | (c2 << 6) | (c3 >> 2)) >>> 0;
}

/**
 * Slot k of the leaf arrays is 16 bytes, one 64-byte line per four entries: its score
 * is `scores[k << 1]`, its member id `words[(k << 2) | 2]` and its key `words[(k << 2) | 3]`
 * (the same buffer seen as doubles and as 32-bit words), so the entries found by score
 * are compared by id or key on the line already read. A key is < 2^30: read as a
 * double, an entry's second half is a finite number, so moving it as one is exact.
 */
export function idAt(words: Int32Array, k: number): number {
  return words[(k << 2) | 2]!;
}

/**
 * The entry in slot `k` < the key (score, key, member) being placed: the entry's key
 * decides a tie of scores unless the keys are equal too.
 */
export function slotLess(scores: Float64Array, words: Int32Array, names: readonly string[], k: number, score: number, key: number, member: string): boolean {
  const s = scores[k << 1]!;
  if (s !== score) return s < score;
  const e = words[(k << 2) | 3]!;
  return e < key || (e === key && names[words[(k << 2) | 2]!]! < member);
}

/** The key (score, key, member) being placed < the entry in slot `k`. */
export function keyBefore(score: number, key: number, member: string, scores: Float64Array, words: Int32Array, names: readonly string[], k: number): boolean {
  const s = scores[k << 1]!;
  if (s !== score) return score < s;
  const e = words[(k << 2) | 3]!;
  return key < e || (key === e && member < names[words[(k << 2) | 2]!]!);
}

/**
 * First position in the leaf at `base` (`n` entries) whose key is ≥ (score, member). Searches
 * the scores first; a tie of scores is decided by the keys beside them, and members are
 * read (through `names`) only when keys tie too: a member is a separate heap string, a
 * cache miss or two per probe at 1M members.
 */
export function lowerBound(
  scores: Float64Array, words: Int32Array, names: readonly string[], base: number, n: number, score: number, key: number, member: string, guess: number,
): number {
  const p = searchLeaf(scores, base, n, score, false, guess);
  if (p === n || scores[(base + p) << 1] !== score) return p;
  // A run of equal scores: find its end galloping from p (the lines past it may be
  // cold, and a short run is the common case), then bisect the run by member.
  let end = p + 1;
  let step = 1;
  while (end < n && scores[(base + end) << 1] === score) {
    end += step;
    step <<= 1;
  }
  if (end > n) end = n;
  let lo = p;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (slotLess(scores, words, names, base + mid, score, key, member)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Position of (score, id), which is there, in the leaf at `base` (`n` entries). Without a
 * tie it is the first score ≥ `score`; among equal scores the entry is the one with its
 * id (on the score's own line: no member is read).
 */
export function positionOf(scores: Float64Array, words: Int32Array, base: number, n: number, score: number, id: number, guess: number): number {
  let k = searchLeaf(scores, base, n, score, false, guess);
  while (k + 1 < n && scores[(base + k + 1) << 1] === score && words[((base + k) << 2) | 2] !== id) k++;
  return k;
}

/**
 * First position among the `n` scores at `base` whose score passes `score` (is > it with
 * `inclusive`, else ≥), searched outwards from `guess` then bisected: a leaf is cold memory
 * at 1M members, and a good guess reads fewer lines of it than a bisection from the
 * middle. Any guess gives the right answer; a bad one costs ~2 log n probes.
 */
export function searchLeaf(scores: Float64Array, base: number, n: number, score: number, inclusive: boolean, guess: number): number {
  if (n === 0) return 0;
  let g = Math.floor(guess);
  if (!(g >= 0)) g = 0;
  else if (g >= n) g = n - 1;
  let lo: number;
  let hi: number;
  let s = scores[(base + g) << 1]!;
  if (s < score || (inclusive && s === score)) {
    // Everything up to g is before: gallop right.
    lo = g + 1;
    hi = lo;
    let step = 1;
    while (hi < n && ((s = scores[(base + hi) << 1]!) < score || (inclusive && s === score))) {
      lo = hi + 1;
      hi += step;
      step <<= 1;
    }
    if (hi > n) hi = n;
  } else {
    // g passes: gallop left.
    hi = g;
    lo = g - 1;
    let step = 1;
    while (lo >= 0 && !((s = scores[(base + lo) << 1]!) < score || (inclusive && s === score))) {
      hi = lo;
      lo -= step;
      step <<= 1;
    }
    lo = lo < 0 ? 0 : lo + 1;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    s = scores[(base + mid) << 1]!;
    if (s < score || (inclusive && s === score)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `searchLeaf` over an inner node's greatest scores (a plain array). */
function searchNear(scores: number[], score: number, inclusive: boolean, guess: number): number {
  const n = scores.length;
  let g = Math.floor(guess);
  if (!(g >= 0)) g = 0;
  else if (g >= n) g = n - 1;
  let lo: number;
  let hi: number;
  let s = scores[g]!;
  if (s < score || (inclusive && s === score)) {
    lo = g + 1;
    hi = lo;
    let step = 1;
    while (hi < n && ((s = scores[hi]!) < score || (inclusive && s === score))) {
      lo = hi + 1;
      hi += step;
      step <<= 1;
    }
    if (hi > n) hi = n;
  } else {
    hi = g;
    lo = g - 1;
    let step = 1;
    while (lo >= 0 && !((s = scores[lo]!) < score || (inclusive && s === score))) {
      hi = lo;
      lo -= step;
      step <<= 1;
    }
    lo = lo < 0 ? 0 : lo + 1;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    s = scores[mid]!;
    if (s < score || (inclusive && s === score)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The first of an inner node's greatest scores (keys in [low, high]) that passes `score`:
 * from the interpolated guess when both bounds are finite, else (the root, a first child)
 * a plain bisection, which beats galloping out from the middle.
 */
export function searchInner(maxScores: number[], score: number, inclusive: boolean, low: number, high: number): number {
  const n = maxScores.length;
  const span = high - low;
  if (span > 0 && span < Infinity) return searchNear(maxScores, score, inclusive, ((score - low) / span) * n);
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = maxScores[mid]!;
    if (s < score || (inclusive && s === score)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Where `score` should sit among the `n` scores of a leaf whose scores lie in [low, high],
 * assuming they spread evenly (the interpolation guess); the middle when the range is
 * unknown or empty.
 */
export function interpolate(score: number, low: number, high: number, n: number): number {
  const span = high - low;
  return span > 0 && span < Infinity ? ((score - low) / span) * n : n >> 1;
}

/** Entries under the children of `node` before child `i`: whole blocks, then the counts of i's block. */
export function countBefore(node: Inner, i: number): number {
  const blocks = node.blocks;
  const counts = node.counts;
  const b = i >> BLOCK_SHIFT;
  let sum = 0;
  for (let k = 0; k < b; k++) sum += blocks[k]!;
  for (let k = b << BLOCK_SHIFT; k < i; k++) sum += counts[k]!;
  return sum;
}

/** Recompute `node.blocks` from its counts (after children were added, removed or moved). */
export function refreshBlocks(node: Inner): void {
  const counts = node.counts;
  const blocks = node.blocks;
  blocks.length = 0;
  for (let start = 0; start < counts.length; start += 1 << BLOCK_SHIFT) {
    const end = Math.min(counts.length, start + (1 << BLOCK_SHIFT));
    let sum = 0;
    for (let k = start; k < end; k++) sum += counts[k]!;
    blocks.push(sum);
  }
}

export function sizeOf(node: Inner): number {
  let n = 0;
  for (const c of node.counts) n += c;
  return n;
}

/**
 * Move the entries in slots [from, end) one slot right (`openGap`), or those in (at, end)
 * one slot left over `at` (`closeGap`). `copyWithin` is a memmove, but a builtin call: a
 * short span moves faster by hand, each slot as two doubles (exact: see `idAt`).
 */
export function openGap(scores: Float64Array, from: number, end: number): void {
  if (end - from > 12) {
    scores.copyWithin((from + 1) << 1, from << 1, end << 1);
    return;
  }
  for (let k = (end << 1) + 1; k > (from << 1) + 1; k--) scores[k] = scores[k - 2]!;
}

export function closeGap(scores: Float64Array, at: number, end: number): void {
  if (end - at > 12) {
    scores.copyWithin(at << 1, (at + 1) << 1, end << 1);
    return;
  }
  for (let k = at << 1; k < (end - 1) << 1; k++) scores[k] = scores[k + 2]!;
}
