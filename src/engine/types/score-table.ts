/**
 * A sorted set's member → score table (zset.ts): the `Map<string, number>` it replaces,
 * laid out for lookups that miss the CPU caches, as every lookup in a million-member set
 * does.
 *
 * - A JS `Map` lookup there costs about four dependent cache misses: the bucket, the entry,
 *   the key string (compared even when its hash differs, since the hash lives in the
 *   string), and the score, boxed in its own heap object unless it is a small integer. An
 *   absent member costs as much again per entry in the bucket's chain.
 * - Here: open addressing with linear probing in one `Float64Array` of (hash, score) pairs,
 *   four pairs per 64-byte line, plus a parallel array of the member strings. A lookup
 *   reads the pair's line (the hash rejects every other member without touching its
 *   string), then the member string to confirm: three misses for a present member, about
 *   one for an absent one. Scores are stored unboxed, so changing one allocates nothing.
 * - Hash: 32-bit FNV-1a over the byte string, never 0 (0 marks an empty slot). The table
 *   doubles past half full and halves below an eighth; a deletion shifts the following
 *   run back (no tombstones), so probe runs stay short after any history.
 * - Iteration order is the slot order: arbitrary, as a Redis dict's is (ZSCAN walks the
 *   set's DenseIndex, built from it).
 */

/** FNV-1a of a byte string, as a positive 32-bit integer (never 0). */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0) || 1;
}

const MIN_CAPACITY = 8;

export class ScoreTable {
  /** (hash, score) per slot; hash 0 = empty. */
  private pairs = new Float64Array(2 * MIN_CAPACITY);
  private keyAt: (string | undefined)[] = new Array<string | undefined>(MIN_CAPACITY).fill(undefined);
  private mask = MIN_CAPACITY - 1;
  size = 0;

  /** The slot holding `member`, or -1 − the empty slot where it would go. */
  private find(member: string, h: number): number {
    const pairs = this.pairs;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const sh = pairs[2 * i]!;
      if (sh === 0) return -1 - i;
      if (sh === h && this.keyAt[i] === member) return i;
      i = (i + 1) & mask;
    }
  }

  /** The slot holding `member` (valid until the table next changes), or -1 when absent. */
  slotOf(member: string): number {
    const i = this.find(member, hashOf(member));
    return i >= 0 ? i : -1;
  }

  /** The score in a slot `slotOf` returned. */
  scoreAt(slot: number): number {
    return this.pairs[2 * slot + 1]!;
  }

  /**
   * The member string the table holds in a slot `slotOf` returned: the set's one copy of
   * it (the tree holds the same string), which compares by pointer with its tree entry.
   */
  memberAt(slot: number): string {
    return this.keyAt[slot]!;
  }

  /** Change the score in a slot `slotOf` returned. */
  setScoreAt(slot: number, score: number): void {
    this.pairs[2 * slot + 1] = score;
  }

  get(member: string): number | undefined {
    const i = this.find(member, hashOf(member));
    return i >= 0 ? this.pairs[2 * i + 1] : undefined;
  }

  has(member: string): boolean {
    return this.find(member, hashOf(member)) >= 0;
  }

  set(member: string, score: number): void {
    const h = hashOf(member);
    const i = this.find(member, h);
    if (i >= 0) {
      this.pairs[2 * i + 1] = score;
      return;
    }
    const slot = -1 - i;
    this.pairs[2 * slot] = h;
    this.pairs[2 * slot + 1] = score;
    this.keyAt[slot] = member;
    this.size++;
    if (2 * this.size > this.mask + 1) this.resize(2 * (this.mask + 1));
  }

  /** Remove `member`; false when absent. */
  delete(member: string): boolean {
    let i = this.find(member, hashOf(member));
    if (i < 0) return false;
    const pairs = this.pairs;
    const keyAt = this.keyAt;
    const mask = this.mask;
    // Backward shift: move each later entry of the run whose home slot is not in (i, j]
    // into the hole, so every entry stays reachable from its home slot.
    for (let j = (i + 1) & mask; pairs[2 * j] !== 0; j = (j + 1) & mask) {
      const home = pairs[2 * j]! & mask;
      const between = i <= j ? i < home && home <= j : i < home || home <= j;
      if (between) continue;
      pairs[2 * i] = pairs[2 * j]!;
      pairs[2 * i + 1] = pairs[2 * j + 1]!;
      keyAt[i] = keyAt[j];
      i = j;
    }
    pairs[2 * i] = 0;
    keyAt[i] = undefined;
    this.size--;
    if (this.mask + 1 > MIN_CAPACITY && 8 * this.size < this.mask + 1) this.resize((this.mask + 1) >> 1);
    return true;
  }

  /** Every member, in slot order. */
  *keys(): IterableIterator<string> {
    const keyAt = this.keyAt;
    for (let i = 0; i <= this.mask; i++) {
      const key = keyAt[i];
      if (key !== undefined) yield key;
    }
  }

  private resize(capacity: number): void {
    const oldPairs = this.pairs;
    const oldKeys = this.keyAt;
    const oldCapacity = this.mask + 1;
    this.pairs = new Float64Array(2 * capacity);
    this.keyAt = new Array<string | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    const pairs = this.pairs;
    const mask = this.mask;
    for (let k = 0; k < oldCapacity; k++) {
      const h = oldPairs[2 * k]!;
      if (h === 0) continue;
      let i = h & mask;
      while (pairs[2 * i] !== 0) i = (i + 1) & mask;
      pairs[2 * i] = h;
      pairs[2 * i + 1] = oldPairs[2 * k + 1]!;
      this.keyAt[i] = oldKeys[k];
    }
  }
}
