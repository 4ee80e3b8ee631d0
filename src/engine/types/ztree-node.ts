/**
 * The nodes of the sorted-set B+tree (ztree.ts) and the searches inside one node: the
 * layout and the per-node arithmetic, apart from the tree's own structure changes.
 * See ztree.ts for the design.
 *
 * Entries are (score, id): the id names the member in the table's `names` (score-table.ts),
 * so member bytes are read only where two scores tie, through `names`.
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
 * The entry (s1, names[id1]) < the key (s2, m2), and the key (s1, m1) < the entry (s2,
 * names[id2]). A key being placed comes with its member string, already in cache: reading
 * it through `names` is one more cold line.
 */
export function entryLess(names: readonly string[], s1: number, id1: number, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && names[id1]! < m2);
}

export function keyLess(s1: number, m1: string, names: readonly string[], s2: number, id2: number): boolean {
  return s1 < s2 || (s1 === s2 && m1 < names[id2]!);
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
 * First position in the leaf at `base` (`n` entries) whose key is ≥ (score, member). Searches
 * the scores first and reads members (through `names`) only on a tie: a member is a
 * separate heap string, a cache miss or two per probe at 1M members.
 */
export function lowerBound(
  scores: Float64Array, ids: Int32Array, names: readonly string[], base: number, n: number, score: number, member: string, guess: number,
): number {
  const p = searchLeaf(scores, base, n, score, false, guess);
  if (p === n || scores[base + p] !== score) return p;
  // A run of equal scores: find its end galloping from p (the lines past it may be
  // cold, and a short run is the common case), then bisect the run by member.
  let end = p + 1;
  let step = 1;
  while (end < n && scores[base + end] === score) {
    end += step;
    step <<= 1;
  }
  if (end > n) end = n;
  let lo = p;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = scores[base + mid]!;
    if (s === score && names[ids[base + mid]!]! < member) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Position of (score, id), which is there, in the leaf at `base` (`n` entries). Without a
 * tie it is the first score ≥ `score`; among equal scores the entry is the one with its
 * id (integers side by side: no member is read).
 */
export function positionOf(scores: Float64Array, ids: Int32Array, base: number, n: number, score: number, id: number, guess: number): number {
  let k = searchLeaf(scores, base, n, score, false, guess);
  // The ids are read only when the next score ties: their line is another cold one.
  while (k + 1 < n && scores[base + k + 1] === score && ids[base + k] !== id) k++;
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
  let s = scores[base + g]!;
  if (s < score || (inclusive && s === score)) {
    // Everything up to g is before: gallop right.
    lo = g + 1;
    hi = lo;
    let step = 1;
    while (hi < n && ((s = scores[base + hi]!) < score || (inclusive && s === score))) {
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
    while (lo >= 0 && !((s = scores[base + lo]!) < score || (inclusive && s === score))) {
      hi = lo;
      lo -= step;
      step <<= 1;
    }
    lo = lo < 0 ? 0 : lo + 1;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    s = scores[base + mid]!;
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
 * Move entries [from, end) of the leaf arrays one slot right (`openGap`) or the entries
 * (at, end) one slot left over `at` (`closeGap`). `copyWithin` is a memmove, but a
 * builtin call: a short span moves faster by hand.
 */
export function openGap(scores: Float64Array, ids: Int32Array, from: number, end: number): void {
  if (end - from > 32) {
    scores.copyWithin(from + 1, from, end);
    ids.copyWithin(from + 1, from, end);
    return;
  }
  for (let k = end; k > from; k--) {
    scores[k] = scores[k - 1]!;
    ids[k] = ids[k - 1]!;
  }
}

export function closeGap(scores: Float64Array, ids: Int32Array, at: number, end: number): void {
  if (end - at > 32) {
    scores.copyWithin(at, at + 1, end);
    ids.copyWithin(at, at + 1, end);
    return;
  }
  for (let k = at + 1; k < end; k++) {
    scores[k - 1] = scores[k]!;
    ids[k - 1] = ids[k]!;
  }
}
