/**
 * The leader's side: it owns the store's engine (and through it the IndexedDB writes) and
 * runs every tab's sessions on it, one engine `Connection` per session, local or forwarded.
 * Because every session lives on this one engine, pub/sub, keyspace events, MONITOR and
 * PUBLISH's receiver counts span all tabs with no further machinery: a push for a remote
 * session goes back over the channel to its tab.
 *
 * - A batch runs in one engine turn, in arrival order (BroadcastChannel keeps each
 *   sender's order), after the store finished loading; as Redis serves INFO, CONFIG …
 *   while loading, a batch of only such commands runs at once (INFO persistence shows the
 *   load's progress), but not ahead of its session's waiting batches when it touches a
 *   transaction or changes its state (LoadWait, engine/connection.ts). Its replies go
 *   out once what it wrote is as durable as the persistence mode promises (the engine's
 *   reply gate).
 * - A follower tab holds a presence lock for its life; the leader queues a request for that
 *   lock the first time it hears from the tab, and is granted it exactly when the tab is
 *   gone: then the tab's connections (and subscriptions) are dropped. No polling.
 * - Each leadership has an epoch, one more than any before it for this store (durable in
 *   IndexedDB, see epoch.ts): ROLE / INFO report it, followers order announcements by it.
 */
import { LoadWait, type Connection } from '../src/engine/connection.js';
import type { Engine } from '../src/engine/engine.js';
import type { WireArg, WireReply } from '../src/client/protocol.js';
import type { ReplicationView } from '../src/engine/commands/replication.js';
import type { RawReply } from '../src/engine/reply.js';
import { toWire } from '../src/client/session.js';
import { tabLockName, type ChannelBody } from './channel-protocol.js';

export interface ChannelStats {
  /** Channel messages dropped: malformed, of another version, or foreign. */
  dropped: number;
  /** Requests of other tabs served while leading. */
  served: number;
  /** Times a newer leadership was heard while leading. */
  steppedDown: number;
  /** Of this tab's own requests while following: sent, sent again, failed. */
  forwarded: number;
  retried: number;
  failed: number;
}

export interface LeaderHost {
  /** The store's name. */
  readonly store: string;
  /** This tab's id. */
  readonly id: string;
  /** Post a message on the store's channel. */
  post(body: ChannelBody): void;
  /** A push for a session of this very tab. */
  localPush(session: number, push: WireReply): void;
  /** This tab's channel counters, for INFO. */
  channelStats(): ChannelStats;
}

export class Leader implements ReplicationView {
  private readonly connections = new Map<string, Connection>();
  private readonly watchedTabs = new Set<string>();
  private loaded = false;
  /** Per connection, its batches waiting for the load. */
  private readonly loadWaits = new WeakMap<Connection, LoadWait>();
  /** Batches accepted and not answered yet (a resigning leader answers them all first). */
  private readonly inflight = new Set<Promise<WireReply[]>>();
  /** Set by `drain`: no new batch is accepted. */
  resigning = false;
  /** When this tab got the leader lock, and how long until the store was loaded (INFO). */
  private takeoverMs = -1;
  /** Pushes for other tabs, sent once per turn and tab (one channel message for many). */
  private outbox = new Map<string, Array<[number, WireReply]>>();
  /** The tab of each connection: ROLE and INFO answer as the calling tab sees it. */
  private readonly tabs = new WeakMap<Connection, string>();
  private readonly ready: Promise<void>;
  closed = false;

  constructor(
    readonly engine: Engine,
    readonly epoch: number,
    private readonly host: LeaderHost,
    /** When this tab was granted the leader lock (ms since the epoch). */
    readonly since = Date.now(),
  ) {
    this.ready = engine.ready.then(() => {
      this.loaded = true;
      this.takeoverMs = Date.now() - this.since;
    });
    // Callers see a failed load through every batch.
    this.ready.catch(() => undefined);
    engine.replication = this;
  }

  /** Tabs other than this one with at least one session here. */
  get followers(): string[] {
    const tabs = new Set<string>();
    for (const key of this.connections.keys()) {
      const tab = key.slice(0, key.lastIndexOf('/'));
      if (tab !== this.host.id) tabs.add(tab);
    }
    return [...tabs];
  }

  /**
   * Run a batch for session `session` of tab `tab`. Resolves with the wire replies once
   * they may be sent; rejects only if the store failed to load or the leader closed.
   */
  execute(tab: string, session: number, commands: WireArg[][]): Promise<WireReply[]> {
    if (this.resigning) return Promise.reject(new Error('idb-redis: this tab is handing over the lead'));
    const run = this.run(tab, session, commands);
    this.inflight.add(run);
    const done = (): void => {
      this.inflight.delete(run);
    };
    run.then(done, done);
    return run;
  }

