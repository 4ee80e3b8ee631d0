/**
 * The keyspace: one `Map` of tagged entries, with expiry and a dense slot index.
 *
 * - Every value is an `Entry` (entry.ts) tagged with its Redis type, so WRONGTYPE comes
 *   from one check.
 * - Expiry is an absolute ms deadline on the entry (0 = none). Lookups expire lazily;
 *   `expireDue` serves the active expirer from a min-heap of deadlines.
 * - `slots` lists every key densely (a deleted key's slot is filled by the last key). It
 *   gives RANDOMKEY in O(1) and SCAN cursors: SCAN walks slots from the end towards 0, so
 *   a swap-fill only moves keys from the visited tail into the unvisited head, never the
 *   other way: every key present for a whole scan is returned (duplicates are allowed,
 *   as in Redis).
 * - After a cold start the keyspace may be `pending` (pending-load.ts): snapshot strings
 *   not built into entries yet. Every operation on one key first takes that key alone out
 *   of its bucket (or builds the bucket, once asked for many); every operation on the
 *   whole keyspace (`map`, `size`, `slotCount`, `randomKey`) builds all of it first. The
 *   hot paths pay one null check; internally `table` is the Map.
 */
import { ExpiryHeap } from './types/expiry-heap.js';
import { lfuInit, lfuTouch, type LfuSettings } from './lfu.js';
import { keyBucket, type PendingLoad, type PendingStrings } from './pending-load.js';
import type { Entry, StringEntry } from './entry.js';

export type { RedisType, StringEntry, HashEntry, SetEntry, ZsetEntry, ListEntry, Entry } from './entry.js';

/**
 * Told before the keyspace changes while a snapshot walks it (persistence's key-level
 * copy-on-write, src/persistence/snapshot.ts). Null, and free, the rest of the time.
 */
export interface WriteHook {
  /** `key` is about to be replaced, changed, deleted or given a deadline. */
  beforeWrite(key: string): void;
  /** `delete` is about to move `key` (the last slot) into `toSlot`. */
  slotMoved(key: string, toSlot: number): void;
  /** `clear` is about to empty the keyspace. */
  beforeClear(): void;
}

/** What the keyspace needs from its owner. */
export interface KeyspaceHost {
  /** The command's time snapshot in ms (deadlines are judged by it). */
  now(): number;
  /** The clock access times are stamped with (OBJECT IDLETIME, LFU): coarser, cheaper. */
  accessNow(): number;
  /** A key was removed because it expired (lazily or actively). */
  onExpired(key: string): void;
}

export class Keyspace {
  /** Every built entry (`map` is the public view, built whole). */
  private readonly table = new Map<string, Entry>();
  /** Snapshot strings not built yet (lazy cold start); null once every key is built. */
  private pending: PendingLoad | null = null;
  private slots: string[] = [];
  private heap = new ExpiryHeap();
  /**
   * Key whose deadline was removed (SET, PERSIST …) → a bound the heap holds a pair of it at
   * or before: a deadline given back at or after it (SET then EXPIRE) needs no new pair. Kept
   * until any pair of the key leaves the heap, so a SET+EXPIRE cycle writes no Map entry.
   */
  private cleared = new Map<string, number>();
  /** Keys that carry a deadline (INFO keyspace `expires=`). */
  volatileCount = 0;
  /** A deadline was added since the owner last looked: the expiry timer may need re-arming. */
  deadlinesAdded = false;
  /** The earliest deadline added since the owner last reset it (Infinity = none). */
  minDeadlineAdded = Infinity;
  /** Set while an LFU maxmemory-policy is active (the engine's config keeps it current). */
  lfu: LfuSettings | null = null;
  /** Set while a snapshot runs (see WriteHook). */
  writeHook: WriteHook | null = null;
  private replaying = false;

  constructor(private readonly host: KeyspaceHost) {}

  /**
   * True while persistence replays the store (redis: server.loading): nothing expires and
   * a deadline already past is kept, so a later record that moves or removes it (PEXPIRE,
   * PERSIST) or writes to the key applies as it did when it ran. The keys still past
   * their deadline are expired once the load ends (Engine.finishLoading).
   */
  get loading(): boolean {
    return this.replaying;
  }

  set loading(on: boolean) {
    this.replaying = on;
    if (this.pending !== null) this.pending.loading = on;
  }

  /** Every entry, built whole first (iteration over the keyspace: KEYS, INFO, WATCH). */
  get map(): Map<string, Entry> {
    if (this.pending !== null) this.buildAll();
    return this.table;
  }

  get size(): number {
    if (this.pending !== null) this.buildAll();
    return this.table.size;
  }

