/**
 * Recovery: manifest → snapshot chunks → the log after the snapshot, replayed through the
 * engine on a private connection (redis: loadDataFromDisk, loadSingleAppendOnlyFile).
 *
 * Contract:
 * - Nothing is skipped silently. A missing or unreadable chunk, a newer format, a gap in the
 *   log's sequence or an unreadable record rejects with a PersistenceError naming it.
 * - With `loadTruncated`, a bad *log record* ends loading instead: the data is what the
 *   records before it built, the bad record and everything after it are deleted from the
 *   store (as Redis truncates a damaged AOF tail), and a warning names what was cut.
 * - Deadlines while loading are Redis's (server.loading): the engine is put in loading mode
 *   (Keyspace.loading), where nothing expires and a deadline already past is kept, so a
 *   later record that moves or removes it (PEXPIRE, PERSIST) or writes to the key applies
 *   as it did when it ran. Once the whole log is replayed, the keys still past their
 *   deadline are dropped (Engine.finishLoading), unbuilt snapshot strings included without
 *   building them, under one expiry mark in the log (`replayed` subscribes it first): the
 *   store still holds them, so a later record that found a key absent (SET NX, SADD …) must
 *   replay after the mark, whose replay drops the same keys (EXPIRED_BEFORE).
 * - A transaction left open at the end of the log (it cannot be, records are atomic, but a
 *   damaged store might) is discarded, as Redis reverts an incomplete MULTI.
 * - Bucketed snapshot strings (codec.ts) are validated whole but not built: the keyspace
 *   gets them as a PendingLoad (engine/pending-load.ts) before the log is replayed, builds
 *   what commands reach, and `buildInBackground` builds the rest in short slices.
 * - A read-only load runs beside the store's leader, whose compaction may drop the chunks
 *   and log records it is about to read (a gap, a missing chunk, or just a log that ends
 *   early). It loads again from the new snapshot when the snapshot it read is no longer
 *   current at its end (success or failure), up to READ_ONLY_ATTEMPTS times; progress
 *   starts over with each attempt, and 'done' is reported once, by the one that stands. A
 *   manifest gone at its end (the database deleted meanwhile) fails it.
 */
import { isAscii } from '../engine/bytes.js';
import { EXPIRED_BEFORE, type Engine } from '../engine/engine.js';
import { PendingLoad, type PendingStrings } from '../engine/pending-load.js';
import { ReplyError } from '../engine/errors.js';
import { checkManifest, decodeChunk, type ChunkStrings, decodeRecord, FORMAT_VERSION, NewerFormatError, PersistenceError, type Manifest } from './codec.js';
import type { Storage } from './storage.js';

export interface LoadProgress {
  phase: 'snapshot' | 'log' | 'done';
  chunksLoaded: number;
  chunksTotal: number;
  recordsLoaded: number;
  /** Unknown until the log is read to its end: the records read so far plus one more page. */
  recordsTotal: number;
  /** Keys in the keyspace so far. */
  keys: number;
}

export interface RecoveryResult {
  manifest: Manifest;
  /** Highest seq loaded (the snapshot's when the log is empty). */
  lastSeq: number;
  /** Bytes of log loaded, and [seq, bytes] per record (compaction sizes). */
  logBytes: number;
  records: Array<[number, number]>;
  keysLoaded: number;
  keysExpired: number;
  /** Commands that failed on replay (a consistent log has none). */
  replayErrors: number;
  warnings: string[];
}

export interface RecoveryOptions {
  loadTruncated: boolean;
  /** Never write: a damaged tail is skipped (with the warning), not deleted. */
  readOnly?: boolean;
  onProgress?: (progress: LoadProgress) => void;
  /**
   * The store is replayed; the keys still past their deadline expire right after this
   * returns. A writable engine starts its log here, so their expiry mark is logged.
   */
  replayed?: (result: RecoveryResult) => void;
}

const CHUNKS_PER_READ = 64;
const RECORDS_PER_READ = 512;
/** Loads a read-only engine tries before it gives up on a store that keeps compacting. */
const READ_ONLY_ATTEMPTS = 5;

