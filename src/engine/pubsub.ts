/**
 * The pub/sub registry (redis: pubsub.c) and MONITOR feed (redis: replicationFeedMonitors).
 *
 * Design:
 * - Three subscription spaces, as Redis 7 has: channels, patterns, shard channels. Each is a
 *   map name → subscribed connections; each connection keeps the mirror sets in its
 *   `ClientPubSub`, so unsubscribing everything and CLIENT LIST counts are O(own).
 * - A connection is in *subscribed mode* while it holds any subscription: in RESP2 it may
 *   then only run (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT and RESET (`refusal`).
 * - Pushes (messages, subscribe confirmations, MONITOR lines) are RESP2-shaped raw replies
 *   queued during a command and delivered at the end of the engine turn (`flush`), in order.
 *   Delivering later rather than inside PUBLISH lets a listener call back into the engine
 *   without re-entering a running command, as a Redis client reads its socket later.
 * - Keyspace notifications are published as ordinary messages; the registry listens to the
 *   engine's events only while someone is subscribed, so the write path stays free otherwise.
 */
import type { Connection } from './connection.js';
import type { CommandSpec } from './command.js';
import type { Engine, KeyspaceEvent } from './engine.js';
import { Errors, ReplyError } from './errors.js';
import { globMatch } from './glob.js';
import { Status, type RawReply } from './reply.js';

/** What a connection receives outside of replies: a RESP2 array, or a MONITOR status line. */
export type RawPush = RawReply[] | Status;
export type RawPushListener = (push: RawPush) => void;

/** One connection's pub/sub state. */
export class ClientPubSub {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();
  readonly listeners = new Set<RawPushListener>();
  monitor = false;

  /** Subscribed mode (redis: CLIENT_PUBSUB): any subscription of any kind. */
  get subscribed(): boolean {
    return this.channels.size + this.patterns.size + this.shardChannels.size > 0;
  }

  /** The count SUBSCRIBE/PSUBSCRIBE confirmations carry (redis: clientSubscriptionsCount). */
  get count(): number {
    return this.channels.size + this.patterns.size;
  }
}

/** Commands a subscribed RESP2 connection may run (redis: processCommand). */
const ALLOWED_WHILE_SUBSCRIBED = new Set([
  'subscribe', 'ssubscribe', 'sunsubscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset',
]);

type Space = 'channels' | 'patterns' | 'shardChannels';

export class PubSub {
  readonly channels = new Map<string, Set<Connection>>();
  readonly patterns = new Map<string, Set<Connection>>();
  readonly shardChannels = new Map<string, Set<Connection>>();
  readonly monitors = new Set<Connection>();

  private queue: Array<{ conn: Connection; push: RawPush }> = [];
  private flushing = false;
  private stopEvents: (() => void) | null = null;

  constructor(private readonly engine: Engine) {}

  /** The connection's state, created on first use. */
  stateOf(conn: Connection): ClientPubSub {
    return (conn.pubsub ??= new ClientPubSub());
  }

  /** Listen to pushes for `conn`; returns the matching unsubscribe. */
  listen(conn: Connection, listener: RawPushListener): () => void {
    const state = this.stateOf(conn);
    state.listeners.add(listener);
    return () => state.listeners.delete(listener);
  }

  /**
   * The error a subscribed connection gets for a command outside the allowed set, or null
   * when it may run. EXEC's refusal is an EXECABORT, as for every rejected EXEC in 7.0.
   */
  refusal(conn: Connection, spec: CommandSpec): ReplyError | null {
    const state = conn.pubsub;
    if (state === null || !state.subscribed || ALLOWED_WHILE_SUBSCRIBED.has(spec.name)) return null;
    if (conn.multi !== null) conn.multi.failed = true;
    const reason = Errors.subscribedOnly(spec.name);
    return new ReplyError(spec.name === 'exec' ? `EXECABORT Transaction discarded because of: ${reason}` : `ERR ${reason}`);
  }

  // --- subscribe / unsubscribe -----------------------------------------------------------

  /** Add one subscription; returns false if `conn` already had it. */
  subscribe(conn: Connection, space: Space, name: string): boolean {
    const state = this.stateOf(conn);
    if (state[space].has(name)) return false;
    state[space].add(name);
    let set = this[space].get(name);
    if (set === undefined) this[space].set(name, (set = new Set()));
    set.add(conn);
    this.trackEvents();
    return true;
  }

