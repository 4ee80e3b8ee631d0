/**
 * List commands, shaped like node-redis v4: elements as one string or an array,
 * `lPos(key, element, { RANK, MAXLEN })` → index or null and `lPosCount` → indexes,
 * `lPopCount`/`rPopCount` for the count forms (one result type per method),
 * `lmPop`/`blmPop` → `[key, elements] | null`, `blPop`/`brPop` → `{ key, element } | null`.
 *
 * A blocking method (`blPop`, `brPop`, `blMove`, `brPopLPush`, `blmPop`) waits like a
 * Redis connection: this client's later commands wait behind it, other clients do not.
 * Timeouts are in seconds (fractions allowed, 0 = forever).
 */
import type { Reply } from '../replies.js';
import {
  asArray,
  asNumber,
  asNumberOrNull,
  asString,
  asStringArray,
  asStringOrNull,
  command,
  valueArg,
  variadic,
  type RedisArgument,
  type RedisValue,
  type RedisVariadicArgument,
} from './define.js';

export type ListSide = 'LEFT' | 'RIGHT';

export interface LPosOptions {
  /** The n-th match (negative: from the tail). */
  RANK?: number;
  /** Compare at most this many elements (0 = all). */
  MAXLEN?: number;
}

export interface LmPopOptions {
  COUNT?: number;
}

export interface BlockingPopReply {
  key: string;
  element: string;
}

function elements(argv: RedisArgument[], values: RedisValue | RedisValue[]): RedisArgument[] {
  if (Array.isArray(values)) for (const value of values) argv.push(valueArg(value));
  else argv.push(valueArg(values));
  return argv;
}

function lPosArgs(key: RedisArgument, element: RedisArgument, count: number | undefined, options?: LPosOptions): RedisArgument[] {
  const argv: RedisArgument[] = ['LPOS', key, element];
  if (options?.RANK !== undefined) argv.push('RANK', String(options.RANK));
  if (count !== undefined) argv.push('COUNT', String(count));
  if (options?.MAXLEN !== undefined) argv.push('MAXLEN', String(options.MAXLEN));
  return argv;
}

function mPopArgs(argv: RedisArgument[], keys: RedisVariadicArgument, side: ListSide, options?: LmPopOptions): RedisArgument[] {
  const list = Array.isArray(keys) ? keys : [keys];
  argv.push(String(list.length), ...list, side);
  if (options?.COUNT !== undefined) argv.push('COUNT', String(options.COUNT));
  return argv;
}

function asKeyElements(reply: Reply): [key: string, elements: string[]] | null {
  if (reply === null) return null;
  const [key, items] = asArray(reply);
  return [asString(key ?? null), asStringArray(items ?? null)];
}

function asBlockingPop(reply: Reply): BlockingPopReply | null {
  if (reply === null) return null;
  const [key, element] = asArray(reply);
  return { key: asString(key ?? null), element: asString(element ?? null) };
}

function asStringArrayOrNull(reply: Reply): string[] | null {
  return reply === null ? null : asStringArray(reply);
}

function asNumberArray(reply: Reply): number[] {
  return asArray(reply).map(asNumber);
}

export const LIST_COMMANDS = {
  lPush: command((key: RedisArgument, values: RedisValue | RedisValue[]) => elements(['LPUSH', key], values), asNumber),
  rPush: command((key: RedisArgument, values: RedisValue | RedisValue[]) => elements(['RPUSH', key], values), asNumber),
  /** Pushes only to an existing list; 0 when the key is missing. */
  lPushX: command((key: RedisArgument, values: RedisValue | RedisValue[]) => elements(['LPUSHX', key], values), asNumber),
  rPushX: command((key: RedisArgument, values: RedisValue | RedisValue[]) => elements(['RPUSHX', key], values), asNumber),
  lPop: command((key: RedisArgument) => ['LPOP', key], asStringOrNull),
  rPop: command((key: RedisArgument) => ['RPOP', key], asStringOrNull),
  /** Up to `count` elements from the head; null when the key is missing. */
  lPopCount: command((key: RedisArgument, count: number) => ['LPOP', key, String(count)], asStringArrayOrNull),
  rPopCount: command((key: RedisArgument, count: number) => ['RPOP', key, String(count)], asStringArrayOrNull),
  lLen: command((key: RedisArgument) => ['LLEN', key], asNumber),
  lRange: command((key: RedisArgument, start: number, stop: number) => ['LRANGE', key, String(start), String(stop)], asStringArray),
  lIndex: command((key: RedisArgument, index: number) => ['LINDEX', key, String(index)], asStringOrNull),
  lSet: command((key: RedisArgument, index: number, element: RedisValue) => ['LSET', key, String(index), valueArg(element)], asString),
  /** The new length, -1 when `pivot` is not found, 0 when the key is missing. */
  lInsert: command(
    (key: RedisArgument, position: 'BEFORE' | 'AFTER', pivot: RedisValue, element: RedisValue) => [
      'LINSERT', key, position, valueArg(pivot), valueArg(element),
    ],
    asNumber,
  ),
  lRem: command((key: RedisArgument, count: number, element: RedisValue) => ['LREM', key, String(count), valueArg(element)], asNumber),
  lTrim: command((key: RedisArgument, start: number, stop: number) => ['LTRIM', key, String(start), String(stop)], asString),
  lPos: command(
    (key: RedisArgument, element: RedisArgument, options?: LPosOptions) => lPosArgs(key, element, undefined, options),
    asNumberOrNull,
  ),
  /** Indexes of up to `count` matches (0 = all). */
  lPosCount: command(
    (key: RedisArgument, element: RedisArgument, count: number, options?: LPosOptions) => lPosArgs(key, element, count, options),
    asNumberArray,
  ),
  lMove: command(
    (source: RedisArgument, destination: RedisArgument, sourceSide: ListSide, destinationSide: ListSide) => [
      'LMOVE', source, destination, sourceSide, destinationSide,
    ],
    asStringOrNull,
  ),
  rPopLPush: command((source: RedisArgument, destination: RedisArgument) => ['RPOPLPUSH', source, destination], asStringOrNull),
  lmPop: command(
    (keys: RedisVariadicArgument, side: ListSide, options?: LmPopOptions) => mPopArgs(['LMPOP'], keys, side, options),
    asKeyElements,
  ),
  blPop: command((keys: RedisVariadicArgument, timeout: number) => [...variadic(['BLPOP'], keys), String(timeout)], asBlockingPop),
  brPop: command((keys: RedisVariadicArgument, timeout: number) => [...variadic(['BRPOP'], keys), String(timeout)], asBlockingPop),
  blMove: command(
    (source: RedisArgument, destination: RedisArgument, sourceSide: ListSide, destinationSide: ListSide, timeout: number) => [
      'BLMOVE', source, destination, sourceSide, destinationSide, String(timeout),
    ],
    asStringOrNull,
  ),
  brPopLPush: command(
    (source: RedisArgument, destination: RedisArgument, timeout: number) => ['BRPOPLPUSH', source, destination, String(timeout)],
    asStringOrNull,
  ),
  blmPop: command(
    (timeout: number, keys: RedisVariadicArgument, side: ListSide, options?: LmPopOptions) =>
      mPopArgs(['BLMPOP', String(timeout)], keys, side, options),
    asKeyElements,
  ),
};
