/**
 * The wire between a client and its host (the Worker, or an engine in the same process).
 *
 * Every message is a discriminated union on a string `type` and carries the protocol
 * version `v`. Opening a session: the page posts a `ConnectMessage` to the worker with one
 * end of a fresh MessageChannel; the worker serves a `HostSession` on that port through
 * Comlink. Each session is one engine `Connection` (its own MULTI / WATCH / name state).
 *
 * Replies travel in `WireReply` form: bulk strings as byte strings (one char per byte), so
 * the client decides per command whether to read them as UTF-8 text or as bytes; statuses
 * and errors are tagged objects, because structured clone keeps neither a class nor the
 * difference between a status and a bulk string.
 */

/** 2: adds `PushMessage` (pub/sub messages and confirmations, host → client). */
export const PROTOCOL_VERSION = 2;
export type ProtocolVersion = typeof PROTOCOL_VERSION;

/** A command argument: a JS string (sent as UTF-8) or raw bytes. */
export type WireArg = string | Uint8Array;

export interface WireStatus {
  type: 'status';
  /** A byte string, like bulk strings. */
  value: string;
}

export interface WireError {
  type: 'error';
  /** Redis's error text, decoded from UTF-8; its first word is the error code. */
  message: string;
}

/** A reply as it crosses the wire: bulk strings are byte strings, see above. */
export type WireReply = string | number | bigint | null | WireStatus | WireError | WireReply[];

/** Page → worker (on the worker's own port): open a session served on `port`. */
export interface ConnectMessage {
  v: ProtocolVersion;
  type: 'connect';
  /** Database name: sessions with the same name share one keyspace. */
  name: string;
  /** The session's command stream: batches, their answers and pushes. */
  port: MessagePort;
  /**
   * Where Comlink serves the session's other calls; absent: on `port`. Apart, Comlink's
   * listeners (which look at every message of their port) never see the command stream.
   */
  rpc?: MessagePort;
  /** False: the keyspace lives in memory only (no IndexedDB). Default true. */
  persistence?: boolean;
}

/**
 * Page → worker (on the worker's own port): the page is being hidden or unloaded; commit
 * pending log records of store `name` now (appendfsync everysec / no).
 */
export interface FlushMessage {
  v: ProtocolVersion;
  type: 'flush';
  name: string;
  /**
   * The page is being unloaded for good (pagehide, not kept in the back/forward cache): a
   * tab leading the store hands the lead over cleanly (worker/tab.ts `resign`).
   */
  leaving?: boolean;
}

export type Request =
  /** Run `commands` in order in one engine turn. */
  | { v: ProtocolVersion; type: 'batch'; commands: WireArg[][] }
  /** Counters of this session (tests observe auto-pipelining with them). */
  | { v: ProtocolVersion; type: 'stats' }
  /** Close the engine connection: WATCHes and a half-built MULTI are dropped. */
  | { v: ProtocolVersion; type: 'close' };

export interface SessionStats {
  /** Batch messages received: one per auto-pipelined flush. */
  batches: number;
  /** Commands received in those batches. */
  commands: number;
  /** Malformed or wrong-version messages answered with `error` and otherwise ignored. */
  rejected: number;
}

export type Response =
  /**
   * `ascii`: every string in these replies is ASCII (the engine has held nothing else), so
   * the client may skip UTF-8 decoding; absent means decode.
   */
  | { v: ProtocolVersion; type: 'replies'; replies: WireReply[]; ascii?: boolean }
  | ({ v: ProtocolVersion; type: 'stats' } & SessionStats)
  | { v: ProtocolVersion; type: 'closed' }
  /** The request itself was refused (malformed, wrong version, session closed). */
  | { v: ProtocolVersion; type: 'error'; message: string };

/**
 * Host → client, unsolicited: what Redis writes to a connection outside of replies, in
 * order (pub/sub `message` / `pmessage` / `smessage` arrays, (un)subscribe confirmations,
 * MONITOR lines as statuses). In a worker it travels on the session's own port, beside
 * Comlink's replies (Comlink ignores messages without its call id).
 */
export interface PushMessage {
  v: ProtocolVersion;
  type: 'push';
  /** One or more pushes, in order (a worker sends a turn's pushes in one message). */
  pushes: WireReply[];
}

/**
 * A batch sent on the session's port itself rather than through Comlink, answered on the
 * port with the same `id`: the command stream skips Comlink's envelope, proxy and call id,
 * which cost about a third of an awaited round trip (bench/browser). Comlink serves the
 * session's other requests, and ignores these messages (their type is none of its own).
 */
export type PortRequest = Extract<Request, { type: 'batch' }> & { id: number };
export type PortResponse = Response & { id: number };

/** Shape check for a port batch from an untrusted page: its id, then isRequest. */
export function portCallId(value: unknown): number | null {
  if (typeof value !== 'object' || value === null) return null;
  const message = value as { type?: unknown; id?: unknown };
  return message.type === 'batch' && typeof message.id === 'number' ? message.id : null;
}

/** Shape check for a port answer from the host (its body is checked where it is used). */
export function isPortResponse(value: unknown): value is PortResponse {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { v?: unknown; type?: unknown; id?: unknown };
  return message.v === PROTOCOL_VERSION && typeof message.id === 'number' && typeof message.type === 'string' && message.type !== 'push';
}

/** Shape check for a push from the host. */
export function isPushMessage(value: unknown): value is PushMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { v?: unknown; type?: unknown; pushes?: unknown };
  return message.v === PROTOCOL_VERSION && message.type === 'push' && Array.isArray(message.pushes);
}

/** What a host serves for one session (through Comlink in the worker, directly in-process). */
export interface HostSession {
  handle(request: Request): Response | Promise<Response>;
}

/** Shape check for a request from an untrusted sender. */
export function isRequest(value: unknown): value is Request {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { v?: unknown; type?: unknown; commands?: unknown };
  if (message.v !== PROTOCOL_VERSION) return false;
  switch (message.type) {
    case 'stats':
    case 'close':
      return true;
    case 'batch':
      return Array.isArray(message.commands) && message.commands.every(isArgv);
    default:
      return false;
  }
}

/** Shape check for a connect message arriving on the worker's global port. */
export function isConnectMessage(value: unknown): value is ConnectMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { v?: unknown; type?: unknown; name?: unknown; port?: unknown };
  return (
    message.type === 'connect' &&
    message.v === PROTOCOL_VERSION &&
    typeof message.name === 'string' &&
    typeof MessagePort !== 'undefined' &&
    message.port instanceof MessagePort &&
    ((message as { rpc?: unknown }).rpc === undefined || (message as { rpc?: unknown }).rpc instanceof MessagePort) &&
    ((message as { persistence?: unknown }).persistence === undefined || typeof (message as { persistence?: unknown }).persistence === 'boolean')
  );
}

/** Shape check for a flush message arriving on the worker's global port. */
export function isFlushMessage(value: unknown): value is FlushMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { v?: unknown; type?: unknown; name?: unknown; leaving?: unknown };
  return (
    message.type === 'flush' &&
    message.v === PROTOCOL_VERSION &&
    typeof message.name === 'string' &&
    (message.leaving === undefined || typeof message.leaving === 'boolean')
  );
}

function isArgv(argv: unknown): argv is WireArg[] {
  if (!Array.isArray(argv) || argv.length === 0) return false;
  for (const arg of argv) if (typeof arg !== 'string' && !(arg instanceof Uint8Array)) return false;
  return true;
}
