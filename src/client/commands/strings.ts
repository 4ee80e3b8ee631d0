/**
 * String commands, shaped like node-redis v4: GET, SET and its variants, MGET/MSET,
 * byte ranges, counters, LCS.
 */
import {
  asArray,
  asBoolean,
  asNullableStringArray,
  asNumber,
  asString,
  asStringOrNull,
  command,
  unixMilliseconds,
  unixSeconds,
  valueArg,
  type MaximumOneOf,
  type OneOf,
  type RedisArgument,
  type RedisValue,
} from './define.js';
import type { Reply } from '../replies.js';

/** SET options: at most one expiry form, at most one of NX / XX, optionally GET. */
export type SetOptions = MaximumOneOf<{
  EX: number;
  PX: number;
  EXAT: number | Date;
  PXAT: number | Date;
  KEEPTTL: true;
}> &
  MaximumOneOf<{ NX: true; XX: true }> & { GET?: true };

/** GETEX options: exactly one of the expiry forms or PERSIST. */
export type GetExOptions = OneOf<{
  EX: number;
  PX: number;
  EXAT: number | Date;
  PXAT: number | Date;
  PERSIST: true;
}>;

/** MSET / MSETNX pairs: a record, a list of [key, value] tuples, or a flat key, value list. */
export type MSetArguments =
  | Record<string, RedisValue>
  | Array<[RedisArgument, RedisValue]>
  | RedisArgument[];

export interface LcsIdxOptions {
  MINMATCHLEN?: number;
}

export interface RangeReply {
  start: number;
  end: number;
}

export interface LcsIdxReply {
  matches: Array<{ key1: RangeReply; key2: RangeReply }>;
  length: number;
}

export interface LcsIdxWithMatchLenReply {
  matches: Array<{ key1: RangeReply; key2: RangeReply; length: number }>;
  length: number;
}

function setArgs(key: RedisArgument, value: RedisValue, options?: SetOptions): RedisArgument[] {
  const argv: RedisArgument[] = ['SET', key, valueArg(value)];
  if (options === undefined) return argv;
  if (options.EX !== undefined) argv.push('EX', String(options.EX));
  else if (options.PX !== undefined) argv.push('PX', String(options.PX));
  else if (options.EXAT !== undefined) argv.push('EXAT', unixSeconds(options.EXAT));
  else if (options.PXAT !== undefined) argv.push('PXAT', unixMilliseconds(options.PXAT));
  else if (options.KEEPTTL) argv.push('KEEPTTL');
  if (options.NX) argv.push('NX');
  else if (options.XX) argv.push('XX');
  if (options.GET) argv.push('GET');
  return argv;
}

function getExArgs(key: RedisArgument, options: GetExOptions): RedisArgument[] {
  const argv: RedisArgument[] = ['GETEX', key];
  if (options.EX !== undefined) argv.push('EX', String(options.EX));
  else if (options.PX !== undefined) argv.push('PX', String(options.PX));
  else if (options.EXAT !== undefined) argv.push('EXAT', unixSeconds(options.EXAT));
  else if (options.PXAT !== undefined) argv.push('PXAT', unixMilliseconds(options.PXAT));
  else if (options.PERSIST) argv.push('PERSIST');
  return argv;
}

function isTupleList(pairs: MSetArguments): pairs is Array<[RedisArgument, RedisValue]> {
  return Array.isArray(pairs) && pairs.length > 0 && Array.isArray(pairs[0]);
}

function mSetArgs(name: string, pairs: MSetArguments): RedisArgument[] {
  const argv: RedisArgument[] = [name];
  if (isTupleList(pairs)) {
    for (const [key, value] of pairs) argv.push(key, valueArg(value));
  } else if (Array.isArray(pairs)) {
    for (const item of pairs) argv.push(item);
  } else {
    for (const key of Object.keys(pairs)) argv.push(key, valueArg(pairs[key]!));
  }
  return argv;
}

function lcsIdxArgs(key1: RedisArgument, key2: RedisArgument, options: LcsIdxOptions | undefined, withLen: boolean) {
  const argv: RedisArgument[] = ['LCS', key1, key2, 'IDX'];
  if (options?.MINMATCHLEN !== undefined) argv.push('MINMATCHLEN', String(options.MINMATCHLEN));
  if (withLen) argv.push('WITHMATCHLEN');
  return argv;
}

