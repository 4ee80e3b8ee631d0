/**
 * String commands (redis: t_string.c): GET/SET and the variants sharing setGeneric,
 * GETEX/GETDEL, MGET/MSET/MSETNX, APPEND, STRLEN, GETRANGE/SUBSTR, SETRANGE. Counters
 * live in string-numeric.ts and LCS in lcs.ts; `stringCommands` exports the whole family.
 *
 * Effects: every relative or absolute TTL is logged as an absolute PXAT / PEXPIREAT,
 * as Redis 7.0 propagates it; GETSET logs as SET, GETDEL (and GETEX past its deadline)
 * as DEL, GETEX PERSIST as PERSIST.
 */
import type { CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import { Notify } from '../notify.js';
import { INT64_MAX, normalizeInt64, parseIntegerOrThrow, type Int64 } from '../parse.js';
import { OK, offerAscii, type RawReply } from '../reply.js';
import { numericStringCommands } from './string-numeric.js';
import { lcsCommands } from './lcs.js';
import { checkStringLengthOrThrow, oneKeySpec, optionToken, storeString } from './string-common.js';

// SET / GETEX option flags (redis: OBJ_SET_NX …).
const NX = 1 << 0;
const XX = 1 << 1;
const GET = 1 << 2;
const KEEPTTL = 1 << 3;
const PERSIST = 1 << 4;
const EX = 1 << 5;
const PX = 1 << 6;
const EXAT = 1 << 7;
const PXAT = 1 << 8;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;
const EXPIRE_TOKENS: Readonly<Record<string, number>> = { EX, PX, EXAT, PXAT };

interface ExtendedArgs {
  flags: number;
  /** The EX/PX/EXAT/PXAT argument, unparsed (it is validated later, in Redis's order). */
  expire: string | null;
}

/**
 * Parse SET (from argv[3]) or GETEX (from argv[2]) options with Redis's exclusion rules
 * (redis: parseExtendedStringArgumentsOrReply): an option may repeat, but NX excludes
 * XX, the expiry forms exclude each other, KEEPTTL and PERSIST; a trailing expiry form
 * without its value, or anything else, is a syntax error.
 */
function parseExtendedArgsOrThrow(argv: readonly string[], forSet: boolean): ExtendedArgs {
  let flags = 0;
  let expire: string | null = null;
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const opt = optionToken(argv[j]!);
    const unit = EXPIRE_TOKENS[opt];
    if (forSet && opt === 'NX' && !(flags & XX)) flags |= NX;
    else if (forSet && opt === 'XX' && !(flags & NX)) flags |= XX;
    else if (forSet && opt === 'GET') flags |= GET;
    else if (forSet && opt === 'KEEPTTL' && !(flags & (PERSIST | ANY_EXPIRE))) flags |= KEEPTTL;
    else if (!forSet && opt === 'PERSIST' && !(flags & (KEEPTTL | ANY_EXPIRE))) flags |= PERSIST;
    else if (unit !== undefined && j + 1 < argv.length && !(flags & (KEEPTTL | PERSIST | (ANY_EXPIRE & ~unit)))) {
      flags |= unit;
      expire = argv[++j]!;
    } else fail(Errors.syntax);
  }
  return { flags, expire };
}

/**
 * The absolute deadline in ms for an expiry argument (redis: getExpireMillisecondsOrReply):
 * a positive integer; seconds are scaled, EX/PX are added to the command's clock; a
 * result past int64 is "invalid expire time". Exact past 2^53 (bigint).
 */
function deadlineOrThrow(ctx: CommandContext, arg: string, flags: number): Int64 {
  const v = parseIntegerOrThrow(arg);
  const invalid = Errors.invalidExpire(ctx.spec.name);
  if (v <= 0) fail(invalid);
  const seconds = (flags & (EX | EXAT)) !== 0;
  const relative = (flags & (EX | PX)) !== 0;
  if (typeof v === 'number') {
    const ms = (seconds ? v * 1000 : v) + (relative ? ctx.now : 0);
    if (Number.isSafeInteger(ms)) return ms;
  }
  const big = BigInt(v);
  if (seconds && big > INT64_MAX / 1000n) fail(invalid);
  const ms = (seconds ? big * 1000n : big) + (relative ? BigInt(ctx.now) : 0n);
  if (ms > INT64_MAX) fail(invalid);
  return normalizeInt64(ms);
}