  /**
   * The entry stored at `key`, as stored: no expiry check, no access stamp (a writer that
   * just looked the key up). Builds its bucket first when loading lazily.
   */
  get(key: string): Entry | undefined {
    if (this.pending !== null) this.buildKey(key);
    return this.table.get(key);
  }

  /** Look up a live key (lazily deleting it if expired) and mark it accessed. */
  lookup(key: string): Entry | undefined {
    if (this.pending !== null) this.buildKey(key);
    const entry = this.table.get(key);
    if (entry === undefined) return undefined;
    let now: number;
    if (entry.expireAt !== 0) {
      // A deadline is judged by the command's snapshot, which then stamps the access too.
      now = this.host.now();
      if (now > entry.expireAt && !this.replaying) {
        this.expire(key);
        return undefined;
      }
    } else now = this.host.accessNow();
    entry.access = now;
    if (this.lfu !== null) entry.lfu = lfuTouch(entry.lfu, now, this.lfu);
    return entry;
  }

  /** Look up without touching the access time (OBJECT, TYPE-free introspection). */
  peek(key: string): Entry | undefined {
    if (this.pending !== null) this.buildKey(key);
    const entry = this.table.get(key);
    if (entry === undefined) return undefined;
    if (entry.expireAt !== 0 && this.host.now() > entry.expireAt && !this.replaying) {
      this.expire(key);
      return undefined;
    }
    return entry;
  }

  /** True when the key exists but its deadline has passed (it is logically gone). */
  isLogicallyExpired(key: string): boolean {
    if (this.pending !== null) this.buildKey(key);
    const entry = this.table.get(key);
    return entry !== undefined && entry.expireAt !== 0 && this.host.now() > entry.expireAt && !this.replaying;
  }

  /**
   * Store `entry` at `key`, replacing any value. The entry's own `expireAt` applies
   * (callers copy the old deadline for KEEPTTL). A replaced key keeps its slot, so a
   * SCAN in progress still returns it. `keepLfu` false: the entry brings its own LFU
   * counter instead of inheriting the old value's (RENAME, COPY REPLACE: redis dbDelete
   * then dbAdd).
   */
  set(key: string, entry: Entry, keepLfu = true): void {
    if (this.pending !== null) this.buildKey(key);
    if (this.writeHook !== null) this.writeHook.beforeWrite(key);
    const old = this.table.get(key);
    if (old === undefined) {
      entry.slot = this.slots.length;
      this.slots.push(key);
    } else {
      entry.slot = old.slot;
      if (old.expireAt !== 0) {
        this.volatileCount--;
        if (entry.expireAt === 0) this.deadlineCleared(key, old.expireAt);
      }
    }
    entry.access = this.host.accessNow();
    // An overwritten value keeps its key's LFU counter (redis: dbSetValue); a new one starts it.
    if (this.lfu !== null) entry.lfu = (keepLfu ? old?.lfu : undefined) ?? entry.lfu ?? lfuInit(entry.access);
    this.table.set(key, entry);
    if (entry.expireAt !== 0) {
      this.volatileCount++;
      this.deadlineSet(key, old === undefined ? 0 : old.expireAt, entry.expireAt);
    }
  }

  /**
   * `set(key, { type: 'string', value, expireAt, encoding })` for a key that holds
   * `entry`, a string: the same outcome, reusing the entry object (a replaced entry
   * would only be garbage, and allocations that outlive a turn are what the GC pays for).
   */
  overwriteString(key: string, entry: StringEntry, value: string, expireAt: number, encoding: StringEntry['encoding']): void {
    if (this.writeHook !== null) this.writeHook.beforeWrite(key);
    const previous = entry.expireAt;
    if (previous !== 0) {
      this.volatileCount--;
      if (expireAt === 0) this.deadlineCleared(key, previous);
    }
    entry.value = value;
    entry.expireAt = expireAt;
    if (entry.encoding !== encoding) entry.encoding = encoding;
    const now = this.host.accessNow();
    entry.access = now;
    // An overwritten value keeps its key's LFU counter (redis: dbSetValue); none is kept
    // while no LFU policy is on, as a fresh entry would have none.
    if (this.lfu !== null) entry.lfu ??= lfuInit(now);
    else if (entry.lfu !== undefined) entry.lfu = undefined;
    if (expireAt !== 0) {
      this.volatileCount++;
      this.deadlineSet(key, previous, expireAt);
    }
  }

