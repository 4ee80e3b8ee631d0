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
 * - A failed append keeps its records queued and retries every second; every reply waiting
 *   on it gets MISCONF (nothing uncommitted is acknowledged). The host decides what else
 *   a failure means (refusing writes; rewriting a deleted database).
 * - An append refused by the store's fence (a newer engine claimed it) is final: every
 *   waiter gets the READONLY fencing error, the records are dropped, the log stops.
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

/** One deferred settling two (either may be null). */
function both(a: Deferred | null, b: Deferred | null): Deferred | null {
  if (a === null || b === null) return a ?? b;
  return {
    promise: Promise.all([a.promise, b.promise]).then(() => undefined),
    resolve: () => (a.resolve(), b.resolve()),
    reject: (e) => (a.reject(e), b.reject(e)),
  };
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
  private queue: LogRecord[] = [];
  /** Settles when everything received so far is committed. */
  private open: Deferred | null = null;
  private inflight = false;
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
      this.queue.push({ seq: this.nextSeq++, format: FORMAT_VERSION, count: this.bufferCount, data: this.buffer });
      this.buffer = '';
      this.bufferCount = 0;
    }
    return this.nextSeq - 1;
  }

  /** Commit everything logged so far. */
  flush(): Promise<void> {
    this.cut();
    if (this.queue.length === 0 && !this.inflight) return Promise.resolve();
    const d = (this.open ??= deferred());
    this.flushWanted = true;
    this.kick();
    return d.promise;
  }

  /** The mode changed to `always`: append what waits now. */
  modeChanged(): void {
    if (this.host.mode() === 'always' && this.queue.length + this.bufferCount > 0) this.scheduleKick();
  }

  /** A snapshot covering records up to `seq` is current: they are neither stored nor retried. */
  covered(seq: number): void {
    this.queue = this.queue.filter((r) => r.seq > seq);
    this.committedRecords = this.committedRecords.filter(([s]) => s > seq);
    this.logBytes = this.committedRecords.reduce((sum, [, b]) => sum + b, 0);
  }

  /** Bytes logged but not committed. */
  get pendingBytes(): number {
    let pending = this.buffer.length;
    for (const r of this.queue) pending += r.data.length;
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
    const waiting = this.open;
    this.open = null;
    this.flushWanted = false;
    if (this.queue.length === 0) {
      waiting?.resolve();
      return;
    }
    const records = this.queue.slice();
    this.inflight = true;
    const mode = this.host.mode();
    // everysec / no promise no more than the browser's relaxed commit gives.
    const durability: Durability = mode !== 'always' ? 'relaxed' : this.host.strict ? 'strict' : 'default';
    this.host.storage.append(records, durability).then(
      () => {
        this.inflight = false;
        this.failing = false;
        // A snapshot may have dropped covered records from the queue meanwhile.
        const last = records[records.length - 1]!.seq;
        this.queue = this.queue.filter((r) => r.seq > last);
        const covered = this.host.coveredSeq();
        for (const r of records) {
          if (r.seq <= covered) continue;
          this.committedRecords.push([r.seq, r.data.length]);
          this.logBytes += r.data.length;
        }
        this.appends++;
        waiting?.resolve();
        this.host.committed();
        if (this.queue.length > 0 || this.bufferCount > 0) {
          if (this.host.mode() === 'always' || this.flushWanted) this.kick();
          else this.armTimer();
        }
      },
      (error: unknown) => {
        this.inflight = false;
        if (isFencedError(error)) {
          this.fenced(error, waiting);
          return;
        }
        const rewrite = this.host.lost(error);
        if (rewrite !== null) {
          // Waiters stay pending until the rewrite and the retried append (or its failure).
          const keep = both(waiting, this.open);
          this.open = keep;
          rewrite.then(
            () => this.kick(),
            (e: unknown) => this.fail(describe(e), keep),
          );
          return;
        }
        this.fail(describe(error), waiting);
      },
    );
  }

  /** Refused by the fence: no waiter is ever acknowledged, nothing is retried. */
  private fenced(error: FencedError, waiting: Deferred | null): void {
    this.closed = true;
    this.queue = [];
    this.host.fenced(error);
    const reply = new ReplyError(Errors.fenced(error.epoch, error.current));
    waiting?.reject(reply);
    const later = this.open;
    this.open = null;
    if (later !== waiting) later?.reject(reply);
  }

  /**
   * Nothing uncommitted is acknowledged: every waiter gets the error. The records stay
   * queued and go with the next attempt (the data in memory already has them).
   */
  private fail(reason: string, waiting: Deferred | null): void {
    this.failing = true;
    this.host.failed(reason);
    const error = new ReplyError(Errors.misconf(reason));
    waiting?.reject(error);
    const later = this.open;
    this.open = null;
    if (later !== waiting) later?.reject(error);
    this.scheduleRetry();
  }
}
