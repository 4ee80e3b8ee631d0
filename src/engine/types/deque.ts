/**
 * The list type's value: a growable ring buffer of byte strings (redis: quicklist).
 *
 * Design note:
 * - Elements live in a power-of-two array used as a ring: `head` is the slot of element 0,
 *   element i sits at `(head + i) & mask`. Push and pop at both ends and index access are
 *   O(1); the array doubles when full and, under a quarter full, shrinks to about half
 *   full (never below MIN_CAPACITY), so memory stays proportional to the length.
 * - Insert in the middle (LINSERT) shifts the shorter side: O(min(i, n - i)), as cheap as
 *   Redis's quicklist for the sizes a browser holds. Removal (LTRIM, LREM) compacts in one
 *   pass.
 * - Vacated slots are set to undefined so popped strings can be collected.
 * - `nonAscii` counts elements holding a byte ≥ 0x80: while it is 0 a range of the list is
 *   already valid text, and LRANGE hands it to callers without decoding each element.
 * - Knows nothing of argv, replies or errors; indexes are in range unless stated.
 */
import { isAscii } from '../bytes.js';
import type { ListEntry } from '../keyspace.js';
import type { TypeOps } from '../type-ops.js';

const MIN_CAPACITY = 8;

export class Deque {
  private items: (string | undefined)[];
  private head = 0;
  private mask: number;
  private len = 0;
  private nonAscii = 0;

  constructor(capacity = MIN_CAPACITY) {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this.items = new Array<string | undefined>(cap).fill(undefined);
    this.mask = cap - 1;
  }

  /** A deque holding `values` in order. */
  static from(values: readonly string[]): Deque {
    const d = new Deque(values.length);
    for (let i = 0; i < values.length; i++) d.items[i] = values[i];
    d.len = values.length;
    d.recount();
    return d;
  }

