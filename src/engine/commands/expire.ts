/**
 * Key expiry commands (redis: expire.c): EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT share
 * `expireGeneric`; TTL, PTTL, EXPIRETIME, PEXPIRETIME share `ttlGeneric`; PERSIST.
 *
 * Deadlines are absolute ms. A deadline already past deletes the key at once, except while
 * the store is replayed (Keyspace.loading). Setting a deadline is logged as PEXPIREAT with
 * the absolute time, so replaying the log later expires the key at the same moment.
 */
import type { CommandSpec, KeySpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import { Notify } from '../notify.js';
import { INT64_MAX, parseIntegerOrThrow, type Int64 } from '../parse.js';
import type { RawReply } from '../reply.js';
import { optionToken } from './string-common.js';

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

type Unit = 'seconds' | 'milliseconds';

/** LLONG_MAX / 1000 and LLONG_MIN / 1000, truncated as C does. */
const MAX_SECONDS = INT64_MAX / 1000n;
/** Below this magnitude seconds * 1000 + now stays a safe JS integer. */
const SAFE_SECONDS = 2 ** 40;

/** NX | XX | GT | LT after the time argument (redis: parseExtendedExpireArgumentsOrReply). */
function parseExpireFlagsOrThrow(argv: string[]): number {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const token = optionToken(argv[j]!);
    if (token === 'NX') flags |= NX;
    else if (token === 'XX') flags |= XX;
    else if (token === 'GT') flags |= GT;
    else if (token === 'LT') flags |= LT;
    else fail(Errors.unsupportedOption(cString(argv[j]!)));
  }
  if (flags & NX && flags & (XX | GT | LT)) fail(Errors.expireNxAndOthers);
  if (flags & GT && flags & LT) fail(Errors.expireGtAndLt);
  return flags;
}

/** The argument as a C string: it ends at its first NUL byte (Redis formats it with %s). */
function cString(arg: string): string {
  const nul = arg.indexOf('\0');
  return nul === -1 ? arg : arg.slice(0, nul);
}

/**
 * The absolute deadline in ms for `param` in `unit` after `basetime`, or "invalid expire
 * time" when the unit conversion or the addition leaves int64 (negative results are fine:
 * they mean "already expired"). A bigint only past 2^53.
 */
function deadlineOrThrow(ctx: CommandContext, param: string, basetime: number, unit: Unit): Int64 {
  const value = parseIntegerOrThrow(param);
  if (typeof value === 'number' && Math.abs(value) < SAFE_SECONDS) {
    return (unit === 'seconds' ? value * 1000 : value) + basetime;
  }
  let when = BigInt(value);
  if (unit === 'seconds') {
    if (when > MAX_SECONDS || when < -MAX_SECONDS) fail(Errors.invalidExpire(ctx.spec.name));
    when *= 1000n;
  }
  if (when > INT64_MAX - BigInt(basetime)) fail(Errors.invalidExpire(ctx.spec.name));
  when += BigInt(basetime);
  return Number.isSafeInteger(Number(when)) ? Number(when) : when;
}

/**
 * EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT key time [NX|XX|GT|LT] (redis:
 * expireGenericCommand). Replies 1 when the deadline was set (or the key deleted because
 * it is already past), 0 when the key is missing or a condition failed. No deadline
 * counts as infinite for GT and LT.
 */
function expireGeneric(ctx: CommandContext, argv: string[], basetime: number, unit: Unit): RawReply {
  const key = argv[1]!;
  const flags = parseExpireFlagsOrThrow(argv);
  const when = deadlineOrThrow(ctx, argv[2]!, basetime, unit);
  const entry = ctx.lookupWrite(key);
  if (entry === undefined) return 0;
  if (flags !== 0) {
    const current = entry.expireAt;
    if (flags & NX && current !== 0) return 0;
    if (flags & XX && current === 0) return 0;
    if (flags & GT && (current === 0 || when <= current)) return 0;
    if (flags & LT && current !== 0 && when >= current) return 0;
  }
  // Replaying the store, a deadline already past is kept (redis: checkAlreadyExpired).
  if (when <= ctx.now && !ctx.db.loading) {
    ctx.db.delete(key);
    // Logged as the deletion it was, DEL or UNLINK as Redis's lazyfree-lazy-expire picks.
    ctx.rewrite(ctx.engine.lazyExpire ? 'unlink' : 'del', key);
    ctx.modified(key, Notify.generic, 'del');
    return 1;
  }
  // Deadlines past 2^53 ms (year 287396) are kept to the nearest double.
  ctx.db.setExpire(key, entry, Number(when));
  if (ctx.logging && ctx.spec.name !== 'pexpireat') ctx.rewrite('pexpireat', key, String(when), ...argv.slice(3));
  ctx.modified(key, Notify.generic, 'expire');
  return 1;
}

