/**
 * The engine: owns the keyspace, command table, clock, clients, WATCH registry (watch.ts), keyspace
 * events and the effect log. `execute(conn, argv)` is the one entry for every command:
 * resolve → MULTI queueing → handler → propagation. Platform-free.
 */
import { CommandTable, Route, TRANSACTION_CONTROL } from './command-table.js';
import type { CommandSpec, Handler } from './command.js';
import { CommandContext } from './context.js';
import { Connection, type Arg } from './connection.js';
import { Config } from './config.js';
import { Errors, ReplyError } from './errors.js';
import { Keyspace } from './keyspace.js';
import { lfuSettingsFrom } from './lfu.js';
import { Notify } from './notify.js';
import { isAscii } from './bytes.js';
import { PubSub } from './pubsub.js';
import { WatchRegistry } from './watch.js';
import { BlockingRegistry } from './blocking.js';
import type { ReplicationView } from './commands/replication.js';
import { QUEUED, type RawReply, type Reply } from './reply.js';
import { Persistence, refuseWrite, type PersistenceOptions } from '../persistence/persistence.js';
import type { Storage } from '../persistence/storage.js';

/**
 * The effect a load's end leaves in the log (finishLoading): every key whose deadline is
 * before its argument was dropped there. Not a command: persistence's replay applies it.
 */
export const EXPIRED_BEFORE = 'idb-redis:expired-before';

export interface EngineOptions {
  /** Milliseconds since the epoch; inject a fake clock in tests. Default `Date.now`. */
  clock?: () => number;
  /** Run the active expirer on timers (default true). Lazy expiry always runs. */
  activeExpire?: boolean;
  /** Random source for RANDOMKEY and friends (default `Math.random`). */
  random?: () => number;
  /**
   * Persist to this store (src/persistence): the engine loads it first (`ready`; calls made
   * meanwhile wait), then logs every write. Default: nothing persists.
   */
  storage?: Storage;
  /** Durability mode and loading options for `storage`. */
  persistence?: PersistenceOptions;
}

/** One keyspace event as Redis would publish it. */
export interface KeyspaceEvent {
  channel: string;
  message: string;
}

export type EffectListener = (effects: string[][]) => void;
export type KeyspaceEventListener = (event: KeyspaceEvent) => void;


/** Keys expired per active-expiry slice before yielding to commands. */
const EXPIRE_SLICE = 1000;

export class Engine {
  readonly clock: () => number;
  readonly random: () => number;
  readonly commands = new CommandTable();
  readonly db: Keyspace;
  readonly config: Config;
  readonly clients = new Map<number, Connection>();
  /** Channels, patterns, MONITORs and the push queue (pubsub.ts). */
  readonly pubsub: PubSub = new PubSub(this);
  /** Clients blocked on keys (BLPOP, BZPOPMIN …) and the keys that woke them (blocking.ts). */
  readonly blocking: BlockingRegistry = new BlockingRegistry(this);
  /** WATCHed keys and the connections watching them (watch.ts). */
  readonly watches: WatchRegistry;
  /** ROLE / INFO replication as a multi-tab host sees them (worker/leader.ts); null: standalone. */
  replication: ReplicationView | null = null;
  readonly stats = {
    startedAt: 0,
    commandsProcessed: 0,
    connectionsReceived: 0,
    expiredKeys: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
    /** Changes since start (redis: server.dirty). */
    dirty: 0,
  };
  /** Cached `notify-keyspace-events` flags: the hot path reads a number. */
  notifyFlags = 0;
  /** Cached `lazyfree-lazy-expire`: expiry deletions are logged as UNLINK instead of DEL. */
  lazyExpire = false;
  closed = false;
  /** The store this engine persists to, or null (src/persistence). */
  readonly persistence: Persistence | null = null;
  /** Settles once the store is loaded (at once without one); rejects when loading failed. */
  readonly ready: Promise<void>;
  /** Set while writes to the store fail: write commands get this error (MISCONF). */
  writeDenied: string | null = null;

  private readonly ctx: CommandContext;

