/**
 * A follower's side: batches of this tab's sessions go to the leader as `request`s with
 * ids, and each reply is routed back to the caller waiting on that id.
 *
 * Leader changes (the leader tab closed, reloaded or crashed and another took the lock):
 * - A request not sent yet (no leader known) goes to the new leader.
 * - A request sent to the old leader and not answered has an unknown outcome. A batch that
 *   changes nothing (no command flagged `write`, no PUBLISH, no EXEC) is sent again; any
 *   other batch fails with a clear error instead of risking a second application. It never
 *   hangs.
 * - A reply from the old leader that arrives late is dropped (its request already settled).
 */
import type { WireArg, WireReply } from '../src/client/protocol.js';
import { CommandTable } from '../src/engine/command-table.js';
import type { ChannelBody } from './channel-protocol.js';

export const LEADER_LOST =
  'ERR idb-redis: the leader tab closed while this command was in flight; it may or may not have been applied';

interface Pending {
  readonly session: number;
  readonly commands: WireArg[][];
  readonly repeatable: boolean;
  /** The leader it was sent to; null while waiting for one. */
  sentTo: string | null;
  resolve(replies: WireReply[]): void;
  reject(error: Error): void;
}

let table: CommandTable | null = null;

/** Commands without the write flag whose second run still does something again. */
const NOT_REPEATABLE = new Set(['publish', 'spublish', 'exec']);

/**
 * True when running the batch twice changes nothing more than running it once: no command
 * flagged `write` (nor EXEC, which runs queued writes), and no PUBLISH (a message twice).
 */
export function isRepeatableBatch(commands: readonly WireArg[][]): boolean {
  table ??= new CommandTable();
  for (const argv of commands) {
    if (typeof argv[0] !== 'string') return false;
    const spec = table.resolve(argv.map((arg) => (typeof arg === 'string' ? arg : '')));
    if (typeof spec === 'string') continue; // An error reply either way.
    if (spec.flags.includes('write') || NOT_REPEATABLE.has(spec.name)) return false;
  }
  return true;
}

export class Forwarder {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private leader: string | null = null;
  /** Set when no leader answers at all: requests fail with it instead of waiting. */
  private unreachable: string | null = null;
  readonly stats = { forwarded: 0, retried: 0, failed: 0 };

  constructor(private readonly post: (body: ChannelBody) => void) {}

  /** Send a batch of session `session` to the leader (now, or once one is known). */
  send(session: number, commands: WireArg[][]): Promise<WireReply[]> {
    if (this.leader === null && this.unreachable !== null) return Promise.reject(new Error(this.unreachable));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const pending: Pending = { session, commands, repeatable: isRepeatableBatch(commands), sentTo: null, resolve, reject };
      this.pending.set(id, pending);
      if (this.leader !== null) this.transmit(id, pending, this.leader);
    });
  }

  settle(id: number, replies: WireReply[] | null, message?: string): void {
    const pending = this.pending.get(id);
    if (pending === undefined) return; // Settled already (a late reply of a lost leader).
    this.pending.delete(id);
    if (replies !== null) pending.resolve(replies);
    else pending.reject(new Error(message ?? LEADER_LOST));
  }

  /** A new leader (another tab): resend or fail what the old one left unanswered. */
  leaderChanged(leader: string): void {
    this.leader = leader;
    this.unreachable = null;
    for (const [id, pending] of this.pending) {
      if (pending.sentTo === leader) continue;
      if (pending.sentTo === null) this.transmit(id, pending, leader);
      else if (pending.repeatable) {
        this.stats.retried++;
        this.transmit(id, pending, leader);
      } else this.fail(id, pending);
    }
  }

  /**
   * This tab takes the lead: hand back what must run here (unsent batches, and repeatable
   * batches sent to the old leader); fail the rest.
   */
  takeOver(): Array<{ session: number; commands: WireArg[][]; resolve: (r: WireReply[]) => void; reject: (e: Error) => void }> {
    this.leader = null;
    const runHere = [];
    for (const [id, pending] of this.pending) {
      if (pending.sentTo !== null && !pending.repeatable) {
        this.fail(id, pending);
        continue;
      }
      if (pending.sentTo !== null) this.stats.retried++;
      this.pending.delete(id);
      runHere.push(pending);
    }
    return runHere;
  }

  /**
   * The leader handed over cleanly: what it left unanswered never ran, so it goes to the
   * next leader as if never sent (exactly once, whatever the batch holds).
   */
  leaderResigned(leader: string): void {
    if (this.leader !== leader) return;
    this.leader = null;
    for (const pending of this.pending.values()) if (pending.sentTo === leader) pending.sentTo = null;
  }

  /**
   * No leader answered: fail what waits for one, and what comes until one is heard, with
   * `message` (a tab holding the lock but speaking another channel version never answers).
   */
  noLeader(message: string): void {
    if (this.leader !== null) return;
    this.unreachable = message;
    for (const [id, pending] of this.pending) this.fail(id, pending, message);
  }

  /** Fail everything still waiting (the worker is closing). */
  close(): void {
    for (const [id, pending] of this.pending) this.fail(id, pending, 'ERR idb-redis: the store closed');
  }

  get inFlight(): number {
    return this.pending.size;
  }

  private transmit(id: number, pending: Pending, leader: string): void {
    pending.sentTo = leader;
    this.stats.forwarded++;
    this.post({ type: 'request', to: leader, id, session: pending.session, commands: pending.commands });
  }

  private fail(id: number, pending: Pending, message = LEADER_LOST): void {
    this.pending.delete(id);
    this.stats.failed++;
    pending.reject(new Error(message));
  }
}
