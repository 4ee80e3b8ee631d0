/**
 * The append-only log's writer: group commit and the appendfsync modes.
 *
 * Design note:
 * - Effects are packed as RESP into a buffer. A *cut* turns the buffer into a record with
 *   the next sequence number; one append (one IndexedDB transaction) writes every record
 *   cut so far. Only one append is in flight: effects arriving meanwhile wait and go
 *   together in the next one, so under load the transaction count stays low however many
 *   commands run (group commit).
 * - `always`: an append starts in the microtask after the turn, and the gate (what replies
 *   wait for) is the commit of everything logged so far. `everysec` / `no`: appends run on
 *   a 1 s / 30 s timer, on flush() and when the buffer passes 8 MiB; no reply waits.
 * - Each record carries the acknowledgement of the effects in it: settled by the commit of
 *   its append, or by a snapshot that covers it, whichever comes first. So a write whose
 *   append is refused after its own engine's snapshot took it in is acknowledged, as the
 *   next engine loads it.
 * - A failed append keeps its records queued and retries every second; every reply waiting
 *   on it gets MISCONF (nothing uncommitted is acknowledged). The host decides what else
 *   a failure means (refusing writes; rewriting a deleted database).
 * - An append refused by the store's fence (a newer engine claimed it) is final: every
 *   waiter not covered by a snapshot gets the READONLY fencing error, the records and the
 *   buffer are dropped, the log stops (flush() then rejects at once).
 */
import { Errors, ReplyError } from '../engine/errors.js';
import { FORMAT_VERSION, packCommand, type LogRecord } from './codec.js';
import { isFencedError, type Durability, type FencedError, type Storage } from './storage.js';

export type AppendFsync = 'always' | 'everysec' | 'no';

const RETRY_MS = 1000;
const EVERYSEC_MS = 1000;
const NO_FSYNC_MS = 30_000;
/** A buffer this large is appended at once whatever the mode. */
const EAGER_BYTES = 8 << 20;

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

export function deferred(): Deferred {
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

/** A record cut from the buffer, and the acknowledgement of the effects it holds. */
interface Cut {
  record: LogRecord;
  ack: Deferred;
}

/** An error as one line: `Name: message`. */
export function describe(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)) {
    const e = error as { name?: string; message?: string };
    return e.message ? `${e.name ?? 'Error'}: ${e.message}` : String(e.name);
  }
  return String(error);
}

/** In Node, a pending timer must not keep the process alive. */
export function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}

/** What the log needs from its owner. */
export interface LogHost {
  readonly storage: Storage;
  /** The current appendfsync mode (CONFIG SET may change it). */
  mode(): AppendFsync;
  readonly strict: boolean;
  /** Records up to this seq are covered by the current snapshot. */
  coveredSeq(): number;
  /** An append committed (after a failure: writes may resume). */
  committed(): void;
  /** An append failed with `reason` (the records stay queued for the retry). */
  failed(reason: string): void;
  /**
   * The store lost its data under us (the database was deleted): rewrite it whole. The
   * append is retried once that settles; waiters stay pending until then.
   */
  lost(error: unknown): Promise<void> | null;
  /** An append was refused by the store's fence: this engine is a stale leader. */
  fenced(error: FencedError): void;
}

export class AppendLog {
  nextSeq = 1;
  /** Committed log bytes after the current snapshot, and per record (for compaction). */
  logBytes = 0;
  committedRecords: Array<[seq: number, bytes: number]> = [];
  appends = 0;
  /** Appends wait (appendonly was just turned on: for the snapshot that becomes their base). */
  paused = false;
  closed = false;
  private buffer = '';
  private bufferCount = 0;
  /** Records cut but not committed yet, in seq order. */
  private queue: Cut[] = [];
  /** The acknowledgement of the effects in the buffer (it goes with them when cut). */
  private open: Deferred | null = null;
  private inflight = false;
  /** The refusal that stopped the log (a newer engine owns the store). */
  private refusal: ReplyError | null = null;
  /** flush() calls waiting for every record up to `upTo`. */
  private flushes: Array<{ upTo: number; d: Deferred }> = [];
  private kickScheduled = false;
  /** flush() waits: append again as soon as the one in flight is done, whatever the mode. */
  private flushWanted = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private gate: Promise<void> | null = null;
  private failing = false;

  constructor(private readonly host: LogHost) {}

  /** What a reply produced now must wait for; null = send at once. */
  pendingGate(): Promise<void> | null {
    return this.gate;
  }

  /** Make replies wait for `promise` too (SAVE's reply waits for its snapshot). */
  holdReplies(promise: Promise<void>): void {
    const previous = this.gate;
    const combined = previous === null ? promise : Promise.all([previous, promise]).then(() => undefined);
    combined.catch(() => {});
    this.setGate(combined);
  }

  /** One engine turn's effects. */
  add(effects: string[][]): void {
    let buffer = this.buffer;
    for (let i = 0; i < effects.length; i++) buffer = packCommand(buffer, effects[i]!);
    this.buffer = buffer;
    this.bufferCount += effects.length;
    const d = (this.open ??= deferred());
    if (this.host.mode() === 'always') {
      // While appends fail, writes are refused: what still arrives (expiry) gates no reply.
      if (!this.failing) this.setGate(d.promise);
      this.scheduleKick();
    } else if (buffer.length >= EAGER_BYTES) this.scheduleKick();
    else this.armTimer();
  }