/**
 * Apply snapshot commands. A snapshot's keys are distinct and start empty, so the two
 * commands that make up most of one — a plain `SET key value` and `PEXPIREAT key ms` — go
 * straight into the keyspace (what the handlers would do for a new key); anything else
 * (collection rebuilds) runs through the engine. A format-2 chunk's plain strings go in
 * whole (`strings`: Keyspace.loadStrings).
 */
function snapshotLoader(
  engine: Engine,
  apply: (argv: string[]) => void,
  now: number,
): ((argv: string[]) => void) & {
  /** Keys loaded whole with a deadline already past (the load's end expires them). */
  pastDeadline: number;
  set: (key: string, value: string) => void;
  strings: (strings: ChunkStrings) => void;
  lazy: PendingLoad | null;
} {
  const db = engine.db;
  const set = (key: string, value: string) => {
    if (engine.asciiOnly && !(isAscii(key) && isAscii(value))) engine.asciiOnly = false;
    db.set(key, { type: 'string', value, expireAt: 0, access: 0, slot: 0 });
  };
  const load = (argv: string[]) => {
    if (argv.length === 3) {
      const name = argv[0]!;
      if (name === 'SET') {
        set(argv[1]!, argv[2]!);
        return;
      }
      if (name === 'PEXPIREAT') {
        const when = Number(argv[2]);
        const entry = db.get(argv[1]!);
        if (entry !== undefined && Number.isSafeInteger(when) && when > 0) {
          // Past or not: the log may move it (loading mode; the load's end expires it).
          if (when < now) load.pastDeadline++;
          db.setExpire(argv[1]!, entry, when);
          return;
        }
      }
    }
    apply(argv);
  };
  const insert = (strings: PendingStrings) => {
    // One scan of the concatenations instead of two per key.
    if (engine.asciiOnly && !(isAscii(strings.keys) && isAscii(strings.values))) engine.asciiOnly = false;
    // While the log is replayed a key past its deadline goes in too (the log may move the
    // deadline); a bucket built later drops those expired at load.
    return db.loadStrings(strings.keys, strings.values, strings.lengths, strings.deadlines, now);
  };
  load.pastDeadline = 0;
  load.set = set;
  load.lazy = null as PendingLoad | null;
  load.strings = (strings: ChunkStrings) => {
    const { bucket, buckets } = strings;
    if (bucket !== undefined && buckets !== undefined) {
      load.lazy ??= new PendingLoad(buckets, now, insert, (key, value) => {
        if (engine.asciiOnly && !(isAscii(key) && isAscii(value))) engine.asciiOnly = false;
      });
      // Every chunk of a snapshot has the same bucket count; one that differs is built now.
      if (load.lazy.buckets === buckets) return load.lazy.add(bucket, strings);
    }
    load.pastDeadline += insert(strings);
  };
  return load;
}

export async function recover(engine: Engine, storage: Storage, options: RecoveryOptions): Promise<RecoveryResult> {
  engine.db.loading = true;
  let result: RecoveryResult;
  try {
    result = options.readOnly ? await recoverReadOnly(engine, storage, options) : await recoverOnce(engine, storage, options, () => {});
  } catch (error) {
    engine.db.loading = false;
    throw error;
  }
  options.replayed?.(result);
  result.keysExpired += engine.finishLoading();
  if (engine.db.building) buildInBackground(engine);
  return result;
}

/** A read-only load, started over while a compaction replaces the snapshot under it. */
async function recoverReadOnly(engine: Engine, storage: Storage, options: RecoveryOptions): Promise<RecoveryResult> {
  // An attempt that is started over did not finish the load: its 'done' is not reported.
  let done = null as LoadProgress | null;
  const attemptOptions: RecoveryOptions = {
    ...options,
    onProgress: (progress) => {
      if (progress.phase === 'done') done = progress;
      else options.onProgress?.(progress);
    },
  };
  for (let attempt = 1; ; attempt++) {
    let snapshot = -1;
    let failure: unknown = null;
    let result: RecoveryResult | null = null;
    try {
      result = await recoverOnce(engine, storage, attemptOptions, (manifest) => (snapshot = manifest.snapshotId));
    } catch (error) {
      if (snapshot === -1 || !(error instanceof PersistenceError)) throw error;
      failure = error;
    }
    // Compactions only ever move the snapshot forward: the same id, nothing was dropped.
    const current = await storage.readManifest();
    if ((current?.snapshotId ?? 0) === snapshot) {
      if (failure !== null || result === null) throw failure;
      if (done !== null) options.onProgress?.(done);
      return result;
    }
    // No compaction removes the manifest: the database was deleted (the leader rebuilds it
    // from memory on its next write). Loading the empty store would lose every key.
    if (current === null) {
      throw new PersistenceError(`idb-redis store '${storage.name}': the store was deleted while this read-only engine loaded it`);
    }
    if (attempt === READ_ONLY_ATTEMPTS) {
      throw new PersistenceError(
        `idb-redis store '${storage.name}': a compaction replaced the snapshot while this read-only engine loaded it (${attempt} times)`,
      );
    }
    engine.db.clear();
    done = null;
  }
}