/** GET's lookup and reply; WRONGTYPE for a non-string (redis: getGenericCommand). */
function getGeneric(ctx: CommandContext, key: string): string | null {
  const entry = ctx.lookupRead(key);
  if (entry === undefined) return null;
  ctx.checkType(entry, 'string');
  return entry.value;
}

/**
 * SET and its variants (redis: setGenericCommand): validate the expiry, run GET if asked,
 * honour NX/XX, store (KEEPTTL keeps the old deadline, otherwise it is replaced or
 * cleared), then publish `set` and `expire`. Replies `ok` when set, `abort` when NX/XX
 * stopped it, or the old value with GET.
 */
function setGeneric(
  ctx: CommandContext,
  argv: readonly string[],
  flags: number,
  key: string,
  value: string,
  expire: string | null,
  ok: RawReply,
  abort: RawReply,
): RawReply {
  const deadline = expire === null ? 0 : deadlineOrThrow(ctx, expire, flags);
  const previous = flags & GET ? getGeneric(ctx, key) : null;
  const entry = ctx.lookupWrite(key);
  const found = entry !== undefined;
  if ((flags & NX && found) || (flags & XX && !found)) return flags & GET ? previous : abort;
  const keep = flags & KEEPTTL && found ? entry.expireAt : 0;
  storeString(ctx, key, entry, value, expire === null ? keep : Number(deadline));
  ctx.modified(key, Notify.string, 'set');
  if (expire !== null) {
    ctx.engine.notify(Notify.generic, 'expire', key);
    ctx.rewrite('set', key, value, 'PXAT', String(deadline));
  } else if (flags & GET) {
    // Replicas need no reply: log the command without its GET arguments.
    ctx.rewrite(...argv.filter((arg, j) => j < 3 || optionToken(arg) !== 'GET'));
  }
  return flags & GET ? previous : ok;
}

/** MSET / MSETNX (redis: msetGenericCommand). */
function msetGeneric(ctx: CommandContext, argv: readonly string[], nx: boolean): RawReply {
  if (argv.length % 2 === 0) fail(Errors.wrongArity(ctx.spec.name));
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) if (ctx.lookupWrite(argv[j]!) !== undefined) return 0;
  }
  for (let j = 1; j < argv.length; j += 2) {
    const key = argv[j]!;
    storeString(ctx, key, ctx.lookupWrite(key), argv[j + 1]!, 0);
    ctx.modified(key, Notify.string, 'set');
  }
  return nx ? 1 : OK;
}

/** GETRANGE / SUBSTR: inclusive byte range with negative indexes from the end. */
function getrange(ctx: CommandContext, argv: readonly string[]): RawReply {
  const start = parseIntegerOrThrow(argv[2]!);
  const end = parseIntegerOrThrow(argv[3]!);
  const entry = ctx.lookupRead(argv[1]!);
  if (entry === undefined) return '';
  ctx.checkType(entry, 'string');
  const s = entry.value;
  const len = s.length;
  if (start < 0 && end < 0 && start > end) return '';
  // Beyond ±2^53 the exact value no longer matters: it clamps to the string's ends.
  let from = start < 0 ? len + Number(start) : Number(start);
  let to = end < 0 ? len + Number(end) : Number(end);
  if (from < 0) from = 0;
  if (to < 0) to = 0;
  if (to >= len) to = len - 1;
  return from > to || len === 0 ? '' : s.slice(from, to + 1);
}

const SET_SPEC_FLAGS = ['write', 'denyoom'] as const;

