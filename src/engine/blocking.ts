/**
 * Blocking commands (redis: blocked.c, and the serving code of t_list.c / t_zset.c, 7.0).
 *
 * A client whose blocking command finds nothing to pop waits on its keys without holding
 * the engine: the command answers later, from the turn of whichever client wrote the key,
 * or from a timer. Commands sent after it on the same connection are held back until it is
 * answered, exactly as on a Redis connection; other connections keep being served.
 *
 * ## API for a blocking command family (BLPOP here, BZPOPMIN in the sorted-set family)
 *
 * ```ts
 * handler: (ctx, argv) => {
 *   const deadline = parseBlockTimeoutOrThrow(ctx, argv[argv.length - 1]!); // 0 = forever
 *   // 1. Check every key's type in order (WRONGTYPE at once, as Redis does).
 *   // 2. Serve now if a key holds data: the non-blocking form's effect, ctx.rewrite(...) it.
 *   // 3. Else wait:
 *   return ctx.engine.blocking.block(ctx, argv, {
 *     keys, type: 'list', deadline, timeoutReply: null,
 *     serve: (ctx, key) => reply | undefined,
 *   });
 * }
 * ```
 *
 * - `block` answers `timeoutReply` at once when the client cannot wait: inside MULTI/EXEC
 *   (a blocking command in a transaction behaves as its non-blocking form) or for a
 *   synchronous caller (Connection.callSync). Otherwise it registers the waiter and returns
 *   `BLOCKED`; the connection's call path takes it from there.
 * - `serve(ctx, key)` runs as a command of the blocked client (its own time snapshot, dirty
 *   count and effect log) when `key` was written and now holds `type`. It pops, calls
 *   `ctx.modified` and `ctx.rewrite` (log the non-blocking form: LPOP, ZPOPMIN …) like the
 *   non-blocking command, and returns the reply; `undefined` keeps the client waiting.
 *   Throwing a ReplyError (BLMOVE onto a key of another type) answers the error and
 *   unblocks; validate before mutating, as every handler does.
 *
 * ## Semantics (Redis 7.0)
 * - Keys become ready when written (`Engine.signalModifiedKey`); ready keys are served at
 *   the end of the top-level command (a push inside MULTI wakes waiters after EXEC), in the
 *   order they became ready, and a serve that writes (BLMOVE) makes more keys ready.
 * - Per key, first blocked, first served. A client blocked on several keys is served by the
 *   first of them that becomes ready, then leaves every queue.
 * - A waiter whose key now holds another type keeps waiting (7.0 serves by the key's type).
 * - Timeouts are absolute deadlines on the engine clock; a client times out once the clock
 *   is past its deadline: a timer arms for the earliest one, and `checkTimeouts()` lets a
 *   host or a test with a fake clock run the check itself.
 * - Closing a connection drops its waiter (and the timer when it was the last one).
 */
import type { CommandSpec } from './command.js';
import type { Connection } from './connection.js';
import type { CommandContext } from './context.js';
import type { Engine } from './engine.js';
import type { Entry, RedisType } from './keyspace.js';
import { Errors, ReplyError, fail } from './errors.js';
import { Status, type RawReply } from './reply.js';
import { ExpiryHeap } from './types/expiry-heap.js';
import { bitLength, parseLongDouble } from './types/long-double.js';

/** What `block` returns when the client waits: never a reply, compared by identity. */
export const BLOCKED: RawReply = new Status('BLOCKED');
/** A serve that left its client waiting. */
const NOT_SERVED: RawReply = new Status('NOT_SERVED');

export interface BlockRequest {
  /** The keys to wait on, in the command's order (duplicates are ignored). */
  readonly keys: readonly string[];
  /** The value type the waiter consumes: only a key of this type serves it. */
  readonly type: RedisType;
  /** Absolute deadline in ms on the engine clock; 0 waits forever. */
  readonly deadline: number;
  /** The answer on timeout, and inside MULTI (nil, or the null array: both `null`). */
  readonly timeoutReply: RawReply;
  /** Serve the client from `key`, which holds `type`; `undefined` = keep waiting. */
  serve(ctx: CommandContext, key: string): RawReply | undefined;
}

