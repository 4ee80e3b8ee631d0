/**
 * One store as seen from one tab's worker: leader election, the role it plays, and the
 * page sessions it serves.
 *
 * Election: every tab queues for the store's leader lock (Web Locks) at start and holds it
 * for its worker's life once granted, so exactly one tab leads and the next in line takes
 * over the moment the leader's tab closes, reloads or crashes (the browser frees its locks).
 * Meanwhile a tab is a follower: it asks `who` leads, and forwards its sessions' batches to
 * the leader it hears announced. No SharedWorker, no timers, no polling: everything is
 * driven by lock grants and messages. Without Web Locks (a non-secure context) the tab
 * runs the store alone and ignores the channel: two such tabs must not open one store.
 *
 * Fencing: a leader that hears a newer epoch announced (it was frozen, or restored from the
 * back/forward cache, while another tab took the lock) closes its engine and follows. One
 * that has not heard it yet learns it from the store: a persisted store's epoch is claimed
 * in the store itself (src/persistence/storage.ts) and every write transaction checks it, so
 * the stale leader's next write is refused (its callers get the READONLY fencing error,
 * never an acknowledgement); the tab then steps down and asks `who` leads.
 *
 * Sessions survive a change of leader: each keeps the set of channels, patterns and shard
 * channels it is subscribed to (from the confirmations it receives) and subscribes again on
 * the new leader. A transaction half built or WATCHes of a session are lost with the old
 * leader's connection, as they are when a Redis server restarts.
 */
import type { Engine } from '../src/engine/engine.js';
import { PROTOCOL_VERSION, isRequest, type HostSession, type Request, type Response, type SessionStats, type WireArg, type WireReply } from '../src/client/protocol.js';
import { Leader } from './leader.js';
import { Forwarder } from './forward.js';
import { nextEpoch } from './epoch.js';
import {
  CHANNEL_VERSION,
  channelName,
  leaderLockName,
  parseChannelMessage,
  tabLockName,
  type ChannelBody,
  type ChannelMessage,
} from './channel-protocol.js';

export interface TabOptions {
  /**
   * Open the store's engine when this tab becomes the leader (recovering from its storage).
   * `epochSeen`: the newest leadership this tab heard of; a persisted engine claims an
   * epoch above it and the store's own.
   */
  openEngine(store: string, epochSeen: number): Engine;
}

/** How long a starting tab waits for a leader to answer `who` before failing requests. */
const NO_LEADER_MS = 5000;
export const NO_LEADER =
  'ERR idb-redis: no tab leading this store answers; another tab may run an incompatible idb-redis version (reload it)';