  /** Remove one subscription; returns false if `conn` did not have it. */
  unsubscribe(conn: Connection, space: Space, name: string): boolean {
    const state = conn.pubsub;
    if (state === null || !state[space].delete(name)) return false;
    const set = this[space].get(name);
    if (set !== undefined) {
      set.delete(conn);
      if (set.size === 0) this[space].delete(name);
    }
    this.trackEvents();
    return true;
  }

  /** Drop every subscription and the MONITOR flag without confirmations (RESET, close). */
  clear(conn: Connection): void {
    const state = conn.pubsub;
    if (state === null) return;
    for (const space of ['channels', 'patterns', 'shardChannels'] as const) {
      for (const name of [...state[space]]) this.unsubscribe(conn, space, name);
    }
    state.monitor = false;
    this.monitors.delete(conn);
  }

  /** The connection is gone: drop its state and its listeners. */
  disconnect(conn: Connection): void {
    this.clear(conn);
    this.queue = this.queue.filter((item) => item.conn !== conn);
    conn.pubsub = null;
  }

  // --- publishing ------------------------------------------------------------------------

  /**
   * PUBLISH: queue the message for every subscriber of the channel and every matching
   * pattern. Returns the receivers, counting a client once per matching subscription, as
   * Redis does (redis: pubsubPublishMessage).
   */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const direct = this.channels.get(channel);
    if (direct !== undefined) {
      for (const conn of direct) this.push(conn, ['message', channel, message]);
      receivers += direct.size;
    }
    for (const [pattern, conns] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      for (const conn of conns) this.push(conn, ['pmessage', pattern, channel, message]);
      receivers += conns.size;
    }
    return receivers;
  }

  /** SPUBLISH: shard channels only, never patterns. */
  publishShard(channel: string, message: string): number {
    const conns = this.shardChannels.get(channel);
    if (conns === undefined) return 0;
    for (const conn of conns) this.push(conn, ['smessage', channel, message]);
    return conns.size;
  }

  /** Queue one push for `conn`; delivered by `flush` at the end of the turn. */
  push(conn: Connection, push: RawPush): void {
    if (conn.closed) return;
    this.queue.push({ conn, push });
  }

  get pending(): boolean {
    return this.queue.length > 0;
  }

  /**
   * Deliver queued pushes in order. A listener may run commands: their pushes join the
   * same loop (never delivered ahead of older ones). A listener that throws does not stop
   * delivery; its error is rethrown on its own task.
   */
  flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let i = 0; i < this.queue.length; i++) {
        const { conn, push } = this.queue[i]!;
        const listeners = conn.pubsub?.listeners;
        if (listeners === undefined || conn.closed) continue;
        for (const listener of listeners) {
          try {
            listener(push);
          } catch (error) {
            queueMicrotask(() => {
              throw error;
            });
          }
        }
      }
    } finally {
      this.queue = [];
      this.flushing = false;
    }
  }

  // --- keyspace notifications ------------------------------------------------------------

  /** Listen to the engine's keyspace events only while anyone is subscribed. */
  private trackEvents(): void {
    const any = this.channels.size + this.patterns.size > 0;
    if (any && this.stopEvents === null) {
      this.stopEvents = this.engine.onKeyspaceEvent((event: KeyspaceEvent) => this.publish(event.channel, event.message));
    } else if (!any && this.stopEvents !== null) {
      this.stopEvents();
      this.stopEvents = null;
    }
  }

  // --- MONITOR ---------------------------------------------------------------------------

  startMonitor(conn: Connection): void {
    this.stateOf(conn).monitor = true;
    this.monitors.add(conn);
  }

  /**
   * One executed command to every monitor, as Redis 7.0 prints it after the command ran:
   * `+<seconds>.<micros> [0 <addr>] "ARG" …`. The clock here has millisecond resolution,
   * so the last three digits are zero; `addr` is the connection's CLIENT LIST address.
   */
  feedMonitors(conn: Connection, spec: CommandSpec, argv: readonly string[], now: number): void {
    if (spec.flags.includes('admin') || spec.flags.includes('skip_monitor')) return;
    const seconds = Math.floor(now / 1000);
    const micros = String((now - seconds * 1000) * 1000).padStart(6, '0');
    let line = `${seconds}.${micros} [0 local:${conn.id}]`;
    for (const arg of argv) line += ` ${quoteArg(arg)}`;
    const status = new Status(line);
    for (const monitor of this.monitors) this.push(monitor, status);
  }
}

/** Redis's sdscatrepr: printable ASCII as is, escapes for quotes and control bytes. */
export function quoteArg(arg: string): string {
  let out = '"';
  for (let i = 0; i < arg.length; i++) {
    const c = arg.charCodeAt(i);
    const ch = arg[i]!;
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c >= 32 && c < 127) out += ch;
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}