/** What a connection knows of its blocked command. */
export interface BlockedCommand {
  /** Settles with the command's reply: served, timed out, unblocked or cancelled. */
  readonly promise: Promise<RawReply>;
}

let nextWaiterSeq = 0;

/** One blocked client (redis: c->bpop). */
class Waiter implements BlockedCommand {
  done = false;
  /** Blocking order (timeouts due together are answered in it). */
  readonly seq = nextWaiterSeq++;
  readonly promise: Promise<RawReply>;
  settle!: (reply: RawReply) => void;

  constructor(
    readonly conn: Connection,
    readonly spec: CommandSpec,
    readonly argv: string[],
    readonly keys: string[],
    readonly request: BlockRequest,
  ) {
    this.promise = new Promise((resolve) => (this.settle = resolve));
  }
}

export class BlockingRegistry {
  /**
   * Key → clients blocked on it, first blocked first (redis: db->blocking_keys). A Set
   * keeps insertion order and leaves in O(1), however many clients wait on one key.
   */
  private readonly byKey = new Map<string, Set<Waiter>>();
  private readonly waiters = new Set<Waiter>();
  /**
   * Waiters with a deadline, earliest first (redis: the timeout radix tree). A waiter
   * answered otherwise stays until popped or swept (`done`); `timed` counts the live ones.
   */
  private readonly timeouts = new ExpiryHeap<Waiter>();
  private timed = 0;
  /** Keys written since the last serve that someone waits on (redis: server.ready_keys). */
  private ready: string[] = [];
  private readonly readySet = new Set<string>();
  /** Read on the hot path: number of keys with waiters, and "some key became ready". */
  keyCount = 0;
  readyPending = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = Infinity;

  constructor(private readonly engine: Engine) {}

  /** Blocked clients (INFO clients `blocked_clients`). */
  get blockedClients(): number {
    return this.waiters.size;
  }

  /** Blocked clients with a deadline (INFO clients `clients_in_timeout_table`). */
  get clientsWithTimeout(): number {
    return this.timed;
  }

  /**
   * Wait on `request.keys` for the running command of `ctx.conn`, or answer
   * `request.timeoutReply` now when the client cannot wait (see the file comment).
   */
  block(ctx: CommandContext, argv: readonly string[], request: BlockRequest): RawReply {
    const conn = ctx.conn;
    if (conn.multi !== null) return request.timeoutReply;
    const keys = [...new Set(request.keys)];
    // argv may be the caller's own array: the waiter keeps a copy.
    const waiter = new Waiter(conn, ctx.spec, argv.slice(), keys, request);
    for (const key of keys) {
      let queue = this.byKey.get(key);
      if (queue === undefined) {
        this.byKey.set(key, (queue = new Set()));
        this.keyCount++;
      }
      queue.add(waiter);
    }
    this.waiters.add(waiter);
    conn.blocked = waiter;
    if (request.deadline !== 0) {
      this.timed++;
      // Answered waiters' pairs are swept once they outnumber the live ones.
      if (this.timeouts.size >= 2 * this.timed + 64) this.timeouts.retain((_, w) => !w.done);
      this.timeouts.push(request.deadline, waiter);
      if (request.deadline < this.timerAt) this.arm(request.deadline);
    }
    return BLOCKED;
  }

  /** `key` was written: serve its waiters at the end of the command (redis: signalKeyAsReady). */
  signal(key: string): void {
    if (!this.byKey.has(key) || this.readySet.has(key)) return;
    this.readySet.add(key);
    this.ready.push(key);
    this.readyPending = true;
  }

  /**
   * Serve the clients blocked on keys that became ready, until no key is left ready
   * (redis: handleClientsBlockedOnKeys). Called by the engine after a top-level command.
   */
  serveReady(): void {
    while (this.ready.length > 0) {
      const keys = this.ready;
      this.ready = [];
      for (const key of keys) {
        // Out of the set only now: a serve (BLMOVE) that writes a key still waiting its
        // turn in this round does not queue it again (redis: dictDelete(db->ready_keys)).
        this.readySet.delete(key);
        this.serveKey(key);
      }
    }
    this.readyPending = false;
  }