type TtlOutput = 'ttl' | 'pttl' | 'expiretime' | 'pexpiretime';

/**
 * TTL / PTTL / EXPIRETIME / PEXPIRETIME key (redis: ttlGenericCommand): -2 for a missing
 * key, -1 without a deadline, else the remaining or absolute time, seconds rounded to
 * the nearest.
 */
function ttlGeneric(ctx: CommandContext, argv: string[], output: TtlOutput): RawReply {
  const entry = ctx.lookupReadNoTouch(argv[1]!);
  if (entry === undefined) return -2;
  if (entry.expireAt === 0) return -1;
  const absolute = output === 'expiretime' || output === 'pexpiretime';
  const ms = Math.max(0, absolute ? entry.expireAt : entry.expireAt - ctx.now);
  const inMs = output === 'pttl' || output === 'pexpiretime';
  if (Number.isSafeInteger(ms + 500)) return inMs ? ms : Math.floor((ms + 500) / 1000);
  // Past 2^53 the deadline is a double (see expireGeneric): exact from there on.
  return inMs ? BigInt(ms) : (BigInt(ms) + 500n) / 1000n;
}

/** The key spec of a one-key expiry command. */
function oneKey(flags: readonly string[]): readonly KeySpec[] {
  return [{ flags, begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } }];
}

const ONE = { first: 1, last: 1, step: 1 };

function setter(name: string, summary: string, since: string, relative: boolean, unit: Unit): CommandSpec {
  return {
    name,
    arity: -3,
    flags: ['write', 'fast'],
    keys: ONE,
    keySpecs: oneKey(['RW', 'update']),
    group: 'generic',
    summary,
    since,
    complexity: 'O(1)',
    handler: (ctx, argv) => expireGeneric(ctx, argv, relative ? ctx.now : 0, unit),
  };
}

function getter(name: TtlOutput, summary: string, since: string, tips: readonly string[]): CommandSpec {
  return {
    name,
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: ONE,
    keySpecs: oneKey(['RO', 'access']),
    ...(tips.length > 0 ? { tips } : {}),
    group: 'generic',
    summary,
    since,
    complexity: 'O(1)',
    handler: (ctx, argv) => ttlGeneric(ctx, argv, name),
  };
}

export const expireCommands: readonly CommandSpec[] = [
  setter('expire', "Set a key's time to live in seconds", '1.0.0', true, 'seconds'),
  setter('pexpire', "Set a key's time to live in milliseconds", '2.6.0', true, 'milliseconds'),
  setter('expireat', 'Set the expiration for a key as a UNIX timestamp', '1.2.0', false, 'seconds'),
  setter('pexpireat', 'Set the expiration for a key as a UNIX timestamp specified in milliseconds', '2.6.0', false, 'milliseconds'),
  getter('ttl', 'Get the time to live for a key in seconds', '1.0.0', ['nondeterministic_output']),
  getter('pttl', 'Get the time to live for a key in milliseconds', '2.6.0', ['nondeterministic_output']),
  getter('expiretime', 'Get the expiration Unix timestamp for a key', '7.0.0', []),
  getter('pexpiretime', 'Get the expiration Unix timestamp for a key in milliseconds', '7.0.0', []),
  {
    name: 'persist',
    arity: 2,
    flags: ['write', 'fast'],
    keys: ONE,
    keySpecs: oneKey(['RW', 'update']),
    group: 'generic',
    summary: 'Remove the expiration from a key',
    since: '2.2.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => {
      const key = argv[1]!;
      const entry = ctx.lookupWrite(key);
      if (entry === undefined || entry.expireAt === 0) return 0;
      ctx.db.setExpire(key, entry, 0);
      ctx.modified(key, Notify.generic, 'persist');
      return 1;
    },
  },
];