/** One load; `read` gets the manifest it loads from. */
async function recoverOnce(engine: Engine, storage: Storage, options: RecoveryOptions, read: (manifest: Manifest) => void): Promise<RecoveryResult> {
  const raw = await storage.readManifest();
  const manifest: Manifest =
    raw === null
      ? { format: FORMAT_VERSION, snapshotId: 0, snapshotSeq: 0, chunks: 0, snapshotBytes: 0, keys: 0, savedAt: 0 }
      : checkManifest(raw, storage.name);
  read(manifest);
  const conn = engine.connect();
  conn.replays = true;
  const progress: LoadProgress = { phase: 'snapshot', chunksLoaded: 0, chunksTotal: manifest.chunks, recordsLoaded: 0, recordsTotal: 0, keys: 0 };
  const report = () => {
    progress.keys = engine.db.loadedSize;
    options.onProgress?.({ ...progress });
  };
  let replayErrors = 0;
  const now = engine.clock();
  const apply = (argv: string[]) => {
    if (argv[0] === EXPIRED_BEFORE && argv.length === 2) {
      // A damaged mark drops nothing (NaN or ±Infinity would drop every key with a
      // deadline): a failed replay, as a damaged command's error reply is.
      const when = Number(argv[1]);
      if (argv[1] !== '' && Number.isFinite(when)) engine.db.dropExpiredBefore(when);
      else replayErrors++;
      return;
    }
    engine.noteBytes(argv);
    const reply = engine.execute(conn, argv);
    if (reply instanceof ReplyError) replayErrors++;
  };
  try {
    report();
    // The snapshot: the next read (64 chunks, up to 16 MiB) is in flight while a page is applied.
    const read = (from: number) => storage.readChunks(manifest.snapshotId, from, Math.min(CHUNKS_PER_READ, manifest.chunks - from));
    let next = manifest.chunks > 0 ? read(0) : null;
    const load = snapshotLoader(engine, apply, now);
    for (let from = 0; from < manifest.chunks; from += CHUNKS_PER_READ) {
      const count = Math.min(CHUNKS_PER_READ, manifest.chunks - from);
      const chunks = await next!;
      next = from + CHUNKS_PER_READ < manifest.chunks ? read(from + CHUNKS_PER_READ) : null;
      for (let i = 0; i < count; i++) {
        const chunk = chunks.find((c) => c.index === from + i);
        decodeChunk(chunk, storage.name, manifest.snapshotId, from + i, load, load.set, load.strings);
        progress.chunksLoaded++;
        report();
      }
    }
    // Bucketed strings: served from here on, built as they are reached.
    if (load.lazy !== null) engine.db.loadLazily(load.lazy);
    const keysLoaded = engine.db.loadedSize - load.pastDeadline;
    // The log after it.
    progress.phase = 'log';
    let lastSeq = manifest.snapshotSeq;
    // A record of an epoch below one already seen is a stale writer's (storage.ts): skipped.
    let epoch = manifest.epoch ?? 0;
    let logBytes = 0;
    const records: Array<[number, number]> = [];
    const warnings: string[] = [];
    // The skipped records at the end of what was read (their first seq, and the read it was
    // in): a stale writer's, which lie past everything but a newer claim's seal, until the
    // leader's next append replaces them. A leader's record past them, read later, may mean
    // they were replaced between the two reads (a read-only load beside the leader).
    let staleFrom = 0;
    let staleRead = 0;
    let reads = 0;
    read: for (;;) {
      const page = await storage.readLog(lastSeq, RECORDS_PER_READ);
      reads++;
      if (page.length === 0) break;
      progress.recordsTotal = progress.recordsLoaded + page.length + (page.length === RECORDS_PER_READ ? RECORDS_PER_READ : 0);
      for (const record of page) {
        const seq = (record as { seq?: unknown }).seq;
        try {
          if (typeof seq === 'number' && seq !== lastSeq + 1) {
            throw new PersistenceError(
              `idb-redis store '${storage.name}': log records ${lastSeq + 1}..${seq - 1} are missing`,
              lastSeq + 1,
            );
          }
          const writer = typeof record.epoch === 'number' ? record.epoch : 0;
          if (writer < epoch) {
            if (staleFrom === 0) [staleFrom, staleRead] = [seq as number, reads];
          } else {
            if (staleFrom > 0 && staleRead < reads) {
              const [first] = await storage.readLog(staleFrom - 1, 1);
              if (first?.seq !== staleFrom || (typeof first.epoch === 'number' ? first.epoch : 0) >= epoch) {
                // Replaced: read again from there (nothing of the skipped records was applied).
                lastSeq = staleFrom - 1;
                while (records.length > 0 && records[records.length - 1]![0] > lastSeq) {
                  logBytes -= records.pop()![1];
                  progress.recordsLoaded--;
                }
                staleFrom = 0;
                continue read;
              }
            }
            staleFrom = 0;
            epoch = writer;
            decodeRecord(record, storage.name, apply);
          }
        } catch (error) {
          // A newer build's record is not damage: cutting it off would lose its writes.
          if (!(error instanceof PersistenceError) || error instanceof NewerFormatError || !options.loadTruncated) throw error;
          const from = error.seq ?? lastSeq + 1;
          warnings.push(
            `${error.message}; loaded up to record ${lastSeq} and ${options.readOnly ? 'ignored' : 'removed'} the log from record ${from} on (loadTruncated)`,
          );
          // The emptied tail keeps its seqs: new records follow it.
          if (!options.readOnly) lastSeq = Math.max(lastSeq, await storage.truncateLog(from));
          break read;
        }
        lastSeq = seq as number;
        logBytes += record.data.length;
        records.push([lastSeq, record.data.length]);
        progress.recordsLoaded++;
      }
      report();
    }
    if (conn.multi !== null) engine.execute(conn, ['DISCARD']);
    progress.phase = 'done';
    progress.recordsTotal = progress.recordsLoaded;
    report();
    // The load's end drops the keys past their deadline (recover).
    return { manifest, lastSeq, logBytes, records, keysLoaded, keysExpired: 0, replayErrors, warnings };
  } finally {
    conn.close();
    // Arms the active expirer for the deadlines just loaded.
    engine.endTurn();
  }
}