  private readonly effectListeners = new Set<EffectListener>();
  private readonly eventListeners = new Set<KeyspaceEventListener>();
  private pendingEffects: string[][] = [];
  /** Effects are only collected while someone listens (persistence, tests). */
  recordEffects = false;
  /**
   * True while no byte ≥ 0x80 has entered the engine: every key, value and argument so far
   * was ASCII, so no reply can hold UTF-8 to decode and public replies skip the decoding.
   * Cleared for good by the first such byte (Connection's argument conversion, `noteBytes`).
   */
  asciiOnly = true;
  private nextClientId = 1;
  private defaultConnection: Connection | null = null;
  private readonly activeExpire: boolean;
  private expireTimer: ReturnType<typeof setTimeout> | null = null;
  private expireTimerAt = Infinity;
  /** The armed timer is scheduleActiveExpire's: due at the earliest live deadline + 1. */
  private expireTimerExact = false;
  /** Nesting depth of execute(): the command time snapshot is taken at depth 0 only. */
  private depth = 0;
  /** The access clock (accessNow): a cached reading, stale once its timer fired. */
  private readonly coarseClock: boolean;
  private accessReading = 0;
  private accessStale = true;

  constructor(options: EngineOptions = {}) {
    this.clock = options.clock ?? Date.now;
    // An injected clock (tests, hosts) is followed exactly; the system clock is cached.
    this.coarseClock = options.clock === undefined;
    this.random = options.random ?? Math.random;
    this.activeExpire = options.activeExpire ?? true;
    this.stats.startedAt = this.clock();
    this.db = new Keyspace({ now: () => this.ctx.now, accessNow: () => this.accessNow(), onExpired: (key) => this.onKeyExpired(key) });
    this.watches = new WatchRegistry(this.db);
    this.ctx = new CommandContext(this, this.db);
    this.ctx.now = this.clock();
    this.config = new Config((name, stored) => {
      if (name === 'notify-keyspace-events') this.notifyFlags = Number(stored);
      else if (name === 'lazyfree-lazy-expire') this.lazyExpire = stored === 'yes';
      else if (name === 'maxmemory-policy' || name === 'lfu-log-factor' || name === 'lfu-decay-time') {
        this.db.lfu = lfuSettingsFrom(this.config, this.random);
      } else if (name === 'appendonly' || name === 'appendfsync') this.persistence?.configChanged(name, stored);
    });
    if (options.storage !== undefined) {
      this.persistence = new Persistence(this, options.storage, options.persistence);
      this.ready = this.persistence.ready;
    } else this.ready = Promise.resolve();
  }

  /** Commit every logged write to the store now (no-op without one). */
  flush(): Promise<void> {
    return this.persistence?.flush() ?? Promise.resolve();
  }

  /** Open a new client connection with its own transaction and WATCH state. */
  connect(): Connection {
    if (this.closed) throw new ReplyError('ERR engine closed');
    const conn = new Connection(this, this.nextClientId++);
    this.clients.set(conn.id, conn);
    this.stats.connectionsReceived++;
    return conn;
  }

  /** Run a command through the default connection. */
  call(argv: readonly Arg[]): Promise<Reply> {
    if (this.defaultConnection === null || this.defaultConnection.closed) this.defaultConnection = this.connect();
    return this.defaultConnection.call(argv);
  }

  /** Stop timers and close every connection. */
  close(): void {
    if (this.closed) return;
    for (const conn of [...this.clients.values()]) conn.close();
    if (this.expireTimer !== null) clearTimeout(this.expireTimer);
    this.expireTimer = null;
    this.closed = true;
    // Pending log records are still written; the store is released after.
    void this.persistence?.close();
  }

  /** Subscribe to the effect log: write effects in order, delivered once per engine turn. */
  onEffects(listener: EffectListener): () => void {
    this.effectListeners.add(listener);
    this.recordEffects = true;
    return () => {
      this.effectListeners.delete(listener);
      this.recordEffects = this.effectListeners.size > 0;
    };
  }

  /**
   * Byte strings that enter without a connection (a store being loaded, an import) must
   * pass here: a byte ≥ 0x80 clears `asciiOnly`.
   */
  noteBytes(argv: readonly string[]): void {
    if (!this.asciiOnly) return;
    for (const s of argv) {
      if (!isAscii(s)) {
        this.asciiOnly = false;
        return;
      }
    }
  }

  /**
   * True while a lookup-only command's keys may run as the caller gave them
   * (CommandSpec.lookupOnly): the keyspace holds only ASCII, and nothing shows the keys
   * themselves (MONITOR, keymiss events).
   */
  get keysAsGiven(): boolean {
    return this.asciiOnly && this.pubsub.monitors.size === 0 && (this.notifyFlags & Notify.keyMiss) === 0;
  }

