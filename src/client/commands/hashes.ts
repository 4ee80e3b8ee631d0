/**
 * Hash commands, shaped like node-redis v4: `hSet(key, field, value)` or
 * `hSet(key, { field: value } | Map | [[field, value], …] | [field, value, …])`,
 * `hGetAll` → a null-prototype object (a field named `__proto__` is an ordinary entry),
 * `hScan` → `{ cursor, tuples: [{ field, value }] }`.
 */
import {
  asArray,
  asBoolean,
  asNullableStringArray,
  asNumber,
  asRecord,
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

/** HSET's field/value pairs: an object, a Map, [field, value] tuples or a flat list. */
export type HashFields =
  | Record<string, RedisValue>
  | Map<RedisValue, RedisValue>
  | Array<[RedisValue, RedisValue]>
  | RedisValue[];

export type HSetArguments = [key: RedisArgument, field: RedisValue, value: RedisValue] | [key: RedisArgument, fields: HashFields];

export interface HScanOptions {
  MATCH?: string;
  COUNT?: number;
}

export interface HashTuple {
  field: string;
  value: string;
}

export interface HScanReply {
  cursor: number;
  tuples: HashTuple[];
}

function pushFields(argv: RedisArgument[], fields: HashFields): RedisArgument[] {
  if (fields instanceof Map) {
    for (const [field, value] of fields) argv.push(valueArg(field), valueArg(value));
  } else if (Array.isArray(fields)) {
    for (const item of fields as Array<RedisValue | [RedisValue, RedisValue]>) {
      if (Array.isArray(item)) argv.push(valueArg(item[0]), valueArg(item[1]));
      else argv.push(valueArg(item));
    }
  } else {
    // Object.keys sees an own `__proto__` property of a null-prototype or JSON-made object.
    for (const field of Object.keys(fields)) argv.push(field, valueArg(fields[field]!));
  }
  return argv;
}

function hSetArgs(...args: HSetArguments): RedisArgument[] {
  const argv: RedisArgument[] = ['HSET', args[0]];
  if (args.length === 3) argv.push(valueArg(args[1]), valueArg(args[2]));
  else pushFields(argv, args[1]);
  return argv;
}

export function hScanArgs(key: RedisArgument, cursor: number, options?: HScanOptions): RedisArgument[] {
  const argv: RedisArgument[] = ['HSCAN', key, String(cursor)];
  if (options?.MATCH !== undefined) argv.push('MATCH', options.MATCH);
  if (options?.COUNT !== undefined) argv.push('COUNT', String(options.COUNT));
  return argv;
}

function asTuples(items: string[]): HashTuple[] {
  const out: HashTuple[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) out.push({ field: items[i]!, value: items[i + 1]! });
  return out;
}

export const HASH_COMMANDS = {
  /** The number of fields added (updated fields do not count). */
  hSet: command(hSetArgs, asNumber),
  hSetNX: command(
    (key: RedisArgument, field: RedisValue, value: RedisValue) => ['HSETNX', key, valueArg(field), valueArg(value)],
    asBoolean,
  ),
  /** Deprecated in Redis for HSET; replies 'OK'. */
  hmSet: command((key: RedisArgument, fields: HashFields) => pushFields(['HMSET', key], fields), asString),
  hGet: command((key: RedisArgument, field: RedisArgument) => ['HGET', key, field], asStringOrNull),
  hmGet: command((key: RedisArgument, fields: RedisVariadicArgument) => variadic(['HMGET', key], fields), asNullableStringArray),
  hDel: command((key: RedisArgument, fields: RedisVariadicArgument) => variadic(['HDEL', key], fields), asNumber),
  hLen: command((key: RedisArgument) => ['HLEN', key], asNumber),
  hStrLen: command((key: RedisArgument, field: RedisArgument) => ['HSTRLEN', key, field], asNumber),
  hExists: command((key: RedisArgument, field: RedisArgument) => ['HEXISTS', key, field], asBoolean),
  hKeys: command((key: RedisArgument) => ['HKEYS', key], asStringArray),
  hVals: command((key: RedisArgument) => ['HVALS', key], asStringArray),
  /** Every field and value as a null-prototype object ({} when the key is missing). */
  hGetAll: command((key: RedisArgument) => ['HGETALL', key], asRecord),
  hIncrBy: command(
    (key: RedisArgument, field: RedisArgument, increment: number) => ['HINCRBY', key, field, String(increment)],
    asNumber,
  ),
  /** The new value as Redis formats it (a string, as in node-redis v4). */
  hIncrByFloat: command(
    (key: RedisArgument, field: RedisArgument, increment: number) => ['HINCRBYFLOAT', key, field, String(increment)],
    asString,
  ),
  /** One random field, or null when the key is missing. */
  hRandField: command((key: RedisArgument) => ['HRANDFIELD', key], asStringOrNull),
  /** Distinct random fields (count > 0) or |count| fields with repetition (count < 0). */
  hRandFieldCount: command((key: RedisArgument, count: number) => ['HRANDFIELD', key, String(count)], asStringArray),
  /**
   * Random fields with their values as an object, as node-redis v4 returns them (with a
   * negative count, repeated fields collapse into one entry).
   */
  hRandFieldCountWithValues: command(
    (key: RedisArgument, count: number) => ['HRANDFIELD', key, String(count), 'WITHVALUES'],
    asRecord,
  ),
  /** One HSCAN step; `hScanIterator` walks the whole hash. */
  hScan: command(hScanArgs, (reply): HScanReply => {
    const [cursor, items] = asArray(reply);
    return { cursor: Number(asString(cursor)), tuples: asTuples(asStringArray(items)) };
  }),
};
