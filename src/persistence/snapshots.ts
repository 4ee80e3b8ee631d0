/**
 * One engine's snapshots: SAVE, BGSAVE, BGREWRITEAOF, automatic compaction when the log
 * outgrows the snapshot (auto-aof-rewrite-percentage / -min-size) and, with `appendonly
 * no`, Redis's `save <seconds> <changes>` rules.
 *
 * Design note: a SnapshotWalk (snapshot.ts) started between turns captures the data as of
 * the last record cut (`snapshotSeq`); its chunks are written under a fresh snapshot id,
 * then one transaction switches the manifest and drops the log it covers and the old
 * chunks. A crash before the switch leaves the old snapshot + full log; after it, the new
 * snapshot + the log after it: both load to the last committed write. One snapshot runs
 * at a time; BGSAVE during a rewrite (or the reverse) is scheduled to follow it.
 */
import { Errors, ReplyError } from '../engine/errors.js';
import { FORMAT_VERSION, snapshotChunk, type ChunkStrings, type Manifest } from './codec.js';
import { describe, unrefTimer } from './log.js';
import type { Persistence } from './persistence.js';
import { SnapshotWalk } from './snapshot.js';
import { isFencedError } from './storage.js';

export type SnapshotKind = 'bgsave' | 'rewrite' | 'save';

interface Running {
  kind: SnapshotKind;
  walker: SnapshotWalk | null;
  startedAt: number;
  done: Promise<void>;
}

export class Snapshots {
  private walk: Running | null = null;
  private scheduled: SnapshotKind | null = null;
  private autoPending = false;
  private saveCron: ReturnType<typeof setInterval> | null = null;
  private lastSaveAttempt = 0;

  constructor(private readonly p: Persistence) {}

  /** The snapshot being written, if any (INFO). */
  get current(): { kind: SnapshotKind; startedAt: number } | null {
    return this.walk;
  }

  /** The kind scheduled to run after the current one (INFO). */
  get scheduledKind(): SnapshotKind | null {
    return this.scheduled;
  }

  /** Settles once the snapshot being written (if any) is done. */
  get done(): Promise<void> | null {
    return this.walk?.done ?? null;
  }

  /** True while a snapshot of `kind` (or any, without kind) is being written. */
  running(kind?: 'bgsave' | 'rewrite'): boolean {
    if (this.walk === null) return false;
    if (kind === undefined) return true;
    return kind === 'rewrite' ? this.walk.kind === 'rewrite' : this.walk.kind !== 'rewrite';
  }

  /** A snapshot of `kind` runs as soon as the current one is done. */
  schedule(kind: 'bgsave' | 'rewrite'): void {
    this.scheduled = kind;
  }

  /**
   * SAVE: walk the whole keyspace at the end of the current turn (SAVE blocks in Redis too),
   * write it, switch. The reply waits for it through the gate.
   */
  save(): void {
    const done = new Promise<void>((resolve, reject) => {
      queueMicrotask(() =>
        this.start('save').then(resolve, (error: unknown) =>
          reject(new ReplyError(isFencedError(error) ? Errors.fenced(error.epoch, error.current) : Errors.saveFailed(describe(error)))),
        ),
      );
    });
    done.catch(() => {});
    this.p.log.holdReplies(done);
  }

  /**
   * Start a snapshot (BGSAVE, BGREWRITEAOF, automatic compaction). Resolves once the new
   * snapshot is current. Call outside a turn (queued commands' effects must be delivered).
   */
  start(kind: SnapshotKind): Promise<void> {
    const p = this.p;
    if (p.readOnly) return Promise.reject(new ReplyError(Errors.readOnlyStore));
    if (p.fencedBy !== null) return Promise.reject(p.fencedBy);
    if (this.walk !== null) return this.walk.done;
    const state: Running = { kind, walker: null, startedAt: p.engine.clock(), done: Promise.resolve() };
    this.walk = state;
    state.done = this.write(state).then(
      () => this.finished(state, true),
      (error: unknown) => {
        this.finished(state, false);
        throw error;
      },
    );
    state.done.catch(() => {});
    return state.done;
  }

  /** Stop the walk in progress (the engine closes, or was fenced off). */
  abort(error: Error): void {
    this.walk?.walker?.abort(error);
  }

