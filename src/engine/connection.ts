/**
 * One client connection: per-client state (MULTI queue, WATCHed keys, name) and the
 * call path that turns caller arguments into byte strings and replies back into
 * public values. Exactly one Redis client connection's worth of state.
 */
import type { Engine } from './engine.js';
import type { CommandSpec } from './command.js';
import { ReplyError } from './errors.js';
import { OK, Status, asciiArray, type RawReply, type Reply } from './reply.js';
import { fromByteString, isAscii, toByteString } from './bytes.js';
import type { ClientPubSub, RawPushListener } from './pubsub.js';
import { BLOCKED, afterHeld, awaitBlocked, continueBatch, type BlockedCommand } from './blocking.js';
import { Errors } from './errors.js';

export type Arg = string | Uint8Array;

export interface MultiState {
  queue: Array<{ spec: CommandSpec; argv: string[] }>;
  /** A queued command was rejected (unknown, arity …): EXEC answers EXECABORT. */
  failed: boolean;
}

export class Connection {
  name = '';
  multi: MultiState | null = null;
  /** WATCHed keys → whether the key was already logically expired when watched. */
  readonly watched = new Map<string, boolean>();
  /** A WATCHed key was modified: EXEC must abort (redis: CLIENT_DIRTY_CAS). */
  dirtyCAS = false;
  closed = false;
  /**
   * Replays the store (persistence/recovery.ts): like Redis's AOF loading client, its
   * commands are not counted in INFO stats nor shown to MONITOR.
   */
  replays = false;
  readonly createdAt: number;
  /**
   * Set by every command. Declared with a number: a field born undefined holds any value
   * boxed, and each new time stored then allocated.
   */
  lastCommandAt = 0;
  lastCommand = 'NULL';
  /** Set by QUIT: the connection closes once the reply is out. */
  closeAfterReply = false;
  /** Subscriptions, MONITOR and push listeners (src/engine/pubsub.ts); null while unused. */
  pubsub: ClientPubSub | null = null;
  /** The blocking command this connection waits on (blocking.ts); null while not blocked. */
  blocked: BlockedCommand | null = null;
  /** Settles once every command held behind a blocked one is answered; null when none is. */
  held: Promise<void> | null = null;
  /** This connection's calls waiting for the store's load. */
  private readonly loadWait = new LoadWait();

  constructor(readonly engine: Engine, readonly id: number) {
    this.createdAt = engine.clock();
    this.lastCommandAt = this.createdAt;
  }

  /** Run one command. Resolves with its reply; rejects with ReplyError on an error reply. */
  call(argv: readonly Arg[]): Promise<Reply> {
    // With a store: wait until it is loaded; reply once the turn's writes are committed
    // (appendfsync always, src/persistence).
    const store = this.engine.persistence;
    const loaded = store === null || store.loading === null ? null : this.loadWait.wait(store, store.loading, this, [argv]);
    if (loaded !== null) return loaded.then(() => this.call(argv));
    // Behind a blocked command: wait for it, as a Redis connection does (blocking.ts).
    if (this.held !== null) return afterHeld(this, () => this.callNow(argv));
    return this.callNow(argv);
  }

  private callNow(argv: readonly Arg[]): Promise<Reply> {
    let raw: RawReply;
    try {
      raw = this.runRaw(argv, true);
    } catch (e) {
      return Promise.reject(e);
    }
    if (raw === BLOCKED) return awaitBlocked(this).then((served) => this.settle(served));
    return this.settle(raw);
  }

  private settle(raw: RawReply): Promise<Reply> {
    const store = this.engine.persistence;
    const gate = store === null ? null : store.pendingGate();
    if (gate === null) return settled(raw, this.engine.asciiOnly);
    // Converted now: an array offered as is (asciiArray) is only valid until the next command.
    const reply = toPublicReply(raw, this.engine.asciiOnly);
    return gate.then(() => (reply instanceof ReplyError ? Promise.reject(reply) : reply));
  }

  /**
   * Run many commands in order in one engine turn (the pipelined path). Error replies
   * stay in place as ReplyError values; nothing is rejected.
   */
  callBatch(commands: readonly (readonly Arg[])[]): Promise<Reply[]> {
    const store = this.engine.persistence;
    const loaded = store === null || store.loading === null ? null : this.loadWait.wait(store, store.loading, this, commands);
    if (loaded !== null) return loaded.then(() => this.callBatch(commands));
    if (this.held !== null) return afterHeld(this, () => this.callBatchNow(commands));
    return this.callBatchNow(commands);
  }