function randomId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class TabNode {
  readonly id = randomId();
  role: 'starting' | 'leader' | 'follower' = 'starting';
  epoch = 0;
  leaderId: string | null = null;
  leader: Leader | null = null;
  dropped = 0;
  served = 0;
  /** Times this tab saw a newer leadership while leading (stale leader fenced off). */
  steppedDown = 0;
  private readonly channel: BroadcastChannel;
  private readonly forwarder: Forwarder;
  private readonly sessions = new Map<number, TabSession>();
  private nextSession = 1;
  private closed = false;
  /** False without Web Locks: the tab then neither sends nor reads channel messages. */
  private coordinated = true;
  /** Resolves once this tab holds its presence lock (before it sends anything). */
  private readonly present: Promise<void>;
  private release: (() => void) | null = null;
  /** Settles when the worker's node closes: the locks it holds are freed then. */
  private held: Promise<void> = Promise.resolve();
  /** Frees the leader lock (resign); null unless leading. */
  private releaseLead: (() => void) | null = null;

  constructor(readonly store: string, private readonly options: TabOptions) {
    this.channel = new BroadcastChannel(channelName(store));
    this.channel.onmessage = (event: MessageEvent<unknown>) => this.receive(event.data);
    this.channel.onmessageerror = () => this.dropped++;
    this.forwarder = new Forwarder((body) => this.post(body));
    const held = new Promise<void>((resolve) => {
      this.release = resolve;
    });
    if (typeof navigator === 'undefined' || navigator.locks === undefined) {
      // No Web Locks (a non-secure context): no safe election, so no coordination at all.
      this.channel.onmessage = null;
      this.coordinated = false;
      this.present = Promise.resolve();
      void this.lead();
      return;
    }
    const locks = navigator.locks;
    this.present = new Promise<void>((granted) => {
      void locks.request(tabLockName(store, this.id), () => {
        granted();
        return held;
      });
    });
    void this.present.then(() => {
      if (this.closed) return;
      this.post({ type: 'who' });
      // Start-up only (never in the steady state): a leader that never answers speaks
      // another version of the channel protocol; fail clearly rather than hang.
      setTimeout(() => {
        if (this.role === 'starting') this.forwarder.noLeader(NO_LEADER);
      }, NO_LEADER_MS);
      this.queueForLead(held);
    });
    this.held = held;
  }

  /** Wait in line for the leader lock; lead once granted, until the worker ends or resigns. */
  private queueForLead(held: Promise<void>): void {
    void navigator.locks.request(leaderLockName(this.store), () => {
      if (this.closed) return undefined;
      const leading = new Promise<void>((resolve) => {
        this.releaseLead = resolve;
      });
      return this.lead().then(() => Promise.race([held, leading]));
    });
  }

  /** A page session on `port`'s side; pushes for it are posted there. */
  openSession(port: MessagePort): TabSession {
    const session = new TabSession(this, this.nextSession++, port);
    this.sessions.set(session.no, session);
    return session;
  }

  /** Run a batch of a session of this tab: here when leading, else at the leader. */
  run(session: number, commands: WireArg[][]): Promise<WireReply[]> {
    if (this.leader !== null) return this.leader.execute(this.id, session, commands);
    return this.present.then(() => this.forwarder.send(session, commands));
  }

  /**
   * `run` for a page session, with whether every string in the replies is ASCII: known
   * when this tab's engine ran the batch (it has held nothing else, so its strings need no
   * UTF-8 decoding on the page); replies forwarded from another tab are decoded.
   */
  async runForPage(session: number, commands: WireArg[][]): Promise<{ replies: WireReply[]; ascii: boolean }> {
    const leader = this.leader;
    if (leader === null) return { replies: await this.run(session, commands), ascii: false };
    const replies = await leader.execute(this.id, session, commands);
    // Read after the run: Engine.asciiOnly only ever turns off, so true covers every reply.
    return { replies, ascii: leader.engine.asciiOnly };
  }

  closeSession(session: number): void {
    this.sessions.delete(session);
    if (this.leader !== null) this.leader.closeSession(this.id, session);
    else if (this.leaderId !== null) this.post({ type: 'close', to: this.leaderId, session });
  }

  /**
   * The page unloads for good: hand the lead over cleanly. Stop accepting requests, answer
   * every accepted one, say `resigned` (followers then resend what is unanswered, which
   * never ran), close the engine and free the lock. If the worker dies first, followers
   * treat it as a crash.
   */
  resign(): void {
    const leader = this.leader;
    if (leader === null || leader.resigning) return;
    void leader.drain().then(async () => {
      // The next leader recovers from the store: commit what this one acknowledged first.
      await leader.engine.flush().catch(() => undefined);
      this.post({ type: 'resigned', epoch: this.epoch });
      leader.close();
      if (this.leader === leader) this.leader = null;
      this.releaseLead?.();
      this.releaseLead = null;
      // Still running after all (the page did not go): wait in line for the lead again.
      if (!this.closed) this.queueForLead(this.held);
    });
  }

  /** Stop: leave the lead (the next tab takes it) and fail what waits. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.forwarder.close();
    this.leader?.close();
    this.leader = null;
    this.channel.close();
    this.release?.();
  }

  // --- the channel ---------------------------------------------------------------------

  private post(body: ChannelBody): void {
    if (this.closed || !this.coordinated) return;
    this.channel.postMessage({ v: CHANNEL_VERSION, from: this.id, ...body });
  }

  /** One channel message: checked, then handled; never thrown, never re-broadcast. */
  private receive(data: unknown): void {
    const message = parseChannelMessage(data);
    if (message === null || message.from === this.id) {
      this.dropped++;
      return;
    }
    try {
      this.handle(message);
    } catch {
      this.dropped++;
    }
  }

  private handle(message: ChannelMessage): void {
    switch (message.type) {
      case 'who':
        if (this.leader !== null) this.post({ type: 'leader', epoch: this.epoch });
        return;
      case 'leader':
        if (message.epoch <= this.epoch) return;
        // A newer leadership exists: this tab was frozen or cut off while another took the
        // lock. It stops writing at once (fencing by epoch) and follows.
        if (this.leader !== null) this.stepDown();
        this.followLeader(message.from, message.epoch);
        return;
      case 'resigned':
        if (message.from === this.leaderId && message.epoch === this.epoch) this.forwarder.leaderResigned(message.from);
        return;
      case 'request': {
        // A resigning leader takes nothing new: the sender resends it to the next leader.
        if (message.to !== this.id || this.leader === null || this.leader.resigning) return;
        const { from, id, session, commands } = message;
        this.served++;
        this.leader.execute(from, session, commands).then(
          (replies) => this.post({ type: 'reply', to: from, id, replies }),
          (error: unknown) => this.post({ type: 'failed', to: from, id, message: error instanceof Error ? error.message : String(error) }),
        );
        return;
      }
      case 'reply':
        if (message.to === this.id) this.forwarder.settle(message.id, message.replies);
        return;
      case 'failed':
        if (message.to === this.id) this.forwarder.settle(message.id, null, message.message);
        return;
      case 'pushes':
        if (message.to !== this.id) return;
        for (const [session, push] of message.pushes) this.sessions.get(session)?.push(push);
        return;
      case 'close':
        if (message.to === this.id) this.leader?.closeSession(message.from, message.session);
        return;
    }
  }

  // --- roles ---------------------------------------------------------------------------

  private stepDown(): void {
    this.leader?.close();
    this.leader = null;
    this.steppedDown++;
    // Free the lock if this tab still holds it, and wait in line behind the new leader.
    if (this.releaseLead !== null) {
      this.releaseLead();
      this.releaseLead = null;
      if (!this.closed) this.queueForLead(this.held);
    }
  }

  /**
   * The store refused this leader's write (a newer leadership claimed it): step down and
   * ask who leads. The epoch stays this leadership's, so the newer one's answer is taken.
   */
  private fenced(leader: Leader): void {
    if (this.leader !== leader) return;
    this.stepDown();
    this.role = 'follower';
    this.leaderId = null;
    this.post({ type: 'who' });
  }

  private followLeader(leader: string, epoch: number): void {
    const changed = this.leaderId !== null && this.leaderId !== leader;
    this.role = 'follower';
    this.epoch = epoch;
    this.leaderId = leader;
    this.forwarder.leaderChanged(leader);
    if (changed) this.resubscribeAll();
  }

  /** Granted the leader lock: open the store, announce, take over what waited. */
  private async lead(): Promise<void> {
    const grantedAt = Date.now();
    // A persisted engine claims the store's next epoch (its writes are fenced by it) before
    // it recovers; a memory store's epoch comes from the epochs database meanwhile.
    const engine = this.options.openEngine(this.store, this.epoch);
    const store = engine.persistence;
    const epoch = await (store !== null ? store.claimed : nextEpoch(this.store, this.epoch)).catch(() => this.epoch + 1);
    if (this.closed) {
      engine.close();
      return;
    }
    const hadLeader = this.leaderId !== null;
    this.leader = new Leader(engine, epoch, {
      store: this.store,
      id: this.id,
      post: (body) => this.post(body),
      localPush: (session, push) => this.sessions.get(session)?.push(push),
      channelStats: () => ({ dropped: this.dropped, served: this.served, steppedDown: this.steppedDown, ...this.forwarder.stats }),
    }, grantedAt);
    const leader = this.leader;
    // A write refused by the store's fence: a newer leader exists that this tab has not heard.
    store?.onFenced(() => queueMicrotask(() => this.fenced(leader)));
    this.role = 'leader';
    this.epoch = epoch;
    this.leaderId = this.id;
    this.post({ type: 'leader', epoch });
    for (const job of this.forwarder.takeOver()) this.leader.execute(this.id, job.session, job.commands).then(job.resolve, job.reject);
    if (hadLeader) this.resubscribeAll();
  }

  private resubscribeAll(): void {
    for (const session of this.sessions.values()) {
      const commands = session.resubscribeCommands();
      if (commands.length > 0) this.run(session.no, commands).catch(() => undefined);
    }
  }
}