/** Work per background slice, in ms: what a command arriving meanwhile may wait. */
const BUILD_SLICE_MS = 4;

/**
 * Build the keyspace's unbuilt buckets in slices of about BUILD_SLICE_MS, each its own
 * task so commands run between them; stops once all are built (by it, by commands, or by
 * one that needed the whole keyspace) or the engine closes.
 */
export function buildInBackground(engine: Engine): void {
  const step = () => {
    if (engine.closed) return;
    const db = engine.db;
    const until = performance.now() + BUILD_SLICE_MS;
    while (db.buildNext()) {
      if (performance.now() >= until) {
        nextTask(step);
        return;
      }
    }
  };
  nextTask(step);
}

/**
 * Run `fn` as a new task, unclamped: a browser clamps chained setTimeout(0) to 4 ms, so
 * workers post to a MessageChannel (Node has setImmediate).
 */
let channel: { port: MessagePort; queue: Array<() => void> } | null = null;
function nextTask(fn: () => void): void {
  if (typeof setImmediate === 'function') {
    setImmediate(fn);
    return;
  }
  if (channel === null) {
    const { port1, port2 } = new MessageChannel();
    const queue: Array<() => void> = [];
    port1.onmessage = () => queue.shift()?.();
    channel = { port: port2, queue };
  }
  channel.queue.push(fn);
  channel.port.postMessage(null);
}