  /** Subscribe to keyspace notifications (as enabled by `notify-keyspace-events`). */
  onKeyspaceEvent(listener: KeyspaceEventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /**
   * Execute one command (argv as byte strings) for `conn`. Never throws: every failure
   * is an error reply. `spelled`: argv[0]'s Route as the caller found it (CommandTable.spelled).
   */
  execute(conn: Connection, argv: string[], spelled?: Route): RawReply {
    if (spelled !== undefined && !spelled.hasSubcommands) {
      // The common case, checked inline: a plain command the caller already found.
      const arity = spelled.arity;
      if ((arity > 0 && argv.length !== arity) || argv.length < -arity) return this.rejected(conn, Errors.wrongArity(spelled.name));
      return this.executeRoute(conn, spelled, argv);
    }
    const resolved = spelled === undefined ? this.commands.route(argv) : this.commands.checked(spelled, argv);
    if (resolved instanceof Route) return this.executeRoute(conn, resolved, argv);
    if (typeof resolved === 'string') return this.rejected(conn, resolved);
    const spec = resolved;
    if (conn.pubsub !== null) {
      const refused = this.pubsub.refusal(conn, spec);
      if (refused !== null) return refused;
    }
    if (this.writeDenied !== null) {
      const refused = refuseWrite(conn, spec, this.writeDenied);
      if (refused !== null) return refused;
    }
    if (conn.multi !== null && !TRANSACTION_CONTROL.has(spec.name)) {
      return this.queue(conn, spec, spec.flags.includes('no_multi'), argv);
    }
    const reply = this.run(conn, spec, argv);
    if (this.blocking.readyPending) this.blocking.serveReady();
    return reply;
  }

  /** `execute` for a resolved top-level command without subcommands. */
  private executeRoute(conn: Connection, route: Route, argv: string[]): RawReply {
    // Subscribed mode (RESP2): only the pub/sub commands, PING, QUIT, RESET.
    if (conn.pubsub !== null) {
      const refused = this.pubsub.refusal(conn, route.spec);
      if (refused !== null) return refused;
    }
    if (this.writeDenied !== null) {
      const refused = refuseWrite(conn, route.spec, this.writeDenied);
      if (refused !== null) return refused;
    }
    if (conn.multi !== null && !route.transactionControl) return this.queue(conn, route.spec, route.noMulti, argv);
    const reply = this.runWith(conn, route.spec, route.name, route.handler!, argv);
    // Clients blocked on keys this command wrote are served now (redis: after call()).
    if (this.blocking.readyPending) this.blocking.serveReady();
    return reply;
  }

  /** A command refused before it ran (unknown, wrong arity): inside MULTI, EXEC will abort. */
  private rejected(conn: Connection, error: string): RawReply {
    if (conn.multi) conn.multi.failed = true;
    return new ReplyError(error);
  }

  private queue(conn: Connection, spec: CommandSpec, noMulti: boolean, argv: string[]): RawReply {
    const multi = conn.multi!;
    if (noMulti) {
      multi.failed = true;
      return new ReplyError('ERR Command not allowed inside a transaction');
    }
    // argv may be the caller's own array (Connection.callRawSync): keep a copy.
    multi.queue.push({ spec, argv: argv.slice() });
    return QUEUED;
  }

  /**
   * Run a resolved command now (EXEC calls this for each queued command). Handles the
   * time snapshot, stats, error capture and propagation of the command's effect. A
   * `handler` given runs in the spec's place (a blocked client being served): the command
   * was counted and shown to MONITOR when it blocked, so it is not again (redis serves
   * without call()).
   */
  run(conn: Connection, spec: CommandSpec, argv: string[], handler?: Handler): RawReply {
    return this.runWith(conn, spec, spec.name, handler ?? spec.handler!, argv, handler !== undefined);
  }

  private runWith(conn: Connection, spec: CommandSpec, name: string, handler: Handler, argv: string[], served = false): RawReply {
    const ctx = this.ctx;
    const nested = this.depth !== 0;
    const saved = nested ? saveContext(ctx) : null;
    if (!nested) ctx.newTimeSnapshot();
    ctx.conn = conn;
    ctx.spec = spec;
    ctx.dirty = 0;
    ctx.rewritten = null;
    ctx.extraEffects = null;
    ctx.preventPropagation = false;
    this.depth++;
    let reply: RawReply;
    try {
      reply = handler(ctx, argv);
    } catch (e) {
      reply = e instanceof ReplyError ? e : internalError(e);
    }
    this.depth--;
    if (!served && !conn.replays) {
      this.stats.commandsProcessed++;
      if (this.pubsub.monitors.size !== 0) this.pubsub.feedMonitors(conn, spec, argv, ctx.now);
    }
    conn.lastCommandAt = this.accessNow();
    conn.lastCommand = name;
    if (ctx.dirty > 0) {
      this.stats.dirty += ctx.dirty;
      // argv may be the caller's own array: the log keeps a copy that outlives the turn.
      if (this.recordEffects && !ctx.preventPropagation) this.pendingEffects.push(ctx.rewritten ?? argv.slice());
    }
    // The handler may have set it: widen the type the assignment above narrowed.
    const extra = ctx.extraEffects as string[][] | null;
    if (extra !== null && this.recordEffects) for (const effect of extra) this.pendingEffects.push(effect);
    if (saved !== null) restoreContext(ctx, saved);
    return reply;
  }

  /** Index into the pending effect log (EXEC brackets its effects with MULTI/EXEC). */
  get effectMark(): number {
    return this.pendingEffects.length;
  }

  /**
   * Wrap effects logged since `mark` in MULTI … EXEC so they replay atomically. A single
   * effect is atomic by itself and stays bare, as Redis 7.0 propagates it.
   */
  wrapEffectsSince(mark: number): void {
    if (this.pendingEffects.length - mark <= 1) return;
    this.pendingEffects.splice(mark, 0, ['multi']);
    this.pendingEffects.push(['exec']);
  }

  /**
   * The clock of access times (OBJECT IDLETIME, LFU counters, CLIENT LIST idle). Redis
   * keeps its LRU clock at 1 s resolution, refreshed ten times a second (serverCron); here
   * the system clock is read at most once per 100 ms of activity (a one-shot timer marks
   * the reading stale, so nothing runs while idle), since a clock read costs about as much
   * as a simple command. A command that took its time snapshot already uses that; an
   * injected clock is always read through the snapshot, so tests see exact times.
   */
  accessNow(): number {
    const taken = this.ctx.nowIfTaken;
    if (taken >= 0) return taken;
    if (!this.coarseClock) return this.ctx.now;
    if (this.accessStale) {
      this.accessReading = this.clock();
      this.accessStale = false;
      unrefTimer(setTimeout(() => (this.accessStale = true), ACCESS_CLOCK_MS));
    }
    return this.accessReading;
  }

  /** End of an engine turn: deliver effects, then (re)arm the active expirer. */
  endTurn(): void {
    if (this.pendingEffects.length > 0) {
      const effects = this.pendingEffects;
      this.pendingEffects = [];
      for (const listener of this.effectListeners) listener(effects);
    }
    // Re-arm only when a deadline was set this turn: an earlier one may now be due first.
    // Not while the store is replayed (finishLoading arms it).
    if (this.activeExpire && this.db.deadlinesAdded && !this.db.loading) {
      this.db.deadlinesAdded = false;
      const earliest = this.db.minDeadlineAdded;
      this.db.minDeadlineAdded = Infinity;
      // The armed timer already fires by every older live deadline (it was armed for the
      // earliest one): only a new deadline before it can move it.
      if (!this.expireTimerExact || earliest + 1 < this.expireTimerAt) this.scheduleActiveExpire();
    }
    // Last: a push listener may run commands, which start turns of their own.
    if (this.pubsub.pending) this.pubsub.flush();
  }

  /** Invalidate every transaction WATCHing `key`, wake clients blocked on it (redis: signalModifiedKey). */
  signalModifiedKey(key: string): void {
    if (this.blocking.keyCount !== 0) this.blocking.signal(key);
    if (this.watches.active) this.watches.touch(key);
  }

  // --- keyspace events ----------------------------------------------------------------

  /** Publish a keyspace notification if its class is enabled (redis: notifyKeyspaceEvent). */
  notify(notifyClass: number, event: string, key: string): void {
    const flags = this.notifyFlags;
    if ((flags & notifyClass) === 0 || this.eventListeners.size === 0) return;
    if (flags & Notify.keyspace) this.emitEvent({ channel: `__keyspace@0__:${key}`, message: event });
    if (flags & Notify.keyevent) this.emitEvent({ channel: `__keyevent@0__:${event}`, message: key });
  }

  private emitEvent(event: KeyspaceEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }

  // --- expiry ---------------------------------------------------------------------------

  private onKeyExpired(key: string): void {
    this.stats.expiredKeys++;
    this.signalModifiedKey(key);
    this.notify(Notify.expired, 'expired', key);
    if (this.recordEffects) this.pendingEffects.push([this.lazyExpire ? 'unlink' : 'del', key]);
  }

  /**
   * One slice of active expiry: delete keys whose deadline has passed, at most
   * `EXPIRE_SLICE` at a time. Returns how many were removed. Hosts and tests may call it.
   */
  runActiveExpire(): number {
    if (this.depth !== 0) return 0;
    this.ctx.now = this.clock();
    const removed = this.db.expireDue(EXPIRE_SLICE);
    this.endTurn();
    return removed;
  }

  /**
   * Persistence replayed the store (Keyspace.loading, set meanwhile): drop every key still
   * past its deadline, as Redis expires them once loading ends, and arm the expirer for the
   * rest. The store still holds them, so a later write that found one absent (SET NX, SADD)
   * must replay after their removal: instead of Redis's DEL per key, one expiry mark goes to
   * an effect listener subscribed by now (a writable store's log), and its replay drops the
   * same keys (the state there is the same). Returns how many keys went.
   */
  finishLoading(): number {
    // A key WATCHed (a `loading` command) before the snapshot's bucketed strings joined the
    // keyspace is built now, deadline kept: its drop below touches the watch, as any other's.
    if (this.watches.active && this.db.building) for (const key of this.watches.keys()) this.db.get(key);
    this.db.loading = false;
    // Never before a lazy load's clock: an unbuilt string whose deadline passed before it is
    // dropped when built, so it must go under this mark (a clock stepped back meanwhile).
    const now = Math.max((this.ctx.now = this.clock()), this.db.lazyLoadedAt);
    const removed = this.db.dropExpiredBefore(now, (key) => this.signalModifiedKey(key));
    if (removed > 0) {
      this.stats.expiredKeys += removed;
      if (this.recordEffects) this.pendingEffects.push([EXPIRED_BEFORE, String(now)]);
      this.endTurn();
    }
    if (this.activeExpire) this.scheduleActiveExpire();
    return removed;
  }

  private scheduleActiveExpire(): void {
    if (this.db.loading) return;
    const deadline = this.db.nextDeadline();
    if (deadline === undefined || deadline + 1 >= this.expireTimerAt) return;
    if (this.expireTimer !== null) clearTimeout(this.expireTimer);
    const delay = Math.max(0, deadline + 1 - this.clock());
    this.expireTimerAt = deadline + 1;
    this.expireTimerExact = true;
    this.expireTimer = setTimeout(() => {
      this.expireTimer = null;
      this.expireTimerAt = Infinity;
      this.expireTimerExact = false;
      if (this.closed) return;
      // A full slice means more may be due: carry on after other work had a turn.
      if (this.runActiveExpire() === EXPIRE_SLICE) this.scheduleSoon();
      else this.scheduleActiveExpire();
    }, Math.min(delay, 2 ** 31 - 1));
    unrefTimer(this.expireTimer);
  }

  private scheduleSoon(): void {
    this.expireTimerAt = this.clock();
    this.expireTimerExact = false;
    this.expireTimer = setTimeout(() => {
      this.expireTimer = null;
      this.expireTimerAt = Infinity;
      this.expireTimerExact = false;
      if (this.closed) return;
      if (this.runActiveExpire() === EXPIRE_SLICE) this.scheduleSoon();
      else this.scheduleActiveExpire();
    }, 0);
    unrefTimer(this.expireTimer);
  }
}

/** Create an in-process engine (Node, edge runtimes, tests, or inside the worker). */
export function createEngine(options: EngineOptions = {}): Engine {
  return new Engine(options);
}

/** How long an access-clock reading serves (redis: 1000 / hz, with hz 10). */
const ACCESS_CLOCK_MS = 100;

function internalError(e: unknown): ReplyError {
  let message: string;
  try {
    message = e instanceof Error ? e.message : String(e);
  } catch {
    // What was thrown cannot even be printed: the command still answers, never throws.
    message = 'unprintable exception';
  }
  return new ReplyError(`ERR internal error: ${message}`);
}

/** In Node, a pending expiry timer must not keep the process alive. */
function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}

type SavedContext = Pick<CommandContext, 'conn' | 'spec' | 'dirty' | 'rewritten' | 'extraEffects' | 'preventPropagation'>;

function saveContext(ctx: CommandContext): SavedContext {
  const { conn, spec, dirty, rewritten, extraEffects, preventPropagation } = ctx;
  return { conn, spec, dirty, rewritten, extraEffects, preventPropagation };
}

function restoreContext(ctx: CommandContext, saved: SavedContext): void {
  Object.assign(ctx, saved);
}
