/**
 * An engine's persistence: recovery at start, the effect log (the AOF) with group commit
 * and appendfsync modes, snapshots (SAVE, BGSAVE, BGREWRITEAOF, automatic compaction) and
 * write faults.
 *
 * Design note:
 * - Log: the engine delivers each turn's effects once (`onEffects`) to the AppendLog
 *   (log.ts: group commit, appendfsync modes, the reply gate). `appendonly no`: no log,
 *   data persists through snapshots only (SAVE, BGSAVE, the `save` rules).
 * - Snapshots (snapshots.ts): SAVE, BGSAVE, BGREWRITEAOF, automatic compaction and the
 *   `save` rules, each switching the manifest in one transaction.
 * - Faults: a failed append (QuotaExceededError, …) keeps its records for a retry every
 *   second; until one succeeds, write commands are refused with MISCONF and the replies
 *   waiting on the failed commit get that error. Reads keep working. Nothing that was
 *   acknowledged is lost: acknowledgement only ever follows a commit.
 * - Fencing (storage.ts): a writable engine claims the store's next leadership epoch before
 *   it reads anything, and writes through a view fenced by it. A write refused because a
 *   newer engine claimed the store (this one is a stale leader) fails every reply waiting
 *   on it with the READONLY fencing error, and from then on the engine answers every
 *   command but the `loading` ones (INFO, CONFIG …) with it: its memory holds writes the
 *   store refused, so neither reads nor writes are served. Nothing retries.
 */
import type { Engine } from '../engine/engine.js';
import type { CommandSpec } from '../engine/command.js';
import type { Connection } from '../engine/connection.js';
import { Errors, ReplyError } from '../engine/errors.js';
import { FORMAT_VERSION, PersistenceError, type Manifest } from './codec.js';
import { persistenceInfo } from './info.js';
import { AppendLog, type AppendFsync } from './log.js';
import { recover, type LoadProgress } from './recovery.js';
import { Snapshots, type SnapshotKind } from './snapshots.js';
import { isFencedError, type FencedError, type Storage } from './storage.js';

export type { AppendFsync } from './log.js';

export interface PersistenceOptions {
  /** When appends happen and what replies wait for (default 'always'). */
  appendfsync?: AppendFsync;
  /** Keep the log at all (default true). False: snapshots only (SAVE, BGSAVE, flush). */
  appendonly?: boolean;
  /** `always` commits with IndexedDB's 'strict' durability (flushed to disk before the reply). */
  strictDurability?: boolean;
  /**
   * Load a log with an unreadable record up to that record (and cut the rest off), like
   * Redis's aof-load-truncated. Default false: loading fails with an error naming the record.
   */
  loadTruncated?: boolean;
  /**
   * Load the store and never write to it (another engine, e.g. the worker's, owns it): for
   * reading or exporting a store from a page. Write commands get Redis's READONLY error.
   */
  readOnly?: boolean;
  /** Progress while loading a large store. */
  onLoadProgress?: (progress: LoadProgress) => void;
  /** Target snapshot chunk size in bytes (default 256 KiB). */
  chunkBytes?: number;
  /**
   * Target keys per hash bucket of a snapshot's strings (default 8192; 0: none). A
   * snapshot of at least 4 buckets' worth groups them so a cold start serves before it
   * has built every key (engine/pending-load.ts).
   */
  bucketKeys?: number;
  /**
   * The highest leadership epoch the opener has heard of: the epoch claimed is above it
   * and above the store's (a tab passes the epoch of the last leader it followed).
   */
  epochSeen?: number;
}

/** What writes get on a read-only store (Redis's text for a read-only replica). */
export const READONLY = Errors.readOnlyStore;

export class Persistence {
  appendfsync: AppendFsync;
  appendonly: boolean;
  readonly strict: boolean;
  readonly readOnly: boolean;
  /** Non-null while loading; rejects (and stays rejected) when loading failed. */
  loading: Promise<void> | null;
  /** The error text synchronous callers get while the store is not usable (loading, failed). */
  unavailable: string | null = 'LOADING Redis is loading the dataset in memory';
  readonly ready: Promise<void>;
  loadProgress: LoadProgress | null = null;
  /** The store as this engine writes it: fenced by `epoch` once claimed. */
  storage: Storage;
  /** The leadership epoch this engine claimed (0 until claimed, and for a read-only engine). */
  epoch = 0;
  /** Resolves with `epoch` once claimed (before the store is read); rejects if it fails. */
  readonly claimed: Promise<number>;
  /** Set when a write was refused because a newer engine claimed the store. */
  fencedBy: FencedError | null = null;
  private readonly fencedListeners: Array<(error: FencedError) => void> = [];

