/**
 * Collection SCAN cursors (HSCAN, SSCAN, and ZSCAN: the sorted-set family reuses this)
 * and O(1) random picks, over a dense index of a collection's members.
 *
 * Design note:
 * - Redis returns a small collection (listpack / intset encoded) whole, with cursor 0; the
 *   commands do that without touching this file. A big one (hashtable / skiplist encoded)
 *   is walked through a `DenseIndex`: every member in an array, plus member → position.
 * - The index is built lazily, the first time a big collection is scanned or sampled, and
 *   from then on the collection's own writes keep it current (`add` for a new member,
 *   `remove` for a deleted one): a collection that is never scanned pays nothing.
 * - `remove` swap-fills: the last member moves into the freed position. A scan walks the
 *   positions from the top down and its cursor is how many positions are still to visit
 *   (0 both starts and ends a scan), as SCAN walks the keyspace (commands/scan.ts). A
 *   swap-fill only moves a member from the visited top into the unvisited bottom, never
 *   the other way, and new members land on top: every member present for the whole scan
 *   is returned at least once whatever is added or removed between calls (duplicates are
 *   allowed, as in Redis).
 *
 * Using it from a collection type (see types/hash.ts, types/set.ts):
 * - keep `index: DenseIndex | null` on the entry, null until `ensureIndex` builds it;
 * - on every insert of a NEW member call `index?.add(member)`, on every delete
 *   `index?.remove(member)` (a rebuilt value, e.g. COPY's, starts with null);
 * - HSCAN/SSCAN/ZSCAN: `scanStep(index, cursor, count)` gives the members to reply (the
 *   caller adds values/scores and applies MATCH) and the next cursor.
 */

export class DenseIndex {
  /** Every member, densely; order is arbitrary. */
  readonly members: string[] = [];
  private readonly positions = new Map<string, number>();

  constructor(members: Iterable<string>) {
    for (const member of members) this.add(member);
  }

  get size(): number {
    return this.members.length;
  }

  /** Record a member that was not in the collection. */
  add(member: string): void {
    this.positions.set(member, this.members.length);
    this.members.push(member);
  }

  /** Forget a member; the last one fills its position. No-op when absent. */
  remove(member: string): void {
    const pos = this.positions.get(member);
    if (pos === undefined) return;
    this.positions.delete(member);
    const last = this.members.pop()!;
    if (pos < this.members.length) {
      this.members[pos] = last;
      this.positions.set(last, pos);
    }
  }

  /** The member at a position in [0, size). */
  at(pos: number): string {
    return this.members[pos]!;
  }

  /** A uniformly random member; the collection must not be empty. */
  random(random: () => number): string {
    return this.members[Math.floor(random() * this.members.length)]!;
  }
}

export interface ScanStep {
  /** The cursor to reply (0 = the scan is complete). */
  cursor: number;
  /** The members visited by this call, before MATCH filtering. */
  members: string[];
}

/**
 * One HSCAN/SSCAN/ZSCAN call over a big collection: visit up to `count` positions below
 * `cursor` (0 = from the top). A cursor beyond the index (members were removed since the
 * previous call, or a foreign cursor) restarts from the top: the unvisited members are
 * all below it.
 */
export function scanStep(index: DenseIndex, cursor: bigint, count: number): ScanStep {
  const size = index.size;
  const top = cursor === 0n || cursor > BigInt(size) ? size : Number(cursor);
  const end = Math.max(0, top - count);
  const members: string[] = [];
  for (let pos = top - 1; pos >= end; pos--) members.push(index.at(pos));
  return { cursor: end, members };
}

/**
 * Up to `count` distinct positions in [0, size), uniformly chosen, in random order:
 * rejection sampling when `count` is small against `size`, a partial Fisher-Yates shuffle
 * otherwise (redis: the CASE 3 / CASE 4 split of SRANDMEMBER and HRANDFIELD).
 */
export function distinctRandomPositions(size: number, count: number, random: () => number): number[] {
  if (count >= size) return Array.from({ length: size }, (_, i) => i);
  if (count * 3 <= size) {
    const seen = new Set<number>();
    const out: number[] = [];
    while (out.length < count) {
      const pos = Math.floor(random() * size);
      if (seen.has(pos)) continue;
      seen.add(pos);
      out.push(pos);
    }
    return out;
  }
  const all = Array.from({ length: size }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (size - i));
    const t = all[i]!;
    all[i] = all[j]!;
    all[j] = t;
  }
  all.length = count;
  return all;
}
