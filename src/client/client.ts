/**
 * The page client: typed command methods, `sendCommand`, `multi()`, auto-pipelining.
 *
 * Every command issued in the same tick joins one queue, flushed in a microtask as ONE
 * batch request; the host runs the batch in one engine turn and answers with the replies
 * in order. The client never holds data. It talks to its host through a `Transport`: a
 * Worker in a page, an in-process engine in Node and in unit tests.
 */
import { CLIENT_COMMANDS, type ClientCommands, type CommandMethods } from './commands/index.js';
import type { RedisArgument } from './commands/define.js';
import type { ScanOptions } from './commands/keys.js';
import type { HashTuple, HScanOptions } from './commands/hashes.js';
import type { SScanOptions } from './commands/sets.js';
import type { ZMember, ZScanOptions } from './commands/zsets.js';
import { ClientClosedError, ReplyError } from './errors.js';
import { RedisMulti } from './multi.js';
import { PROTOCOL_VERSION, type Response, type SessionStats, type WireArg, type WireReply } from './protocol.js';
import { errorOf, toBufferReply, toReply, toRespReply, type BufferReply, type Reply, type RespReply } from './replies.js';
import type { Transport } from './transport.js';
import { Monitor, Subscriber, type PubSubListener, type PubSubMessage } from './pubsub.js';
import { observe, type KeyChangeListener, type ObserveTarget } from './observe.js';
import { exportStore, importThrough } from './transfer.js';
import type { ImportResult, ImportSource } from '../persistence/export.js';

export interface SendCommandOptions {
  /** Strings as their exact bytes (Uint8Array) instead of UTF-8 text. */
  returnBuffers?: boolean;
  /** The reply as a RESP type tree; an error reply is a value, not a rejection. */
  resp?: boolean;
}

export interface ScanIteratorOptions extends ScanOptions {
  /** Cursor to start from (default 0). */
  cursor?: number;
}

/** A batch waiting to go out: its commands and how to hand their replies back. */
interface Pending {
  readonly commands: readonly WireArg[][];
  /** `ascii`: the response said every string is ASCII (no UTF-8 decoding needed). */
  settle(replies: readonly WireReply[], offset: number, ascii: boolean): void;
  fail(error: Error): void;
}

/** Commands per message when one tick issues more (see #flush). */
const MAX_BATCH = 4096;

/** How a single command's wire reply becomes its result. */
type DecodeMode = 0 | 1 | 2;
/** Typed method: wire → Reply → the definition's decoder; error replies reject. */
const MODE_TYPED = 0;
/** sendCommand: the decoder reads the wire form itself; error replies reject. */
const MODE_RAW = 1;
/** sendCommand with `resp`: error replies are values. */
const MODE_RESP = 2;

class PendingCommand implements Pending {
  readonly commands: readonly WireArg[][];
  constructor(
    argv: WireArg[],
    private readonly decode: (reply: unknown) => unknown,
    private readonly mode: DecodeMode,
    private readonly resolve: (value: unknown) => void,
    readonly fail: (error: Error) => void,
  ) {
    this.commands = [argv];
  }

  settle(replies: readonly WireReply[], offset: number, ascii: boolean): void {
    const wire = replies[offset]!;
    const error = this.mode === MODE_RESP ? null : errorOf(wire);
    if (error !== null) return this.fail(error);
    try {
      this.resolve(this.decode(this.mode === MODE_TYPED ? toReply(wire, ascii) : wire));
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
    }
  }
}

interface LooseDefinition {
  encode(...args: unknown[]): RedisArgument[];
  decode(reply: Reply): unknown;
}

export interface RedisClient extends CommandMethods<ClientCommands> {}

export class RedisClient {
  readonly name: string;
  readonly #transport: Transport;
  #queue: Pending[] = [];
  #scheduled = false;
  /** Settles after the last batch sent so far was answered: graceful close waits on it. */
  #lastBatch: Promise<void> = Promise.resolve();
  #closing: Promise<void> | null = null;
  /** The subscriber side: a second session, opened on the first subscribe (pubsub.ts). */
  readonly #subscriber: Subscriber | null;
  readonly #monitor: Monitor | null;
  readonly #openSession: (() => Transport) | null;
  /** The store lives in IndexedDB (createClient's `persistence`): export reads it there. */
  readonly #persistent: boolean;

  /** `openSubscriber` opens the second session subscriptions run on (none: no pub/sub). */
  constructor(transport: Transport, name = 'default', openSubscriber?: () => Transport, persistent = false) {
    this.#transport = transport;
    this.name = name;
    this.#persistent = persistent;
    this.#subscriber = openSubscriber === undefined ? null : new Subscriber(openSubscriber);
    this.#monitor = openSubscriber === undefined ? null : new Monitor(openSubscriber);
    this.#openSession = openSubscriber ?? null;
  }

