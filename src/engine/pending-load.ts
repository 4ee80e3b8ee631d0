/**
 * Snapshot strings loaded but not yet in the keyspace: a cold start that serves before it
 * has built every entry.
 *
 * Design note:
 * - Building a million keyspace entries (a `Map.set`, an entry object and two strings per
 *   key, and the garbage collector copying them as they survive) costs about ten times
 *   reading the snapshot from IndexedDB. So the snapshot writer groups plain strings into
 *   hash buckets (`keyBucket`: FNV-1a of the key's bytes masked by a power-of-two bucket
 *   count recorded in every chunk), and loading keeps each bucket's strings as they came
 *   (concatenations and typed arrays, validated but not sliced).
 * - The keyspace holds a `PendingLoad` while any bucket is unbuilt (its hot paths pay one
 *   null check). An operation on one key first takes that key alone out of its bucket: a
 *   scan of the bucket's lengths comparing keys in place (tens of µs for a few thousand
 *   keys, where building the bucket costs a few ms). The string taken is marked (deadline
 *   -1) so that building the bucket later drops it, as it drops a string expired at load.
 *   A bucket asked for more than POINT_TAKES keys is built whole instead, as a key in a
 *   built bucket costs one `Map.get`. An operation on the whole keyspace (size, iteration, SCAN,
 *   RANDOMKEY, FLUSH, a snapshot walk) first builds all of them; the active expirer builds
 *   the buckets holding a deadline that has come (`earliest`, `takeDue`). A background
 *   task (persistence/recovery.ts) builds the rest in short slices between commands.
 * - Building is a load, not a write: no keyspace event, no effect, no dirty count. Keys
 *   whose deadline had passed when loading started (`loadedAt`) are dropped when built,
 *   unless the log replayed after the snapshot reached them (`loading`: taken or built like
 *   any other, deadline and all). The load's end drops every string still past its deadline
 *   (`dropBefore`, no building) under one expiry mark in the log (Engine.finishLoading); a
 *   deadline passing later is an ordinary expiry once the key is built (its bucket is built
 *   by the expirer when that deadline comes).
 * - Only plain strings are deferred; collections (RESP in the chunk) are applied during the
 *   load as before.
 */

/** One chunk's plain strings, as codec.ts's ChunkStrings (kept structural: no import). */
export interface PendingStrings {
  keys: string;
  values: string;
  /** (key length, value length) per string. */
  lengths: Uint32Array;
  /** Deadline per string (0 = none); null when none has one. */
  deadlines: Float64Array | null;
}

/** The bucket of `key` among `mask + 1` buckets (a power of two): FNV-1a over its bytes. */
export function keyBucket(key: string, mask: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) & mask;
}

/** Keys taken alone from one bucket before the next operation on it builds it whole. */
export const POINT_TAKES = 16;

/** A string taken alone from an unbuilt bucket. */
export interface TakenString {
  value: string;
  /** 0: none. */
  deadline: number;
}

export class PendingLoad {
  /** Per bucket: the string parts not built yet; null once built (or never had any). */
  private readonly parts: Array<PendingStrings[] | null>;
  /** Per bucket: the earliest deadline at or after `loadedAt` among its strings (Infinity: none). */
  private readonly deadlines: Float64Array;
  readonly mask: number;
  /** Buckets with parts not built yet. */
  remaining = 0;
  /** Strings not built yet (keys dropped as expired at load included). */
  strings = 0;
  /** Of those, strings whose deadline had passed at `loadedAt` (they will be dropped). */
  expired = 0;
  /** Of those, strings with a deadline still to come (INFO keyspace's `expires`). */
  volatile = 0;
  /**
   * Set while the log is replayed (Keyspace.loading): a string expired at load is taken
   * or built like any other (the log may move or remove its deadline).
   */
  loading = false;
  /** Background cursor: buckets below it are built. */
  private next = 0;
  /** Per bucket: keys taken alone from it so far. */
  private readonly taken: Uint8Array;
  /** Parts whose deadlines array is this load's own (marking a taken string writes it). */
  private readonly owned = new Set<PendingStrings>();

  /**
   * `buckets` a power of two; `loadedAt` the load's clock (deadlines before it are dropped when
   * built); `insert` puts one part into the keyspace (Keyspace.loadStrings, plus what the
   * loader tracks); `taking` sees each string taken alone, before it goes in.
   */
  constructor(
    buckets: number,
    readonly loadedAt: number,
    readonly insert: (strings: PendingStrings) => void,
    readonly taking: (key: string, value: string) => void = () => {},
  ) {
    this.mask = buckets - 1;
    this.parts = new Array<PendingStrings[] | null>(buckets).fill(null);
    this.deadlines = new Float64Array(buckets).fill(Infinity);
    this.taken = new Uint8Array(buckets);
  }

  get buckets(): number {
    return this.mask + 1;
  }

  /** Add one chunk's strings, all of bucket `bucket`. */
  add(bucket: number, strings: PendingStrings): void {
    let list = this.parts[bucket];
    if (list == null) {
      this.parts[bucket] = list = [];
      this.remaining++;
    }
    // A part of its own: a string taken alone is marked in it (takeKey).
    list.push({ keys: strings.keys, values: strings.values, lengths: strings.lengths, deadlines: strings.deadlines });
    const n = strings.lengths.length >> 1;
    this.strings += n;
    const d = strings.deadlines;
    if (d === null) return;
    let earliest = this.deadlines[bucket]!;
    for (let i = 0; i < n; i++) {
      const when = d[i]!;
      if (when === 0) continue;
      if (when < this.loadedAt) this.expired++;
      else {
        this.volatile++;
        if (when < earliest) earliest = when;
      }
    }
    this.deadlines[bucket] = earliest;
  }

