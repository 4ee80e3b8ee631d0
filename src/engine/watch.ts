/**
 * WATCH (redis: multi.c, watchForKey / touchWatchedKey): which connections watch which key,
 * and the "dirty CAS" mark a write to a watched key leaves on each of them, so their EXEC
 * aborts. A key that was already logically expired when watched is remembered as such:
 * its deletion is then no change (Redis 7 semantics), but it coming back is.
 */
import type { Connection } from './connection.js';
import type { Keyspace } from './keyspace.js';

export class WatchRegistry {
  /** Key → the connections watching it. */
  private readonly watchers = new Map<string, Set<Connection>>();

  constructor(private readonly db: Keyspace) {}

  /** Some key is watched: writes must look (the hot path reads this first). */
  get active(): boolean {
    return this.watchers.size !== 0;
  }

  /** Every key some connection watches. */
  keys(): IterableIterator<string> {
    return this.watchers.keys();
  }

  watch(conn: Connection, key: string): void {
    if (conn.watched.has(key)) return;
    conn.watched.set(key, this.db.isLogicallyExpired(key));
    let set = this.watchers.get(key);
    if (set === undefined) this.watchers.set(key, (set = new Set()));
    set.add(conn);
  }

  unwatchAll(conn: Connection): void {
    for (const key of conn.watched.keys()) {
      const set = this.watchers.get(key);
      if (set === undefined) continue;
      set.delete(conn);
      if (set.size === 0) this.watchers.delete(key);
    }
    conn.watched.clear();
    conn.dirtyCAS = false;
  }

  /** A WATCHed key of `conn` expired after it was watched (redis: isWatchedKeyExpired). */
  expiredSinceWatched(conn: Connection): boolean {
    for (const [key, expiredAtWatch] of conn.watched) {
      if (!expiredAtWatch && this.db.isLogicallyExpired(key)) return true;
    }
    return false;
  }

  /** `key` was modified: every transaction watching it fails (redis: touchWatchedKey). */
  touch(key: string): void {
    const set = this.watchers.get(key);
    if (set !== undefined) for (const conn of set) this.touchOne(conn, key);
  }

  /** FLUSHDB/FLUSHALL: every WATCHed key that existed is touched (redis: touchAllWatchedKeysInDb). */
  flushed(): void {
    for (const [key, set] of this.watchers) {
      if (this.db.get(key) !== undefined) for (const conn of set) this.touchOne(conn, key, true);
    }
  }

  /**
   * A key already expired when WATCHed that is now deleted is no logical change: clear
   * its expired mark instead of failing the transaction (redis: touchWatchedKey).
   */
  private touchOne(conn: Connection, key: string, deleting = false): void {
    // `get`, not `map`: a lazily loaded keyspace builds only this key's bucket.
    if (conn.watched.get(key) === true && (deleting || this.db.get(key) === undefined)) conn.watched.set(key, false);
    else conn.dirtyCAS = true;
  }
}
