/**
 * A sorted set's member → score table (zset.ts): the `Map<string, number>` it replaces,
 * laid out for lookups that miss the CPU caches, as every lookup in a million-member set
 * does. It also names each member by a small integer id, which the tree (ztree.ts) stores
 * in place of the string.
 *
 * - A JS `Map` lookup there costs about four dependent cache misses: the bucket, the entry,
 *   the key string (compared even when its hash differs, since the hash lives in the
 *   string), and the score, boxed in its own heap object unless it is a small integer. An
 *   absent member costs as much again per entry in the bucket's chain.
 * - Here: open addressing with linear probing over 16-byte slots (hash, id, score) in one
 *   buffer, four slots per 64-byte line, plus the member strings by slot. A lookup reads
 *   the slot's line and, in parallel, its string pointer's (the hash rejects every other
 *   member without touching its string), then the member string to confirm: two misses
 *   in a row for a present member, about one for an absent one. Scores are stored
 *   unboxed, so changing one allocates nothing. (Reaching the string through `names[id]`
 *   instead made it three in a row: a lookup at 1M members ~600 → ~800 ns.)
 * - Ids: a member keeps its id while it is in the set; a deleted member's id is reused.
 *   The tree's leaves are then arrays of integers: moving entries is a memmove with no
 *   write barrier (a pointer array's splice pays ~2 ns a slot for it), and an entry is
 *   found among equal scores by comparing ids. `names` never shrinks below its peak but
 *   is emptied with the set.
 * - Hash: 32-bit FNV-1a over the byte string, never 0 (0 marks an empty slot). The table
 *   doubles past half full and halves below an eighth; a deletion shifts the following
 *   run back (no tombstones), so probe runs stay short after any history.
 * - Iteration order is the slot order: arbitrary, as a Redis dict's is (ZSCAN walks the
 *   set's DenseIndex, built from it).
 */

/** FNV-1a of a byte string, as a nonzero signed 32-bit integer. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0 || 1;
}

const MIN_CAPACITY = 8;

export class ScoreTable {
  /** Per slot, 4 words: hash (0 = empty), id, then the score as a double (`scores[2 * slot + 1]`). */
  private words = new Int32Array(4 * MIN_CAPACITY);
  private scores = new Float64Array(this.words.buffer);
  /** Member strings by slot ('' for an empty slot). */
  private keyAt: string[] = new Array<string>(MIN_CAPACITY).fill('');
  private mask = MIN_CAPACITY - 1;
  /** Member strings by id ('' for a free id). The array object never changes (the tree holds it). */
  readonly names: string[] = [];
  private free: number[] = [];
  size = 0;

  /** The slot holding `member`, or -1 − the empty slot where it would go. */
  private find(member: string, h: number): number {
    const words = this.words;
    const keyAt = this.keyAt;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const sh = words[4 * i]!;
      if (sh === 0) return -1 - i;
      if (sh === h && keyAt[i] === member) return i;
      i = (i + 1) & mask;
    }
  }

  /** The slot holding `member` (valid until the table next changes), or a negative number when absent. */
  slotOf(member: string): number {
    return this.find(member, hashOf(member));
  }

  /** The score in a slot `slotOf` returned. */
  scoreAt(slot: number): number {
    return this.scores[2 * slot + 1]!;
  }

  /** The member's id in a slot `slotOf` returned. */
  idAt(slot: number): number {
    return this.words[4 * slot + 1]!;
  }

  /** The member string in a slot `slotOf` returned (the set's one copy of it). */
  memberAt(slot: number): string {
    return this.keyAt[slot]!;
  }

  /** Change the score in a slot `slotOf` returned. */
  setScoreAt(slot: number, score: number): void {
    this.scores[2 * slot + 1] = score;
  }

  get(member: string): number | undefined {
    const i = this.find(member, hashOf(member));
    return i >= 0 ? this.scores[2 * i + 1] : undefined;
  }

  has(member: string): boolean {
    return this.find(member, hashOf(member)) >= 0;
  }

  /** Add an absent `member`; returns its id. */
  add(member: string, score: number): number {
    const h = hashOf(member);
    const slot = -1 - this.find(member, h);
    const id = this.free.length > 0 ? this.free.pop()! : this.names.length;
    if (id === this.names.length) this.names.push(member);
    else this.names[id] = member;
    this.words[4 * slot] = h;
    this.words[4 * slot + 1] = id;
    this.keyAt[slot] = member;
    this.scores[2 * slot + 1] = score;
    this.size++;
    if (2 * this.size > this.mask + 1) this.resize(2 * (this.mask + 1));
    return id;
  }

  /** Set `member`'s score, adding it when absent. */
  set(member: string, score: number): void {
    const i = this.find(member, hashOf(member));
    if (i >= 0) this.scores[2 * i + 1] = score;
    else this.add(member, score);
  }

  /** Remove `member`; false when absent. */
  delete(member: string): boolean {
    const i = this.find(member, hashOf(member));
    if (i < 0) return false;
    this.deleteAt(i);
    return true;
  }

  /** Remove the member in a slot `slotOf` returned (its id becomes free). */
  deleteAt(slot: number): void {
    const words = this.words;
    const scores = this.scores;
    const keyAt = this.keyAt;
    const mask = this.mask;
    const id = words[4 * slot + 1]!;
    let i = slot;
    // Backward shift: move each later entry of the run whose home slot is not in (i, j]
    // into the hole, so every entry stays reachable from its home slot.
    for (let j = (i + 1) & mask; words[4 * j] !== 0; j = (j + 1) & mask) {
      const home = words[4 * j]! & mask;
      const between = i <= j ? i < home && home <= j : i < home || home <= j;
      if (between) continue;
      words[4 * i] = words[4 * j]!;
      words[4 * i + 1] = words[4 * j + 1]!;
      scores[2 * i + 1] = scores[2 * j + 1]!;
      keyAt[i] = keyAt[j]!;
      i = j;
    }
    words[4 * i] = 0;
    keyAt[i] = '';
    this.size--;
    if (this.size === 0) {
      this.names.length = 0;
      this.free.length = 0;
    } else {
      this.names[id] = '';
      this.free.push(id);
    }
    if (this.mask + 1 > MIN_CAPACITY && 8 * this.size < this.mask + 1) this.resize((this.mask + 1) >> 1);
  }

  /** Every member, in slot order. */
  *keys(): IterableIterator<string> {
    const words = this.words;
    for (let i = 0; i <= this.mask; i++) {
      if (words[4 * i] !== 0) yield this.keyAt[i]!;
    }
  }

  private resize(capacity: number): void {
    const oldWords = this.words;
    const oldScores = this.scores;
    const oldKeys = this.keyAt;
    const oldCapacity = this.mask + 1;
    const keyAt = (this.keyAt = new Array<string>(capacity).fill(''));
    const words = (this.words = new Int32Array(4 * capacity));
    const scores = (this.scores = new Float64Array(words.buffer));
    const mask = (this.mask = capacity - 1);
    for (let k = 0; k < oldCapacity; k++) {
      const h = oldWords[4 * k]!;
      if (h === 0) continue;
      let i = h & mask;
      while (words[4 * i] !== 0) i = (i + 1) & mask;
      words[4 * i] = h;
      words[4 * i + 1] = oldWords[4 * k + 1]!;
      scores[2 * i + 1] = oldScores[2 * k + 1]!;
      keyAt[i] = oldKeys[k]!;
    }
  }
}