  /** The log (the AOF) and the reply gate. */
  readonly log: AppendLog;
  manifest: Manifest = { format: FORMAT_VERSION, snapshotId: 0, snapshotSeq: 0, chunks: 0, snapshotBytes: 0, keys: 0, savedAt: 0 };
  readonly snapshots = new Snapshots(this);
  /** Settles once the load's cleanup of an interrupted compaction's chunks is done. */
  cleanup: Promise<void> = Promise.resolve();
  /** Set once closing has released the store: no snapshot starts. */
  closed = false;
  private unsubscribe: (() => void) | null = null;
  private closing: Promise<void> | null = null;
  private loadFailed = false;

  // --- INFO ---
  readonly stats = {
    lastWriteError: null as string | null,
    lastSaveAt: 0,
    lastSaveStatus: 'ok' as 'ok' | 'err',
    lastSaveSeconds: -1,
    saves: 0,
    rewrites: 0,
    lastRewriteStatus: 'ok' as 'ok' | 'err',
    rewriteFailures: 0,
    keysLoaded: 0,
    keysExpired: 0,
    dirtyAtSave: 0,
    loadWarnings: [] as string[],
  };

  constructor(
    readonly engine: Engine,
    storage: Storage,
    readonly options: PersistenceOptions = {},
  ) {
    this.storage = storage;
    this.appendfsync = options.appendfsync ?? 'always';
    this.appendonly = options.appendonly ?? true;
    this.strict = options.strictDurability ?? false;
    this.readOnly = options.readOnly ?? false;
    this.stats.lastSaveAt = engine.stats.startedAt;
    // The engine's CONFIG shows this store's settings from the start (while loading too).
    const config = engine.config;
    config.store(config.definition('appendonly')!, this.appendonly ? 'yes' : 'no');
    config.store(config.definition('appendfsync')!, this.appendfsync);
    config.store(config.definition('aof-load-truncated')!, options.loadTruncated ? 'yes' : 'no');
    // The log writes through whatever view `this.storage` is (fenced once claimed).
    const self = this;
    this.log = new AppendLog({
      get storage() {
        return self.storage;
      },
      mode: () => this.appendfsync,
      strict: this.strict,
      coveredSeq: () => this.manifest.snapshotSeq,
      committed: () => {
        this.writeRecovered();
        this.snapshots.maybeAutoRewrite();
      },
      failed: (reason) => this.writeFailed(reason),
      fenced: (error) => this.fence(error),
      // The database was deleted under us: a full snapshot rebuilds it from memory.
      lost: (error) => (error instanceof PersistenceError && error.name === 'StoreLostError' ? this.startSnapshot('rewrite') : null),
    });
    let claimed!: (epoch: number) => void;
    let notClaimed!: (error: unknown) => void;
    this.claimed = new Promise<number>((resolve, reject) => {
      claimed = resolve;
      notClaimed = reject;
    });
    this.claimed.catch(() => {});
    this.ready = this.claim().then(
      (epoch) => {
        claimed(epoch);
        return this.load();
      },
      (error: unknown) => {
        notClaimed(error);
        return this.load(error);
      },
    );
    // Callers see a failed load through every call; ready need not be awaited.
    this.ready.catch(() => {});
    this.loading = this.ready;
  }

  // --- the engine's view ----------------------------------------------------------------

  /**
   * While the store loads, commands Redis flags `loading` (INFO, CONFIG, LASTSAVE, …) run at
   * once, as Redis serves them during loading: INFO persistence shows the progress. Others
   * wait for the load (or get LOADING on synchronous paths). After a failed load, none run.
   */
  runsWhileLoading(argv: readonly (string | Uint8Array)[]): boolean {
    if (this.loadFailed) return false;
    const name = argv[0];
    if (typeof name !== 'string') return false;
    let spec = this.engine.commands.lookup(name);
    const sub = argv[1];
    if (spec?.subcommands !== undefined && typeof sub === 'string') spec = this.engine.commands.lookup(`${name}|${sub}`);
    return spec?.flags.includes('loading') ?? false;
  }

  /** What a reply produced now must wait for before it is sent; null = send at once. */
  pendingGate(): Promise<void> | null {
    return this.log.pendingGate();
  }

