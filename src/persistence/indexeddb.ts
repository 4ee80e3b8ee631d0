/**
 * The IndexedDB store (through `idb`): one database per store name, `idb-redis:<name>`,
 * with three object stores:
 * - `manifest`: the manifest under key 'manifest', and the leadership epoch (a number,
 *   storage.ts's fencing) under key 'epoch';
 * - `chunks`: snapshot chunks keyed by [snapshot, index];
 * - `log`: log records keyed by seq.
 *
 * Faults are turned into clear errors, never hangs:
 * - another context asking for a newer version (`versionchange`): our connection closes
 *   at once so it can proceed; the next call reopens, and fails clearly if the database
 *   is now of a version this build does not know;
 * - the browser closing the connection (`terminated`, Safari's lost connections): the next
 *   call reopens; a call that failed because the connection was closing is retried once;
 * - an open blocked by an older connection elsewhere: rejects after `blockedTimeoutMs`;
 * - QuotaExceededError and every other failure reject the call with the original
 *   DOMException (its `name` tells them apart).
 */
import { openDB, unwrap, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { LogRecord, Manifest, SnapshotChunk } from './codec.js';
import { PersistenceError } from './codec.js';
import { FencedError, seal, stamped, type Durability, type Storage } from './storage.js';

/** The IndexedDB schema version this build creates and reads. */
export const IDB_VERSION = 1;

interface Schema extends DBSchema {
  manifest: { key: string; value: Manifest | number };
  chunks: { key: [number, number]; value: SnapshotChunk };
  log: { key: number; value: LogRecord };
}

export interface IndexedDBStorageOptions {
  /** The IDBFactory to use (default: the global `indexedDB`). */
  indexedDB?: IDBFactory;
  /** How long an open may stay blocked by another connection before it fails (default 5000 ms). */
  blockedTimeoutMs?: number;
}

/** Where the leadership epoch lives in the `manifest` object store. */
const EPOCH_KEY = 'epoch';

type Store = StoreNames<Schema>;
type WriteTx = IDBPTransaction<Schema, Store[], 'readwrite'>;

/** The database name a store of `name` lives in. */
export function databaseName(name: string): string {
  return `idb-redis:${name}`;
}

/** A store in IndexedDB, one database per `name`. Nothing is opened until first used. */
export function indexedDBStorage(name: string, options: IndexedDBStorageOptions = {}): Storage {
  const dbName = databaseName(name);
  const blockedTimeout = options.blockedTimeoutMs ?? 5000;
  let opening: Promise<IDBPDatabase<Schema>> | null = null;
  /** Opened once already: a later open that has to create the database means it was deleted. */
  let everOpened = false;
  /** The database was deleted under us: appends fail until a snapshot has rewritten it. */
  let lost = false;
  /**
   * Connections opened so far. A fenced view appends optimistically only on a connection
   * it has seen its epoch on (storage.ts, point 4): one opened since may be to a database
   * deleted and recreated meanwhile, where the seal no longer guards its seqs.
   */
  let connections = 0;
  /** The last epoch claimed through this storage, and the connection the claim ran on. */
  let claimed = { epoch: -1, connection: 0 };
  /** The last snapshot whose first chunk was written, and the connection that wrote it. */
  let started = { snapshot: -1, connection: 0 };

  const open = (): Promise<IDBPDatabase<Schema>> => {
    if (opening !== null) return opening;
    const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (factory === undefined) return Promise.reject(new PersistenceError(`idb-redis store '${name}': IndexedDB is not available here`));
    const attempt = new Promise<IDBPDatabase<Schema>>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | null = null;
      let givenUp = false;
      const promise = withFactory(factory, () =>
        openDB<Schema>(dbName, IDB_VERSION, {
          upgrade(db, oldVersion) {
            if (oldVersion === 0 && everOpened) lost = true;
            if (!db.objectStoreNames.contains('manifest')) db.createObjectStore('manifest');
            if (!db.objectStoreNames.contains('chunks')) db.createObjectStore('chunks', { keyPath: ['snapshot', 'index'] });
            if (!db.objectStoreNames.contains('log')) db.createObjectStore('log', { keyPath: 'seq' });
          },
          blocked() {
            timer ??= setTimeout(() => {
              givenUp = true;
              reject(new PersistenceError(`idb-redis store '${name}': opening IndexedDB is blocked by a connection in another tab (close it, or reload it with this version)`));
            }, blockedTimeout);
          },
          blocking() {
            // Another context wants a newer version: step aside; the next call reopens.
            db?.close();
            opening = null;
          },
          terminated() {
            opening = null;
          },
        }),
      );
      let db: IDBPDatabase<Schema> | undefined;
      promise.then(
        (opened) => {
          if (timer !== null) clearTimeout(timer);
          db = opened;
          everOpened = true;
          const stores = opened.objectStoreNames;
          if (givenUp) opened.close();
          else if (!stores.contains('manifest') || !stores.contains('chunks') || !stores.contains('log')) {
            // Same name and version, other contents: never write into someone else's database.
            opened.close();
            reject(new PersistenceError(`idb-redis store '${name}': the IndexedDB database '${dbName}' exists but is not an idb-redis store`));
          } else {
            connections++;
            resolve(opened);
          }
        },
        (error: unknown) => {
          if (timer !== null) clearTimeout(timer);
          const e = error as { name?: string; message?: string };
          if (e?.name === 'VersionError') {
            reject(new PersistenceError(`idb-redis store '${name}' was written by a newer idb-redis (IndexedDB version above ${IDB_VERSION})`));
          } else reject(error);
        },
      );
    });
    opening = attempt;
    attempt.catch(() => {
      if (opening === attempt) opening = null;
    });
    return attempt;
  };

  /** Run `fn` on an open database; a connection that closed under us is reopened once. */
  const run = async <T>(fn: (db: IDBPDatabase<Schema>) => Promise<T>): Promise<T> => {
    const db = await open();
    try {
      return await fn(db);
    } catch (error) {
      if ((error as { name?: string })?.name !== 'InvalidStateError') throw error;
      if (opening !== null) {
        const current = await opening;
        if (current === db) {
          db.close();
          opening = null;
        }
      }
      return fn(await open());
    }
  };

  /**
   * One write transaction over `stores`. Fenced (`mine` not null): the first request reads
   * the store's epoch, and its success handler aborts the whole transaction (the writes
   * issued after it included) when the epoch is above `mine`; the call then rejects with a
   * FencedError. The check costs one get in the transaction the write makes anyway.
   * `recreated` (asked once open): an epoch below `mine` (or none) aborts too, with a
   * StoreLostError: the epoch never decreases, so the database was deleted and recreated
   * since `mine` was claimed.
   */
  const write = (mine: number | null, stores: Store[], durability: Durability, body: (tx: WriteTx) => void, recreated = () => false): Promise<void> =>
    run(async (db) => {
      const scope: Store[] = mine !== null && !stores.includes('manifest') ? [...stores, 'manifest'] : stores;
      const tx = db.transaction(scope, 'readwrite', { durability });
      let fencedBy = 0;
      let gone = false;
      const checkRecreated = recreated();
      if (mine !== null) {
        const check = unwrap(tx).objectStore('manifest').get(EPOCH_KEY);
        check.onsuccess = () => {
          const current: unknown = check.result;
          if (typeof current === 'number' && current > mine) {
            fencedBy = current;
            tx.abort();
          } else if (checkRecreated && (typeof current === 'number' ? current : 0) < mine) {
            gone = true;
            tx.abort();
          }
        };
      }
      body(tx);
      try {
        await tx.done;
      } catch (error) {
        if (fencedBy > 0) throw new FencedError(mine!, fencedBy);
        if (gone) {
          lost = true;
          throw new StoreLostError(name);
        }
        throw error;
      }
    });

  /**
   * The optimistic append (storage.ts's note): the epoch is read, the records added and the
   * transaction committed at once. Refused when the epoch read is above `mine`, landed or
   * not; a collision while still leading replaces what lies above our head.
   */
  const append = (mine: number | null, records: readonly LogRecord[], durability: Durability, trust: { connection: number }): Promise<void> =>
    run(async (db) => {
      // Checked once open: the open is what notices the database was recreated.
      if (lost) throw new StoreLostError(name);
      const rows = stamped(records, mine);
      if (mine !== null && trust.connection !== connections) {
        // A connection this view has not seen its epoch on: checked before anything lands,
        // as the replacement below (what lies above our head is a stale writer's).
        const connection = connections;
        await write(mine, ['log'], durability, replace(rows), () => true);
        trust.connection = connection;
        return;
      }
      const tx = unwrap(db).transaction(mine === null ? ['log'] : ['log', 'manifest'], 'readwrite', { durability });
      let current = 0;
      if (mine !== null) {
        const check = tx.objectStore('manifest').get(EPOCH_KEY);
        check.onsuccess = () => {
          if (typeof check.result === 'number') current = check.result;
        };
      }
      const log = tx.objectStore('log');
      let collided = false;
      for (const r of rows) {
        // add, not put: a second writer reusing a seq fails instead of overwriting.
        const request = log.add(r);
        request.onerror = () => {
          if (request.error?.name === 'ConstraintError') collided = true;
        };
      }
      // Older engines (Safari < 15) commit when the requests are done anyway.
      if (typeof tx.commit === 'function') tx.commit();
      try {
        await settled(tx);
      } catch (error) {
        if (mine === null) throw error;
        if (current > mine) throw new FencedError(mine, current);
        if (!collided) throw error;
        // A stale writer's records past the log's end: ours replace them, checked first.
        return write(mine, ['log'], durability, replace(rows));
      }
      if (mine !== null && current > mine) throw new FencedError(mine, current);
    });

  /** A write body: `rows` replace every record from the first one's seq on. */
  const replace = (rows: readonly LogRecord[]) => (tx: WriteTx) => {
    const store = tx.objectStore('log');
    void store.delete(IDBKeyRange.lowerBound(rows[0]!.seq)).catch(() => {});
    for (const r of rows) void store.put(r).catch(() => {});
  };

  // `trust`: the connection this view last saw its epoch on (its claim's, or its last
  // append's); none for an epoch not just claimed through this storage.
  const view = (mine: number | null, trust = { connection: claimed.epoch === mine ? claimed.connection : 0 }): Storage => ({
    name,
    readManifest: () =>
      run(async (db) => {
        const manifest = await db.get('manifest', 'manifest');
        return typeof manifest === 'object' ? manifest : null;
      }),
    readChunks: (snapshot, from, count) =>
      run((db) => db.getAll('chunks', IDBKeyRange.bound([snapshot, from], [snapshot, from + count - 1]))),
    readLog: (after, limit) => run((db) => db.getAll('log', IDBKeyRange.lowerBound(after, true), limit)),
    append: (records, durability = 'default') => append(mine, records, durability, trust),
    writeChunks: (chunks) => {
      // A put clones its chunk synchronously: dropped once issued, a chunk's big strings die
      // young instead of being promoted by a scavenge while the transaction commits.
      let held: readonly SnapshotChunk[] | null = chunks;
      const first = chunks.find((c) => c.index === 0);
      let on = 0;
      return write(mine, ['chunks'], 'default', (tx) => {
        if (held === null) throw new PersistenceError(`idb-redis store '${name}': a snapshot chunk write was interrupted`);
        on = connections;
        const store = tx.objectStore('chunks');
        for (const c of held) void store.put(c).catch(() => {});
        held = null;
      }).then(() => {
        if (first !== undefined) started = { snapshot: first.snapshot, connection: on };
      });
    },
    commitSnapshot: (manifest, durability = 'default') =>
      // Committed on another connection than its first chunk's, the snapshot may name chunks
      // of a database deleted since (storage.ts, point 4): checked as an append is.
      write(mine, ['manifest', 'chunks', 'log'], durability, (tx) => {
        const meta = tx.objectStore('manifest');
        void meta.put(mine === null ? manifest : { ...manifest, epoch: mine }, 'manifest').catch(() => {});
        // A database deleted and rebuilt lost its epoch too: the snapshot puts it back
        // (the check passed, so the store's epoch is at most ours).
        if (mine !== null) void meta.put(mine, EPOCH_KEY).catch(() => {});
        if (manifest.snapshotSeq > 0) void tx.objectStore('log').delete(IDBKeyRange.upperBound(manifest.snapshotSeq)).catch(() => {});
        const chunks = tx.objectStore('chunks');
        const id = manifest.snapshotId;
        if (id > 0) void chunks.delete(IDBKeyRange.upperBound([id], true)).catch(() => {});
        void chunks.delete(IDBKeyRange.lowerBound([id + 1])).catch(() => {});
      }, () => manifest.chunks > 0 && started.snapshot === manifest.snapshotId && started.connection !== connections).then(() => {
        lost = false;
      }),
    truncateLog: async (from) => {
      let last = from - 1;
      await write(mine, ['log'], 'default', (tx) => {
        const store = tx.objectStore('log');
        const end = unwrap(store).openKeyCursor(null, 'prev');
        end.onsuccess = () => {
          const key = end.result?.key;
          if (typeof key === 'number') last = Math.max(last, key);
          for (let seq = from; seq <= last; seq++) void store.put(seal(seq, mine ?? 0)).catch(() => {});
        };
      });
      return last;
    },
    dropChunksExcept: (keep) =>
      write(mine, ['chunks'], 'default', (tx) => {
        const store = tx.objectStore('chunks');
        if (keep > 0) void store.delete(IDBKeyRange.upperBound([keep], true)).catch(() => {});
        void store.delete(IDBKeyRange.lowerBound([keep + 1])).catch(() => {});
      }),
    claimEpoch: (seen) =>
      run(async (db) => {
        const connection = connections;
        const tx = db.transaction(['manifest', 'log'], 'readwrite');
        const meta = tx.objectStore('manifest');
        const [current, manifest, last] = await Promise.all([
          meta.get(EPOCH_KEY),
          meta.get('manifest'),
          tx.objectStore('log').openKeyCursor(null, 'prev'),
        ]);
        const epoch = Math.max(typeof current === 'number' ? current : 0, seen) + 1;
        const covered = typeof manifest === 'object' && typeof manifest.snapshotSeq === 'number' ? manifest.snapshotSeq : 0;
        const head = Math.max(covered, typeof last?.key === 'number' ? last.key : 0);
        void meta.put(epoch, EPOCH_KEY).catch(() => {});
        void tx.objectStore('log').add(seal(head + 1, epoch)).catch(() => {});
        await tx.done;
        claimed = { epoch, connection };
        return epoch;
      }),
    fenced: (epoch) => view(epoch),
    close() {
      const current = opening;
      opening = null;
      current?.then((db) => db.close(), () => {});
    },
  });
  return view(null);
}

/**
 * The database was deleted (or recreated) by another context while this engine had it
 * open: its log is gone. Persistence answers by writing a full snapshot, which clears it.
 */
export class StoreLostError extends PersistenceError {
  override name = 'StoreLostError';
  constructor(name: string) {
    super(`idb-redis store '${name}' was deleted by another context; rewriting it from memory`);
  }
}

/** Resolves when `tx` commits, rejects with its error when it aborts. */
function settled(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('The transaction was aborted.', 'AbortError'));
  });
}

/**
 * `idb` opens through the global `indexedDB`; an injected factory (tests, other realms)
 * is swapped in for the duration of the synchronous `open` call.
 */
function withFactory<T>(factory: IDBFactory, fn: () => T): T {
  const g = globalThis as { indexedDB?: IDBFactory };
  if (g.indexedDB === factory) return fn();
  const saved = g.indexedDB;
  g.indexedDB = factory;
  try {
    return fn();
  } finally {
    g.indexedDB = saved;
  }
}
