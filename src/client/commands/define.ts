/**
 * A typed command is written once, as an encoder (typed arguments → argv) and a decoder
 * (reply → typed result). The client and `multi()` both build their methods from these
 * definitions, so the method list exists in one place.
 *
 * Decoders check the reply's shape instead of casting it: a reply of an unexpected shape
 * is a TypeError naming what was expected, never a silently mistyped value.
 */
import type { Reply } from '../replies.js';

/** A key or value argument: a JS string (sent as UTF-8) or raw bytes. */
export type RedisArgument = string | Uint8Array;
/** A value argument; numbers are sent in their decimal form. */
export type RedisValue = RedisArgument | number;
/** One key or several. */
export type RedisVariadicArgument = RedisArgument | RedisArgument[];

export interface CommandDefinition<A extends unknown[], R> {
  readonly encode: (...args: A) => RedisArgument[];
  readonly decode: (reply: Reply) => R;
}

export function command<A extends unknown[], R>(
  encode: (...args: A) => RedisArgument[],
  decode: (reply: Reply) => R,
): CommandDefinition<A, R> {
  return { encode, decode };
}

/** Exactly one of T's properties. */
export type OneOf<T> = { [K in keyof T]: Pick<T, K> & { [O in Exclude<keyof T, K>]?: never } }[keyof T];
/** At most one of T's properties. */
export type MaximumOneOf<T> = OneOf<T> | { [K in keyof T]?: never };

// --- argument helpers --------------------------------------------------------------------

export function valueArg(value: RedisValue): RedisArgument {
  return typeof value === 'number' ? String(value) : value;
}

export function variadic(argv: RedisArgument[], keys: RedisVariadicArgument): RedisArgument[] {
  if (Array.isArray(keys)) for (const key of keys) argv.push(key);
  else argv.push(keys);
  return argv;
}

/** A Unix time in seconds: a Date is floored to whole seconds, as node-redis does. */
export function unixSeconds(time: number | Date): string {
  return String(typeof time === 'number' ? time : Math.floor(time.getTime() / 1000));
}

export function unixMilliseconds(time: number | Date): string {
  return String(typeof time === 'number' ? time : time.getTime());
}

// --- reply decoders ----------------------------------------------------------------------

function unexpected(expected: string, reply: Reply): never {
  const seen = reply === null ? 'nil' : Array.isArray(reply) ? 'an array' : typeof reply;
  throw new TypeError(`idb-redis: expected ${expected} reply, got ${seen}`);
}

export const asReply = (reply: Reply): Reply => reply;

export function asString(reply: Reply): string {
  return typeof reply === 'string' ? reply : unexpected('a string', reply);
}

export function asStringOrNull(reply: Reply): string | null {
  return reply === null ? null : asString(reply);
}

/** An integer reply as a number (past 2^53 it loses precision, as in node-redis). */
export function asNumber(reply: Reply): number {
  if (typeof reply === 'number') return reply;
  if (typeof reply === 'bigint') return Number(reply);
  return unexpected('an integer', reply);
}

export function asNumberOrNull(reply: Reply): number | null {
  return reply === null ? null : asNumber(reply);
}

/** An integer reply 1/0 as true/false. */
export function asBoolean(reply: Reply): boolean {
  return asNumber(reply) === 1;
}

export function asArray(reply: Reply): Reply[] {
  return Array.isArray(reply) ? reply : unexpected('an array', reply);
}

export function asStringArray(reply: Reply): string[] {
  return asArray(reply).map(asString);
}

export function asNullableStringArray(reply: Reply): Array<string | null> {
  return asArray(reply).map(asStringOrNull);
}

/** A flat [k1, v1, k2, v2 …] array as a record (CONFIG GET). */
export function asRecord(reply: Reply): Record<string, string> {
  const items = asArray(reply);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 0; i + 1 < items.length; i += 2) out[asString(items[i]!)] = asString(items[i + 1]!);
  return out;
}