  /** Commit everything logged so far (page hidden, close, tests). */
  flush(): Promise<void> {
    if (this.closed || this.readOnly) return Promise.resolve();
    if (!this.appendonly) {
      // Snapshots only: what changed since the last one goes in a background snapshot. One
      // running holds only the writes before its start: the rest need one of their own.
      const running = this.snapshots.done;
      if (running !== null) return running.catch(() => {}).then(() => this.flush());
      if (this.engine.stats.dirty > this.stats.dirtyAtSave) return this.startSnapshot('bgsave');
      return Promise.resolve();
    }
    return this.log.flush();
  }

  /** Flush what can be flushed, then release the store. Every call waits for the same close. */
  close(): Promise<void> {
    return (this.closing ??= this.closeNow());
  }

  private async closeNow(): Promise<void> {
    try {
      await this.loading?.catch(() => {});
      await this.flush().catch(() => {});
      await this.snapshots.done?.catch(() => {});
    } finally {
      this.closed = true;
      this.snapshots.stopSaveCron();
      this.log.close();
      this.unsubscribe?.();
      this.snapshots.abort(new Error('engine closed'));
      this.storage.close();
    }
  }

  /** CONFIG SET of a persistence setting (names as config.ts stores them). */
  configChanged(name: string, stored: string): void {
    if (this.loading !== null || this.readOnly) return;
    if (name === 'appendfsync') {
      this.appendfsync = stored as AppendFsync;
      this.log.modeChanged();
    } else if (name === 'appendonly') {
      const on = stored === 'yes';
      if (on === this.appendonly) return;
      // Turning the log off: commit what it holds first (flush() of appendonly no snapshots).
      if (!on) void this.flush().catch(() => {});
      this.appendonly = on;
      if (on) {
        // The data may hold writes no record has: a snapshot first gives the log its base,
        // and no record is appended before it is current (a crash in between would replay
        // them onto the old base). Replies in always mode wait for it.
        this.subscribe();
        this.log.paused = true;
        const base = () => {
          this.log.paused = false;
          this.log.kick();
        };
        const running = this.snapshots.done;
        void (running !== null ? running.then(() => this.startSnapshot('rewrite')) : this.startSnapshot('rewrite')).then(base, base);
      } else {
        this.unsubscribe?.();
        this.unsubscribe = null;
        this.snapshots.startSaveCron();
      }
    }
  }

  // --- fencing --------------------------------------------------------------------------

  /** Take the store's next epoch and write through a view fenced by it (not read-only). */
  private async claim(): Promise<number> {
    if (this.readOnly) return 0;
    const raw = this.storage;
    this.epoch = await raw.claimEpoch(this.options.epochSeen ?? 0);
    const fenced = raw.fenced(this.epoch);
    this.storage = observeFence(fenced, (error) => this.fence(error));
    return this.epoch;
  }

  /** Call `listener` once if a newer engine fences this one off (the tab steps down). */
  onFenced(listener: (error: FencedError) => void): void {
    if (this.fencedBy !== null) listener(this.fencedBy);
    else this.fencedListeners.push(listener);
  }

  /** A write was refused: a newer engine owns the store. Stop writing and serving. */
  private fence(error: FencedError): void {
    if (this.fencedBy !== null) return;
    this.fencedBy = error;
    const message = Errors.fenced(error.epoch, error.current);
    this.stats.lastWriteError = error.message;
    this.engine.writeDenied = message;
    this.unavailable = message;
    this.loading = Promise.reject(new ReplyError(message));
    this.loading.catch(() => {});
    this.snapshots.stopSaveCron();
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.snapshots.abort(error);
    for (const listener of this.fencedListeners.splice(0)) listener(error);
  }

  // --- loading --------------------------------------------------------------------------

