/**
 * Sorted sets, single-member and pop commands (redis: t_zset.c): ZADD/ZINCRBY share
 * zaddGeneric, every pop shares popFrom; plus ZREM, ZSCORE, ZMSCORE,
 * ZCARD, ZRANK, ZREVRANK, ZRANDMEMBER, ZSCAN, and the blocking pops BZPOPMIN, BZPOPMAX
 * and BZMPOP (on blocking.ts). Range commands live in zset-range.ts,
 * set algebra in zset-algebra.ts; `zsetCommands` gathers the family.
 */
import { ONE_KEY, type CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import { globMatch } from '../glob.js';
import type { ZsetEntry } from '../keyspace.js';
import { parseBlockTimeoutOrThrow } from '../blocking.js';
import { Notify } from '../notify.js';
import { parseInt64 } from '../parse.js';
import { formatScore, parseScoreOrThrow } from '../parse-score.js';
import type { RawReply } from '../reply.js';
import { distinctRandomPositions, scanStep } from '../types/scan-cursor.js';
import { growFor, newZsetEntry, storedScore } from '../types/zset.js';
import { parseScanCursorOrThrow } from './scan.js';
import { oneKeySpec, optionToken } from './string-common.js';
import { zsetAlgebraCommands } from './zset-algebra.js';
import {
  deleteIfEmpty, keynumSpec, listpackLimits, numkeysPositions, pushMember, readZset, writeZset,
} from './zset-common.js';
import { zsetRangeCommands } from './zset-range.js';

const ZADD_NX = 1;
const ZADD_XX = 2;
const ZADD_GT = 4;
const ZADD_LT = 8;
const ZADD_CH = 16;
const ZADD_INCR = 32;

/**
 * ZADD and ZINCRBY (redis: zaddGenericCommand). Validates flags, pairs and every score
 * before touching the key; then adds or updates each member per NX/XX/GT/LT. Replies the
 * added count (CH: added + updated), or with INCR the new score (nil when skipped).
 * Errors: syntax, incompatible flags, a bad float, WRONGTYPE, an INCR that makes NaN.
 */
function zaddGeneric(ctx: CommandContext, argv: string[], flags: number): RawReply {
  const key = argv[1]!;
  let at = 2;
  for (; at < argv.length; at++) {
    const arg = argv[at]!;
    // Scores start with a digit, sign, point or 'i'/'n': only letters can be flags.
    if (arg.length > 4 || arg.length < 2) break;
    const token = arg.toUpperCase();
    if (token === 'NX') flags |= ZADD_NX;
    else if (token === 'XX') flags |= ZADD_XX;
    else if (token === 'CH') flags |= ZADD_CH;
    else if (token === 'GT') flags |= ZADD_GT;
    else if (token === 'LT') flags |= ZADD_LT;
    else if (token === 'INCR') flags |= ZADD_INCR;
    else break;
  }
  const elements = argv.length - at;
  if (elements === 0 || elements % 2 !== 0) fail(Errors.syntax);
  const nx = (flags & ZADD_NX) !== 0;
  const xx = (flags & ZADD_XX) !== 0;
  const gt = (flags & ZADD_GT) !== 0;
  const lt = (flags & ZADD_LT) !== 0;
  const incr = (flags & ZADD_INCR) !== 0;
  if (nx && xx) fail(Errors.zaddXxAndNx);
  if ((gt && nx) || (lt && nx) || (gt && lt)) fail(Errors.zaddGtLtNx);
  if (incr && elements > 2) fail(Errors.zaddIncrPair);
  const count = elements / 2;
  const scores = new Array<number>(count);
  for (let i = 0; i < count; i++) scores[i] = parseScoreOrThrow(argv[at + 2 * i]!);

  let entry = writeZset(ctx, key);
  if (entry === undefined) {
    if (xx) return incr ? null : 0;
    const limits = listpackLimits(ctx);
    // Redis 7.0 sizes a new set by its first member only (zaddGenericCommand).
    entry = newZsetEntry(limits.entries === 0 || limits.value < argv[at + 1]!.length ? 'skiplist' : 'listpack');
    ctx.addKey(key, entry);
  }
  const set = entry.value;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let newScore = 0;
  for (let i = 0; i < count; i++) {
    const member = argv[at + 2 * i + 1]!;
    let score = scores[i]!;
    const current = set.dict.get(member);
    if (current !== undefined) {
      if (nx) continue;
      if (incr) {
        score += current;
        // INCR takes a single pair: nothing was changed before this can fail.
        if (score !== score) fail(Errors.scoreNaN);
      }
      if ((lt && score >= current) || (gt && score <= current)) continue;
      processed++;
      newScore = score;
      if (score !== current) {
        set.update(member, current, storedScore(entry, score));
        updated++;
      }
    } else {
      if (xx) continue;
      if (entry.encoding === 'listpack') growFor(entry, member.length, listpackLimits(ctx));
      score = storedScore(entry, score);
      set.insert(member, score);
      newScore = score;
      processed++;
      added++;
    }
  }
  if (added + updated > 0) ctx.modified(key, Notify.zset, incr ? 'zincr' : 'zadd');
  if (incr) return processed > 0 ? formatScore(newScore) : null;
  return (flags & ZADD_CH) !== 0 ? added + updated : added;
}

/**
 * How a pop replies (redis: genericZpopCommand's emitkey / use_nested_array): ZPOPMIN's
 * flat member/score list, BZPOPMIN's [key, member, score], or ZMPOP's
 * [key, [[member, score]…]].
 */
export type PopShape = 'flat' | 'keyed' | 'nested';

/**
 * Pop up to `count` lowest (`max` false) or highest members of the zset at `key`, which
 * must exist, and reply in `shape`. `logCount` null logs the pop as ZPOPMIN/ZPOPMAX key,
 * else with that count (the forms Redis propagates for BZPOP*, ZMPOP and BZMPOP); undefined
 * logs the command as sent.
 */
function popFrom(ctx: CommandContext, key: string, entry: ZsetEntry, max: boolean, count: number, shape: PopShape, logCount?: number | null): RawReply {
  const set = entry.value;
  const n = Math.min(count, set.size);
  const members: string[] = [];
  const scores: number[] = [];
  const take = (member: string, score: number): void => {
    members.push(member);
    scores.push(score);
  };
  set.removeRange(max ? set.size - n : 0, max ? set.size : n, take);
  const out: RawReply[] = [];
  // ZPOPMAX answers from the highest score down.
  for (let k = 0; k < n; k++) {
    const i = max ? n - 1 - k : k;
    if (shape === 'nested') out.push([members[i]!, formatScore(scores[i]!)]);
    else out.push(members[i]!, formatScore(scores[i]!));
  }
  ctx.modified(key, Notify.zset, max ? 'zpopmax' : 'zpopmin');
  deleteIfEmpty(ctx, key, entry);
  const name = max ? 'ZPOPMAX' : 'ZPOPMIN';
  if (logCount === null) ctx.rewrite(name, key);
  else if (logCount !== undefined) ctx.rewrite(name, key, String(logCount));
  return shape === 'flat' ? out : shape === 'keyed' ? [key, ...out] : [key, out];
}

/**
 * The first of `keys` holding a zset (WRONGTYPE stops at the first key of another type,
 * as Redis checks them in order), or undefined when none does.
 */
function firstZset(ctx: CommandContext, keys: readonly string[]): [string, ZsetEntry] | undefined {
  for (const key of keys) {
    const entry = writeZset(ctx, key);
    if (entry !== undefined) return [key, entry];
  }
  return undefined;
}

/**
 * BZPOPMIN/BZPOPMAX/BZMPOP (redis: blockingGenericZpopCommand): pop at once from the first
 * non-empty key, else wait on every key (nil on timeout, and at once inside MULTI). Logged
 * as the non-blocking pop it performed.
 */
function bzpopGeneric(ctx: CommandContext, argv: string[], keys: readonly string[], timeoutArg: string, max: boolean, count: number, shape: PopShape): RawReply {
  const deadline = parseBlockTimeoutOrThrow(ctx, timeoutArg);
  const logCount = shape === 'nested' ? count : null;
  const found = firstZset(ctx, keys);
  if (found !== undefined) return popFrom(ctx, found[0], found[1], max, count, shape, logCount);
  return ctx.engine.blocking.block(ctx, argv, {
    keys,
    type: 'zset',
    deadline,
    timeoutReply: null,
    serve: (serveCtx, key) => {
      const entry = writeZset(serveCtx, key);
      return entry === undefined ? undefined : popFrom(serveCtx, key, entry, max, count, shape, logCount);
    },
  });
}

/** ZPOPMIN/ZPOPMAX key [count] (redis: zpopMinMaxCommand). */
function zpopMinMax(ctx: CommandContext, argv: string[], max: boolean): RawReply {
  if (argv.length > 3) fail(Errors.syntax);
  let count = 1;
  if (argv.length === 3) {
    const n = parseInt64(argv[2]!);
    if (n === null || n < 0) fail(Errors.mustBePositive);
    if (n === 0) {
      // Redis answers an empty array, after the type check of the key.
      writeZset(ctx, argv[1]!);
      return [];
    }
    count = Number(n);
  }
  const entry = writeZset(ctx, argv[1]!);
  return entry === undefined ? [] : popFrom(ctx, argv[1]!, entry, max, count, 'flat');
}

/**
 * ZMPOP numkeys key… MIN|MAX [COUNT count] (redis: zmpopGenericCommand), also the
 * arguments of BZMPOP after its timeout (`from` = where numkeys is).
 */
export function parseZmpopOrThrow(argv: string[], from: number): { keys: string[]; max: boolean; count: number } {
  const numkeys = parseInt64(argv[from]!);
  if (numkeys === null || numkeys <= 0) fail(Errors.numkeysPositive);
  const n = Number(numkeys);
  const whereAt = from + 1 + n;
  if (whereAt >= argv.length) fail(Errors.syntax);
  const where = optionToken(argv[whereAt]!);
  if (where !== 'MIN' && where !== 'MAX') fail(Errors.syntax);
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    const token = optionToken(argv[j]!);
    if (count === -1 && token === 'COUNT' && j + 1 < argv.length) {
      const c = parseInt64(argv[++j]!);
      if (c === null || c <= 0) fail(Errors.countPositive);
      count = Number(c);
    } else fail(Errors.syntax);
  }
  return { keys: argv.slice(from + 1, whereAt), max: where === 'MAX', count: count === -1 ? 1 : count };
}