  private serveKey(key: string): void {
    const queue = this.byKey.get(key);
    if (queue === undefined) return;
    // Clients that block while this runs (none can: serving never blocks) are not served;
    // a served one leaves the set, which the iteration tolerates.
    let left = queue.size;
    for (const waiter of queue) {
      if (left-- === 0) return;
      const entry: Entry | undefined = this.engine.db.peek(key);
      if (entry === undefined) return;
      if (entry.type !== waiter.request.type) continue;
      const reply = this.engine.run(waiter.conn, waiter.spec, waiter.argv, (ctx) => waiter.request.serve(ctx, key) ?? NOT_SERVED);
      if (reply === NOT_SERVED) continue;
      this.unblock(waiter, reply);
    }
  }

  /**
   * Time out every client whose deadline the clock has passed (redis:
   * handleBlockedClientsTimeout). Returns how many were answered.
   */
  checkTimeouts(): number {
    const now = this.engine.clock();
    const due: Waiter[] = [];
    const heap = this.timeouts;
    for (let when = heap.peekWhen(); when !== undefined && when < now; when = heap.peekWhen()) {
      const waiter = heap.peekKey()!;
      heap.pop();
      if (!waiter.done) due.push(waiter);
    }
    // By deadline, then in blocking order (redis: the radix tree's (timeout, client id) key).
    due.sort((a, b) => a.request.deadline - b.request.deadline || a.seq - b.seq);
    for (const waiter of due) this.unblock(waiter, waiter.request.timeoutReply);
    return due.length;
  }

  /**
   * Drop `conn`'s waiter, answering `reply` (connection closed: an error; a synchronous
   * caller: the timeout reply). Returns the reply.
   */
  cancel(conn: Connection, reply?: RawReply): RawReply {
    const waiter = conn.blocked as Waiter | null;
    if (waiter === null) return reply ?? null;
    const answer = reply ?? waiter.request.timeoutReply;
    this.unblock(waiter, answer);
    return answer;
  }

  /**
   * CLIENT UNBLOCK: answer `conn`'s blocked command with its timeout reply, or with
   * `-UNBLOCKED` when `error`. False when it is not blocked.
   */
  unblockClient(conn: Connection, error: boolean): boolean {
    const waiter = conn.blocked as Waiter | null;
    if (waiter === null) return false;
    this.unblock(waiter, error ? new ReplyError(Errors.unblocked) : waiter.request.timeoutReply);
    return true;
  }

  private unblock(waiter: Waiter, reply: RawReply): void {
    if (waiter.done) return;
    waiter.done = true;
    for (const key of waiter.keys) {
      const queue = this.byKey.get(key)!;
      queue.delete(waiter);
      if (queue.size === 0) {
        this.byKey.delete(key);
        this.keyCount--;
      }
    }
    this.waiters.delete(waiter);
    if (waiter.request.deadline !== 0) this.timed--;
    if (waiter.conn.blocked === waiter) waiter.conn.blocked = null;
    if (this.waiters.size === 0) {
      this.disarm();
      this.timeouts.clear();
    }
    waiter.settle(reply);
  }

  // --- the timeout timer -----------------------------------------------------------------

  private arm(deadline: number): void {
    this.disarm();
    this.timerAt = deadline;
    // Due once the clock is past the deadline (redis compares deadline < now).
    const delay = Math.min(Math.max(0, deadline + 1 - this.engine.clock()), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.checkTimeouts();
      const heap = this.timeouts;
      while (heap.size > 0 && heap.peekKey()!.done) heap.pop();
      const next = heap.peekWhen();
      if (next !== undefined) this.arm(next);
    }, delay);
    // Not unref'd: like a socket to Redis, a pending BLPOP with a timeout keeps a Node
    // process alive until it is answered (an unref'd timer let a script exit mid-await).
  }

  private disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }
}