  /** Remove a key; true when it existed. */
  delete(key: string): boolean {
    if (this.pending !== null) this.buildKey(key);
    const entry = this.table.get(key);
    if (entry === undefined) return false;
    const hook = this.writeHook;
    if (hook !== null) {
      hook.beforeWrite(key);
      const moved = this.slots[this.slots.length - 1]!;
      if (moved !== key) hook.slotMoved(moved, entry.slot);
    }
    this.table.delete(key);
    if (entry.expireAt !== 0) this.volatileCount--;
    const last = this.slots.pop()!;
    if (last !== key) {
      this.slots[entry.slot] = last;
      this.table.get(last)!.slot = entry.slot;
    }
    return true;
  }

  /** Set or clear (0) the deadline of an existing entry. */
  setExpire(key: string, entry: Entry, when: number): void {
    if (this.writeHook !== null) this.writeHook.beforeWrite(key);
    const previous = entry.expireAt;
    if (previous === 0 && when !== 0) this.volatileCount++;
    else if (previous !== 0 && when === 0) {
      this.volatileCount--;
      this.deadlineCleared(key, previous);
    }
    entry.expireAt = when;
    if (when !== 0) this.deadlineSet(key, previous, when);
  }

  /**
   * `key`'s deadline became `when` (was `previous`, 0 = none). The heap holds, for every
   * key with a deadline, at least one pair at or before it: a deadline pushed back (a
   * sliding TTL refreshed by EXPIRE, INCR on a counter that keeps its TTL) keeps its old
   * pair, which moves to the new deadline when it reaches the top (heapDeadline). Only an
   * earlier or a first deadline is pushed; a deadline given back to a key that lost one
   * (`cleared`) is a pushed-back one too when it is not earlier.
   */
  private deadlineSet(key: string, previous: number, when: number): void {
    if (previous !== 0 && when >= previous) return;
    if (previous === 0 && this.cleared.size !== 0) {
      const before = this.cleared.get(key);
      if (before !== undefined && before <= when) return;
    }
    this.heap.push(when, key);
    this.deadlinesAdded = true;
    if (when < this.minDeadlineAdded) this.minDeadlineAdded = when;
    this.maybeRebuildHeap();
  }

  /** `key` lost its deadline `previous`; an earlier bound remembered stays (fewer Map writes). */
  private deadlineCleared(key: string, previous: number): void {
    const before = this.cleared.get(key);
    if (before === undefined || before > previous) this.cleared.set(key, previous);
  }

  /**
   * Bulk load of plain strings (a snapshot chunk, persistence/recovery.ts): string `i` has
   * key `keys[kp, kp + lengths[2i])` and value `values[vp, vp + lengths[2i + 1])` (the
   * strings concatenated), deadline `deadlines[i]` (0 = none; null = none at all; -1 =
   * taken already, skipped). Keys whose deadline is before `now` (expired: now > deadline)
   * are skipped, or kept with it while `loading` (the log replayed next may move it). What
   * `set` does per key, without a call, a write hook or an old entry to look at per key: the
   * caller loads between turns, or builds an unbuilt bucket (never while a walk runs: a walk
   * builds everything first).
   * A key already present (a damaged snapshot repeating one) is replaced, as by `set`.
   * Returns how many keys had a deadline before `now`, skipped or kept.
   */
  loadStrings(keys: string, values: string, lengths: Uint32Array, deadlines: Float64Array | null, now: number): number {
    const map = this.table;
    const slots = this.slots;
    const access = this.host.accessNow();
    const lfu = this.lfu !== null ? lfuInit(access) : undefined;
    const n = lengths.length >> 1;
    let kp = 0;
    let vp = 0;
    let expired = 0;
    for (let i = 0; i < n; i++) {
      const kl = lengths[2 * i]!;
      const vl = lengths[2 * i + 1]!;
      const key = keys.slice(kp, (kp += kl));
      const value = values.slice(vp, (vp += vl));
      const when = deadlines === null ? 0 : deadlines[i]!;
      if (when !== 0 && when < now) {
        if (when < 0) continue;
        expired++;
        if (!this.replaying) continue;
      }
      if (this.cleared.size !== 0) this.cleared.delete(key);
      const entry: StringEntry = { type: 'string', value, expireAt: when, access, slot: slots.length };
      if (lfu !== undefined) entry.lfu = lfu;
      const size = map.size;
      map.set(key, entry);
      if (map.size === size) {
        // Replaced an entry (damaged input only): it keeps the old slot, as `set` does.
        entry.slot = slots.indexOf(key);
        this.volatileCount = 0;
        for (const e of map.values()) if (e.expireAt !== 0) this.volatileCount++;
        if (when !== 0) this.loadedDeadline(key, when);
        continue;
      }
      slots.push(key);
      if (when !== 0) {
        this.volatileCount++;
        this.loadedDeadline(key, when);
      }
    }
    return expired;
  }