  /** Stop accepting batches; resolves once every accepted one is answered. */
  async drain(): Promise<void> {
    this.resigning = true;
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private async run(tab: string, session: number, commands: WireArg[][]): Promise<WireReply[]> {
    if (!this.loaded) await this.loadedFor(this.connection(tab, session), commands);
    if (this.closed) throw new Error('idb-redis: this tab stopped leading the store');
    const conn = this.connection(tab, session);
    const batch = conn.callBatchRawOrWait(commands);
    // A blocking command (BLPOP …) that waits: the batch answers once it is served.
    const raw = Array.isArray(batch) ? batch : await batch;
    const replies: WireReply[] = new Array(raw.length);
    for (let i = 0; i < raw.length; i++) replies[i] = toWire(raw[i]!);
    // appendfsync always: acknowledge once the batch's writes are committed. A failed
    // commit acknowledges none of the batch: every reply is its error (as session.ts does).
    const gate = this.engine.persistence?.pendingGate() ?? null;
    if (gate !== null) {
      try {
        await gate;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return replies.map(() => ({ type: 'error', message }));
      }
    }
    return replies;
  }

  /** Resolves when `commands` of `conn` may run while the store loads (LoadWait). */
  private async loadedFor(conn: Connection, commands: WireArg[][]): Promise<void> {
    const store = this.engine.persistence;
    if (store === null) return this.ready;
    let wait = this.loadWaits.get(conn);
    if (wait === undefined) this.loadWaits.set(conn, (wait = new LoadWait()));
    await wait.wait(store, this.ready, conn, commands);
  }

  // --- ROLE and INFO replication: the leader tab is the master, followers its replicas ---

  role(conn: Connection): RawReply {
    const caller = this.tabs.get(conn) ?? this.host.id;
    if (caller === this.host.id) {
      return ['master', this.epoch, this.followers.map((tab): RawReply => [tab, '0', '0'])];
    }
    return ['slave', this.host.id, 0, 'connected', this.epoch];
  }

  info(conn: Connection): Array<[string, string | number]> {
    const caller = this.tabs.get(conn) ?? this.host.id;
    const { dropped, served, steppedDown, forwarded, retried, failed } = this.host.channelStats();
    const tabs: Array<[string, string | number]> = [
      ['idb_tab_id', caller],
      ['idb_leader_tab_id', this.host.id],
      ['idb_epoch', this.epoch],
      ['idb_leader_since', this.since],
      ['idb_takeover_ms', this.takeoverMs],
      ['idb_channel_dropped', dropped],
      ['idb_forwarded_served', served],
      ['idb_stepped_down', steppedDown],
      ['idb_forwarded', forwarded],
      ['idb_retried', retried],
      ['idb_failed_in_flight', failed],
    ];
    if (caller !== this.host.id) {
      return [
        ['role', 'slave'],
        ['master_host', this.host.id],
        ['master_port', 0],
        ['master_link_status', 'up'],
        ['master_failover_state', 'no-failover'],
        ...tabs,
      ];
    }
    const followers = this.followers;
    return [
      ['role', 'master'],
      ['connected_slaves', followers.length],
      ...followers.map((tab, i): [string, string] => [`slave${i}`, `ip=${tab},port=0,state=online,offset=0,lag=0`]),
      ['master_failover_state', 'no-failover'],
      ...tabs,
    ];
  }

  /** The session's connection went away (client closed). */
  closeSession(tab: string, session: number): void {
    const key = `${tab}/${session}`;
    this.connections.get(key)?.close();
    this.connections.delete(key);
  }

  /** A tab is gone: drop every connection it had. */
  dropTab(tab: string): void {
    for (const [key, conn] of this.connections) {
      if (key.startsWith(`${tab}/`)) {
        conn.close();
        this.connections.delete(key);
      }
    }
    this.watchedTabs.delete(tab);
  }

  close(): void {
    this.closed = true;
    for (const conn of this.connections.values()) conn.close();
    this.connections.clear();
    this.engine.close();
  }

  private connection(tab: string, session: number): Connection {
    const key = `${tab}/${session}`;
    let conn = this.connections.get(key);
    if (conn !== undefined && !conn.closed) return conn;
    conn = this.engine.connect();
    this.connections.set(key, conn);
    this.tabs.set(conn, tab);
    if (tab === this.host.id) {
      conn.onPushRaw((raw) => this.host.localPush(session, toWire(raw)));
    } else {
      conn.onPushRaw((raw) => this.queuePush(tab, session, toWire(raw)));
      this.watchTab(tab);
    }
    return conn;
  }

  /**
   * Pushes are sent at the end of the turn's microtasks: before the replies of the batch
   * that caused them (those are posted after `execute` resolves), one message per tab.
   */
  private queuePush(tab: string, session: number, push: WireReply): void {
    let list = this.outbox.get(tab);
    if (list === undefined) {
      if (this.outbox.size === 0) queueMicrotask(() => this.flushPushes());
      this.outbox.set(tab, (list = []));
    }
    list.push([session, push]);
  }

  private flushPushes(): void {
    const outbox = this.outbox;
    this.outbox = new Map();
    for (const [tab, pushes] of outbox) this.host.post({ type: 'pushes', to: tab, pushes });
  }

  /** Learn when a follower tab is gone: its presence lock is granted to us then. */
  private watchTab(tab: string): void {
    if (this.watchedTabs.has(tab) || typeof navigator === 'undefined' || navigator.locks === undefined) return;
    this.watchedTabs.add(tab);
    void navigator.locks.request(tabLockName(this.host.store, tab), () => {
      if (!this.closed) this.dropTab(tab);
    });
  }
}