/**
 * A blocking command's timeout argument in seconds → absolute deadline in ms, 0 = forever
 * (redis: getTimeoutFromObjectOrReply with UNIT_SECONDS, 7.0.8+). The value is read as a
 * long double and `(long long)ceill(value * 1000)` taken: a positive value below 1 ms waits
 * 1 ms (before 7.0.8 it truncated to 0 and blocked forever), a negative one above -1 ms is
 * -0, i.e. forever; infinities and values past 2^63 ms convert to LLONG_MIN, i.e. negative.
 */
export function parseBlockTimeoutOrThrow(ctx: CommandContext, arg: string): number {
  const ld = parseLongDouble(arg);
  if (ld === null || ld.kind === 'nan') fail(Errors.timeoutNotFloat);
  if (ld.kind === 'inf') fail(Errors.timeoutNegative);
  // value · 1000 rounded to the 64-bit significand, as the x87 multiply does.
  let mant = ld.mant * 1000n;
  let exp = ld.exp;
  const excess = bitLength(mant) - 64;
  if (excess > 0) {
    const shift = BigInt(excess);
    const half = 1n << (shift - 1n);
    const rest = mant & ((1n << shift) - 1n);
    mant >>= shift;
    if (rest > half || (rest === half && (mant & 1n) === 1n)) mant++;
    exp += excess;
  }
  // |value · 1000| = whole + a fraction; ceill rounds a positive one up, a negative one to 0.
  const whole = exp >= 0 ? (exp > 64 ? 1n << 64n : mant << BigInt(exp)) : mant >> BigInt(-exp);
  const fraction = exp < 0 && (mant & ((1n << BigInt(-exp)) - 1n)) !== 0n;
  if (ld.neg) {
    if (whole === 0n) return 0;
    fail(Errors.timeoutNegative);
  }
  const ms = fraction ? whole + 1n : whole;
  if (ms >= 1n << 63n) fail(Errors.timeoutNegative);
  if (ms === 0n) return 0;
  const deadline = ctx.now + Number(ms);
  // A deadline past what a timer can ever reach waits forever in practice.
  return Number.isSafeInteger(deadline) ? deadline : 0;
}

// --- the connection side: holding back the commands after a blocked one ------------------

/**
 * Run `task` once every command held on `conn` has been answered; `conn.held` follows the
 * tail so later calls queue behind this one.
 */
export function afterHeld<T>(conn: Connection, task: () => T | Promise<T>): Promise<T> {
  const result = (conn.held ?? Promise.resolve()).then(task);
  track(conn, result);
  return result;
}

/**
 * The command just run on `conn` blocked: its reply, once it comes. Unless `conn` is
 * already held (this runs inside a held task), commands issued meanwhile wait for it.
 */
export function awaitBlocked(conn: Connection): Promise<RawReply> {
  const promise = conn.blocked!.promise;
  if (conn.held === null) track(conn, promise);
  return promise;
}

/**
 * A batch whose command at `index` blocked: wait for its reply, then run the rest in order
 * (each may block too). `out` holds the replies so far; `step` runs one command without
 * ending the turn (BLOCKED when it blocks), `convert` turns a raw reply into `out`'s form.
 */
export function continueBatch<T>(
  conn: Connection,
  commands: readonly unknown[],
  out: T[],
  index: number,
  step: (i: number) => RawReply,
  convert: (raw: RawReply) => T,
): Promise<T[]> {
  // Effects of the commands before the blocked one go out now.
  conn.engine.endTurn();
  const run = async (): Promise<T[]> => {
    out[index] = convert(await conn.blocked!.promise);
    for (let i = index + 1; i < commands.length; i++) {
      let raw = step(i);
      if (raw === BLOCKED) {
        conn.engine.endTurn();
        raw = await conn.blocked!.promise;
      }
      out[i] = convert(raw);
    }
    conn.engine.endTurn();
    return out;
  };
  if (conn.held !== null) return run();
  const result = run();
  track(conn, result);
  return result;
}

function track(conn: Connection, promise: Promise<unknown>): void {
  const tail: Promise<void> = promise.then(noop, noop);
  conn.held = tail;
  void tail.then(() => {
    if (conn.held === tail) conn.held = null;
  });
}

function noop(): void {}