/** The confirmations that add and remove a session's subscriptions. */
const ADDS: Record<string, number> = { subscribe: 0, psubscribe: 1, ssubscribe: 2 };
const REMOVES: Record<string, number> = { unsubscribe: 0, punsubscribe: 1, sunsubscribe: 2 };
const RESUBSCRIBE = ['SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE'];

/** One page session (one client's port), served through Comlink by the worker entry. */
export class TabSession implements HostSession {
  private readonly stats: SessionStats = { batches: 0, commands: 0, rejected: 0 };
  /** Channels, patterns, shard channels (byte strings) this session is subscribed to. */
  private readonly subscriptions: [Set<string>, Set<string>, Set<string>] = [new Set(), new Set(), new Set()];
  private closed = false;
  /** Pushes waiting for the end of the current task's microtasks: one port message for all. */
  private outbox: WireReply[] = [];

  constructor(private readonly node: TabNode, readonly no: number, private readonly port: MessagePort) {}

  async handle(request: Request): Promise<Response> {
    if (!isRequest(request)) {
      this.stats.rejected++;
      const version = typeof request === 'object' && request !== null ? (request as { v?: unknown }).v : undefined;
      const message = version !== undefined && version !== PROTOCOL_VERSION
        ? `idb-redis protocol version mismatch: host speaks ${PROTOCOL_VERSION}, client sent ${String(version)}`
        : 'idb-redis malformed request';
      return { v: PROTOCOL_VERSION, type: 'error', message };
    }
    switch (request.type) {
      case 'batch': {
        if (this.closed) return { v: PROTOCOL_VERSION, type: 'error', message: 'idb-redis: session closed' };
        this.stats.batches++;
        this.stats.commands += request.commands.length;
        try {
          const { replies, ascii } = await this.node.runForPage(this.no, request.commands);
          return { v: PROTOCOL_VERSION, type: 'replies', replies, ascii };
        } catch (error) {
          return { v: PROTOCOL_VERSION, type: 'error', message: error instanceof Error ? error.message : String(error) };
        }
      }
      case 'stats':
        return { v: PROTOCOL_VERSION, type: 'stats', ...this.stats };
      case 'close':
        this.close();
        return { v: PROTOCOL_VERSION, type: 'closed' };
    }
  }

