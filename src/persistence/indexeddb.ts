/**
 * The IndexedDB store (through `idb`): one database per store name, `idb-redis:<name>`,
 * with three object stores:
 * - `manifest`: one value under key 'manifest';
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
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { LogRecord, Manifest, SnapshotChunk } from './codec.js';
import { PersistenceError } from './codec.js';
import type { Durability, Storage } from './storage.js';

/** The IndexedDB schema version this build creates and reads. */
export const IDB_VERSION = 1;

interface Schema extends DBSchema {
  manifest: { key: string; value: Manifest };
  chunks: { key: [number, number]; value: SnapshotChunk };
  log: { key: number; value: LogRecord };
}

export interface IndexedDBStorageOptions {
  /** The IDBFactory to use (default: the global `indexedDB`). */
  indexedDB?: IDBFactory;
  /** How long an open may stay blocked by another connection before it fails (default 5000 ms). */
  blockedTimeoutMs?: number;
}

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
          } else resolve(opened);
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

  return {
    name,
    readManifest: () => run(async (db) => (await db.get('manifest', 'manifest')) ?? null),
    readChunks: (snapshot, from, count) =>
      run((db) => db.getAll('chunks', IDBKeyRange.bound([snapshot, from], [snapshot, from + count - 1]))),
    readLog: (after, limit) => run((db) => db.getAll('log', IDBKeyRange.lowerBound(after, true), limit)),
    append: (records, durability = 'default') =>
      run(async (db) => {
        if (lost) throw new StoreLostError(name);
        const tx = db.transaction('log', 'readwrite', { durability });
        // add, not put: a second writer reusing a seq fails instead of overwriting.
        for (const r of records) void tx.store.add(r).catch(() => {});
        await tx.done;
      }),
    writeChunks: (chunks) =>
      run(async (db) => {
        const tx = db.transaction('chunks', 'readwrite');
        for (const c of chunks) void tx.store.put(c).catch(() => {});
        await tx.done;
      }),
    commitSnapshot: (manifest, durability = 'default') =>
      run(async (db) => {
        const tx = db.transaction(['manifest', 'chunks', 'log'], 'readwrite', { durability });
        void tx.objectStore('manifest').put(manifest, 'manifest').catch(() => {});
        if (manifest.snapshotSeq > 0) void tx.objectStore('log').delete(IDBKeyRange.upperBound(manifest.snapshotSeq)).catch(() => {});
        const chunks = tx.objectStore('chunks');
        const id = manifest.snapshotId;
        if (id > 0) void chunks.delete(IDBKeyRange.upperBound([id], true)).catch(() => {});
        void chunks.delete(IDBKeyRange.lowerBound([id + 1])).catch(() => {});
        await tx.done;
        lost = false;
      }),
    truncateLog: (from) =>
      run(async (db) => {
        const tx = db.transaction('log', 'readwrite');
        void tx.store.delete(IDBKeyRange.lowerBound(from)).catch(() => {});
        await tx.done;
      }),
    dropChunksExcept: (keep) =>
      run(async (db) => {
        const tx = db.transaction('chunks', 'readwrite');
        if (keep > 0) void tx.store.delete(IDBKeyRange.upperBound([keep], true)).catch(() => {});
        void tx.store.delete(IDBKeyRange.lowerBound([keep + 1])).catch(() => {});
        await tx.done;
      }),
    close() {
      const current = opening;
      opening = null;
      current?.then((db) => db.close(), () => {});
    },
  };
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