  private async write(state: Running): Promise<void> {
    const p = this.p;
    await p.cleanup;
    if (p.closed) throw new Error('engine closed');
    // The snapshot covers every effect delivered up to its start: the log is cut there.
    let seq = 0;
    const start = () => {
      seq = p.log.cut();
    };
    const id = p.manifest.snapshotId + 1;
    const dirtyAtStart = p.engine.stats.dirty;
    let index = 0;
    let keys = 0;
    let bytes = 0;
    const writeChunk = (data: string, count: number, chunkKeys: number, strings?: ChunkStrings, size?: number): Promise<void> => {
      keys += chunkKeys;
      bytes += size ?? data.length;
      return p.storage.writeChunks([snapshotChunk(id, index++, data, count, strings)]);
    };
    // Two chunk transactions overlap: the next chunk is built while one commits.
    const { chunkBytes, bucketKeys } = p.options;
    const walker = new SnapshotWalk(p.engine, { chunk: writeChunk }, { chunkBytes, strings: true, bucketKeys, writesInFlight: 2 });
    state.walker = walker;
    if (state.kind === 'save') {
      start();
      const { chunks } = walker.runSync();
      for (const c of chunks) await writeChunk(c.data, c.count, c.keys, c.strings, c.bytes);
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
      savedAt: p.engine.clock(),
    };
    await p.storage.commitSnapshot(manifest, p.strict ? 'strict' : 'default');
    p.manifest = manifest;
    // Records the snapshot covers are dropped from the store and from the retry queue.
    p.log.covered(seq);
    p.stats.dirtyAtSave = dirtyAtStart;
    p.stats.lastSaveAt = manifest.savedAt;
  }

  private finished(state: Running, ok: boolean): void {
    if (this.walk !== state) return;
    this.walk = null;
    const stats = this.p.stats;
    if (state.kind === 'rewrite') {
      stats.lastRewriteStatus = ok ? 'ok' : 'err';
      if (ok) {
        stats.rewrites++;
        stats.rewriteFailures = 0;
      } else stats.rewriteFailures++;
    }
    stats.lastSaveStatus = ok ? 'ok' : 'err';
    stats.lastSaveSeconds = Math.round((this.p.engine.clock() - state.startedAt) / 1000);
    if (ok) stats.saves++;
    const next = this.scheduled;
    this.scheduled = null;
    if (next !== null && !this.p.closed) setTimeout(() => void this.start(next).catch(() => {}), 0);
  }

  /** auto-aof-rewrite-percentage / -min-size (redis: serverCron's rewrite trigger). */
  maybeAutoRewrite(): void {
    const p = this.p;
    if (this.walk !== null || p.closed || this.autoPending) return;
    const percentage = Number(p.engine.config.get('auto-aof-rewrite-percentage'));
    if (percentage <= 0) return;
    const minSize = Number(p.engine.config.get('auto-aof-rewrite-min-size'));
    const current = p.manifest.snapshotBytes + p.log.logBytes;
    if (current < minSize) return;
    const base = p.manifest.snapshotBytes || 1;
    if ((current * 100) / base - 100 >= percentage) {
      // From a timer: this runs in a commit callback, possibly inside a caller's tick.
      this.autoPending = true;
      setTimeout(() => {
        this.autoPending = false;
        if (this.walk === null && !p.closed) void this.start('rewrite').catch(() => {});
      }, 0);
    }
  }

  /**
   * appendonly no: Redis's `save <seconds> <changes>` rules decide when a background
   * snapshot runs (redis: serverCron); a failed one is retried after 5 s at the earliest.
   */
  startSaveCron(): void {
    const p = this.p;
    if (this.saveCron !== null || p.closed) return;
    this.saveCron = setInterval(() => {
      if (p.appendonly) {
        this.stopSaveCron();
        return;
      }
      if (this.walk !== null) return;
      const now = p.engine.clock();
      const changes = p.engine.stats.dirty - p.stats.dirtyAtSave;
      if (changes <= 0) return;
      if (p.stats.lastSaveStatus === 'err' && now - this.lastSaveAttempt < 5000) return;
      const rules = p.engine.config.get('save').split(' ').filter(Boolean).map(Number);
      for (let i = 0; i + 1 < rules.length; i += 2) {
        if (changes >= rules[i + 1]! && now - p.stats.lastSaveAt >= rules[i]! * 1000) {
          this.lastSaveAttempt = now;
          void this.start('bgsave').catch(() => {});
          return;
        }
      }
    }, 1000);
    unrefTimer(this.saveCron);
  }

  stopSaveCron(): void {
    if (this.saveCron !== null) clearInterval(this.saveCron);
    this.saveCron = null;
  }
}