  /** A push for this session: track subscriptions, hand it to the page. */
  push(push: WireReply): void {
    if (this.closed) return;
    if (Array.isArray(push) && typeof push[0] === 'string') {
      const kind = push[0];
      const name = push[1];
      if (kind in ADDS && typeof name === 'string') this.subscriptions[ADDS[kind]!]!.add(name);
      else if (kind in REMOVES && typeof name === 'string') this.subscriptions[REMOVES[kind]!]!.delete(name);
    }
    if (this.outbox.length === 0) queueMicrotask(() => this.flush());
    this.outbox.push(push);
  }

  private flush(): void {
    const pushes = this.outbox;
    this.outbox = [];
    if (!this.closed && pushes.length > 0) this.port.postMessage({ v: PROTOCOL_VERSION, type: 'push', pushes });
  }

  /** Commands that restore this session's subscriptions on a new leader. */
  resubscribeCommands(): WireArg[][] {
    const out: WireArg[][] = [];
    this.subscriptions.forEach((names, i) => {
      if (names.size > 0) out.push([RESUBSCRIBE[i]!, ...[...names].map(bytesOf)]);
    });
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.node.closeSession(this.no);
  }
}

/** A byte string as the bytes it stands for (so the engine does not encode it again). */
function bytesOf(byteString: string): Uint8Array {
  const out = new Uint8Array(byteString.length);
  for (let i = 0; i < byteString.length; i++) out[i] = byteString.charCodeAt(i);
  return out;
}
