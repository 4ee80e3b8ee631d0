/**
 * An engine's persistence: recovery at start, the effect log (the AOF) with group commit
 * and appendfsync modes, snapshots (SAVE, BGSAVE, BGREWRITEAOF, automatic compaction) and
 * write faults.
 *
 * Design note:
 * - Log: the engine delivers each turn's effects once (`onEffects`); they are packed as RESP
 *   into a buffer. A *cut* turns the buffer into a record with the next sequence number;
 *   one append (one IndexedDB transaction) writes every record cut so far. Only one append
 *   is in flight: effects arriving meanwhile wait and go together in the next one, so under
 *   load the transaction count stays low however many commands run (group commit).
 * - appendfsync `always`: replies wait for the commit of everything logged up to their
 *   turn (`gate`); `everysec`: replies go at once, appends run at least every second;
 *   `no`: replies go at once, appends run every 30 s, on flush() (page hidden) and before
 *   snapshots. `appendonly no`: no log, data persists through snapshots only.
 * - Snapshot: a SnapshotWalk (snapshot.ts) started between turns captures the data as of
 *   the last record cut (`snapshotSeq`); its chunks are written under a fresh snapshot id,
 *   then one transaction switches the manifest and drops the log it covers and the old
 *   chunks. A crash before the switch leaves the old snapshot + full log; after it, the new
 *   snapshot + the log after it: both load to the last committed write.
 * - Faults: a failed append (QuotaExceededError, …) keeps its records for a retry every
 *   second; until one succeeds, write commands are refused with MISCONF and the replies
 *   waiting on the failed commit get that error. Reads keep working. Nothing that was
 *   acknowledged is lost: acknowledgement only ever follows a commit.
 */
import type { Engine } from '../engine/engine.js';
import type { CommandSpec } from '../engine/command.js';
import type { Connection } from '../engine/connection.js';
import { Errors, ReplyError } from '../engine/errors.js';
import { FORMAT_VERSION, packCommand, PersistenceError, type LogRecord, type Manifest } from './codec.js';
import { recover, type LoadProgress } from './recovery.js';
import { SnapshotWalk } from './snapshot.js';
import type { Durability, Storage } from './storage.js';

export type AppendFsync = 'always' | 'everysec' | 'no';

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
}

/** How often a failed append is retried, and everysec's period (ms). */
const RETRY_MS = 1000;
const EVERYSEC_MS = 1000;
const NO_FSYNC_MS = 30_000;
/** A buffer this large is appended at once whatever the mode. */
const EAGER_BYTES = 8 << 20;

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be waiting (everysec): a failure is reported through INFO and MISCONF.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** One deferred settling two (either may be null). */
function both(a: Deferred | null, b: Deferred | null): Deferred | null {
  if (a === null || b === null) return a ?? b;
  return {
    promise: Promise.all([a.promise, b.promise]).then(() => undefined),
    resolve: () => (a.resolve(), b.resolve()),
    reject: (e) => (a.reject(e), b.reject(e)),
  };
}

type SnapshotKind = 'bgsave' | 'rewrite' | 'save';

/** What writes get on a read-only store (Redis's text for a read-only replica). */
export const READONLY = Errors.readOnlyStore;

/** Redis's MISCONF text, with the store's own reason. */
const misconf = Errors.misconf;

