/**
 * String counters (redis: t_string.c): INCR/DECR/INCRBY/DECRBY share incrDecr over
 * 64-bit integers (bigint past 2^53); INCRBYFLOAT computes in x87 long double like Redis
 * (types/long-double.ts) and is logged as `SET key result KEEPTTL`.
 */
import type { CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import { Notify } from '../notify.js';
import { INT64_MIN, addInt64, parseIntegerOrThrow, type Int64 } from '../parse.js';
import type { RawReply } from '../reply.js';
import { LONG_DOUBLE_ZERO, addLongDouble, formatLongDouble, parseLongDouble } from '../types/long-double.js';
import { EMBSTR_LIMIT } from '../types/string.js';
import { oneKeySpec, storeString } from './string-common.js';

/**
 * Add `incr` to the integer at `key` (0 when missing), keeping its TTL
 * (redis: incrDecrCommand). Errors: WRONGTYPE, a stored value that is not an int64,
 * overflow.
 */
function incrDecr(ctx: CommandContext, key: string, incr: Int64): RawReply {
  const entry = ctx.lookupWrite(key);
  ctx.checkType(entry, 'string');
  let value: Int64 = 0;
  if (entry !== undefined) {
    const text = entry.value;
    // A counter incremented again holds the text this function stored last: equal text,
    // equal number, so the parse is skipped (a different string just compares unequal).
    value = text === lastCount.text ? lastCount.value : parseIntegerOrThrow(text);
  }
  const result = addInt64(value, incr);
  if (result === null) fail(Errors.overflow);
  // The result is int-encoded in Redis: its canonical text derives that.
  const text = String(result);
  lastCount.text = text;
  lastCount.value = result;
  storeString(ctx, key, entry, text, entry === undefined ? 0 : entry.expireAt);
  ctx.modified(key, Notify.string, 'incrby');
  return result;
}

/** The last counter value stored, as text and as number (see incrDecr). */
const lastCount: { text: string | null; value: Int64 } = { text: null, value: 0 };

const COUNTER_SPEC = {
  flags: ['write', 'denyoom', 'fast'],
  keys: { first: 1, last: 1, step: 1 },
  keySpecs: oneKeySpec(['RW', 'access', 'update']),
  group: 'string',
  complexity: 'O(1)',
} as const satisfies Partial<CommandSpec>;

export const numericStringCommands: readonly CommandSpec[] = [
  {
    ...COUNTER_SPEC,
    name: 'incr',
    arity: 2,
    summary: 'Increment the integer value of a key by one',
    since: '1.0.0',
    handler: (ctx, argv) => incrDecr(ctx, argv[1]!, 1),
  },
  {
    ...COUNTER_SPEC,
    name: 'decr',
    arity: 2,
    summary: 'Decrement the integer value of a key by one',
    since: '1.0.0',
    handler: (ctx, argv) => incrDecr(ctx, argv[1]!, -1),
  },
  {
    ...COUNTER_SPEC,
    name: 'incrby',
    arity: 3,
    summary: 'Increment the integer value of a key by the given amount',
    since: '1.0.0',
    handler: (ctx, argv) => incrDecr(ctx, argv[1]!, parseIntegerOrThrow(argv[2]!)),
  },
  {
    ...COUNTER_SPEC,
    name: 'decrby',
    arity: 3,
    summary: 'Decrement the integer value of a key by the given number',
    since: '1.0.0',
    handler: (ctx: CommandContext, argv) => {
      const decr = parseIntegerOrThrow(argv[2]!);
      // -INT64_MIN does not exist: Redis 7.0 refuses it before looking at the key.
      if (decr === INT64_MIN) fail(Errors.decrementOverflow);
      return incrDecr(ctx, argv[1]!, typeof decr === 'bigint' ? -decr : 0 - decr);
    },
  },
  {
    ...COUNTER_SPEC,
    name: 'incrbyfloat',
    arity: 3,
    summary: 'Increment the float value of a key by the given amount',
    since: '2.6.0',
    handler: (ctx: CommandContext, argv) => {
      const key = argv[1]!;
      const entry = ctx.lookupWrite(key);
      ctx.checkType(entry, 'string');
      const value = entry === undefined ? LONG_DOUBLE_ZERO : parseLongDouble(entry.value);
      const incr = parseLongDouble(argv[2]!);
      if (value === null || incr === null) fail(Errors.notFloat);
      const sum = addLongDouble(value, incr);
      if (sum.kind !== 'finite') fail(Errors.nanOrInfinity);
      const text = formatLongDouble(sum);
      // Redis builds the result with createStringObject: embstr however number-like it looks.
      const encoding = text.length <= EMBSTR_LIMIT ? 'embstr' : 'raw';
      storeString(ctx, key, entry, text, entry === undefined ? 0 : entry.expireAt, encoding);
      ctx.modified(key, Notify.string, 'incrbyfloat');
      // Logged as the value it produced, so replay never depends on float formatting.
      ctx.rewrite('set', key, text, 'KEEPTTL');
      return text;
    },
  },
];