function asRange(reply: Reply): RangeReply {
  const [start, end] = asArray(reply);
  return { start: asNumber(start), end: asNumber(end) };
}

/** LCS … IDX replies ['matches', [...], 'len', n]: the match list and the length. */
function lcsIdxParts(reply: Reply): { matches: Reply[][]; length: number } {
  const items = asArray(reply);
  return { matches: asArray(items[1]).map(asArray), length: asNumber(items[3]) };
}

export const STRING_COMMANDS = {
  get: command((key: RedisArgument) => ['GET', key], asStringOrNull),
  /** 'OK', or null when NX / XX prevented the write; with GET, the old value. */
  set: command(setArgs, asStringOrNull),
  setNX: command((key: RedisArgument, value: RedisValue) => ['SETNX', key, valueArg(value)], asBoolean),
  setEx: command(
    (key: RedisArgument, seconds: number, value: RedisValue) => ['SETEX', key, String(seconds), valueArg(value)],
    asString,
  ),
  pSetEx: command(
    (key: RedisArgument, milliseconds: number, value: RedisValue) => ['PSETEX', key, String(milliseconds), valueArg(value)],
    asString,
  ),
  getSet: command((key: RedisArgument, value: RedisValue) => ['GETSET', key, valueArg(value)], asStringOrNull),
  getDel: command((key: RedisArgument) => ['GETDEL', key], asStringOrNull),
  getEx: command(getExArgs, asStringOrNull),
  mGet: command((keys: RedisArgument[]) => ['MGET', ...keys], asNullableStringArray),
  mSet: command((pairs: MSetArguments) => mSetArgs('MSET', pairs), asString),
  mSetNX: command((pairs: MSetArguments) => mSetArgs('MSETNX', pairs), asBoolean),
  append: command((key: RedisArgument, value: RedisValue) => ['APPEND', key, valueArg(value)], asNumber),
  strLen: command((key: RedisArgument) => ['STRLEN', key], asNumber),
  getRange: command(
    (key: RedisArgument, start: number, end: number) => ['GETRANGE', key, String(start), String(end)],
    asString,
  ),
  setRange: command(
    (key: RedisArgument, offset: number, value: RedisValue) => ['SETRANGE', key, String(offset), valueArg(value)],
    asNumber,
  ),
  incr: command((key: RedisArgument) => ['INCR', key], asNumber),
  decr: command((key: RedisArgument) => ['DECR', key], asNumber),
  incrBy: command((key: RedisArgument, increment: number) => ['INCRBY', key, String(increment)], asNumber),
  decrBy: command((key: RedisArgument, decrement: number) => ['DECRBY', key, String(decrement)], asNumber),
  /** The new value as Redis formats it (a string, as in node-redis v4). */
  incrByFloat: command((key: RedisArgument, increment: number) => ['INCRBYFLOAT', key, String(increment)], asString),
  lcs: command((key1: RedisArgument, key2: RedisArgument) => ['LCS', key1, key2], asString),
  lcsLen: command((key1: RedisArgument, key2: RedisArgument) => ['LCS', key1, key2, 'LEN'], asNumber),
  lcsIdx: command(
    (key1: RedisArgument, key2: RedisArgument, options?: LcsIdxOptions) => lcsIdxArgs(key1, key2, options, false),
    (reply): LcsIdxReply => {
      const { matches, length } = lcsIdxParts(reply);
      return {
        matches: matches.map(([key1, key2]) => ({ key1: asRange(key1), key2: asRange(key2) })),
        length,
      };
    },
  ),
  lcsIdxWithMatchLen: command(
    (key1: RedisArgument, key2: RedisArgument, options?: LcsIdxOptions) => lcsIdxArgs(key1, key2, options, true),
    (reply): LcsIdxWithMatchLenReply => {
      const { matches, length } = lcsIdxParts(reply);
      return {
        matches: matches.map(([key1, key2, len]) => ({
          key1: asRange(key1),
          key2: asRange(key2),
          length: asNumber(len),
        })),
        length,
      };
    },
  ),
};