  /** True while `bucket` has strings not built yet. */
  unbuilt(bucket: number): boolean {
    return this.parts[bucket] != null;
  }

  /** True once `bucket` gave out POINT_TAKES keys alone: build it whole next. */
  exhausted(bucket: number): boolean {
    return this.taken[bucket]! >= POINT_TAKES;
  }

  /**
   * Take `key` alone out of `bucket` (its bucket, unbuilt): its value and deadline, or null
   * when the bucket does not hold it live (absent, taken before, or expired at load). While
   * `loading`, a string expired at load is taken too, deadline and all.
   */
  takeKey(bucket: number, key: string): TakenString | null {
    const parts = this.parts[bucket];
    if (parts == null) return null;
    this.taken[bucket]++;
    const length = key.length;
    for (const part of parts) {
      const lengths = part.lengths;
      const n = lengths.length >> 1;
      let kp = 0;
      let vp = 0;
      for (let i = 0; i < n; i++) {
        const kl = lengths[2 * i]!;
        const vl = lengths[2 * i + 1]!;
        if (kl === length && part.keys.startsWith(key, kp)) {
          const deadline = part.deadlines === null ? 0 : part.deadlines[i]!;
          if (deadline < 0) return null;
          // Expired at load: building drops it anyway; counted as dropped already.
          const expiredAtLoad = deadline !== 0 && deadline < this.loadedAt;
          if (expiredAtLoad && !this.loading) return null;
          // The part's arrays may be the store's own (a memory store hands them out): copied once.
          if (!this.owned.has(part)) {
            part.deadlines = part.deadlines === null ? new Float64Array(n) : part.deadlines.slice();
            this.owned.add(part);
          }
          part.deadlines![i] = -1;
          if (!expiredAtLoad) {
            if (deadline !== 0) this.volatile--;
            // Counted as dropped from now on, as an expired one: `strings - expired` stays
            // the unbuilt keys, and `take` settles both when the bucket is built.
            this.expired++;
          }
          const value = part.values.slice(vp, vp + vl);
          this.taking(key, value);
          return { value, deadline };
        }
        kp += kl;
        vp += vl;
      }
    }
    return null;
  }

  /**
   * Drop every unbuilt string whose deadline is before `when`, without building it (the
   * load's end, or its expiry mark replayed): marked taken, so building skips it. A scan of
   * the deadlines; returns how many were dropped.
   */
  dropBefore(when: number): number {
    let dropped = 0;
    for (let b = 0; b <= this.mask; b++) {
      const parts = this.parts[b];
      if (parts == null) continue;
      let earliest = Infinity;
      for (const part of parts) {
        if (part.deadlines === null) continue;
        const n = part.lengths.length >> 1;
        for (let i = 0; i < n; i++) {
          const d = part.deadlines[i]!;
          if (d <= 0) continue;
          if (d >= when) {
            if (d >= this.loadedAt && d < earliest) earliest = d;
            continue;
          }
          // The store's own arrays (a memory store hands them out) are copied once.
          if (!this.owned.has(part)) {
            part.deadlines = part.deadlines.slice();
            this.owned.add(part);
          }
          part.deadlines![i] = -1;
          dropped++;
          // Counted as dropped from now on (one expired at load was already).
          if (d >= this.loadedAt) {
            this.volatile--;
            this.expired++;
          }
        }
      }
      this.deadlines[b] = earliest;
    }
    return dropped;
  }

  /** Take the next unbuilt bucket's parts (background building); null when none is left. */
  takeNext(): PendingStrings[] | null {
    while (this.next <= this.mask) {
      const parts = this.takeBucket(this.next++);
      if (parts !== null) return parts;
    }
    return null;
  }

  /** The earliest deadline among unbuilt buckets (Infinity: none). */
  earliest(): number {
    let min = Infinity;
    const d = this.deadlines;
    for (let b = 0; b <= this.mask; b++) if (d[b]! < min) min = d[b]!;
    return min;
  }

  /** Take every unbuilt bucket holding a deadline ≤ `now`. */
  takeDue(now: number): PendingStrings[][] {
    const out: PendingStrings[][] = [];
    const d = this.deadlines;
    for (let b = 0; b <= this.mask; b++) {
      if (d[b]! <= now) out.push(this.takeBucket(b)!);
    }
    return out;
  }

  /** Take `bucket`'s unbuilt parts (null: built already). */
  takeBucket(bucket: number): PendingStrings[] | null {
    const parts = this.parts[bucket];
    if (parts == null) return null;
    this.parts[bucket] = null;
    this.deadlines[bucket] = Infinity;
    this.remaining--;
    for (const p of parts) {
      this.owned.delete(p);
      const n = p.lengths.length >> 1;
      this.strings -= n;
      // Taken strings (-1) were counted as expired when taken.
      const d = p.deadlines;
      if (d !== null) {
        for (let i = 0; i < n; i++) {
          if (d[i] === 0) continue;
          if (d[i]! < this.loadedAt) this.expired--;
          else this.volatile--;
        }
      }
    }
    return parts;
  }
}