  private async load(claimError?: unknown): Promise<void> {
    try {
      if (claimError !== undefined) throw claimError;
      const result = await recover(this.engine, this.storage, {
        loadTruncated: this.options.loadTruncated ?? false,
        readOnly: this.readOnly,
        onProgress: (p) => {
          this.loadProgress = p;
          this.options.onLoadProgress?.(p);
        },
        // The log continues the store's before the keys past their deadline go: their expiry mark goes in it.
        replayed: (result) => {
          this.manifest = result.manifest;
          this.log.nextSeq = result.lastSeq + 1;
          this.log.logBytes = result.logBytes;
          this.log.committedRecords = result.records;
          if (this.fencedBy !== null) return;
          // CONFIG SET may have run while loading (those commands are served then): it wins.
          this.appendonly = this.engine.config.get('appendonly') === 'yes';
          this.appendfsync = this.engine.config.get('appendfsync') as AppendFsync;
          if (!this.readOnly && this.appendonly) this.subscribe();
        },
      });
      this.stats.keysLoaded = result.keysLoaded;
      this.stats.keysExpired = result.keysExpired;
      this.stats.loadWarnings = result.warnings;
      if (result.manifest.savedAt > 0) this.stats.lastSaveAt = result.manifest.savedAt;
      this.stats.dirtyAtSave = this.engine.stats.dirty;
      // Leftovers of a compaction interrupted by a crash.
      if (!this.readOnly) this.cleanup = this.storage.dropChunksExcept(this.manifest.snapshotId).catch(() => {});
      if (this.fencedBy !== null) return;
      if (this.readOnly) this.engine.writeDenied = READONLY;
      else if (!this.appendonly) this.snapshots.startSaveCron();
      this.unavailable = null;
      this.loading = null;
    } catch (error) {
      if (isFencedError(error)) this.fence(error);
      if (this.fencedBy !== null) throw new ReplyError(this.unavailable!);
      const message = error instanceof Error ? error.message : String(error);
      this.loadFailed = true;
      this.unavailable = `ERR ${message}`;
      this.loading = Promise.reject(new ReplyError(this.unavailable));
      this.loading.catch(() => {});
      throw error instanceof PersistenceError ? error : new PersistenceError(message);
    }
  }

  private subscribe(): void {
    this.unsubscribe ??= this.engine.onEffects((effects) => this.log.add(effects));
  }

  private writeFailed(reason: string): void {
    if (this.fencedBy !== null) return;
    this.stats.lastWriteError = reason;
    this.engine.writeDenied = Errors.misconf(reason);
  }

  private writeRecovered(): void {
    if (this.stats.lastWriteError === null || this.fencedBy !== null) return;
    this.stats.lastWriteError = null;
    this.engine.writeDenied = null;
  }

  // --- snapshots (snapshots.ts) ------------------------------------------------------

  /** True while a snapshot of `kind` (or any, without kind) is being written. */
  snapshotRunning(kind?: 'bgsave' | 'rewrite'): boolean {
    return this.snapshots.running(kind);
  }

  /** A snapshot of `kind` runs as soon as the current one is done. */
  schedule(kind: 'bgsave' | 'rewrite'): void {
    this.snapshots.schedule(kind);
  }

  /** SAVE: a snapshot at the end of this turn; the reply waits for it. */
  save(): void {
    this.snapshots.save();
  }

  /** Start a snapshot; resolves once it is current (Snapshots.start). */
  startSnapshot(kind: SnapshotKind): Promise<void> {
    return this.snapshots.start(kind);
  }

  // --- INFO persistence -----------------------------------------------------------------

  info(): Array<[string, string | number]> {
    return persistenceInfo(this);
  }

  get lastSave(): number {
    return Math.floor(this.stats.lastSaveAt / 1000);
  }
}

/**
 * Redis refuses writes while the last write to disk failed (redis: writeCommandsDeniedByDiskError).
 * A write inside MULTI is refused at queueing and fails the transaction; EXEC of a
 * transaction with writes is refused as a whole.
 */
export function refuseWrite(conn: Connection, spec: CommandSpec, message: string): ReplyError | null {
  if (spec.name === 'exec') {
    const multi = conn.multi;
    if (multi !== null && multi.queue.some((q) => q.spec.flags.includes('write'))) multi.failed = true;
    return null;
  }
  if (!spec.flags.includes('write')) return null;
  if (conn.multi !== null) conn.multi.failed = true;
  return new ReplyError(message);
}

/** `store`, calling `onFenced` as soon as any of its writes is refused by the fence. */
function observeFence(store: Storage, onFenced: (error: FencedError) => void): Storage {
  const watch = <T>(promise: Promise<T>): Promise<T> => {
    promise.catch((error: unknown) => {
      if (isFencedError(error)) onFenced(error);
    });
    return promise;
  };
  return {
    name: store.name,
    readManifest: () => store.readManifest(),
    readChunks: (s, f, c) => store.readChunks(s, f, c),
    readLog: (a, l) => store.readLog(a, l),
    append: (r, d) => watch(store.append(r, d)),
    writeChunks: (c) => watch(store.writeChunks(c)),
    commitSnapshot: (m, d) => watch(store.commitSnapshot(m, d)),
    truncateLog: (f) => watch(store.truncateLog(f)),
    dropChunksExcept: (k) => watch(store.dropChunksExcept(k)),
    claimEpoch: (seen) => store.claimEpoch(seen),
    fenced: (epoch) => store.fenced(epoch),
    close: () => store.close(),
  };
}