/** ZRANDMEMBER key [count [WITHSCORES]] (redis: zrandmemberCommand). */
function zrandmember(ctx: CommandContext, argv: string[]): RawReply {
  const random = ctx.engine.random;
  if (argv.length === 2) {
    const entry = readZset(ctx, argv[1]!);
    if (entry === undefined) return null;
    return entry.value.memberAt(Math.floor(random() * entry.value.size));
  }
  const l = parseInt64(argv[2]!);
  if (l === null) fail(Errors.notInteger);
  if (l === -9223372036854775808n) fail(Errors.int64OutOfRange);
  if (argv.length > 4 || (argv.length === 4 && optionToken(argv[3]!) !== 'WITHSCORES')) fail(Errors.syntax);
  const withScores = argv.length === 4;
  if (withScores && (l < -4611686018427387903n || l > 4611686018427387903n)) fail(Errors.valueOutOfRange);
  const entry = readZset(ctx, argv[1]!);
  if (entry === undefined || l === 0) return [];
  const set = entry.value;
  const size = set.size;
  const out: RawReply[] = [];
  const pushAt = (index: number): void => {
    const member = set.memberAt(index);
    pushMember(out, member, set.score(member)!, withScores);
  };
  if (l < 0) {
    // Repeats allowed: each pick independent.
    const count = Number(-BigInt(l));
    for (let i = 0; i < count; i++) pushAt(Math.floor(random() * size));
    return out;
  }
  const count = Number(l);
  if (count >= size) {
    set.forEach((member, score) => pushMember(out, member, score, withScores));
    return out;
  }
  for (const pos of distinctRandomPositions(size, count, random)) pushAt(pos);
  return out;
}

