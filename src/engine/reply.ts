/**
 * The reply model, RESP2-shaped as Redis sends it.
 *
 * Inside the engine every string is a byte string (one JS char per byte). Handlers return:
 * - `string`: a bulk string;
 * - `Status`: a simple string (+OK, +QUEUED, +PONG): kept apart so a RESP front end can
 *   write it as Redis does;
 * - `number` / `bigint`: an integer (bigint only past 2^53);
 * - `null`: the nil bulk string or nil array;
 * - `ReplyError`: an error (inside arrays, e.g. EXEC results);
 * - arrays of the above.
 *
 * The public `Reply` is what callers see: bulk strings decoded from UTF-8, statuses as plain
 * strings, errors as `ReplyError` values inside arrays.
 */
import { ReplyError } from './errors.js';

export class Status {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export const OK = new Status('OK');
export const QUEUED = new Status('QUEUED');
export const PONG = new Status('PONG');

export type RawReply = string | number | bigint | null | Status | ReplyError | RawReply[];

export type Reply = string | number | bigint | null | ReplyError | Reply[];

/**
 * A handler's fresh array reply of ASCII bulk strings (LRANGE of an all-ASCII list), which
 * callers may see as is: `toPublicReply` hands out the array that is `asciiArray.last`
 * without decoding or copying each item, and clears it. Only the reply of the command just
 * run is kept: the connection clears it before each command and after a raw batch (whose
 * replies are never converted), so a large range is not held once its caller is answered.
 * (A WeakSet of such arrays holds nothing at all but costs ~25% of LRANGE's throughput.)
 */
export const asciiArray: { last: RawReply[] | null } = { last: null };

/**
 * Offer a handler's fresh array of bulk strings (and nils) to callers as it is, when all
 * its strings are known to be ASCII (a list's count, or Engine.asciiOnly): see asciiArray.
 */
export function offerAscii<T extends RawReply[]>(out: T, ascii: boolean): T {
  if (ascii) asciiArray.last = out;
  return out;
}
