/**
 * Client-side errors. A Redis error reply is a `ReplyError` (the engine's class, rebuilt from
 * the wire message); these two are the client's own, named as node-redis v4 names them.
 */
export { ReplyError } from '../engine/errors.js';

/** `multi().exec()` when a WATCHed key changed: Redis answered EXEC with nil. */
export class WatchError extends Error {
  override name = 'WatchError';

  constructor(message = 'One (or more) of the watched keys has been changed') {
    super(message);
  }
}

/** A command sent after `quit()` / `close()`, or pending when the transport shut down. */
export class ClientClosedError extends Error {
  override name = 'ClientClosedError';

  constructor(message = 'The client is closed') {
    super(message);
  }
}