/** ZSCAN key cursor [MATCH pattern] [COUNT count] (redis: scanGenericCommand). */
function zscan(ctx: CommandContext, argv: string[]): RawReply {
  const cursor = parseScanCursorOrThrow(argv[2]!);
  // Options are read after the lookup, as Redis does: a missing key ignores bad ones.
  const entry = readZset(ctx, argv[1]!);
  if (entry === undefined) return ['0', []];
  let count = 10;
  let pattern: string | null = null;
  for (let j = 3; j < argv.length; j += 2) {
    const token = optionToken(argv[j]!);
    if (j + 1 >= argv.length) fail(Errors.syntax);
    const value = argv[j + 1]!;
    if (token === 'COUNT') {
      const n = parseInt64(value);
      if (n === null) fail(Errors.notInteger);
      if (n < 1) fail(Errors.syntax);
      count = Number(n);
    } else if (token === 'MATCH') {
      pattern = value === '*' ? null : value;
    } else fail(Errors.syntax);
  }
  const set = entry.value;
  const out: string[] = [];
  const emit = (member: string, score: number): void => {
    if (pattern === null || globMatch(pattern, member)) out.push(member, formatScore(score));
  };
  // A listpack-encoded set is returned whole, in order, with cursor 0 (as Redis does).
  if (entry.encoding === 'listpack') {
    set.forEach(emit);
    return ['0', out];
  }
  const step = scanStep(set.ensureIndex(), cursor, count);
  for (const member of step.members) emit(member, set.dict.get(member)!);
  return [String(step.cursor), out];
}

