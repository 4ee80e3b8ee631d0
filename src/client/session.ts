/**
 * The host side of the wire: one session per client, serving protocol requests on one
 * engine `Connection`. The worker exposes it through Comlink; the in-process transport
 * calls it directly. Requests are untrusted: a malformed one is answered with an `error`
 * response and counted, never thrown into the host.
 */
import { LoadWait, type Connection } from '../engine/connection.js';
import { fromByteString } from '../engine/bytes.js';
import { ReplyError } from '../engine/errors.js';
import { Status, type RawReply } from '../engine/reply.js';
import { PROTOCOL_VERSION, isRequest, type HostSession, type PushMessage, type Response, type SessionStats, type WireReply, type WireStatus } from './protocol.js';

export interface Session extends HostSession {
  handle(request: unknown): Response | Promise<Response>;
  readonly stats: Readonly<SessionStats>;
  /** Close the engine connection (idempotent). */
  close(): void;
}

/** Serve the protocol on `conn`; `push` receives the connection's pushes in wire form. */
export function createSession(conn: Connection, push?: (message: PushMessage) => void): Session {
  const stats: SessionStats = { batches: 0, commands: 0, rejected: 0 };
  const loadWait = new LoadWait();
  if (push !== undefined) conn.onPushRaw((raw) => push({ v: PROTOCOL_VERSION, type: 'push', pushes: [toWire(raw)] }));
  const session: Session = {
    stats,
    handle(request: unknown): Response | Promise<Response> {
      if (!isRequest(request)) {
        stats.rejected++;
        return refusal(request);
      }
      switch (request.type) {
        case 'batch': {
          // A persisted engine (src/persistence): wait for loading; with appendfsync always
          // the replies go once the batch's writes are committed.
          const store = conn.engine.persistence;
          const loaded = store === null || store.loading === null ? null : loadWait.wait(store, store.loading, conn, request.commands);
          if (loaded !== null) return loaded.then(() => session.handle(request), (e: Error) => refusalOf(e.message));
          stats.batches++;
          stats.commands += request.commands.length;
          const raw = conn.callBatchRawOrWait(request.commands);
          // A blocking command waits (BLPOP …): the batch is answered once it is served.
          if (!Array.isArray(raw)) return raw.then((served) => repliesOf(conn, served));
          return repliesOf(conn, raw);
        }
        case 'stats':
          return { v: PROTOCOL_VERSION, type: 'stats', ...stats };
        case 'close':
          conn.close();
          return { v: PROTOCOL_VERSION, type: 'closed' };
      }
    },
    close() {
      conn.close();
    },
  };
  return session;
}

/** A batch's replies in wire form; with appendfsync always, once its writes are committed. */
function repliesOf(conn: Connection, raw: readonly RawReply[]): Response | Promise<Response> {
  const replies: WireReply[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) replies[i] = toWire(raw[i]!);
  // Read after the batch ran: asciiOnly only ever turns off, so true covers every reply.
  const response: Response = { v: PROTOCOL_VERSION, type: 'replies', replies, ascii: conn.engine.asciiOnly };
  const store = conn.engine.persistence;
  const gate = store === null ? null : store.pendingGate();
  if (gate === null) return response;
  // A failed commit acknowledges none of the batch: every reply is its error.
  return gate.then(
    () => response,
    (e: Error) => ({ v: PROTOCOL_VERSION, type: 'replies', replies: replies.map(() => ({ type: 'error', message: e.message })) }),
  );
}

/** A session that refuses everything: the answer to a connect this host cannot serve. */
export function refusingSession(message: string): HostSession {
  return { handle: () => ({ v: PROTOCOL_VERSION, type: 'error', message }) };
}

function refusalOf(message: string): Response {
  return { v: PROTOCOL_VERSION, type: 'error', message };
}

function refusal(request: unknown): Response {
  const version = typeof request === 'object' && request !== null ? (request as { v?: unknown }).v : undefined;
  const message =
    version !== undefined && version !== PROTOCOL_VERSION
      ? `idb-redis protocol version mismatch: host speaks ${PROTOCOL_VERSION}, client sent ${String(version)}`
      : 'idb-redis malformed request';
  return { v: PROTOCOL_VERSION, type: 'error', message };
}

/**
 * Statuses come from a handful of values (OK, QUEUED, PONG …). Sharing one wire object per
 * value lets structured clone send it once per message, however many replies carry it.
 */
const wireStatuses = new Map<string, WireStatus>();

function wireStatus(value: string): WireStatus {
  let wire = wireStatuses.get(value);
  if (wire === undefined) {
    wire = Object.freeze({ type: 'status', value });
    if (wireStatuses.size < 64) wireStatuses.set(value, wire);
  }
  return wire;
}

/** Engine reply → wire form (bulk strings stay byte strings; statuses and errors tagged). */
export function toWire(raw: RawReply): WireReply {
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'bigint' || raw === null) return raw;
  if (raw instanceof Status) return wireStatus(raw.value);
  if (raw instanceof ReplyError) return { type: 'error', message: fromByteString(raw.message) };
  const out: WireReply[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = toWire(raw[i]!);
  return out;
}
