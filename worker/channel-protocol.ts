/**
 * The wire between the workers of one store in several tabs: one BroadcastChannel per
 * store name. Every message is a discriminated union on `type` and carries the channel
 * protocol version `v` and the sender's tab id `from`; messages meant for one tab name it
 * in `to` (BroadcastChannel delivers to every other tab; the others drop it).
 *
 * Messages:
 * - `who`: a tab that just started asks who leads; the leader answers `leader`.
 * - `leader`: the sender leads the store since `epoch` (a new leader announces itself).
 * - `resigned`: the sender stopped leading (its page unloads): it answered every request
 *   it accepted, so a request it left unanswered never ran and may go to the next leader.
 * - `request`: a follower's batch for its session `session`, `id` unique per sender. A
 *   MULTI … EXEC or a pipeline is one batch, so it runs in one engine turn at the leader.
 * - `reply` / `failed`: the leader's answer to request `id` of tab `to`.
 * - `pushes`: pub/sub pushes for sessions of tab `to`, in order: `[session, push]` pairs.
 *   The leader sends one per tab per engine turn, however many messages the turn made.
 * - `close`: the follower's session `session` closed: the leader drops its connection.
 *
 * Receivers distrust the channel: `parseChannelMessage` checks the shape and returns null
 * for anything malformed, of another version or from a foreign sender; the tab counts it
 * and goes on. Nothing received is ever re-broadcast.
 */
import type { WireArg, WireReply } from '../src/client/protocol.js';

export const CHANNEL_VERSION = 1;

interface Envelope {
  v: typeof CHANNEL_VERSION;
  /** The sending tab's id (one per worker and store). */
  from: string;
}

export type ChannelMessage = Envelope &
  (
    | { type: 'who' }
    | { type: 'leader'; epoch: number }
    | { type: 'resigned'; epoch: number }
    | { type: 'request'; to: string; id: number; session: number; commands: WireArg[][] }
    | { type: 'reply'; to: string; id: number; replies: WireReply[] }
    | { type: 'failed'; to: string; id: number; message: string }
    | { type: 'pushes'; to: string; pushes: Array<[session: number, push: WireReply]> }
    | { type: 'close'; to: string; session: number }
  );

/** A message body before the envelope is added. */
export type ChannelBody = ChannelMessage extends infer M ? (M extends Envelope ? Omit<M, keyof Envelope> : never) : never;

/** The BroadcastChannel name of a store. */
export const channelName = (store: string): string => `idb-redis:${store}`;
/** Held by the leader for its worker's life. */
export const leaderLockName = (store: string): string => `idb-redis:${store}:leader`;
/** Held by every tab for its worker's life: the leader learns a tab is gone when it frees. */
export const tabLockName = (store: string, tab: string): string => `idb-redis:${store}:tab:${tab}`;

const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= 64;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function isArgv(argv: unknown): argv is WireArg[] {
  if (!Array.isArray(argv) || argv.length === 0) return false;
  for (const arg of argv) if (typeof arg !== 'string' && !(arg instanceof Uint8Array)) return false;
  return true;
}

function isPushPair(pair: unknown): boolean {
  return Array.isArray(pair) && pair.length === 2 && isCount(pair[0]) && pair[1] !== undefined;
}

/** The message if `value` is a well-formed message of this version, else null. */
export function parseChannelMessage(value: unknown): ChannelMessage | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  if (m.v !== CHANNEL_VERSION || !isId(m.from)) return null;
  switch (m.type) {
    case 'who':
      return value as ChannelMessage;
    case 'leader':
    case 'resigned':
      return isCount(m.epoch) ? (value as ChannelMessage) : null;
    case 'request':
      return isId(m.to) && isCount(m.id) && isCount(m.session) && Array.isArray(m.commands) && m.commands.length > 0 && m.commands.every(isArgv)
        ? (value as ChannelMessage)
        : null;
    case 'reply':
      return isId(m.to) && isCount(m.id) && Array.isArray(m.replies) ? (value as ChannelMessage) : null;
    case 'failed':
      return isId(m.to) && isCount(m.id) && typeof m.message === 'string' ? (value as ChannelMessage) : null;
    case 'pushes':
      return isId(m.to) && Array.isArray(m.pushes) && m.pushes.every(isPushPair) ? (value as ChannelMessage) : null;
    case 'close':
      return isId(m.to) && isCount(m.session) ? (value as ChannelMessage) : null;
    default:
      return null;
  }
}