const ZSET = { group: 'sorted_set', keys: ONE_KEY } as const;

const zsetCoreCommands: readonly CommandSpec[] = [
  {
    ...ZSET,
    name: 'zadd',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: oneKeySpec(['RW', 'update']),
    summary: 'Add one or more members to a sorted set, or update its score if it already exists',
    since: '1.2.0',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    handler: (ctx, argv) => zaddGeneric(ctx, argv, 0),
  },
  {
    ...ZSET,
    name: 'zincrby',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: oneKeySpec(['RW', 'access', 'update']),
    summary: 'Increment the score of a member in a sorted set',
    since: '1.2.0',
    complexity: 'O(log(N)) where N is the number of elements in the sorted set.',
    handler: (ctx, argv) => zaddGeneric(ctx, argv, ZADD_INCR),
  },
  {
    ...ZSET,
    name: 'zrem',
    arity: -3,
    flags: ['write', 'fast'],
    keySpecs: oneKeySpec(['RW', 'delete']),
    summary: 'Remove one or more members from a sorted set',
    since: '1.2.0',
    complexity: 'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.',
    handler: (ctx, argv) => {
      const key = argv[1]!;
      const entry = writeZset(ctx, key);
      if (entry === undefined) return 0;
      let deleted = 0;
      for (let i = 2; i < argv.length && entry.value.size > 0; i++) if (entry.value.delete(argv[i]!)) deleted++;
      if (deleted > 0) {
        ctx.modified(key, Notify.zset, 'zrem', deleted);
        deleteIfEmpty(ctx, key, entry);
      }
      return deleted;
    },
  },
  {
    ...ZSET,
    name: 'zscore',
    arity: 3,
    flags: ['readonly', 'fast'],
    summary: 'Get the score associated with the given member in a sorted set',
    since: '1.2.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => {
      const score = readZset(ctx, argv[1]!)?.value.score(argv[2]!);
      return score === undefined ? null : formatScore(score);
    },
  },
  {
    ...ZSET,
    name: 'zmscore',
    arity: -3,
    flags: ['readonly', 'fast'],
    summary: 'Get the score associated with the given members in a sorted set',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of members being requested.',
    handler: (ctx, argv) => {
      const set = readZset(ctx, argv[1]!)?.value;
      const out: RawReply[] = [];
      for (let i = 2; i < argv.length; i++) {
        const score = set?.score(argv[i]!);
        out.push(score === undefined ? null : formatScore(score));
      }
      return out;
    },
  },
  {
    ...ZSET,
    name: 'zcard',
    arity: 2,
    flags: ['readonly', 'fast'],
    keySpecs: oneKeySpec(['RO']),
    summary: 'Get the number of members in a sorted set',
    since: '1.2.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => readZset(ctx, argv[1]!)?.value.size ?? 0,
  },
  ...(['zrank', 'zrevrank'] as const).map((name): CommandSpec => ({
    ...ZSET,
    name,
    arity: 3,
    flags: ['readonly', 'fast'],
    summary: name === 'zrank'
      ? 'Determine the index of a member in a sorted set'
      : 'Determine the index of a member in a sorted set, with scores ordered from high to low',
    since: '2.0.0',
    complexity: 'O(log(N))',
    handler: (ctx, argv) => {
      const entry = readZset(ctx, argv[1]!);
      if (entry === undefined) return null;
      const rank = entry.value.rank(argv[2]!, name === 'zrevrank');
      return rank < 0 ? null : rank;
    },
  })),
  ...(['zpopmin', 'zpopmax'] as const).map((name): CommandSpec => ({
    ...ZSET,
    name,
    arity: -2,
    flags: ['write', 'fast'],
    keySpecs: oneKeySpec(['RW', 'access', 'delete']),
    summary: name === 'zpopmin'
      ? 'Remove and return members with the lowest scores in a sorted set'
      : 'Remove and return members with the highest scores in a sorted set',
    since: '5.0.0',
    complexity: 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.',
    handler: (ctx, argv) => zpopMinMax(ctx, argv, name === 'zpopmax'),
  })),
  {
    ...ZSET,
    name: 'zmpop',
    arity: -4,
    flags: ['write'],
    keys: { first: 0, last: 0, step: 0 },
    getKeys: (argv) => numkeysPositions(argv, 1, false),
    keySpecs: [keynumSpec(['RW', 'access', 'delete'], 1)],
    summary: 'Remove and return members with scores in a sorted set',
    since: '7.0.0',
    complexity: 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
    handler: (ctx, argv) => {
      const { keys, max, count } = parseZmpopOrThrow(argv, 1);
      const found = firstZset(ctx, keys);
      return found === undefined ? null : popFrom(ctx, found[0], found[1], max, count, 'nested', count);
    },
  },
  ...(['bzpopmin', 'bzpopmax'] as const).map((name): CommandSpec => ({
    ...ZSET,
    name,
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    keys: { first: 1, last: -2, step: 1 },
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { lastKey: -2, keyStep: 1, limit: 0 } }],
    summary: name === 'bzpopmin'
      ? 'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available'
      : 'Remove and return the member with the highest score from one or more sorted sets, or block until one is available',
    since: '5.0.0',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    handler: (ctx, argv) => bzpopGeneric(ctx, argv, argv.slice(1, -1), argv[argv.length - 1]!, name === 'bzpopmax', 1, 'keyed'),
  })),
  {
    ...ZSET,
    name: 'bzmpop',
    arity: -5,
    flags: ['write', 'blocking'],
    keys: { first: 0, last: 0, step: 0 },
    getKeys: (argv) => numkeysPositions(argv, 2, false),
    keySpecs: [keynumSpec(['RW', 'access', 'delete'], 2)],
    summary: 'Remove and return members with scores in a sorted set or block until one is available',
    since: '7.0.0',
    complexity: 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
    // numkeys and options are checked before the timeout, as Redis does.
    handler: (ctx, argv) => {
      const { keys, max, count } = parseZmpopOrThrow(argv, 2);
      return bzpopGeneric(ctx, argv, keys, argv[1]!, max, count, 'nested');
    },
  },
  {
    ...ZSET,
    name: 'zrandmember',
    arity: -2,
    flags: ['readonly'],
    tips: ['nondeterministic_output'],
    summary: 'Get one or multiple random elements from a sorted set',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of elements returned',
    handler: zrandmember,
  },
  {
    ...ZSET,
    name: 'zscan',
    arity: -3,
    flags: ['readonly'],
    tips: ['nondeterministic_output'],
    summary: 'Incrementally iterate sorted sets elements and associated scores',
    since: '2.8.0',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    handler: zscan,
  },
];

export const zsetCommands: readonly CommandSpec[] = [...zsetCoreCommands, ...zsetRangeCommands, ...zsetAlgebraCommands];