  /** A loaded key's deadline goes on the heap; the owner re-arms the expirer. */
  private loadedDeadline(key: string, when: number): void {
    this.heap.push(when, key);
    this.deadlinesAdded = true;
    if (when < this.minDeadlineAdded) this.minDeadlineAdded = when;
  }

  clear(): void {
    if (this.writeHook !== null) this.writeHook.beforeClear();
    this.table.clear();
    this.pending = null;
    this.slots = [];
    this.heap.clear();
    this.cleared.clear();
    this.volatileCount = 0;
  }

  /** The slot count SCAN starts from. */
  get slotCount(): number {
    if (this.pending !== null) this.buildAll();
    return this.slots.length;
  }

  keyAtSlot(slot: number): string | undefined {
    return this.slots[slot];
  }

  /** Keys with a deadline, unbuilt ones counted, without building (INFO keyspace). */
  get volatileKeys(): number {
    return this.volatileCount + (this.pending === null ? 0 : this.pending.volatile);
  }

  /**
   * `visit` up to `count` entries picked at random among the built ones (repeats possible),
   * building nothing and expiring nothing: an estimate's sample (INFO memory on a big
   * keyspace).
   */
  sample(count: number, random: () => number, visit: (key: string, entry: Entry) => void): void {
    const slots = this.slots;
    if (slots.length === 0) return;
    for (let i = 0; i < count; i++) {
      const key = slots[Math.floor(random() * slots.length)]!;
      visit(key, this.table.get(key)!);
    }
  }

  /** A random live key, or undefined when the keyspace is empty. */
  randomKey(random: () => number = Math.random): string | undefined {
    if (this.pending !== null) this.buildAll();
    // Bounded retries: a keyspace of only expired keys must not loop forever.
    for (let tries = 0; tries < 100 && this.slots.length > 0; tries++) {
      const key = this.slots[Math.floor(random() * this.slots.length)]!;
      if (this.peek(key) !== undefined) return key;
    }
    for (const key of this.slots) if (!this.isLogicallyExpired(key)) return key;
    return undefined;
  }

  /** The earliest pending deadline, skipping stale heap pairs (unbuilt keys' too). */
  nextDeadline(): number | undefined {
    const when = this.heapDeadline();
    if (this.pending === null) return when;
    const unbuilt = this.pending.earliest();
    return unbuilt === Infinity ? when : when === undefined ? unbuilt : Math.min(when, unbuilt);
  }

  /**
   * The earliest deadline in the heap, its top pair then holding exactly it: stale pairs
   * (key gone, deadline cleared or moved earlier) are dropped, and a pair before its key's
   * later deadline moves to it (see deadlineSet).
   */
  private heapDeadline(): number | undefined {
    const heap = this.heap;
    for (;;) {
      const when = heap.peekWhen();
      if (when === undefined) return undefined;
      const key = heap.peekKey()!;
      const deadline = this.table.get(key)?.expireAt ?? 0;
      if (deadline === when) return when;
      heap.pop();
      if (this.cleared.size !== 0) this.cleared.delete(key);
      if (deadline > when) heap.push(deadline, key);
    }
  }

  /** Active expiry: delete up to `limit` keys whose deadline has passed. Returns the count. */
  expireDue(limit: number): number {
    if (this.replaying) return 0;
    const now = this.host.now();
    // Unbuilt keys whose deadline came are built first: their deadlines join the heap.
    if (this.pending !== null) for (const parts of this.pending.takeDue(now)) this.buildParts(parts);
    let expired = 0;
    while (expired < limit) {
      const key = this.popDeadlineBefore(now);
      if (key === undefined) break;
      this.expire(key);
      expired++;
    }
    return expired;
  }

  /** The key of the earliest deadline in the heap, taken off it, if that is before `when`. */
  private popDeadlineBefore(when: number): string | undefined {
    const deadline = this.heapDeadline();
    if (deadline === undefined || deadline >= when) return undefined;
    const key = this.heap.peekKey()!;
    this.heap.pop();
    if (this.cleared.size !== 0) this.cleared.delete(key);
    return key;
  }

  // --- lazy load (pending-load.ts) ---------------------------------------------------------