  private callBatchNow(commands: readonly (readonly Arg[])[]): Promise<Reply[]> {
    try {
      const out: Reply[] = new Array(commands.length);
      for (let i = 0; i < commands.length; i++) {
        const raw = this.runRaw(commands[i]!, false);
        if (raw === BLOCKED) {
          const step = (j: number): RawReply => this.runRaw(commands[j]!, false);
          const toPublic = (served: RawReply): Reply => toPublicReply(served, this.engine.asciiOnly);
          return continueBatch(this, commands, out, i, step, toPublic).then((all) => this.settleBatch(all));
        }
        out[i] = toPublicReply(raw, this.engine.asciiOnly);
      }
      this.engine.endTurn();
      return this.settleBatch(out);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private settleBatch(out: Reply[]): Promise<Reply[]> {
    const store = this.engine.persistence;
    const gate = store === null ? null : store.pendingGate();
    // A failed commit acknowledges none of the batch: every reply is its error.
    if (gate !== null) return gate.then(() => out, (e: Error) => out.map(() => e as ReplyError));
    return Promise.resolve(out);
  }

  /**
   * `callBatch` for hosts with their own wire format (the worker): replies stay raw, so
   * bulk strings keep their bytes and statuses stay apart from bulk strings. Synchronous:
   * a blocking command that would wait answers as on timeout (see `callBatchRawOrWait`).
   */
  callBatchRaw(commands: readonly (readonly Arg[])[]): RawReply[] {
    const out: RawReply[] = new Array(commands.length);
    for (let i = 0; i < commands.length; i++) out[i] = this.callRawSync(commands[i]!, false);
    asciiArray.last = null;
    this.engine.endTurn();
    return out;
  }

  /**
   * `callBatchRaw` where a blocking command waits (BLPOP …): the replies are returned at
   * once when nothing blocked (the fast path), else as a promise; the commands after a
   * blocked one, and later batches, run once it is answered.
   */
  callBatchRawOrWait(commands: readonly (readonly Arg[])[]): RawReply[] | Promise<RawReply[]> {
    if (this.held !== null) return afterHeld(this, () => this.batchRawNow(commands));
    return this.batchRawNow(commands);
  }

  private batchRawNow(commands: readonly (readonly Arg[])[]): RawReply[] | Promise<RawReply[]> {
    const out: RawReply[] = new Array(commands.length);
    for (let i = 0; i < commands.length; i++) {
      const raw = this.runRaw(commands[i]!, false);
      if (raw === BLOCKED) return continueBatch(this, commands, out, i, (j) => this.runRaw(commands[j]!, false), identity);
      out[i] = raw;
    }
    // Raw replies are never converted: drop the LRANGE array the engine offered.
    asciiArray.last = null;
    this.engine.endTurn();
    return out;
  }

  /** Synchronous core of `call`: error replies are returned, not thrown. */
  callSync(argv: readonly Arg[], endTurn = true): Reply {
    return toPublicReply(this.callRawSync(argv, endTurn), this.engine.asciiOnly);
  }

  /**
   * One command, reply left raw (byte strings, `Status`). A synchronous caller cannot wait:
   * a blocking command answers as on timeout, as in a script.
   */
  callRawSync(argv: readonly Arg[], endTurn = true): RawReply {
    if (this.held !== null) return new ReplyError(Errors.connectionBlocked);
    const raw = this.runRaw(argv, endTurn);
    return raw === BLOCKED ? this.engine.blocking.cancel(this) : raw;
  }

  /** One command; BLOCKED when it waits (the caller then waits on `this.blocked`). */
  private runRaw(argv: readonly Arg[], endTurn: boolean): RawReply {
    if (this.closed) return new ReplyError(Errors.connectionClosed);
    const store = this.engine.persistence;
    // Loading (LOADING …) or failed to load: synchronous callers cannot wait.
    if (store !== null && store.unavailable !== null && !store.runsWhileLoading(argv)) return new ReplyError(store.unavailable);
    // An LRANGE array offered to the previous command's caller goes unclaimed now.
    asciiArray.last = null;
    const engine = this.engine;
    // A command name spelled as one that ran before is ASCII: found now, it is not checked.
    const first = argv[0];
    const spelled = typeof first === 'string' ? engine.commands.spelled(first) : undefined;
    // Keys only looked up need no check either while they could match nothing but ASCII
    // (not inside MULTI: a queued command runs after other clients' writes may change that).
    const bytes = spelled !== undefined && spelled.lookupOnly && this.multi === null && engine.keysAsGiven && allStrings(argv)
      ? (argv as string[])
      : byteArgv(argv, engine, spelled === undefined ? 0 : 1);
    const raw = engine.execute(this, bytes, spelled);
    if (endTurn) this.engine.endTurn();
    if (this.closeAfterReply) this.close();
    return raw;
  }

  /**
   * Receive what Redis would write to this connection outside of command replies, in order:
   * pub/sub messages and (un)subscribe confirmations as RESP2-shaped arrays
   * (`['message', channel, payload]`, `['pmessage', pattern, channel, payload]`,
   * `['subscribe', channel, count]` …) and MONITOR lines as strings. Returns the remover.
   */
  onPush(listener: (push: Reply) => void): () => void {
    return this.engine.pubsub.listen(this, (raw) => listener(toPublicReply(raw, this.engine.asciiOnly)));
  }

  /** `onPush` for hosts with their own wire format: byte strings, MONITOR lines as `Status`. */
  onPushRaw(listener: RawPushListener): () => void {
    return this.engine.pubsub.listen(this, listener);
  }

  /** End the connection: drop its WATCHes, transaction state and subscriptions. */
  close(): void {
    if (this.closed) return;
    this.engine.watches.unwatchAll(this);
    if (this.pubsub !== null) this.engine.pubsub.disconnect(this);
    if (this.blocked !== null) this.engine.blocking.cancel(this, new ReplyError(Errors.connectionClosed));
    this.multi = null;
    this.closed = true;
    this.engine.clients.delete(this.id);
  }
}

/**
 * The most common replies as settled promises made once: a promise is immutable once
 * settled, so every caller may await the same one, and SET, EXPIRE or a nil GET allocate none.
 */
const RESOLVED_OK = Promise.resolve<Reply>('OK');
const RESOLVED_ONE = Promise.resolve<Reply>(1);
const RESOLVED_ZERO = Promise.resolve<Reply>(0);
const RESOLVED_NIL = Promise.resolve<Reply>(null);

/** A raw reply as the promise `call` answers with (an error reply rejects). */
function settled(raw: RawReply, ascii: boolean): Promise<Reply> {
  if (typeof raw === 'number') return raw === 1 ? RESOLVED_ONE : raw === 0 ? RESOLVED_ZERO : Promise.resolve(raw);
  if (raw === null) return RESOLVED_NIL;
  if (raw === OK) return RESOLVED_OK;
  // Bulk strings (GET) and arrays (MGET) first: no instanceof walk for them.
  if (typeof raw === 'string') return Promise.resolve(ascii ? raw : fromByteString(raw));
  const reply = toPublicReply(raw, ascii);
  return !Array.isArray(raw) && raw instanceof ReplyError ? Promise.reject(reply) : Promise.resolve(reply);
}

function identity(raw: RawReply): RawReply {
  return raw;
}

/**
 * The caller's arguments as byte strings (those before `from` are known to be ASCII).
 * When every argument already is one (an ASCII JS string, the common case) the caller's
 * array is used as is: the engine never mutates argv, and whatever outlives the command
 * (the MULTI queue, the effect log) takes its own copy. A converted argument holding a
 * byte ≥ 0x80 clears the engine's `asciiOnly`.
 */
function byteArgv(argv: readonly Arg[], engine: Engine, from: number): string[] {
  const n = argv.length;
  for (let i = from; i < n; i++) {
    const arg = argv[i];
    if (typeof arg !== 'string') return convertArgv(argv, i, engine);
    const length = arg.length;
    if (length > 32) {
      if (!isAscii(arg)) return convertArgv(argv, i, engine);
      continue;
    }
    // Short arguments (most keys and values), checked inline: one test per argument.
    let bits = 0;
    for (let j = 0; j < length; j++) bits |= arg.charCodeAt(j);
    if (bits > 127) return convertArgv(argv, i, engine);
  }
  return argv as string[];
}

/** No argument after the name is raw bytes (a Uint8Array is always converted). */
function allStrings(argv: readonly Arg[]): boolean {
  for (let i = 1; i < argv.length; i++) if (typeof argv[i] !== 'string') return false;
  return true;
}

function convertArgv(argv: readonly Arg[], from: number, engine: Engine): string[] {
  const bytes: string[] = new Array(argv.length);
  for (let i = 0; i < from; i++) bytes[i] = argv[i] as string;
  for (let i = from; i < argv.length; i++) bytes[i] = toByteString(argv[i]!);
  if (engine.asciiOnly) engine.noteBytes(bytes);
  return bytes;
}

/**
 * Raw engine reply → what callers see (UTF-8 decoded strings, statuses as strings).
 * `ascii`: the engine has only ever held ASCII (Engine.asciiOnly), so strings need no decoding.
 */
export function toPublicReply(raw: RawReply, ascii = false): Reply {
  if (typeof raw === 'string') return ascii ? raw : fromByteString(raw);
  if (raw === null || typeof raw === 'number' || typeof raw === 'bigint') return raw;
  // Arrays before the instanceof checks, which would walk an array's prototype chain.
  if (!Array.isArray(raw)) {
    if (raw instanceof Status) return raw.value;
    // Messages quote arguments, which are byte strings too.
    const message = ascii ? raw.message : fromByteString(raw.message);
    return message === raw.message ? raw : new ReplyError(message);
  }
  if (raw === asciiArray.last) {
    asciiArray.last = null;
    return raw as Reply[];
  }
  const n = raw.length;
  const out: Reply[] = new Array(n);
  for (let i = 0; i < n; i++) {
    // Bulk strings and nils first: what array replies mostly hold (MGET).
    const item = raw[i]!;
    out[i] = typeof item === 'string' ? (ascii ? item : fromByteString(item)) : item === null ? null : toPublicReply(item, ascii);
  }
  return out;
}

/**
 * Loading commands that keep their place behind a connection's waiting calls: those that
 * open, run or end its transaction, and those that change what its earlier calls would do
 * or answer if run first (a subscribed connection refuses them, QUIT closes it, MONITOR
 * would show them, CONFIG SET changes how they run) or that others see (PUBLISH).
 */
const ORDERED_COMMANDS = new Set([
  'multi', 'exec', 'discard', 'watch', 'unwatch', 'reset',
  'subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ssubscribe', 'sunsubscribe', 'publish', 'spublish',
  'quit', 'monitor', 'client|kill', 'config|set', 'config|resetstat',
]);

function keepsOrder(argv: readonly Arg[]): boolean {
  const name = argv[0];
  if (typeof name !== 'string') return false;
  const lower = name.toLowerCase();
  if (ORDERED_COMMANDS.has(lower)) return true;
  const sub = argv[1];
  return (lower === 'client' || lower === 'config') && typeof sub === 'string' && ORDERED_COMMANDS.has(`${lower}|${sub.toLowerCase()}`);
}

/**
 * The calls of one connection (or session) waiting for the store's load. Commands flagged
 * `loading` (INFO, CONFIG GET, MULTI …) run at once, as Redis serves them while loading, so
 * INFO can show the load's progress beside waiting calls; but one that must keep its order
 * (ORDERED_COMMANDS: MULTI, EXEC, WATCH, SUBSCRIBE, QUIT …, or any call inside MULTI)
 * waits behind them, and once a waiting call is such a one every later call waits too, so
 * a pipelined MULTI / INCR / EXEC keeps its order and SET / SUBSCRIBE runs SET first.
 */
export class LoadWait {
  private waiting = 0;
  private ordered = false;

  /**
   * Null when `commands` of `conn` run now; else a promise that settles as `loaded` does,
   * after which they run (the promises settle in call order).
   */
  wait(store: { runsWhileLoading(argv: readonly Arg[]): boolean }, loaded: Promise<unknown>, conn: Connection, commands: readonly (readonly Arg[])[]): Promise<void> | null {
    const ordered = conn.multi !== null || commands.some(keepsOrder);
    if (commands.every((argv) => store.runsWhileLoading(argv)) && (this.waiting === 0 || (!this.ordered && !ordered))) return null;
    this.waiting++;
    if (ordered) this.ordered = true;
    const done = (): void => {
      if (--this.waiting === 0) this.ordered = false;
    };
    return loaded.then(done, (error: unknown) => {
      done();
      throw error;
    });
  }
}