  static {
    for (const name of Object.keys(CLIENT_COMMANDS) as Array<keyof ClientCommands>) {
      const definition: LooseDefinition = CLIENT_COMMANDS[name];
      Object.defineProperty(RedisClient.prototype, name, {
        configurable: true,
        writable: true,
        value(this: RedisClient, ...args: unknown[]) {
          let argv: RedisArgument[];
          try {
            argv = definition.encode(...args);
          } catch (error) {
            return Promise.reject(error);
          }
          return this.#one(argv, definition.decode, MODE_TYPED);
        },
      });
    }
  }

  /** False once quit() or close() was called. */
  get isOpen(): boolean {
    return this.#closing === null;
  }

  /**
   * Send any command. Resolves with the reply (bulk strings as UTF-8 text, or as bytes with
   * `returnBuffers`, or as a RESP type tree with `resp`); an error reply rejects with
   * `ReplyError` unless `resp` is set.
   */
  sendCommand(argv: RedisArgument[]): Promise<Reply>;
  sendCommand(argv: RedisArgument[], options: SendCommandOptions & { resp: true }): Promise<RespReply>;
  sendCommand(argv: RedisArgument[], options: SendCommandOptions & { returnBuffers: true }): Promise<BufferReply>;
  sendCommand(argv: RedisArgument[], options?: SendCommandOptions): Promise<Reply | BufferReply | RespReply>;
  sendCommand(argv: RedisArgument[], options: SendCommandOptions = {}): Promise<Reply | BufferReply | RespReply> {
    if (!isArgv(argv)) {
      return Promise.reject(new TypeError('idb-redis: sendCommand needs a non-empty array of strings or Uint8Arrays'));
    }
    if (options.resp) return this.#one([...argv], toRespReply, MODE_RESP);
    if (options.returnBuffers) return this.#one([...argv], toBufferReply, MODE_RAW);
    return this.#one([...argv], toReply, MODE_RAW);
  }