  get length(): number {
    return this.len;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** True when every element is ASCII (each one is the same as bytes and as text). */
  get ascii(): boolean {
    return this.nonAscii === 0;
  }

  pushBack(value: string): void {
    if (this.len === this.mask + 1) this.resize((this.mask + 1) * 2);
    this.items[(this.head + this.len) & this.mask] = value;
    this.len++;
    if (!isAscii(value)) this.nonAscii++;
  }

  pushFront(value: string): void {
    if (this.len === this.mask + 1) this.resize((this.mask + 1) * 2);
    this.head = (this.head - 1) & this.mask;
    this.items[this.head] = value;
    this.len++;
    if (!isAscii(value)) this.nonAscii++;
  }

  popFront(): string | undefined {
    if (this.len === 0) return undefined;
    const value = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.len--;
    if (this.nonAscii !== 0 && !isAscii(value!)) this.nonAscii--;
    this.maybeShrink();
    return value;
  }

  popBack(): string | undefined {
    if (this.len === 0) return undefined;
    const slot = (this.head + this.len - 1) & this.mask;
    const value = this.items[slot];
    this.items[slot] = undefined;
    this.len--;
    if (this.nonAscii !== 0 && !isAscii(value!)) this.nonAscii--;
    this.maybeShrink();
    return value;
  }

  /** Element `i` (0 ≤ i < length). */
  get(i: number): string {
    return this.items[(this.head + i) & this.mask]!;
  }

  set(i: number, value: string): void {
    const slot = (this.head + i) & this.mask;
    if (this.nonAscii !== 0 && !isAscii(this.items[slot]!)) this.nonAscii--;
    if (!isAscii(value)) this.nonAscii++;
    this.items[slot] = value;
  }

  /** Elements [start, end) as an array. */
  slice(start = 0, end = this.len): string[] {
    const n = end - start;
    if (n <= 0) return [];
    const cap = this.mask + 1;
    const from = (this.head + start) & this.mask;
    // Native copies: one when the range does not wrap around the ring, else two.
    if (from + n <= cap) return this.items.slice(from, from + n) as string[];
    return (this.items.slice(from, cap) as string[]).concat(this.items.slice(0, n - (cap - from)) as string[]);
  }

  toArray(): string[] {
    return this.slice(0, this.len);
  }

  /** Insert `value` so that it becomes element `i` (0 ≤ i ≤ length). */
  insert(i: number, value: string): void {
    if (i === 0) return this.pushFront(value);
    if (i === this.len) return this.pushBack(value);
    if (this.len === this.mask + 1) this.resize((this.mask + 1) * 2);
    const { items, mask } = this;
    if (i < this.len - i) {
      // Shift the front part one slot left.
      this.head = (this.head - 1) & mask;
      for (let j = 0; j < i; j++) items[(this.head + j) & mask] = items[(this.head + j + 1) & mask];
    } else {
      for (let j = this.len; j > i; j--) items[(this.head + j) & mask] = items[(this.head + j - 1) & mask];
    }
    items[(this.head + i) & mask] = value;
    this.len++;
    if (!isAscii(value)) this.nonAscii++;
  }

  /** Keep only elements [start, end) (LTRIM). */
  keepRange(start: number, end: number): void {
    if (start >= end) return this.clear();
    const { items, mask } = this;
    for (let i = 0; i < start; i++) items[(this.head + i) & mask] = undefined;
    for (let i = end; i < this.len; i++) items[(this.head + i) & mask] = undefined;
    this.head = (this.head + start) & mask;
    this.len = end - start;
    if (this.nonAscii !== 0) this.recount();
    this.maybeShrink();
  }

  /**
   * Remove the elements for which `drop(value, index)` is true, keeping order, in one pass
   * (LREM). `drop` sees every element once, from the front.
   */
  removeWhere(drop: (value: string, index: number) => boolean): number {
    const { items, mask, head, len } = this;
    let w = 0;
    for (let r = 0; r < len; r++) {
      const value = items[(head + r) & mask]!;
      if (drop(value, r)) continue;
      if (w !== r) items[(head + w) & mask] = value;
      w++;
    }
    for (let i = w; i < len; i++) items[(head + i) & mask] = undefined;
    this.len = w;
    if (this.nonAscii !== 0) this.recount();
    this.maybeShrink();
    return len - w;
  }

  clear(): void {
    this.items = new Array<string | undefined>(MIN_CAPACITY).fill(undefined);
    this.mask = MIN_CAPACITY - 1;
    this.head = 0;
    this.len = 0;
    this.nonAscii = 0;
  }

  /** Check the structure's invariants (tests): throws on the first broken one. */
  assertValid(): void {
    const cap = this.mask + 1;
    if ((cap & this.mask) !== 0 || cap < MIN_CAPACITY) throw new Error(`capacity ${cap} is not a power of two ≥ ${MIN_CAPACITY}`);
    if (this.items.length !== cap) throw new Error('array length differs from capacity');
    if (this.len < 0 || this.len > cap) throw new Error(`length ${this.len} outside [0, ${cap}]`);
    if (this.head < 0 || this.head >= cap) throw new Error(`head ${this.head} outside the ring`);
    for (let i = 0; i < cap; i++) {
      const inside = ((i - this.head) & this.mask) < this.len;
      const value = this.items[i];
      if (inside && typeof value !== 'string') throw new Error(`slot ${i} holds no element`);
      if (!inside && value !== undefined) throw new Error(`vacated slot ${i} still holds a value`);
    }
    if (cap > MIN_CAPACITY && this.len > 0 && this.len * 4 < cap) throw new Error('ring not shrunk');
    const counted = this.nonAscii;
    this.recount();
    if (counted !== this.nonAscii) throw new Error(`nonAscii ${counted}, counted ${this.nonAscii}`);
  }

  private recount(): void {
    let n = 0;
    for (let i = 0; i < this.len; i++) if (!isAscii(this.items[(this.head + i) & this.mask]!)) n++;
    this.nonAscii = n;
  }

  private maybeShrink(): void {
    const cap = this.mask + 1;
    if (cap > MIN_CAPACITY && this.len * 4 < cap) {
      // Half full after shrinking (range removals may drop many elements at once).
      let target = MIN_CAPACITY;
      while (target < this.len * 2) target *= 2;
      this.resize(target);
    } else if (this.len === 0) this.head = 0;
  }

  /** Move the elements into a fresh ring of `cap` slots, element 0 at slot 0. */
  private resize(cap: number): void {
    while (cap < this.len) cap *= 2;
    const next = new Array<string | undefined>(cap).fill(undefined);
    for (let i = 0; i < this.len; i++) next[i] = this.items[(this.head + i) & this.mask];
    this.items = next;
    this.mask = cap - 1;
    this.head = 0;
  }
}

/** Elements per rebuilding command (redis: AOF_REWRITE_ITEMS_PER_CMD). */
const REWRITE_BATCH = 64;

export const listOps: TypeOps<ListEntry> = {
  // Redis 7.0 holds every list in a quicklist (listpack-encoded lists came with 7.2).
  encoding: () => 'quicklist',
  copy(entry) {
    return { type: 'list', value: Deque.from(entry.value.toArray()), encoding: 'quicklist', expireAt: 0, access: 0, slot: 0 };
  },
  rewrite(key, entry) {
    const out: string[][] = [];
    const d = entry.value;
    for (let i = 0; i < d.length; i += REWRITE_BATCH) {
      out.push(['RPUSH', key, ...d.slice(i, Math.min(d.length, i + REWRITE_BATCH))]);
    }
    return out;
  },
};
