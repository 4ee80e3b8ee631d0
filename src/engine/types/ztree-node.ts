/**
 * The nodes of the sorted-set B+tree (ztree.ts) and the searches inside one node: the
 * layout and the per-node arithmetic, apart from the tree's own structure changes.
 * See ztree.ts for the design.
 */

export const B = 256;

export class Leaf {
  readonly leaf = true;
  scores: number[] = [];
  members: string[] = [];
  next: Leaf | null = null;
  prev: Leaf | null = null;
}

/** log2 of the children per block of `Inner.blocks`. */
export const BLOCK_SHIFT = 4;

export class Inner {
  readonly leaf = false;
  children: TreeNode[] = [];
  /** Entries under each child. */
  counts: number[] = [];
  /**
   * Entries under each block of 2^BLOCK_SHIFT children (the sums of `counts` by block), so
   * a rank sums at most 15 blocks and 15 counts instead of up to 128 counts: at 1M members
   * an inner node's counts are cold, and those are cache lines saved per level.
   */
  blocks: number[] = [];
  /** Greatest key under each child. */
  maxScores: number[] = [];
  maxMembers: string[] = [];
}

export type TreeNode = Leaf | Inner;

/** (s1, m1) < (s2, m2) in sorted-set order. */
export function less(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

/**
 * The first child of `node` whose greatest key is ≥ (score, member), the last child if
 * none. Found as in a leaf: the greatest scores searched from a guess interpolated between
 * `low` and `high` (the bounds its ancestors gave the node's keys), members read only on a
 * tie. An inner node below the root is cold memory at 1M members too: bisecting its 256
 * greatest scores touches ~8 cache lines, a good guess one or two.
 */
export function childNear(node: Inner, score: number, member: string, low: number, high: number): number {
  const maxScores = node.maxScores;
  const last = maxScores.length - 1;
  const i = searchInner(maxScores, score, false, low, high);
  if (i >= last) return last;
  if (maxScores[i] !== score) return i;
  // A run of equal scores may span children: bisect it by member.
  const maxMembers = node.maxMembers;
  let lo = i;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = maxScores[mid]!;
    if (s < score || (s === score && maxMembers[mid]! < member)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * First position at or after `from` in `leaf` whose key is ≥ (score, member), given that
 * every key before `from` is below it and `scores[from] === score`: a binary search of the
 * run of equal scores by member (ties are where members get compared at all).
 */
function lowerBoundInTie(leaf: Leaf, from: number, score: number, member: string): number {
  const { scores, members } = leaf;
  let lo = from;
  let hi = scores.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = scores[mid]!;
    if (s < score || (s === score && members[mid]! < member)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * First position in `leaf` whose key is ≥ (score, member). Searches the scores first and
 * reads members only on a tie: a member is a separate heap string, and comparing it costs
 * a cache miss or two per probe at 1M members.
 */
export function lowerBound(leaf: Leaf, score: number, member: string, guess: number): number {
  const p = searchNear(leaf.scores, score, false, guess);
  return p < leaf.scores.length && leaf.scores[p] === score ? lowerBoundInTie(leaf, p, score, member) : p;
}

/**
 * Position in `leaf` of (score, member), which is there. Without a tie it is the first
 * score ≥ `score`, so the members are not read at all. In a short run of equal scores the
 * members are tested for equality (a string whose hash differs is rejected on it, and
 * the run's last entry needs no test), a long run is bisected by member.
 */
export function positionOf(leaf: Leaf, score: number, member: string, guess: number): number {
  const { scores, members } = leaf;
  const n = scores.length;
  const p = searchNear(scores, score, false, guess);
  if (p + 1 >= n || scores[p + 1] !== score) return p;
  for (let k = p; k < p + 8; k++) {
    if (k + 1 >= n || scores[k + 1] !== score || members[k] === member) return k;
  }
  return lowerBoundInTie(leaf, p + 8, score, member);
}

/**
 * First position in `scores` whose score passes `score` (is > it with `inclusive`, else
 * ≥), searched outwards from `guess` then bisected: a leaf is cold memory at 1M members,
 * and a good guess reads fewer lines of it than a bisection from the middle. Any guess gives the right answer; a bad one costs ~2 log n probes.
 */
export function searchNear(scores: number[], score: number, inclusive: boolean, guess: number): number {
  const n = scores.length;
  if (n === 0) return 0;
  let g = Math.floor(guess);
  if (!(g >= 0)) g = 0;
  else if (g >= n) g = n - 1;
  let lo: number;
  let hi: number;
  let s = scores[g]!;
  if (s < score || (inclusive && s === score)) {
    // Everything up to g is before: gallop right.
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
    // g passes: gallop left.
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
 * `searchNear` among the greatest scores of an inner node whose keys lie in [low, high]:
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
 * assuming they spread evenly (the interpolation guess for `searchNear`); the middle when
 * the range is unknown or empty.
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

export function maxScoreOf(node: TreeNode): number {
  return node.leaf ? node.scores[node.scores.length - 1]! : node.maxScores[node.maxScores.length - 1]!;
}

export function maxMemberOf(node: TreeNode): string {
  return node.leaf ? node.members[node.members.length - 1]! : node.maxMembers[node.maxMembers.length - 1]!;
}

export function sizeOf(node: TreeNode): number {
  if (node.leaf) return node.scores.length;
  let n = 0;
  for (const c of node.counts) n += c;
  return n;
}
