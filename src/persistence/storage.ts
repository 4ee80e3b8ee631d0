/**
 * The storage interface persistence writes through, and the memory implementation.
 *
 * A store holds three things (one IndexedDB database per store name): the manifest, the
 * chunks of snapshots, and log records keyed by sequence number. Every method is one
 * atomic step (one IndexedDB transaction): a crash between two calls leaves the store as
 * the first call left it. The engine side (persistence.ts) owns ordering: it never has two
 * writes in flight at once, and switches snapshots only with `commitSnapshot`.
 *
 * Fencing: a store also holds a leadership epoch. A writer takes the next one with
 * `claimEpoch` (one transaction: read, add one, write) before it reads anything, and writes
 * through `fenced(epoch)`: each of that view's write transactions first reads the store's
 * epoch and aborts, whole, if a newer writer claimed one since. So a stale writer (a frozen
 * tab's engine, one restored from the back/forward cache) can never write over a newer
 * one, whatever it had queued; and since the new writer claims before it recovers, every
 * write the stale one committed before the claim is in what the new one loads.
 */
import { chunkBytes, PersistenceError, type LogRecord, type Manifest, type SnapshotChunk } from './codec.js';

export type Durability = 'default' | 'strict' | 'relaxed';

export interface Storage {
  /** The store's name (one database per name). */
  readonly name: string;
  /** The manifest, or null for a store never written. */
  readManifest(): Promise<Manifest | null>;
  /** Up to `count` chunks of `snapshot` from index `from`, in index order (missing ones absent). */
  readChunks(snapshot: number, from: number, count: number): Promise<SnapshotChunk[]>;
  /** Up to `limit` log records with seq > `after`, in seq order. */
  readLog(after: number, limit: number): Promise<LogRecord[]>;
  /** Append records in one transaction. A record whose seq exists already fails it. */
  append(records: readonly LogRecord[], durability?: Durability): Promise<void>;
  /** Write chunks of a snapshot that is not current yet. */
  writeChunks(chunks: readonly SnapshotChunk[]): Promise<void>;
  /**
   * In one transaction: make `manifest` current, delete log records with
   * seq <= manifest.snapshotSeq and every chunk of other snapshots.
   */
  commitSnapshot(manifest: Manifest, durability?: Durability): Promise<void>;
  /** Delete log records with seq >= `from` (loading a truncated log cuts its damaged tail). */
  truncateLog(from: number): Promise<void>;
  /** Delete chunks of every snapshot but `keep` (leftovers of an interrupted compaction). */
  dropChunksExcept(keep: number): Promise<void>;
  /**
   * In one transaction: the store's epoch becomes max(its epoch, `seen`) + 1, which is
   * returned. Writes through a view fenced by an older epoch fail from then on.
   */
  claimEpoch(seen: number): Promise<number>;
  /**
   * This store, with every write (append, writeChunks, commitSnapshot, truncateLog,
   * dropChunksExcept) checked in its own transaction against the store's epoch: above
   * `epoch`, the transaction aborts and the call rejects with a FencedError. Reads and
   * `close` are the store's own.
   */
  fenced(epoch: number): Storage;
  /** Release the underlying connection. Later calls reopen it. */
  close(): void;
}

/** A write refused because another writer claimed a newer epoch of the store. */
export class FencedError extends PersistenceError {
  override name = 'FencedError';
  constructor(
    /** The refused writer's epoch. */
    readonly epoch: number,
    /** The store's epoch (the newer writer's). */
    readonly current: number,
  ) {
    super(`this engine lost the store's leadership (epoch ${epoch} < ${current})`);
  }
}

export function isFencedError(error: unknown): error is FencedError {
  return error instanceof PersistenceError && error.name === 'FencedError';
}

/** A `Storage` whose data lives in this process: tests, and engines that only need SAVE/export semantics. */
export interface MemoryStorage extends Storage {
  /** Everything stored, for tests: manifest, chunk keys, record seqs. */
  inspect(): { manifest: Manifest | null; chunks: Array<[number, number]>; seqs: number[]; bytes: number; epoch: number };
}

/** A store in memory. Two engines given the same instance share it, as two opens of one database. */
export function memoryStorage(name = 'memory'): MemoryStorage {
  let manifest: Manifest | null = null;
  let epoch = 0;
  const chunks = new Map<string, SnapshotChunk>();
  const log = new Map<number, LogRecord>();
  const chunkKey = (snapshot: number, index: number) => `${snapshot}:${index}`;
  // Every step resolves asynchronously, as IndexedDB does: callers never see it in their tick.
  const step = <T>(fn: () => T): Promise<T> => Promise.resolve().then(fn);
  /** The store as seen by a writer of `mine` (null: unfenced), each write checked first. */
  const view = (mine: number | null): MemoryStorage => {
    const write = (fn: () => void): Promise<void> =>
      step(() => {
        if (mine !== null && epoch > mine) throw new FencedError(mine, epoch);
        fn();
      });
    return {
      name,
      readManifest: () => step(() => (manifest === null ? null : { ...manifest })),
      readChunks: (snapshot, from, count) =>
        step(() => {
          const out: SnapshotChunk[] = [];
          for (let i = from; i < from + count; i++) {
            const c = chunks.get(chunkKey(snapshot, i));
            if (c !== undefined) out.push({ ...c });
          }
          return out;
        }),
      readLog: (after, limit) =>
        step(() =>
          [...log.keys()]
            .filter((seq) => seq > after)
            .sort((a, b) => a - b)
            .slice(0, limit)
            .map((seq) => ({ ...log.get(seq)! })),
        ),
      append: (records) =>
        write(() => {
          for (const r of records) if (log.has(r.seq)) throw new DOMException(`log record ${r.seq} exists`, 'ConstraintError');
          for (const r of records) log.set(r.seq, { ...r });
        }),
      writeChunks: (list) =>
        write(() => {
          for (const c of list) chunks.set(chunkKey(c.snapshot, c.index), { ...c });
        }),
      commitSnapshot: (next) =>
        write(() => {
          manifest = { ...next };
          for (const seq of [...log.keys()]) if (seq <= next.snapshotSeq) log.delete(seq);
          for (const [key, c] of [...chunks]) if (c.snapshot !== next.snapshotId) chunks.delete(key);
        }),
      truncateLog: (from) =>
        write(() => {
          for (const seq of [...log.keys()]) if (seq >= from) log.delete(seq);
        }),
      dropChunksExcept: (keep) =>
        write(() => {
          for (const [key, c] of [...chunks]) if (c.snapshot !== keep) chunks.delete(key);
        }),
      claimEpoch: (seen) => step(() => (epoch = Math.max(epoch, seen) + 1)),
      fenced: (e) => view(e),
      close() {},
      inspect() {
        let bytes = 0;
        for (const c of chunks.values()) bytes += chunkBytes(c);
        for (const r of log.values()) bytes += r.data.length;
        return {
          manifest: manifest === null ? null : { ...manifest },
          chunks: [...chunks.values()].map((c) => [c.snapshot, c.index] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]),
          seqs: [...log.keys()].sort((a, b) => a - b),
          bytes,
          epoch,
        };
      },
    };
  };
  return view(null);
}
