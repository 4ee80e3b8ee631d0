/**
 * The storage interface persistence writes through, and the memory implementation.
 *
 * A store holds three things (one IndexedDB database per store name): the manifest, the
 * chunks of snapshots, and log records keyed by sequence number. Every method is one
 * atomic step (one IndexedDB transaction): a crash between two calls leaves the store as
 * the first call left it. The engine side (persistence.ts) owns ordering: it never has two
 * writes in flight at once, and switches snapshots only with `commitSnapshot`.
 */
import type { LogRecord, Manifest, SnapshotChunk } from './codec.js';

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
  /** Release the underlying connection. Later calls reopen it. */
  close(): void;
}

/** A `Storage` whose data lives in this process: tests, and engines that only need SAVE/export semantics. */
export interface MemoryStorage extends Storage {
  /** Everything stored, for tests: manifest, chunk keys, record seqs. */
  inspect(): { manifest: Manifest | null; chunks: Array<[number, number]>; seqs: number[]; bytes: number };
}

/** A store in memory. Two engines given the same instance share it, as two opens of one database. */
export function memoryStorage(name = 'memory'): MemoryStorage {
  let manifest: Manifest | null = null;
  const chunks = new Map<string, SnapshotChunk>();
  const log = new Map<number, LogRecord>();
  const chunkKey = (snapshot: number, index: number) => `${snapshot}:${index}`;
  // Every step resolves asynchronously, as IndexedDB does: callers never see it in their tick.
  const step = <T>(fn: () => T): Promise<T> => Promise.resolve().then(fn);
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
      step(() => {
        for (const r of records) if (log.has(r.seq)) throw new DOMException(`log record ${r.seq} exists`, 'ConstraintError');
        for (const r of records) log.set(r.seq, { ...r });
      }),
    writeChunks: (list) =>
      step(() => {
        for (const c of list) chunks.set(chunkKey(c.snapshot, c.index), { ...c });
      }),
    commitSnapshot: (next) =>
      step(() => {
        manifest = { ...next };
        for (const seq of [...log.keys()]) if (seq <= next.snapshotSeq) log.delete(seq);
        for (const [key, c] of [...chunks]) if (c.snapshot !== next.snapshotId) chunks.delete(key);
      }),
    truncateLog: (from) =>
      step(() => {
        for (const seq of [...log.keys()]) if (seq >= from) log.delete(seq);
      }),
    dropChunksExcept: (keep) =>
      step(() => {
        for (const [key, c] of [...chunks]) if (c.snapshot !== keep) chunks.delete(key);
      }),
    close() {},
    inspect() {
      let bytes = 0;
      for (const c of chunks.values()) bytes += c.data.length;
      for (const r of log.values()) bytes += r.data.length;
      return {
        manifest: manifest === null ? null : { ...manifest },
        chunks: [...chunks.values()].map((c) => [c.snapshot, c.index] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]),
        seqs: [...log.keys()].sort((a, b) => a - b),
        bytes,
      };
    },
  };
}