  /**
   * Serve before building: from now on, `pending`'s strings are built bucket by bucket as
   * operations reach them (see the design note). Call between turns, with no walk running;
   * the keys must not be in the keyspace already.
   */
  loadLazily(pending: PendingLoad): void {
    if (pending.remaining === 0) return;
    this.pending = pending;
    pending.loading = this.replaying;
    const earliest = pending.earliest();
    if (earliest !== Infinity) {
      // The owner arms the active expirer for the earliest unbuilt deadline.
      this.deadlinesAdded = true;
      if (earliest < this.minDeadlineAdded) this.minDeadlineAdded = earliest;
    }
  }

  /** Keys held, unbuilt ones counted, without building (loading progress). */
  get loadedSize(): number {
    return this.table.size + this.unbuiltKeys;
  }

  /** Keys not built yet (those dropped as expired when built not counted). */
  get unbuiltKeys(): number {
    const pending = this.pending;
    return pending === null ? 0 : pending.strings - pending.expired;
  }

  /**
   * The clock of the lazy load still unbuilt (PendingLoad.loadedAt: its strings past their
   * deadline before it are dropped when built); -Infinity when every key is built.
   */
  get lazyLoadedAt(): number {
    return this.pending === null ? -Infinity : this.pending.loadedAt;
  }

  /** True while some snapshot strings are not built yet. */
  get building(): boolean {
    return this.pending !== null;
  }

  /**
   * Delete every key whose deadline is before `when`, as a load's end does and its expiry
   * mark replays (Engine.finishLoading): no event, no effect; unbuilt strings are dropped
   * without being built. `dropped` sees each built key. Returns how many keys went.
   */
  dropExpiredBefore(when: number, dropped: (key: string) => void = () => {}): number {
    // Unbuilt strings first: deleting a built key below may build its bucket (buildKey), and
    // building drops the strings expired at load uncounted.
    let count = this.pending !== null ? this.pending.dropBefore(when) : 0;
    for (let key = this.popDeadlineBefore(when); key !== undefined; key = this.popDeadlineBefore(when)) {
      this.delete(key);
      dropped(key);
      count++;
    }
    return count;
  }

  /** Build one more unbuilt bucket (background building); false once every key is built. */
  buildNext(): boolean {
    const pending = this.pending;
    if (pending === null) return false;
    const parts = pending.takeNext();
    if (parts !== null) this.buildParts(parts);
    else this.pending = null;
    return this.pending !== null;
  }

  /** Make `key`'s entry real: taken alone from its unbuilt bucket, or the bucket built. */
  private buildKey(key: string): void {
    const pending = this.pending!;
    const bucket = keyBucket(key, pending.mask);
    if (!pending.unbuilt(bucket)) return;
    if (pending.exhausted(bucket)) {
      this.buildParts(pending.takeBucket(bucket)!);
      return;
    }
    const taken = pending.takeKey(bucket, key);
    if (taken === null) return;
    const access = this.host.accessNow();
    const entry: StringEntry = { type: 'string', value: taken.value, expireAt: taken.deadline, access, slot: this.slots.length };
    if (this.lfu !== null) entry.lfu = lfuInit(access);
    if (this.cleared.size !== 0) this.cleared.delete(key);
    this.table.set(key, entry);
    this.slots.push(key);
    if (taken.deadline !== 0) {
      this.volatileCount++;
      this.loadedDeadline(key, taken.deadline);
    }
  }

  private buildAll(): void {
    const pending = this.pending!;
    for (let parts = pending.takeNext(); parts !== null; parts = pending.takeNext()) this.buildParts(parts);
    this.pending = null;
  }

  private buildParts(parts: PendingStrings[]): void {
    const pending = this.pending!;
    for (const part of parts) pending.insert(part);
    if (pending.remaining === 0) this.pending = null;
  }

  private expire(key: string): void {
    this.delete(key);
    this.host.onExpired(key);
  }

  /**
   * Stale pairs pile up when deadlines are rewritten often: drop them, and repeats of a live
   * pair, from the heap itself (a walk of the keyspace would cost O(keys) per rebuild, a
   * stall with a million persistent keys beside a few volatile ones).
   */
  private maybeRebuildHeap(): void {
    const heap = this.heap;
    if (heap.size <= 2 * this.volatileCount + 1024) return;
    const table = this.table;
    // Live pairs: at or before their key's deadline (see deadlineSet).
    heap.retain((when, key) => when <= (table.get(key)?.expireAt || -Infinity));
    // Keys without a deadline kept no pair; the others are remembered again when cleared.
    this.cleared.clear();
    // More live pairs than keys with a deadline: drop the repeats (rarely needed).
    if (heap.size <= this.volatileCount) return;
    const kept = new Set<string>();
    heap.retain((_, key) => {
      if (kept.has(key)) return false;
      kept.add(key);
      return true;
    });
  }
}
