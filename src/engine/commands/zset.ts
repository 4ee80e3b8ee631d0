/**
 * Sorted sets, member commands (redis: t_zset.c): ZADD/ZINCRBY share zaddGeneric; plus
 * ZREM, ZSCORE, ZMSCORE, ZCARD, ZRANK, ZREVRANK, ZRANDMEMBER and ZSCAN. Pops live in
 * zset-pop.ts, ranges in zset-range.ts, set algebra in zset-algebra.ts; `zsetCommands`
 * gathers the family.
 */
import { ONE_KEY, type CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import { globMatch } from '../glob.js';
import { Notify } from '../notify.js';
import { parseInt64 } from '../parse.js';
import { formatScore, parseScoreOrThrow } from '../parse-score.js';
import type { RawReply } from '../reply.js';
import { distinctRandomPositions, scanStep } from '../types/scan-cursor.js';
import { growFor, newZsetEntry, storedScore } from '../types/zset.js';
import { checkReplySizeOrThrow } from './collection.js';
import { parseScanCursorOrThrow } from './scan.js';
import { oneKeySpec, optionToken } from './string-common.js';
import { zsetAlgebraCommands } from './zset-algebra.js';
import {
  deleteIfEmpty, listpackLimits, pushMember, readZset, writeZset,
} from './zset-common.js';
import { zsetPopCommands } from './zset-pop.js';
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
    const slot = set.slotOf(member);
    if (slot >= 0) {
      const current = set.scoreAt(slot);
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
        set.updateAt(slot, storedScore(entry, score));
        updated++;
      }
    } else {
      if (xx) continue;
      if (entry.encoding === 'listpack') growFor(entry, member.length, listpackLimits(ctx));
      // INCR replies with the score computed, -0 included, whatever the listpack stores.
      newScore = score;
      set.insert(member, storedScore(entry, score));
      processed++;
      added++;
    }
  }
  // Redis counts every member added or updated as a change (server.dirty).
  if (added + updated > 0) ctx.modified(key, Notify.zset, incr ? 'zincr' : 'zadd', added + updated);
  if (incr) return processed > 0 ? formatScore(newScore) : null;
  return (flags & ZADD_CH) !== 0 ? added + updated : added;
}

const LISTPACK_INTEGER_LIMIT = 2 ** 62;

/** A score as a listpack entry reads back (see zscan). */
function listpackScore(score: number): string {
  return Number.isInteger(score) && Math.abs(score) <= LISTPACK_INTEGER_LIMIT ? BigInt(score).toString() : formatScore(score);
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
    // A reply has to fit in memory here: past 16M elements it is refused, not attempted.
    checkReplySizeOrThrow(withScores ? 2 * count : count);
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
  // A listpack-encoded set is returned whole, in order, with cursor 0 (as Redis does), its
  // scores as the listpack holds them: a whole score within ±2^62 is stored as an integer
  // (redis: zzlInsertAt, double2ll) and read back as its digits, not as %.17g.
  if (entry.encoding === 'listpack') {
    set.forEach((member, score) => {
      if (pattern === null || globMatch(pattern, member)) out.push(member, listpackScore(score));
    });
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

export const zsetCommands: readonly CommandSpec[] = [...zsetCoreCommands, ...zsetPopCommands, ...zsetRangeCommands, ...zsetAlgebraCommands];