  /** Turn the buffer into a record; returns the last seq cut (what a snapshot now covers). */
  cut(): number {
    if (this.bufferCount > 0) {
      const record = { seq: this.nextSeq++, format: FORMAT_VERSION, count: this.bufferCount, data: this.buffer };
      this.queue.push({ record, ack: this.open ?? deferred() });
      this.open = null;
      this.buffer = '';
      this.bufferCount = 0;
    }
    return this.nextSeq - 1;
  }

  /**
   * Commit everything logged so far: resolves once it is committed (or covered by a
   * snapshot); rejects when the next attempt fails, or at once on a fenced log.
   */
  flush(): Promise<void> {
    if (this.refusal !== null) return Promise.reject(this.refusal);
    const upTo = this.cut();
    if (this.queue.length === 0) return Promise.resolve();
    const d = deferred();
    this.flushes.push({ upTo, d });
    this.flushWanted = true;
    this.kick();
    return d.promise;
  }

  /** Settle the flushes waiting for records up to `seq`, now committed or covered. */
  private flushed(seq: number): void {
    if (this.flushes.length === 0) return;
    this.flushes = this.flushes.filter(({ upTo, d }) => {
      if (upTo > seq) return true;
      d.resolve();
      return false;
    });
  }

  /** Reject every waiting flush. */
  private flushFailed(error: Error): void {
    for (const { d } of this.flushes.splice(0)) d.reject(error);
  }

  /** The mode changed to `always`: append what waits now. */
  modeChanged(): void {
    if (this.host.mode() === 'always' && this.queue.length + this.bufferCount > 0) this.scheduleKick();
  }

  /**
   * A snapshot covering records up to `seq` is current: they are neither stored nor
   * retried, and their effects are acknowledged (one in flight too, as the queue holds
   * those until they commit: durable either way).
   */
  covered(seq: number): void {
    this.queue = this.queue.filter((c) => {
      if (c.record.seq > seq) return true;
      c.ack.resolve();
      return false;
    });
    this.flushed(seq);
    this.committedRecords = this.committedRecords.filter(([s]) => s > seq);
    this.logBytes = this.committedRecords.reduce((sum, [, b]) => sum + b, 0);
  }

  /** Bytes logged but not committed. */
  get pendingBytes(): number {
    let pending = this.buffer.length;
    for (const c of this.queue) pending += c.record.data.length;
    return pending;
  }

  get appending(): boolean {
    return this.inflight;
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.timer = this.retryTimer = null;
  }

  private setGate(promise: Promise<void>): void {
    this.gate = promise;
    const clear = () => {
      if (this.gate === promise) this.gate = null;
    };
    promise.then(clear, clear);
  }

  /** everysec / no: append when the period is over. */
  private armTimer(): void {
    if (this.timer !== null || this.retryTimer !== null || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, this.host.mode() === 'everysec' ? EVERYSEC_MS : NO_FSYNC_MS);
    unrefTimer(this.timer);
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

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, RETRY_MS);
    unrefTimer(this.retryTimer);
  }

  /** Start an append of everything cut (and the buffer), unless one is in flight. */
  kick(): void {
    if (this.inflight || this.retryTimer !== null || this.closed || this.paused) return;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.cut();
    this.flushWanted = false;
    if (this.queue.length === 0) return;
    const batch = this.queue.slice();
    this.inflight = true;
    const mode = this.host.mode();
    // everysec / no promise no more than the browser's relaxed commit gives.
    const durability: Durability = mode !== 'always' ? 'relaxed' : this.host.strict ? 'strict' : 'default';
    this.host.storage.append(batch.map((c) => c.record), durability).then(
      () => {
        this.inflight = false;
        this.failing = false;
        // A snapshot may have dropped covered records from the queue meanwhile.
        const last = batch[batch.length - 1]!.record.seq;
        this.queue = this.queue.filter((c) => c.record.seq > last);
        const covered = this.host.coveredSeq();
        for (const { record, ack } of batch) {
          ack.resolve();
          if (record.seq <= covered) continue;
          this.committedRecords.push([record.seq, record.data.length]);
          this.logBytes += record.data.length;
        }
        this.appends++;
        this.flushed(last);
        this.host.committed();
        if (this.queue.length > 0 || this.bufferCount > 0) {
          if (this.host.mode() === 'always' || this.flushWanted) this.kick();
          else this.armTimer();
        }
      },
      (error: unknown) => {
        this.inflight = false;
        if (isFencedError(error)) {
          this.fenced(error);
          return;
        }
        const rewrite = this.host.lost(error);
        if (rewrite !== null) {
          // Waiters stay pending until the rewrite and the retried append (or its failure).
          rewrite.then(
            () => this.kick(),
            (e: unknown) => this.fail(describe(e)),
          );
          return;
        }
        this.fail(describe(error));
      },
    );
  }

  /**
   * Refused by the fence: nothing is retried, and no waiter is acknowledged but those a
   * snapshot covered (already resolved by `covered`: rejecting them is a no-op).
   */
  private fenced(error: FencedError): void {
    this.closed = true;
    const reply = new ReplyError(Errors.fenced(error.epoch, error.current));
    this.refusal = reply;
    this.host.fenced(error);
    this.cut();
    for (const c of this.queue) c.ack.reject(reply);
    this.queue = [];
    this.flushFailed(reply);
  }

  /**
   * Nothing uncommitted is acknowledged: every waiter gets the error. The records stay
   * queued and go with the next attempt (the data in memory already has them).
   */
  private fail(reason: string): void {
    this.failing = true;
    this.host.failed(reason);
    const error = new ReplyError(Errors.misconf(reason));
    this.cut();
    for (const c of this.queue) c.ack.reject(error);
    this.flushFailed(error);
    this.scheduleRetry();
  }
}