const coreCommands: readonly CommandSpec[] = [
  {
    name: 'get',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Get the value of a key',
    since: '1.0.0',
    complexity: 'O(1)',
    lookupOnly: true,
    handler: (ctx, argv) => getGeneric(ctx, argv[1]!),
  },
  {
    name: 'set',
    arity: -3,
    flags: SET_SPEC_FLAGS,
    keys: { first: 1, last: 1, step: 1 },
    keySpecs: oneKeySpec(['RW', 'access', 'update', 'variable_flags'], 'RW and ACCESS due to the optional `GET` argument'),
    // Only GET reads the key; otherwise SET overwrites it (redis: setGetKeys).
    keyFlags: (argv) => (argv.some((arg, j) => j >= 3 && optionToken(arg) === 'GET') ? ['RW', 'access', 'update'] : ['OW', 'update']),
    group: 'string',
    summary: 'Set the string value of a key',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx: CommandContext, argv) => {
      // Plain SET key value: no options to parse.
      if (argv.length === 3) return setGeneric(ctx, argv, 0, argv[1]!, argv[2]!, null, OK, null);
      const { flags, expire } = parseExtendedArgsOrThrow(argv, true);
      return setGeneric(ctx, argv, flags, argv[1]!, argv[2]!, expire, OK, null);
    },
  },
  {
    name: 'setnx',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    keySpecs: oneKeySpec(['OW', 'insert']),
    group: 'string',
    summary: 'Set the value of a key, only if the key does not exist',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => setGeneric(ctx, argv, NX, argv[1]!, argv[2]!, null, 1, 0),
  },
  {
    name: 'setex',
    arity: 4,
    flags: SET_SPEC_FLAGS,
    keys: { first: 1, last: 1, step: 1 },
    keySpecs: oneKeySpec(['OW', 'update']),
    group: 'string',
    summary: 'Set the value and expiration of a key',
    since: '2.0.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => setGeneric(ctx, argv, EX, argv[1]!, argv[3]!, argv[2]!, OK, null),
  },
  {
    name: 'psetex',
    arity: 4,
    flags: SET_SPEC_FLAGS,
    keys: { first: 1, last: 1, step: 1 },
    keySpecs: oneKeySpec(['OW', 'update']),
    group: 'string',
    summary: 'Set the value and expiration in milliseconds of a key',
    since: '2.6.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => setGeneric(ctx, argv, PX, argv[1]!, argv[3]!, argv[2]!, OK, null),
  },
  {
    name: 'getset',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    keySpecs: oneKeySpec(['RW', 'access', 'update']),
    group: 'string',
    summary: 'Set the string value of a key and return its old value',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx: CommandContext, argv) => {
      const key = argv[1]!;
      const old = getGeneric(ctx, key);
      storeString(ctx, key, ctx.lookupWrite(key), argv[2]!, 0);
      ctx.modified(key, Notify.string, 'set');
      ctx.rewrite('set', key, argv[2]!);
      return old;
    },
  },
  {
    name: 'getdel',
    arity: 2,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    keySpecs: oneKeySpec(['RW', 'access', 'delete']),
    group: 'string',
    summary: 'Get the value of a key and delete the key',
    since: '6.2.0',
    complexity: 'O(1)',
    handler: (ctx: CommandContext, argv) => {
      const key = argv[1]!;
      const value = getGeneric(ctx, key);
      if (value !== null && ctx.db.delete(key)) {
        ctx.rewrite('del', key);
        ctx.modified(key, Notify.generic, 'del');
      }
      return value;
    },
  },
  {
    name: 'getex',
    arity: -2,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    keySpecs: oneKeySpec(['RW', 'access', 'update'], 'RW and UPDATE because it changes the TTL'),
    group: 'string',
    summary: 'Get the value of a key and optionally set its expiration',
    since: '6.2.0',
    complexity: 'O(1)',
    handler: (ctx: CommandContext, argv) => {
      const { flags, expire } = parseExtendedArgsOrThrow(argv, false);
      const key = argv[1]!;
      const entry = ctx.lookupRead(key);
      if (entry === undefined) return null;
      ctx.checkType(entry, 'string');
      const deadline = expire === null ? 0 : deadlineOrThrow(ctx, expire, flags);
      const value = entry.value;
      if (flags & (EXAT | PXAT) && deadline <= ctx.now && !ctx.db.loading) {
        // An absolute deadline already past deletes the key (redis: checkAlreadyExpired).
        ctx.db.delete(key);
        ctx.rewrite('del', key);
        ctx.modified(key, Notify.generic, 'del');
      } else if (expire !== null) {
        ctx.db.setExpire(key, entry, Number(deadline));
        ctx.rewrite('pexpireat', key, String(deadline));
        ctx.modified(key, Notify.generic, 'expire');
      } else if (flags & PERSIST && entry.expireAt !== 0) {
        ctx.db.setExpire(key, entry, 0);
        ctx.rewrite('persist', key);
        ctx.modified(key, Notify.generic, 'persist');
      }
      return value;
    },
  },
  {
    name: 'mget',
    arity: -2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: -1, step: 1 },
    tips: ['request_policy:multi_shard'],
    group: 'string',
    summary: 'Get the values of all the given keys',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys to retrieve.',
    lookupOnly: true,
    handler: (ctx: CommandContext, argv) => {
      const n = argv.length;
      const out: RawReply[] = new Array(n - 1);
      const db = ctx.db;
      // ctx.lookupRead per key, with the hits counted once.
      let hits = 0;
      for (let j = 1; j < n; j++) {
        const entry = db.lookup(argv[j]!);
        if (entry === undefined) {
          ctx.keyMiss(argv[j]!);
          out[j - 1] = null;
        } else {
          hits++;
          out[j - 1] = entry.type === 'string' ? entry.value : null;
        }
      }
      ctx.engine.stats.keyspaceHits += hits;
      return offerAscii(out, ctx.engine.asciiOnly);
    },
  },
  {
    name: 'mset',
    arity: -3,
    flags: SET_SPEC_FLAGS,
    keys: { first: 1, last: -1, step: 2 },
    keySpecs: [{ flags: ['OW', 'update'], begin: { index: 1 }, find: { lastKey: -1, keyStep: 2, limit: 0 } }],
    tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
    group: 'string',
    summary: 'Set multiple keys to multiple values',
    since: '1.0.1',
    complexity: 'O(N) where N is the number of keys to set.',
    handler: (ctx, argv) => msetGeneric(ctx, argv, false),
  },
  {
    name: 'msetnx',
    arity: -3,
    flags: SET_SPEC_FLAGS,
    keys: { first: 1, last: -1, step: 2 },
    keySpecs: [{ flags: ['OW', 'insert'], begin: { index: 1 }, find: { lastKey: -1, keyStep: 2, limit: 0 } }],
    tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
    group: 'string',
    summary: 'Set multiple keys to multiple values, only if none of the keys exist',
    since: '1.0.1',
    complexity: 'O(N) where N is the number of keys to set.',
    handler: (ctx, argv) => msetGeneric(ctx, argv, true),
  },
  {
    name: 'append',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    keySpecs: oneKeySpec(['RW', 'insert']),
    group: 'string',
    summary: 'Append a value to a key',
    since: '2.0.0',
    complexity:
      'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.',
    handler: (ctx: CommandContext, argv) => {
      const key = argv[1]!;
      const suffix = argv[2]!;
      const entry = ctx.lookupWrite(key);
      let value = suffix;
      if (entry === undefined) {
        storeString(ctx, key, undefined, value, 0);
      } else {
        ctx.checkType(entry, 'string');
        checkStringLengthOrThrow(ctx, entry.value.length, suffix.length);
        // Redis unshares the value into a raw string before appending, even nothing.
        value = entry.value + suffix;
        storeString(ctx, key, entry, value, entry.expireAt, 'raw');
      }
      ctx.modified(key, Notify.string, 'append');
      return value.length;
    },
  },
  {
    name: 'strlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    keySpecs: oneKeySpec(['RO']),
    group: 'string',
    summary: 'Get the length of the value stored in a key',
    since: '2.2.0',
    complexity: 'O(1)',
    handler: (ctx: CommandContext, argv) => {
      const entry = ctx.lookupRead(argv[1]!);
      if (entry === undefined) return 0;
      ctx.checkType(entry, 'string');
      return entry.value.length;
    },
  },
  {
    name: 'getrange',
    arity: 4,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Get a substring of the string stored at a key',
    since: '2.4.0',
    complexity:
      'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.',
    handler: getrange,
  },
  {
    name: 'substr',
    arity: 4,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Get a substring of the string stored at a key',
    since: '1.0.0',
    complexity:
      'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.',
    handler: getrange,
  },
  {
    name: 'setrange',
    arity: 4,
    flags: SET_SPEC_FLAGS,
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Overwrite part of a string at key starting at the specified offset',
    since: '2.2.0',
    complexity:
      'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.',
    handler: (ctx: CommandContext, argv) => {
      const key = argv[1]!;
      const offset = parseIntegerOrThrow(argv[2]!);
      const patch = argv[3]!;
      if (offset < 0) fail(Errors.offsetOutOfRange);
      const entry = ctx.lookupWrite(key);
      if (entry !== undefined) ctx.checkType(entry, 'string');
      const current = entry === undefined ? '' : entry.value;
      // Setting nothing answers the current length without creating or touching the key.
      if (patch.length === 0) return current.length;
      checkStringLengthOrThrow(ctx, offset, patch.length);
      const at = Number(offset);
      const head = at <= current.length ? current.slice(0, at) : current + '\0'.repeat(at - current.length);
      const value = head + patch + current.slice(at + patch.length);
      // SETRANGE always leaves a raw string (a new key is created raw, an old one unshared).
      storeString(ctx, key, entry, value, entry === undefined ? 0 : entry.expireAt, 'raw');
      ctx.modified(key, Notify.string, 'setrange');
      return value.length;
    },
  },
];

/** The whole string family, as registered in the command table. */
export const stringCommands: readonly CommandSpec[] = [...coreCommands, ...numericStringCommands, ...lcsCommands];
