/**
 * A fault-injecting wrapper around any Storage: tests (and users rehearsing failures) make
 * chosen operations fail (QuotaExceededError, a closed connection) or never complete (the
 * tab was killed mid-transaction). The inner store sees only the operations let through,
 * each whole or not at all, exactly as a crash between IndexedDB transactions leaves it.
 */
import type { Storage } from './storage.js';

export type StorageOp =
  | 'readManifest'
  | 'readChunks'
  | 'readLog'
  | 'append'
  | 'writeChunks'
  | 'commitSnapshot'
  | 'truncateLog'
  | 'dropChunksExcept'
  | 'claimEpoch';

/** Operations that change the store. */
export const WRITE_OPS: ReadonlySet<StorageOp> = new Set(['append', 'writeChunks', 'commitSnapshot', 'truncateLog', 'dropChunksExcept', 'claimEpoch']);

export interface FaultPlan {
  /**
   * Called before each operation with its name and how many write operations were let
   * through so far. Throw to fail the operation with that error; return 'hang' to leave it
   * pending forever (nothing reaches the inner store).
   */
  before(op: StorageOp, writesSoFar: number): void | 'hang';
}

export interface FaultyStorage extends Storage {
  /** Write operations that reached the inner store. */
  readonly writes: number;
}

/** `inner`, with `plan` deciding the fate of every operation. */
export function faultyStorage(inner: Storage, plan: FaultPlan): FaultyStorage {
  let writes = 0;
  const guard = <T>(op: StorageOp, run: () => Promise<T>): Promise<T> => {
    let verdict: void | 'hang';
    try {
      verdict = plan.before(op, writes);
    } catch (error) {
      return Promise.reject(error);
    }
    if (verdict === 'hang') return new Promise<T>(() => {});
    if (WRITE_OPS.has(op)) writes++;
    return run();
  };
  // A fenced view of the wrapper is the same plan around the inner store's fenced view.
  const wrap = (store: Storage): FaultyStorage => ({
    name: store.name,
    get writes() {
      return writes;
    },
    readManifest: () => guard('readManifest', () => store.readManifest()),
    readChunks: (s, f, c) => guard('readChunks', () => store.readChunks(s, f, c)),
    readLog: (a, l) => guard('readLog', () => store.readLog(a, l)),
    append: (r, d) => guard('append', () => store.append(r, d)),
    writeChunks: (c) => guard('writeChunks', () => store.writeChunks(c)),
    commitSnapshot: (m, d) => guard('commitSnapshot', () => store.commitSnapshot(m, d)),
    truncateLog: (f) => guard('truncateLog', () => store.truncateLog(f)),
    dropChunksExcept: (k) => guard('dropChunksExcept', () => store.dropChunksExcept(k)),
    claimEpoch: (seen) => guard('claimEpoch', () => store.claimEpoch(seen)),
    fenced: (epoch) => wrap(store.fenced(epoch)),
    close: () => store.close(),
  });
  return wrap(inner);
}

/** A DOMException like the one IndexedDB raises when the origin is out of quota. */
export function quotaExceeded(): Error {
  return new DOMException('The quota has been exceeded.', 'QuotaExceededError');
}
