/**
 * Client-side reply forms, decoded from the wire:
 * - `Reply` (the default): bulk strings read as UTF-8 text, statuses as strings;
 * - `BufferReply` (`returnBuffers`): every string as its exact bytes;
 * - `RespReply` (`resp`): the RESP2 type tree, for tools that print replies as redis-cli.
 * Errors nested in arrays (EXEC, pipelines) become `ReplyError` values in place.
 */
import { fromByteString, toUint8Array } from '../engine/bytes.js';
import { ReplyError } from '../engine/errors.js';
import type { Reply } from '../engine/reply.js';
import type { WireReply } from './protocol.js';

export type { Reply };

export type BufferReply = Uint8Array | number | bigint | null | ReplyError | BufferReply[];

export type RespReply =
  | { type: 'simple'; value: string }
  | { type: 'error'; error: ReplyError }
  | { type: 'integer'; value: number | bigint }
  | { type: 'bulk'; value: Uint8Array }
  | { type: 'null' }
  | { type: 'array'; items: RespReply[] };

/** `ascii`: the host said every string is ASCII (Response.ascii), so none is decoded. */
export function toReply(wire: WireReply, ascii = false): Reply {
  if (typeof wire === 'string') return ascii ? wire : fromByteString(wire);
  if (typeof wire === 'number' || typeof wire === 'bigint' || wire === null) return wire;
  if (Array.isArray(wire)) {
    const out: Reply[] = new Array(wire.length);
    for (let i = 0; i < wire.length; i++) out[i] = toReply(wire[i]!, ascii);
    return out;
  }
  if (wire.type === 'status') return ascii ? wire.value : fromByteString(wire.value);
  return new ReplyError(wire.message);
}

export function toBufferReply(wire: WireReply): BufferReply {
  if (typeof wire === 'string') return toUint8Array(wire);
  if (typeof wire === 'number' || typeof wire === 'bigint' || wire === null) return wire;
  if (Array.isArray(wire)) return wire.map(toBufferReply);
  return wire.type === 'status' ? toUint8Array(wire.value) : new ReplyError(wire.message);
}

export function toRespReply(wire: WireReply): RespReply {
  if (typeof wire === 'string') return { type: 'bulk', value: toUint8Array(wire) };
  if (typeof wire === 'number' || typeof wire === 'bigint') return { type: 'integer', value: wire };
  if (wire === null) return { type: 'null' };
  if (Array.isArray(wire)) return { type: 'array', items: wire.map(toRespReply) };
  return wire.type === 'status' ? { type: 'simple', value: fromByteString(wire.value) } : { type: 'error', error: new ReplyError(wire.message) };
}

/** The error of a top-level error reply, or null. */
export function errorOf(wire: WireReply): ReplyError | null {
  return typeof wire === 'object' && wire !== null && !Array.isArray(wire) && wire.type === 'error'
    ? new ReplyError(wire.message)
    : null;
}