function describe(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)) {
    const e = error as { name?: string; message?: string };
    return e.message ? `${e.name ?? 'Error'}: ${e.message}` : String(e.name);
  }
  return String(error);
}

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

  // --- log state ---
  private manifest: Manifest = { format: FORMAT_VERSION, snapshotId: 0, snapshotSeq: 0, chunks: 0, snapshotBytes: 0, keys: 0, savedAt: 0 };
  private nextSeq = 1;
  private buffer = '';
  private bufferCount = 0;
  /** Records cut but not committed yet, in seq order. */
  private queue: LogRecord[] = [];
  /** Settles when everything received so far is committed. */
  private open: Deferred | null = null;
  private inflight = false;
  private kickScheduled = false;
  /** flush() waits: append again as soon as the one in flight is done, whatever the mode. */
  private flushWanted = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** What replies wait for (always mode, SAVE). */
  private gate: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Committed log bytes after the current snapshot, and per record (for compaction). */
  private logBytes = 0;
  private committed: Array<[seq: number, bytes: number]> = [];
  private cleanup: Promise<void> = Promise.resolve();
  private closed = false;

  // --- snapshot state ---
  private walk: { kind: SnapshotKind; walker: SnapshotWalk | null; startedAt: number; done: Promise<void> } | null = null;
  private scheduled: SnapshotKind | null = null;
  private autoPending = false;
  /** appendonly was just turned on: appends wait for the snapshot that becomes their base. */
  private awaitingBase = false;
  private saveCron: ReturnType<typeof setInterval> | null = null;
  private lastSaveAttempt = 0;

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
    appends: 0,
  };

  constructor(
    readonly engine: Engine,
    readonly storage: Storage,
    readonly options: PersistenceOptions = {},
  ) {
    this.appendfsync = options.appendfsync ?? 'always';
    this.appendonly = options.appendonly ?? true;
    this.strict = options.strictDurability ?? false;
    this.readOnly = options.readOnly ?? false;
    this.stats.lastSaveAt = engine.stats.startedAt;
    this.ready = this.load();
    // Callers see a failed load through every call; ready need not be awaited.
    this.ready.catch(() => {});
    this.loading = this.ready;
  }

  // --- the engine's view ----------------------------------------------------------------

  /** What a reply produced now must wait for before it is sent; null = send at once. */
  pendingGate(): Promise<void> | null {
    return this.gate;
  }

  /** Commit everything logged so far (page hidden, close, tests). */
  flush(): Promise<void> {
    if (this.closed || this.readOnly) return Promise.resolve();
    if (!this.appendonly) {
      // Snapshots only: what changed since the last one goes in a background snapshot.
      if (this.engine.stats.dirty > this.stats.dirtyAtSave) return this.startSnapshot('bgsave');
      return Promise.resolve();
    }
    this.cut();
    if (this.queue.length === 0 && !this.inflight) return Promise.resolve();
    const d = (this.open ??= deferred());
    this.flushWanted = true;
    this.kick();
    return d.promise;
  }

  /** Flush what can be flushed, then release the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.loading?.catch(() => {});
      await this.flush().catch(() => {});
      await this.walk?.done.catch(() => {});
    } finally {
      this.closed = true;
      this.stopTimers();
      this.unsubscribe?.();
      this.walk?.walker?.abort(new Error('engine closed'));
      this.storage.close();
    }
  }

  /** CONFIG SET of a persistence setting (names as config.ts stores them). */
  configChanged(name: string, stored: string): void {
    if (this.loading !== null || this.readOnly) return;
    if (name === 'appendfsync') {
      this.appendfsync = stored as AppendFsync;
      if (this.appendfsync === 'always' && this.queue.length + this.bufferCount > 0) this.scheduleKick();
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
        this.awaitingBase = true;
        const base = () => {
          this.awaitingBase = false;
          this.kick();
        };
        void this.walk?.done.catch(() => {});
        void (this.walk !== null ? this.walk.done.then(() => this.startSnapshot('rewrite')) : this.startSnapshot('rewrite')).then(base, base);
      } else {
        this.unsubscribe?.();
        this.unsubscribe = null;
        this.startSaveCron();
      }
    }
  }

  // --- loading --------------------------------------------------------------------------

  private async load(): Promise<void> {
    try {
      const result = await recover(this.engine, this.storage, {
        loadTruncated: this.options.loadTruncated ?? false,
        readOnly: this.readOnly,
        onProgress: (p) => {
          this.loadProgress = p;
          this.options.onLoadProgress?.(p);
        },
      });
      this.manifest = result.manifest;
      this.nextSeq = result.lastSeq + 1;
      this.logBytes = result.logBytes;
      this.committed = result.records;
      this.stats.keysLoaded = result.keysLoaded;
      this.stats.keysExpired = result.keysExpired;
      this.stats.loadWarnings = result.warnings;
      if (result.manifest.savedAt > 0) this.stats.lastSaveAt = result.manifest.savedAt;
      this.stats.dirtyAtSave = this.engine.stats.dirty;
      // Leftovers of a compaction interrupted by a crash.
      if (!this.readOnly) this.cleanup = this.storage.dropChunksExcept(this.manifest.snapshotId).catch(() => {});
      this.engine.config.store(this.engine.config.definition('appendonly')!, this.appendonly ? 'yes' : 'no');
      this.engine.config.store(this.engine.config.definition('appendfsync')!, this.appendfsync);
      this.engine.config.store(this.engine.config.definition('aof-load-truncated')!, this.options.loadTruncated ? 'yes' : 'no');
      if (this.readOnly) this.engine.writeDenied = READONLY;
      else if (this.appendonly) this.subscribe();
      else this.startSaveCron();
      this.unavailable = null;
      this.loading = null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.unavailable = `ERR ${message}`;
      this.loading = Promise.reject(new ReplyError(this.unavailable));
      this.loading.catch(() => {});
      throw error instanceof PersistenceError ? error : new PersistenceError(message);
    }
  }

  private subscribe(): void {
    this.unsubscribe ??= this.engine.onEffects((effects) => this.onEffects(effects));
  }

  // --- the log --------------------------------------------------------------------------

  private onEffects(effects: string[][]): void {
    let buffer = this.buffer;
    for (let i = 0; i < effects.length; i++) buffer = packCommand(buffer, effects[i]!);
    this.buffer = buffer;
    this.bufferCount += effects.length;
    const d = (this.open ??= deferred());
    if (this.appendfsync === 'always') {
      // While appends fail, writes are refused: what still arrives (expiry) gates no reply.
      if (this.stats.lastWriteError === null) this.setGate(d.promise);
      this.scheduleKick();
    } else if (buffer.length >= EAGER_BYTES) this.scheduleKick();
    else this.armTimer();
  }

  /** everysec / no: append when the period is over. */
  private armTimer(): void {
    if (this.timer !== null || this.retryTimer !== null || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, this.appendfsync === 'everysec' ? EVERYSEC_MS : NO_FSYNC_MS);
    unrefTimer(this.timer);
  }

  private setGate(promise: Promise<void>): void {
    this.gate = promise;
    const clear = () => {
      if (this.gate === promise) this.gate = null;
    };
    promise.then(clear, clear);
  }

  /** Turn the buffer into a record with the next seq. */
  private cut(): void {
    if (this.bufferCount === 0) return;
    this.queue.push({ seq: this.nextSeq++, format: FORMAT_VERSION, count: this.bufferCount, data: this.buffer });
    this.buffer = '';
    this.bufferCount = 0;
  }

  /** Append in a microtask: every turn of the current tick joins the same transaction. */
  private scheduleKick(): void {
    if (this.kickScheduled) return;
    this.kickScheduled = true;
    queueMicrotask(() => {
      this.kickScheduled = false;
      this.kick();
    });
  }

  /** Start an append of everything cut (and the buffer), unless one is in flight. */
  private kick(): void {
    if (this.inflight || this.retryTimer !== null || this.closed || this.awaitingBase) return;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.cut();
    const waiting = this.open;
    this.open = null;
    this.flushWanted = false;
    if (this.queue.length === 0) {
      waiting?.resolve();
      return;
    }
    const records = this.queue.slice();
    this.inflight = true;
    // everysec / no promise no more than the browser's relaxed commit gives.
    const durability: Durability = this.appendfsync !== 'always' ? 'relaxed' : this.strict ? 'strict' : 'default';
    this.storage.append(records, durability).then(
      () => {
        this.inflight = false;
        // A snapshot may have dropped covered records from the queue meanwhile.
        const last = records[records.length - 1]!.seq;
        this.queue = this.queue.filter((r) => r.seq > last);
        for (const r of records) {
          if (r.seq <= this.manifest.snapshotSeq) continue;
          this.committed.push([r.seq, r.data.length]);
          this.logBytes += r.data.length;
        }
        this.stats.appends++;
        this.writeRecovered();
        waiting?.resolve();
        if (this.queue.length > 0 || this.bufferCount > 0) {
          if (this.appendfsync === 'always' || this.flushWanted) this.kick();
          else this.armTimer();
        }
        this.maybeAutoRewrite();
      },
      (error: unknown) => {
        this.inflight = false;
        const reason = describe(error);
        if (error instanceof PersistenceError && error.name === 'StoreLostError') {
          // The database was deleted under us: a full snapshot rebuilds it from memory, then
          // the append is retried. Waiters stay pending until then (or get its failure).
          const keep = both(waiting, this.open);
          this.open = keep;
          this.startSnapshot('rewrite').then(
            () => this.kick(),
            (e: unknown) => {
              this.writeFailed(describe(e));
              if (this.open === keep) this.open = null;
              keep?.reject(new ReplyError(misconf(describe(e))));
              this.retryTimer ??= setTimeout(() => {
                this.retryTimer = null;
                this.kick();
              }, RETRY_MS);
            },
          );
          return;
        }
        this.writeFailed(reason);
        // Nothing uncommitted is acknowledged: every waiter gets the error. The records
        // stay queued and go with the next attempt (the data in memory already has them).
        const e = new ReplyError(misconf(reason));
        waiting?.reject(e);
        const later = this.open;
        this.open = null;
        later?.reject(e);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.kick();
        }, RETRY_MS);
        unrefTimer(this.retryTimer);
      },
    );
  }

  private writeFailed(reason: string): void {
    this.stats.lastWriteError = reason;
    this.engine.writeDenied = misconf(reason);
  }

  private writeRecovered(): void {
    if (this.stats.lastWriteError === null) return;
    this.stats.lastWriteError = null;
    this.engine.writeDenied = null;
  }

  /**
   * appendonly no: Redis's `save <seconds> <changes>` rules decide when a background
   * snapshot runs (redis: serverCron); a failed one is retried after 5 s at the earliest.
   */
  private startSaveCron(): void {
    if (this.saveCron !== null || this.closed) return;
    this.saveCron = setInterval(() => {
      if (this.appendonly) {
        clearInterval(this.saveCron!);
        this.saveCron = null;
        return;
      }
      if (this.walk !== null) return;
      const now = this.engine.clock();
      const changes = this.engine.stats.dirty - this.stats.dirtyAtSave;
      if (changes <= 0) return;
      if (this.stats.lastSaveStatus === 'err' && now - this.lastSaveAttempt < 5000) return;
      const rules = this.engine.config.get('save').split(' ').filter(Boolean).map(Number);
      for (let i = 0; i + 1 < rules.length; i += 2) {
        if (changes >= rules[i + 1]! && now - this.stats.lastSaveAt >= rules[i]! * 1000) {
          this.lastSaveAttempt = now;
          void this.startSnapshot('bgsave').catch(() => {});
          return;
        }
      }
    }, 1000);
    unrefTimer(this.saveCron);
  }

  private stopTimers(): void {
    if (this.saveCron !== null) clearInterval(this.saveCron);
    this.saveCron = null;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.timer = this.retryTimer = null;
  }

  // --- snapshots ------------------------------------------------------------------------

  /** True while a snapshot of `kind` (or any, without kind) is being written. */
  snapshotRunning(kind?: 'bgsave' | 'rewrite'): boolean {
    if (this.walk === null) return false;
    if (kind === undefined) return true;
    return kind === 'rewrite' ? this.walk.kind === 'rewrite' : this.walk.kind !== 'rewrite';
  }

  /** A snapshot of `kind` runs as soon as the current one is done. */
  schedule(kind: 'bgsave' | 'rewrite'): void {
    this.scheduled = kind;
  }

  get rewriteScheduled(): boolean {
    return this.scheduled === 'rewrite';
  }

  /**
   * SAVE: walk the whole keyspace at the end of the current turn (SAVE blocks in Redis too),
   * write it, switch. The reply waits for it through the gate.
   */
  save(): void {
    const done = new Promise<void>((resolve, reject) => {
      queueMicrotask(() =>
        this.startSnapshot('save').then(resolve, (error: unknown) => reject(new ReplyError(Errors.saveFailed(describe(error))))),
      );
    });
    done.catch(() => {});
    const previous = this.gate;
    const combined = previous === null ? done : Promise.all([previous, done]).then(() => undefined);
    combined.catch(() => {});
    this.setGate(combined);
  }

  /**
   * Start a snapshot (BGSAVE, BGREWRITEAOF, automatic compaction). Resolves once the new
   * snapshot is current. Call outside a turn (queued commands' effects must be delivered).
   */
  startSnapshot(kind: SnapshotKind): Promise<void> {
    if (this.readOnly) return Promise.reject(new ReplyError(READONLY));
    if (this.walk !== null) return this.walk.done;
    const startedAt = this.engine.clock();
    const state: NonNullable<Persistence['walk']> = { kind, walker: null, startedAt, done: Promise.resolve() };
    this.walk = state;
    state.done = this.writeSnapshot(state).then(
      () => this.snapshotFinished(state, true),
      (error: unknown) => {
        this.snapshotFinished(state, false);
        throw error;
      },
    );
    state.done.catch(() => {});
    return state.done;
  }

  private async writeSnapshot(state: NonNullable<Persistence['walk']>): Promise<void> {
    await this.cleanup;
    if (this.closed) throw new Error('engine closed');
    // The snapshot covers every effect delivered up to its start: the log is cut there.
    let seq = 0;
    const start = () => {
      this.cut();
      seq = this.nextSeq - 1;
    };
    const id = this.manifest.snapshotId + 1;
    const dirtyAtStart = this.engine.stats.dirty;
    let index = 0;
    let keys = 0;
    let bytes = 0;
    const writeChunk = (data: string, count: number, chunkKeys: number): Promise<void> => {
      keys += chunkKeys;
      bytes += data.length;
      return this.storage.writeChunks([{ snapshot: id, index: index++, format: FORMAT_VERSION, count, data }]);
    };
    const walker = new SnapshotWalk(this.engine, { chunk: writeChunk }, { chunkBytes: this.options.chunkBytes });
    state.walker = walker;
    if (state.kind === 'save') {
      start();
      const { chunks } = walker.runSync();
      for (const c of chunks) await writeChunk(c.data, c.count, c.keys);
    } else {
      await walker.run(start);
    }
    const manifest: Manifest = {
      format: FORMAT_VERSION,
      snapshotId: id,
      snapshotSeq: seq,
      chunks: index,
      snapshotBytes: bytes,
      keys,
      savedAt: this.engine.clock(),
    };
    await this.storage.commitSnapshot(manifest, this.strict ? 'strict' : 'default');
    this.manifest = manifest;
    // Records the snapshot covers are dropped from the store and from the retry queue.
    this.queue = this.queue.filter((r) => r.seq > seq);
    this.committed = this.committed.filter(([s]) => s > seq);
    this.logBytes = this.committed.reduce((sum, [, b]) => sum + b, 0);
    this.stats.dirtyAtSave = dirtyAtStart;
    this.stats.lastSaveAt = manifest.savedAt;
  }

  private snapshotFinished(state: NonNullable<Persistence['walk']>, ok: boolean): void {
    if (this.walk !== state) return;
    this.walk = null;
    const seconds = Math.round((this.engine.clock() - state.startedAt) / 1000);
    if (state.kind === 'rewrite') {
      this.stats.lastRewriteStatus = ok ? 'ok' : 'err';
      if (ok) {
        this.stats.rewrites++;
        this.stats.rewriteFailures = 0;
      } else this.stats.rewriteFailures++;
    }
    this.stats.lastSaveStatus = ok ? 'ok' : 'err';
    this.stats.lastSaveSeconds = seconds;
    if (ok) this.stats.saves++;
    const next = this.scheduled;
    this.scheduled = null;
    if (next !== null && !this.closed) setTimeout(() => void this.startSnapshot(next).catch(() => {}), 0);
  }

  /** auto-aof-rewrite-percentage / -min-size (redis: serverCron's rewrite trigger). */
  private maybeAutoRewrite(): void {
    if (this.walk !== null || this.closed || this.autoPending) return;
    const percentage = Number(this.engine.config.get('auto-aof-rewrite-percentage'));
    if (percentage <= 0) return;
    const minSize = Number(this.engine.config.get('auto-aof-rewrite-min-size'));
    const current = this.manifest.snapshotBytes + this.logBytes;
    if (current < minSize) return;
    const base = this.manifest.snapshotBytes || 1;
    if ((current * 100) / base - 100 >= percentage) {
      // From a timer: this runs in a commit callback, possibly inside a caller's tick.
      this.autoPending = true;
      setTimeout(() => {
        this.autoPending = false;
        if (this.walk === null && !this.closed) void this.startSnapshot('rewrite').catch(() => {});
      }, 0);
    }
  }

  // --- INFO persistence -----------------------------------------------------------------

  info(): Array<[string, string | number]> {
    const now = this.engine.clock();
    const walk = this.walk;
    const progress = this.loadProgress;
    const loading = this.loading !== null && this.unavailable?.startsWith('LOADING') === true;
    const fields: Array<[string, string | number]> = [['loading', loading ? 1 : 0], ['async_loading', 0]];
    if (loading && progress !== null) {
      const total = progress.chunksTotal + progress.recordsTotal;
      const done = progress.chunksLoaded + progress.recordsLoaded;
      fields.push(
        ['loading_start_time', Math.floor(this.engine.stats.startedAt / 1000)],
        ['loading_total_bytes', total],
        ['loading_rdb_used_mem', 0],
        ['loading_loaded_bytes', done],
        ['loading_loaded_perc', total === 0 ? '0.00' : ((done * 100) / total).toFixed(2)],
        ['loading_eta_seconds', 1],
      );
    }
    const bg = walk !== null && walk.kind !== 'rewrite';
    const rw = walk !== null && walk.kind === 'rewrite';
    const sinceStart = (at: number) => Math.round((now - at) / 1000);
    fields.push(
      ['current_cow_peak', 0],
      ['current_cow_size', 0],
      ['current_cow_size_age', 0],
      ['current_fork_perc', '0.00'],
      ['current_save_keys_processed', 0],
      ['current_save_keys_total', 0],
      ['rdb_changes_since_last_save', Math.max(0, this.engine.stats.dirty - this.stats.dirtyAtSave)],
      ['rdb_bgsave_in_progress', bg ? 1 : 0],
      ['rdb_last_save_time', Math.floor(this.stats.lastSaveAt / 1000)],
      ['rdb_last_bgsave_status', this.stats.lastSaveStatus],
      ['rdb_last_bgsave_time_sec', this.stats.lastSaveSeconds],
      ['rdb_current_bgsave_time_sec', bg ? sinceStart(walk.startedAt) : -1],
      ['rdb_saves', this.stats.saves],
      ['rdb_last_cow_size', 0],
      ['rdb_last_load_keys_expired', this.stats.keysExpired],
      ['rdb_last_load_keys_loaded', this.stats.keysLoaded],
      ['aof_enabled', this.appendonly ? 1 : 0],
      ['aof_rewrite_in_progress', rw ? 1 : 0],
      ['aof_rewrite_scheduled', this.scheduled === 'rewrite' ? 1 : 0],
      ['aof_last_rewrite_time_sec', this.stats.rewrites > 0 ? this.stats.lastSaveSeconds : -1],
      ['aof_current_rewrite_time_sec', rw ? sinceStart(walk.startedAt) : -1],
      ['aof_last_bgrewrite_status', this.stats.lastRewriteStatus],
      ['aof_rewrites', this.stats.rewrites],
      ['aof_rewrites_consecutive_failures', this.stats.rewriteFailures],
      ['aof_last_write_status', this.stats.lastWriteError === null ? 'ok' : 'err'],
      ['aof_last_cow_size', 0],
      ['module_fork_in_progress', 0],
      ['module_fork_last_cow_size', 0],
    );
    if (this.appendonly) {
      let pending = this.buffer.length;
      for (const r of this.queue) pending += r.data.length;
      fields.push(
        ['aof_current_size', this.manifest.snapshotBytes + this.logBytes],
        ['aof_base_size', this.manifest.snapshotBytes],
        ['aof_pending_rewrite', this.scheduled === 'rewrite' ? 1 : 0],
        ['aof_buffer_length', pending],
        ['aof_pending_bio_fsync', this.inflight ? 1 : 0],
        ['aof_delayed_fsync', 0],
      );
    }
    // idb-redis's own fields, after Redis's.
    fields.push(
      ['idb_store', this.storage.name],
      ['idb_appendfsync', this.appendfsync],
      ['idb_last_write_error', this.stats.lastWriteError ?? ''],
      ['idb_log_records', this.committed.length],
      ['idb_snapshot_keys', this.manifest.keys],
      ['idb_load_warnings', this.stats.loadWarnings.length],
    );
    return fields;
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

/** In Node, a pending timer must not keep the process alive. */
function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}
