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
 * `claimEpoch` before it reads anything, and writes through `fenced(epoch)`, so a stale
 * writer (a frozen tab's engine, one restored from the back/forward cache) can never write
 * over a newer one, whatever it had queued; and since the new writer claims before it
 * recovers, every write the stale one committed before the claim is in what it loads.
 * - Snapshot writes (chunks, the manifest switch, truncation, cleanup) read the store's
 *   epoch first in their own transaction and abort, whole, when it is above theirs.
 * - Appends, one per group commit, are optimistic: the epoch is read in the same
 *   transaction but the records are added without waiting for it, so the transaction can
 *   commit at once (IndexedDB's `commit()`, which the check would otherwise have to
 *   precede). What keeps a stale append out of the data:
 *   1. The claim, in its transaction, adds a *seal* (a record without commands, of the new
 *      epoch) right after the log's last record. A stale writer's next record is at most
 *      that seq, and `add` of an existing seq fails the whole transaction.
 *   2. Only a compaction makes room below the seal again. A stale append landing there is
 *      at or below the snapshot's seq, which recovery never reads; one that lands past the
 *      log's end (the log was compacted empty) has an epoch below the manifest's.
 *      Recovery skips every record whose epoch is below the highest seen so far (starting
 *      at the manifest's), and the leader's next append, colliding with it, replaces
 *      everything above its head in a checked transaction.
 *   3. The stale writer saw the newer epoch in its transaction: the call rejects with a
 *      FencedError even when the records landed, so nothing it wrote after the claim is
 *      ever acknowledged.
 *   4. A database deleted and recreated (then claimed by a newer engine) restarts the log
 *      at 1, where the seal no longer guards a stale writer's seqs. Deletion waits for every
 *      connection to close, so an IndexedDB view appends optimistically only on the
 *      connection it claimed (or last appended) on; its first append on a newer one reads
 *      the epoch before adding: above its own, refused with nothing landed; below it or
 *      absent, the database was recreated (the epoch never decreases): StoreLostError, and
 *      persistence rewrites it whole. A snapshot committed on another connection than its
 *      first chunk's is checked alike (its first chunks may have gone with the database).
 *      Not told apart: a recreated store claimed with the very epoch of the old writer (its
 *      opener heard of no earlier leader).
 * - Truncating a damaged tail replaces the records with empty ones of the truncating
 *   writer's epoch instead of deleting them, so point 1 holds after it too.
 */
import { chunkBytes, FORMAT_VERSION, PersistenceError, type LogRecord, type Manifest, type SnapshotChunk } from './codec.js';

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
  /**
   * Append records in one transaction, stamped with the view's epoch. A record whose seq
   * exists already fails it, except that a fenced view still leading replaces records
   * above its head (a stale writer's, see the note above).
   */
  append(records: readonly LogRecord[], durability?: Durability): Promise<void>;
  /** Write chunks of a snapshot that is not current yet. */
  writeChunks(chunks: readonly SnapshotChunk[]): Promise<void>;
  /**
   * In one transaction: make `manifest` current, delete log records with
   * seq <= manifest.snapshotSeq and every chunk of other snapshots.
   */
  commitSnapshot(manifest: Manifest, durability?: Durability): Promise<void>;
  /**
   * Empty the log from `from` on (loading a truncated log cuts its damaged tail): every
   * seq from `from` to the last record's becomes a seal of the view's epoch, gaps
   * included. Resolves with the last seq (`from` - 1 when nothing was there).
   */
  truncateLog(from: number): Promise<number>;
  /** Delete chunks of every snapshot but `keep` (leftovers of an interrupted compaction). */
  dropChunksExcept(keep: number): Promise<void>;
  /**
   * In one transaction: the store's epoch becomes max(its epoch, `seen`) + 1, which is
   * returned, and a seal of it follows the log's last record (or the snapshot's seq).
   * Writes through a view fenced by an older epoch fail from then on.
   */
  claimEpoch(seen: number): Promise<number>;
  /**
   * This store, with every write (append, writeChunks, commitSnapshot, truncateLog,
   * dropChunksExcept) checked in its own transaction against the store's epoch: above
   * `epoch`, the call rejects with a FencedError, the transaction aborted (an append's
   * records may have landed where recovery ignores them, as the note above explains).
   * Reads and `close` are the store's own.
   */
  fenced(epoch: number): Storage;
  /** Release the underlying connection. Later calls reopen it. */
  close(): void;
}

/** The empty record that marks `epoch`'s start (claim) or replaces a damaged one (truncation). */
export function seal(seq: number, epoch: number): LogRecord {
  return { seq, format: FORMAT_VERSION, count: 0, data: '', epoch };
}

/** `records` stamped with the writer's epoch (null: an unfenced view writes them as given). */
export function stamped(records: readonly LogRecord[], epoch: number | null): readonly LogRecord[] {
  return epoch === null ? records : records.map((r) => ({ ...r, epoch }));
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
  /** The log becomes exactly `records`, unchecked (tests: damaged stores). */
  replaceLog(records: readonly LogRecord[]): void;
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
        step(() => {
          const current = epoch;
          const collides = records.some((r) => log.has(r.seq));
          if (mine !== null && current > mine) {
            // As IndexedDB: the optimistic records land unless one collides; refused either way.
            if (!collides) for (const r of stamped(records, mine)) log.set(r.seq, { ...r });
            throw new FencedError(mine, current);
          }
          if (collides) {
            if (mine === null) throw new DOMException(`log record ${records.find((r) => log.has(r.seq))!.seq} exists`, 'ConstraintError');
            // Still leading: what sits above our head is a stale writer's.
            for (const seq of [...log.keys()]) if (seq >= records[0]!.seq) log.delete(seq);
          }
          for (const r of stamped(records, mine)) log.set(r.seq, { ...r });
        }),
      writeChunks: (list) =>
        write(() => {
          for (const c of list) chunks.set(chunkKey(c.snapshot, c.index), { ...c });
        }),
      commitSnapshot: (next) =>
        write(() => {
          manifest = mine === null ? { ...next } : { ...next, epoch: mine };
          for (const seq of [...log.keys()]) if (seq <= next.snapshotSeq) log.delete(seq);
          for (const [key, c] of [...chunks]) if (c.snapshot !== next.snapshotId) chunks.delete(key);
        }),
      truncateLog: (from) =>
        step(() => {
          if (mine !== null && epoch > mine) throw new FencedError(mine, epoch);
          let last = from - 1;
          for (const seq of log.keys()) last = Math.max(last, seq);
          for (let seq = from; seq <= last; seq++) log.set(seq, seal(seq, mine ?? 0));
          return last;
        }),
      dropChunksExcept: (keep) =>
        write(() => {
          for (const [key, c] of [...chunks]) if (c.snapshot !== keep) chunks.delete(key);
        }),
      claimEpoch: (seen) =>
        step(() => {
          epoch = Math.max(epoch, seen) + 1;
          let head = manifest?.snapshotSeq ?? 0;
          for (const seq of log.keys()) head = Math.max(head, seq);
          log.set(head + 1, seal(head + 1, epoch));
          return epoch;
        }),
      fenced: (e) => view(e),
      close() {},
      replaceLog(records) {
        log.clear();
        for (const r of records) log.set(r.seq, { ...r });
      },
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