  /** A transaction builder with the same typed methods; `exec()` runs it atomically. */
  multi(): RedisMulti {
    return new RedisMulti((commands) => this.#group(commands));
  }

  /** SCAN the whole keyspace, yielding keys one by one. */
  async *scanIterator(options: ScanIteratorOptions = {}): AsyncIterableIterator<string> {
    let cursor = options.cursor ?? 0;
    do {
      const reply = await this.scan(cursor, options);
      cursor = reply.cursor;
      for (const key of reply.keys) yield key;
    } while (cursor !== 0);
  }

  // --- pub/sub (node-redis v4 shape; served on the client's own subscriber session) -------

  /** SUBSCRIBE: `listener(message, channel)` for each message; `bufferMode` gives bytes. */
  subscribe<B extends boolean = false>(channels: string | string[], listener: PubSubListener<B>, bufferMode?: B): Promise<void> {
    return this.#pubsub((s) => s.subscribe('channels', channels, listener as PubSubListener<boolean>, bufferMode === true));
  }

  /** UNSUBSCRIBE `listener` (or all listeners) from `channels` (or from every channel). */
  unsubscribe<B extends boolean = false>(channels?: string | string[], listener?: PubSubListener<B>): Promise<void> {
    return this.#pubsub((s) => s.unsubscribe('channels', channels, listener as PubSubListener<boolean> | undefined));
  }

  /** PSUBSCRIBE: Redis glob patterns; `listener(message, channel)`. */
  pSubscribe<B extends boolean = false>(patterns: string | string[], listener: PubSubListener<B>, bufferMode?: B): Promise<void> {
    return this.#pubsub((s) => s.subscribe('patterns', patterns, listener as PubSubListener<boolean>, bufferMode === true));
  }

  pUnsubscribe<B extends boolean = false>(patterns?: string | string[], listener?: PubSubListener<B>): Promise<void> {
    return this.#pubsub((s) => s.unsubscribe('patterns', patterns, listener as PubSubListener<boolean> | undefined));
  }

  /** SSUBSCRIBE: shard channels (one shard here), published with `sPublish`. */
  sSubscribe<B extends boolean = false>(channels: string | string[], listener: PubSubListener<B>, bufferMode?: B): Promise<void> {
    return this.#pubsub((s) => s.subscribe('shardChannels', channels, listener as PubSubListener<boolean>, bufferMode === true));
  }

  sUnsubscribe<B extends boolean = false>(channels?: string | string[], listener?: PubSubListener<B>): Promise<void> {
    return this.#pubsub((s) => s.unsubscribe('shardChannels', channels, listener as PubSubListener<boolean> | undefined));
  }

  /**
   * A new client on the same host and store, as node-redis v4's `duplicate()` (which code
   * written for node-redis calls to get a subscriber). Not needed for pub/sub here: every
   * client subscribes on a session of its own.
   */
  duplicate(): RedisClient {
    if (this.#closing !== null) throw new ClientClosedError();
    if (this.#openSession === null) throw new Error('idb-redis: this client was created without a way to open sessions');
    return new RedisClient(this.#openSession(), this.name, this.#openSession, this.#persistent);
  }

  /** Messages of `channels` as an async iterator; ending the loop unsubscribes. */
  subscribeIterator(channels: string | string[]): AsyncIterableIterator<PubSubMessage> {
    return this.#requireSubscriber().iterate('channels', channels);
  }

  /** Messages of channels matching `patterns` (`pattern` set on each); ending the loop unsubscribes. */
  pSubscribeIterator(patterns: string | string[]): AsyncIterableIterator<PubSubMessage> {
    return this.#requireSubscriber().iterate('patterns', patterns);
  }

  /**
   * Reactive reads: `listener({ key, event, type, value })` on every change of a key (or of
   * keys matching a pattern), made in any tab. Turns keyspace notifications on for the
   * store. Resolves once observing, with a function that stops (see observe.ts).
   */
  observe(target: ObserveTarget, listener: KeyChangeListener): Promise<() => Promise<void>> {
    return observe(this, target, listener);
  }

  /**
   * MONITOR on a session of its own: `listener(line)` for every command run in any tab,
   * as Redis prints it (`1700000000.123000 [0 local:3] "SET" "k" "v"`). Resolves once
   * monitoring; returns a function that stops it.
   */
  async monitor(listener: (line: string) => unknown): Promise<() => void> {
    if (this.#closing !== null) throw new ClientClosedError();
    if (this.#monitor === null) throw new Error('idb-redis: this client was created without a subscriber session');
    const monitor = this.#monitor;
    await monitor.add(listener);
    return () => monitor.stop();
  }

  #pubsub(run: (subscriber: Subscriber) => Promise<void>): Promise<void> {
    try {
      return run(this.#requireSubscriber());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #requireSubscriber(): Subscriber {
    if (this.#closing !== null) throw new ClientClosedError();
    if (this.#subscriber === null) throw new Error('idb-redis: this client was created without a subscriber session');
    return this.#subscriber;
  }

  /** HSCAN a whole hash, yielding `{ field, value }` pairs one by one. */
  async *hScanIterator(key: RedisArgument, options: HScanOptions & { cursor?: number } = {}): AsyncIterableIterator<HashTuple> {
    let cursor = options.cursor ?? 0;
    do {
      const reply = await this.hScan(key, cursor, options);
      cursor = reply.cursor;
      for (const tuple of reply.tuples) yield tuple;
    } while (cursor !== 0);
  }

  /** SSCAN a whole set, yielding members one by one. */
  async *sScanIterator(key: RedisArgument, options: SScanOptions & { cursor?: number } = {}): AsyncIterableIterator<string> {
    let cursor = options.cursor ?? 0;
    do {
      const reply = await this.sScan(key, cursor, options);
      cursor = reply.cursor;
      for (const member of reply.members) yield member;
    } while (cursor !== 0);
  }

  /** ZSCAN a whole sorted set, yielding `{ value, score }` members one by one. */
  async *zScanIterator(key: RedisArgument, options: ZScanOptions & { cursor?: number } = {}): AsyncIterableIterator<ZMember> {
    let cursor = options.cursor ?? 0;
    do {
      const reply = await this.zScan(key, cursor, options);
      cursor = reply.cursor;
      for (const member of reply.members) yield member;
    } while (cursor !== 0);
  }

  /**
   * Close after the commands already issued are answered: the session's WATCHes and any
   * open MULTI are dropped, the transport is released. Resolves 'OK' as QUIT does.
   */
  async quit(): Promise<string> {
    await this.close();
    return 'OK';
  }

  /** Like quit(): waits for issued commands, then closes. Idempotent. */
  close(): Promise<void> {
    if (this.#closing !== null) return this.#closing;
    if (this.#scheduled) this.#flush();
    const transport = this.#transport;
    this.#closing = this.#lastBatch
      .then(() => transport.request({ v: PROTOCOL_VERSION, type: 'close' }))
      .then(
        () => undefined,
        () => undefined, // A failed transport has nothing left to close.
      )
      .finally(() => {
        this.#subscriber?.close();
        this.#monitor?.stop();
        transport.close();
      });
    return this.#closing;
  }

  /**
   * Close now, without waiting for issued commands (node-redis v4 `disconnect`): commands
   * not answered yet reject with ClientClosedError, and a command blocked on the host
   * (BLPOP 0 …) is dropped with the session. Idempotent; also ends a pending quit().
   */
  disconnect(): Promise<void> {
    const queued = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    this.#closing ??= Promise.resolve();
    const error = new ClientClosedError();
    for (const pending of queued) pending.fail(error);
    this.#subscriber?.close();
    this.#transport.close();
    return Promise.resolve();
  }

  /**
   * The dataset as RESP commands (`redis-cli --pipe` input), read point-in-time from the
   * store's IndexedDB database in this page (see transfer.ts). Needs a persistent store.
   */
  exportResp(): Promise<Uint8Array> {
    if (!this.#persistent) return Promise.reject(new ReplyError('ERR export reads the store from IndexedDB: this client was created with persistence: false'));
    return exportStore(this.name);
  }

  /** Run the RESP commands of an export (or any `redis-cli --pipe` input) on the store. */
  importResp(source: ImportSource): Promise<ImportResult> {
    return importThrough((argv) => this.sendCommand(argv), source);
  }

  /** @internal Counters of this client's host session (tests observe batching with them). */
  async hostStats(): Promise<SessionStats> {
    const response = await this.#transport.request({ v: PROTOCOL_VERSION, type: 'stats' });
    if (response.type !== 'stats') throw unexpectedResponse(response);
    return { batches: response.batches, commands: response.commands, rejected: response.rejected };
  }

  // --- the pipeline ----------------------------------------------------------------------

  /**
   * Queue one command. Per command this allocates only the promise and one record (no
   * closures): at pipelined rates the issuing side is the page's main cost.
   */
  #one<T>(argv: WireArg[], decode: (reply: never) => T, mode: DecodeMode): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#enqueue(new PendingCommand(argv, decode as (reply: unknown) => unknown, mode, resolve as (v: unknown) => void, reject));
    });
  }

  /** A contiguous group (MULTI … EXEC, or a pipeline): raw replies, errors in place. */
  #group(commands: RedisArgument[][]): Promise<WireReply[]> {
    return new Promise<WireReply[]>((resolve, reject) => {
      this.#enqueue({
        commands,
        settle: (replies, offset) => resolve(replies.slice(offset, offset + commands.length)),
        fail: reject,
      });
    });
  }

  #enqueue(pending: Pending): void {
    if (this.#closing !== null) return pending.fail(new ClientClosedError());
    this.#queue.push(pending);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.#flush());
    }
  }

  /**
   * Send everything queued this tick. A very large tick goes out as several messages of at
   * most MAX_BATCH commands (never splitting a MULTI group), back to back on the same port:
   * the worker starts on the first while the page still serialises the rest, and no single
   * structured clone grows without bound. Order is unchanged; replies settle in order.
   */
  #flush(): void {
    if (!this.#scheduled) return;
    this.#scheduled = false;
    const queue = this.#queue;
    this.#queue = [];
    let from = 0;
    while (from < queue.length) {
      let to = from;
      let size = 0;
      while (to < queue.length && (to === from || size + queue[to]!.commands.length <= MAX_BATCH)) {
        size += queue[to]!.commands.length;
        to++;
      }
      this.#lastBatch = this.#send(queue.slice(from, to), size);
      from = to;
    }
  }

  #send(batch: Pending[], size: number): Promise<void> {
    const commands: WireArg[][] = new Array(size);
    let n = 0;
    for (const pending of batch) for (const argv of pending.commands) commands[n++] = argv;
    return this.#transport.request({ v: PROTOCOL_VERSION, type: 'batch', commands }).then(
      (response) => {
        if (response.type !== 'replies' || response.replies.length !== commands.length) {
          throw unexpectedResponse(response);
        }
        let offset = 0;
        const ascii = response.ascii === true;
        for (const pending of batch) {
          pending.settle(response.replies, offset, ascii);
          offset += pending.commands.length;
        }
      },
    ).catch((error: unknown) => {
      const reason = error instanceof Error ? error : new Error(String(error));
      for (const pending of batch) pending.fail(reason);
    });
  }

}

function isArgv(argv: unknown): argv is RedisArgument[] {
  return (
    Array.isArray(argv) &&
    argv.length > 0 &&
    argv.every((arg) => typeof arg === 'string' || arg instanceof Uint8Array)
  );
}

function unexpectedResponse(response: Response): Error {
  return new Error(
    response.type === 'error' ? response.message : `idb-redis: unexpected ${response.type} response from the host`,
  );
}

/** A client over any transport (in-process engine in Node and tests, or a worker). */
export function createClientOver(transport: Transport, name?: string, openSubscriber?: () => Transport): RedisClient {
  return new RedisClient(transport, name, openSubscriber);
}
