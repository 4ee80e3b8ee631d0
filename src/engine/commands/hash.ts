/**
 * Hash commands (redis: t_hash.c): HSET/HMSET/HSETNX, HGET/HMGET, HDEL, HLEN, HSTRLEN,
 * HEXISTS, HKEYS/HVALS/HGETALL, HINCRBY/HINCRBYFLOAT, HRANDFIELD, HSCAN.
 *
 * The value is a native Map (types/hash.ts); its OBJECT ENCODING follows Redis 7.0's
 * listpack → hashtable conversions. A hash emptied by HDEL is deleted (`hdel` then `del`).
 * Effects: HINCRBYFLOAT is logged as HSET of the value it produced, as Redis propagates
 * it; everything else is deterministic and logged as sent.
 */
import type { CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import type { HashEntry } from '../keyspace.js';
import { Notify } from '../notify.js';
import { addInt64, parseInt64, parseIntegerOrThrow } from '../parse.js';
import { OK, offerAscii, type RawReply } from '../reply.js';
import { addLongDouble, formatLongDouble, parseLongDouble, LONG_DOUBLE_ZERO } from '../types/long-double.js';
import { distinctRandomPositions } from '../types/scan-cursor.js';
import {
  createHash,
  fieldArray,
  fieldsAt,
  hashConvertForArgs,
  hashDelete,
  hashIndex,
  hashSet,
  hashSetPairs,
  randomField,
  type HashLimits,
} from '../types/hash.js';
import { checkReplySizeOrThrow, intSetting, parseCountOrThrow } from './collection.js';
import { parseScanCursorOrThrow, scanCollection } from './scan.js';
import { oneKeySpec, optionToken } from './string-common.js';

/** HRANDFIELD … WITHVALUES refuses counts whose reply length would overflow (LONG_MAX/2). */
const HALF_LONG_MAX = 4611686018427387903n;

const maxListpackEntries = intSetting('hash-max-listpack-entries');
const maxListpackValue = intSetting('hash-max-listpack-value');
let cachedLimits: HashLimits = { maxEntries: 0, maxValue: 0 };

/** The hash-max-listpack-* settings now in force (one object while they do not change). */
function hashLimits(ctx: CommandContext): HashLimits {
  const config = ctx.engine.config;
  const maxEntries = maxListpackEntries(config);
  const maxValue = maxListpackValue(config);
  if (maxEntries !== cachedLimits.maxEntries || maxValue !== cachedLimits.maxValue) cachedLimits = { maxEntries, maxValue };
  return cachedLimits;
}

/** The hash at `key` for reading: undefined when missing, WRONGTYPE for another type. */
function readHash(ctx: CommandContext, key: string): HashEntry | undefined {
  const entry = ctx.lookupRead(key);
  ctx.checkType(entry, 'hash');
  return entry;
}

/** The hash at `key` for writing, created (and announced with `new`) when missing (redis: hashTypeLookupWriteOrCreate). */
function writeHashOrCreate(ctx: CommandContext, key: string): HashEntry {
  const entry = ctx.lookupWrite(key);
  ctx.checkType(entry, 'hash');
  if (entry !== undefined) return entry;
  const created = createHash();
  ctx.addKey(key, created);
  return created;
}

/** HSET / HMSET (redis: hsetCommand): field/value pairs; HSET counts new fields, HMSET says OK. */
function hsetGeneric(ctx: CommandContext, argv: string[], hmset: boolean): RawReply {
  if (argv.length % 2 === 1) fail(Errors.wrongArity(ctx.spec.name));
  const key = argv[1]!;
  const entry = writeHashOrCreate(ctx, key);
  const limits = hashLimits(ctx);
  hashConvertForArgs(entry, argv, 2, argv.length - 1, limits);
  const created = hashSetPairs(entry, argv, 2, limits);
  ctx.modified(key, Notify.hash, 'hset', (argv.length - 2) / 2);
  return hmset ? OK : created;
}

/** HDEL (redis: hdelCommand): stops at the field that empties the hash, which is deleted. */
function hdel(ctx: CommandContext, argv: string[]): RawReply {
  const key = argv[1]!;
  const entry = ctx.lookupWrite(key);
  if (entry === undefined) return 0;
  ctx.checkType(entry, 'hash');
  let deleted = 0;
  let removed = false;
  for (let j = 2; j < argv.length; j++) {
    if (!hashDelete(entry, argv[j]!)) continue;
    deleted++;
    if (entry.value.size === 0) {
      ctx.db.delete(key);
      removed = true;
      break;
    }
  }
  if (deleted > 0) {
    ctx.modified(key, Notify.hash, 'hdel', deleted);
    if (removed) ctx.engine.notify(Notify.generic, 'del', key);
  }
  return deleted;
}

/** HKEYS / HVALS / HGETALL: the whole hash in its order. */
function hgetallGeneric(ctx: CommandContext, key: string, fields: boolean, values: boolean): RawReply {
  const entry = readHash(ctx, key);
  if (entry === undefined) return [];
  const map = entry.value;
  if (fields && values && entry.flat !== null) return offerAscii(entry.flat.slice(), ctx.engine.asciiOnly);
  // Sized up front and filled by index: no growth copies on big hashes.
  const out: string[] = new Array(fields && values ? map.size * 2 : map.size);
  let i = 0;
  if (fields && values) {
    map.forEach((value, field) => {
      out[i++] = field;
      out[i++] = value;
    });
    // The reply goes to the caller, who may change it: the hash keeps its own copy.
    if (entry.encoding === 'listpack') entry.flat = out.slice();
  } else if (fields) for (const field of map.keys()) out[i++] = field;
  else for (const value of map.values()) out[i++] = value;
  return offerAscii(out, ctx.engine.asciiOnly);
}

/** HINCRBY (redis: hincrbyCommand): int64 arithmetic with Redis's overflow check. */
function hincrby(ctx: CommandContext, argv: string[]): RawReply {
  const key = argv[1]!;
  const field = argv[2]!;
  const incr = parseIntegerOrThrow(argv[3]!);
  const entry = writeHashOrCreate(ctx, key);
  const old = entry.value.get(field);
  let value: ReturnType<typeof parseInt64> = 0;
  if (old !== undefined) {
    value = parseInt64(old);
    if (value === null) fail(Errors.hashNotInteger);
  }
  const result = addInt64(value, incr);
  if (result === null) fail(Errors.overflow);
  hashSet(entry, field, String(result), hashLimits(ctx));
  ctx.modified(key, Notify.hash, 'hincrby');
  return result;
}

/** HINCRBYFLOAT (redis: hincrbyfloatCommand): x87 long double, logged as HSET of the result. */
function hincrbyfloat(ctx: CommandContext, argv: string[]): RawReply {
  const key = argv[1]!;
  const field = argv[2]!;
  const incr = parseLongDouble(argv[3]!);
  if (incr === null) fail(Errors.notFloat);
  if (incr.kind !== 'finite') fail(Errors.nanOrInfinityValue);
  const entry = writeHashOrCreate(ctx, key);
  const old = entry.value.get(field);
  const value = old === undefined ? LONG_DOUBLE_ZERO : parseLongDouble(old);
  if (value === null) fail(Errors.hashNotFloat);
  const sum = addLongDouble(value, incr);
  if (sum.kind !== 'finite') fail(Errors.nanOrInfinity);
  const text = formatLongDouble(sum);
  hashSet(entry, field, text, hashLimits(ctx));
  ctx.modified(key, Notify.hash, 'hincrbyfloat');
  // Replay never depends on float formatting: the result itself is logged.
  ctx.rewrite('hset', key, field, text);
  return text;
}

/**
 * HRANDFIELD key count [WITHVALUES] (redis: hrandfieldWithCountCommand): a negative count
 * picks with repetition (exactly |count| items), a positive one distinct fields (at most
 * the hash's size; the whole hash when it asks for as many). Pairs are flat (RESP2).
 */
function hrandfieldWithCount(ctx: CommandContext, key: string, l: number, withValues: boolean): RawReply {
  const entry = readHash(ctx, key);
  if (entry === undefined || l === 0) return [];
  const map = entry.value;
  const size = map.size;
  const count = Math.abs(l);
  const out: string[] = [];
  if (l < 0 || count === 1) {
    checkReplySizeOrThrow(withValues ? count * 2 : count);
    const random = ctx.engine.random;
    const all = fieldArray(entry);
    for (let i = 0; i < count; i++) {
      const field = all[Math.floor(random() * size)]!;
      out.push(field);
      if (withValues) out.push(map.get(field)!);
    }
    return out;
  }
  if (count >= size) return hgetallGeneric(ctx, key, true, withValues);
  for (const field of fieldsAt(entry, distinctRandomPositions(size, count, ctx.engine.random))) {
    out.push(field);
    if (withValues) out.push(map.get(field)!);
  }
  return out;
}

/** HRANDFIELD key [count [WITHVALUES]]: the count is validated before the key is looked at. */
function hrandfield(ctx: CommandContext, argv: string[]): RawReply {
  const key = argv[1]!;
  if (argv.length >= 3) {
    const l = parseCountOrThrow(argv[2]!);
    if (argv.length > 4 || (argv.length === 4 && optionToken(argv[3]!) !== 'WITHVALUES')) fail(Errors.syntax);
    const withValues = argv.length === 4;
    if (withValues && (BigInt(l) < -HALF_LONG_MAX || BigInt(l) > HALF_LONG_MAX)) fail(Errors.valueOutOfRange);
    return hrandfieldWithCount(ctx, key, Number(l), withValues);
  }
  const entry = readHash(ctx, key);
  return entry === undefined ? null : randomField(entry, ctx.engine.random);
}

/** HSCAN key cursor [MATCH pattern] [COUNT count]: a listpack hash comes whole. */
function hscan(ctx: CommandContext, argv: string[]): RawReply {
  const cursor = parseScanCursorOrThrow(argv[2]!);
  const entry = readHash(ctx, argv[1]!);
  if (entry === undefined) return ['0', []];
  const map = entry.value;
  return scanCollection(argv, cursor, {
    whole: entry.encoding === 'listpack',
    members: () => map.keys(),
    index: () => hashIndex(entry),
    valueOf: (field) => map.get(field)!,
  });
}

const ONE = { first: 1, last: 1, step: 1 };
const WRITE_FAST = ['write', 'denyoom', 'fast'] as const;
const READ_FAST = ['readonly', 'fast'] as const;
const WHOLE_HASH = 'O(N) where N is the size of the hash.';

export const hashCommands: readonly CommandSpec[] = [
  {
    name: 'hset',
    arity: -4,
    flags: WRITE_FAST,
    keys: ONE,
    group: 'hash',
    summary: 'Set the string value of a hash field',
    since: '2.0.0',
    complexity:
      'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    handler: (ctx, argv) => hsetGeneric(ctx, argv, false),
  },
  {
    name: 'hsetnx',
    arity: 4,
    flags: WRITE_FAST,
    keys: ONE,
    keySpecs: oneKeySpec(['RW', 'insert']),
    group: 'hash',
    summary: 'Set the value of a hash field, only if the field does not exist',
    since: '2.0.0',
    complexity: 'O(1)',
    // Only a field actually set can convert the encoding (redis: hsetnxCommand).
    handler: (ctx, argv) => {
      const key = argv[1]!;
      const entry = writeHashOrCreate(ctx, key);
      if (entry.value.has(argv[2]!)) return 0;
      const limits = hashLimits(ctx);
      hashConvertForArgs(entry, argv, 2, 3, limits);
      hashSet(entry, argv[2]!, argv[3]!, limits);
      ctx.modified(key, Notify.hash, 'hset');
      return 1;
    },
  },
  {
    name: 'hmset',
    arity: -4,
    flags: WRITE_FAST,
    keys: ONE,
    group: 'hash',
    summary: 'Set multiple hash fields to multiple values',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields being set.',
    handler: (ctx, argv) => hsetGeneric(ctx, argv, true),
  },
  {
    name: 'hget',
    arity: 3,
    flags: READ_FAST,
    keys: ONE,
    group: 'hash',
    summary: 'Get the value of a hash field',
    since: '2.0.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => readHash(ctx, argv[1]!)?.value.get(argv[2]!) ?? null,
  },
  {
    name: 'hmget',
    arity: -3,
    flags: READ_FAST,
    keys: ONE,
    group: 'hash',
    summary: 'Get the values of all the given hash fields',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields being requested.',
    handler: (ctx, argv) => {
      const map = readHash(ctx, argv[1]!)?.value;
      const out: Array<string | null> = [];
      for (let j = 2; j < argv.length; j++) out.push(map?.get(argv[j]!) ?? null);
      return out;
    },
  },
  {
    name: 'hdel',
    arity: -3,
    flags: ['write', 'fast'],
    keys: ONE,
    keySpecs: oneKeySpec(['RW', 'delete']),
    group: 'hash',
    summary: 'Delete one or more hash fields',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields to be removed.',
    handler: hdel,
  },
  {
    name: 'hlen',
    arity: 2,
    flags: READ_FAST,
    keys: ONE,
    keySpecs: oneKeySpec(['RO']),
    group: 'hash',
    summary: 'Get the number of fields in a hash',
    since: '2.0.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => readHash(ctx, argv[1]!)?.value.size ?? 0,
  },
  {
    name: 'hstrlen',
    arity: 3,
    flags: READ_FAST,
    keys: ONE,
    keySpecs: oneKeySpec(['RO']),
    group: 'hash',
    summary: 'Get the length of the value of a hash field',
    since: '3.2.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => readHash(ctx, argv[1]!)?.value.get(argv[2]!)?.length ?? 0,
  },
  {
    name: 'hexists',
    arity: 3,
    flags: READ_FAST,
    keys: ONE,
    keySpecs: oneKeySpec(['RO']),
    group: 'hash',
    summary: 'Determine if a hash field exists',
    since: '2.0.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => (readHash(ctx, argv[1]!)?.value.has(argv[2]!) ? 1 : 0),
  },
  {
    name: 'hkeys',
    arity: 2,
    flags: ['readonly'],
    keys: ONE,
    tips: ['nondeterministic_output_order'],
    group: 'hash',
    summary: 'Get all the fields in a hash',
    since: '2.0.0',
    complexity: WHOLE_HASH,
    handler: (ctx, argv) => hgetallGeneric(ctx, argv[1]!, true, false),
  },
  {
    name: 'hvals',
    arity: 2,
    flags: ['readonly'],
    keys: ONE,
    tips: ['nondeterministic_output_order'],
    group: 'hash',
    summary: 'Get all the values in a hash',
    since: '2.0.0',
    complexity: WHOLE_HASH,
    handler: (ctx, argv) => hgetallGeneric(ctx, argv[1]!, false, true),
  },
  {
    name: 'hgetall',
    arity: 2,
    flags: ['readonly'],
    keys: ONE,
    tips: ['nondeterministic_output_order'],
    group: 'hash',
    summary: 'Get all the fields and values in a hash',
    since: '2.0.0',
    complexity: WHOLE_HASH,
    handler: (ctx, argv) => hgetallGeneric(ctx, argv[1]!, true, true),
  },
  {
    name: 'hincrby',
    arity: 4,
    flags: WRITE_FAST,
    keys: ONE,
    keySpecs: oneKeySpec(['RW', 'access', 'update']),
    group: 'hash',
    summary: 'Increment the integer value of a hash field by the given number',
    since: '2.0.0',
    complexity: 'O(1)',
    handler: hincrby,
  },
  {
    name: 'hincrbyfloat',
    arity: 4,
    flags: WRITE_FAST,
    keys: ONE,
    keySpecs: oneKeySpec(['RW', 'access', 'update']),
    group: 'hash',
    summary: 'Increment the float value of a hash field by the given amount',
    since: '2.6.0',
    complexity: 'O(1)',
    handler: hincrbyfloat,
  },
  {
    name: 'hrandfield',
    arity: -2,
    flags: ['readonly'],
    keys: ONE,
    tips: ['nondeterministic_output'],
    group: 'hash',
    summary: 'Get one or multiple random fields from a hash',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of fields returned',
    handler: hrandfield,
  },
  {
    name: 'hscan',
    arity: -3,
    flags: ['readonly'],
    keys: ONE,
    tips: ['nondeterministic_output'],
    group: 'hash',
    summary: 'Incrementally iterate hash fields and associated values',
    since: '2.8.0',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    handler: hscan,
  },
];
