/**
 * Sorted-set range commands (redis: zrangeGenericCommand, zremrangeGenericCommand,
 * zcountCommand, zlexcountCommand): ZRANGE and its legacy forms, ZRANGESTORE, ZCOUNT,
 * ZLEXCOUNT and ZREMRANGEBY{RANK,SCORE,LEX}.
 *
 * Ranges are located by rank in the order-statistic tree (ztree.ts: one O(log n) descent
 * per bound), so LIMIT offsets are rank arithmetic instead of the element skipping Redis
 * does, with the same results: a negative offset gives nothing, a negative count means no
 * limit. A score range with LIMIT walks from its near bound and stops at the far one.
 */
import { ONE_KEY, type CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import type { ZsetEntry } from '../keyspace.js';
import { Notify } from '../notify.js';
import { parseIntegerOrThrow } from '../parse.js';
import {
  lexRangeEmpty, parseLexRangeOrThrow, parseScoreRangeOrThrow, scoreRangeEmpty, type LexRange, type ScoreRange,
} from '../parse-score.js';
import { offerAscii, type RawReply } from '../reply.js';
import { newZsetEntry, type SortedSet } from '../types/zset.js';
import { oneKeySpec, optionToken } from './string-common.js';
import { deleteIfEmpty, keyAtSpec, pushMember, readZset, storeZset, writeZset } from './zset-common.js';

type RangeBy = 'rank' | 'score' | 'lex';

/** The 0-based rank interval [lo, hi) of the elements of `set` in a score range. */
export function scoreRanks(set: SortedSet, range: ScoreRange): [number, number] {
  if (scoreRangeEmpty(range) || set.size === 0) return [0, 0];
  const lo = set.tree.countBelowScore(range.min, range.minex);
  const hi = set.tree.countBelowScore(range.max, !range.maxex);
  return [lo, Math.max(lo, hi)];
}

/** True when `member` is at or above the range's minimum (redis: zslLexValueGteMin). */
function lexGteMin(member: string, range: LexRange): boolean {
  const { kind, value, ex } = range.min;
  return kind !== 0 ? kind < 0 : ex ? member > value : member >= value;
}

/** True when `member` is at or below the range's maximum (redis: zslLexValueLteMax). */
function lexLteMax(member: string, range: LexRange): boolean {
  const { kind, value, ex } = range.max;
  return kind !== 0 ? kind > 0 : ex ? member < value : member <= value;
}

/**
 * The 0-based rank interval [lo, hi) of the members of `entry` in a lex range, walked
 * from the low end (or, `reverse`, the high end). Members sort by lex only when every
 * score is equal, and Redis leaves other sets unspecified; for a listpack-encoded set we
 * still give what Redis's linear listpack walk gives (redis: zzlFirstInLexRange and
 * zzlLastInLexRange: the first member past the near bound starts a run that ends at the
 * first member past the far bound). A skiplist-encoded set is answered by tree descents.
 */
export function lexRanks(entry: ZsetEntry, range: LexRange, reverse = false): [number, number] {
  const set = entry.value;
  const size = set.size;
  if (lexRangeEmpty(range) || size === 0) return [0, 0];
  if (entry.encoding === 'skiplist') {
    const { min, max } = range;
    const lo = set.tree.countBelowLex(min.kind, min.value, min.ex);
    const hi = set.tree.countBelowLex(max.kind, max.value, !max.ex);
    return [lo, Math.max(lo, hi)];
  }
  // A listpack is small: walk its members in order.
  const members: string[] = [];
  set.forEach((member) => void members.push(member));
  // zzlIsInLexRange: the last member must reach the minimum, the first the maximum.
  if (!lexGteMin(members[size - 1]!, range) || !lexLteMax(members[0]!, range)) return [0, 0];
  if (!reverse) {
    let i = 0;
    while (i < size && !lexGteMin(members[i]!, range)) i++;
    const lo = i;
    while (i < size && lexLteMax(members[i]!, range)) i++;
    return [lo, i];
  }
  let i = size - 1;
  while (i >= 0 && !lexLteMax(members[i]!, range)) i--;
  const hi = i + 1;
  while (i >= 0 && lexGteMin(members[i]!, range)) i--;
  return [i + 1, hi];
}

/** Rank indexes as Redis sanitises them (negative from the end): [lo, hi), maybe empty. */
function rankInterval(size: number, start: number, end: number): [number, number] {
  if (start < 0) start += size;
  if (end < 0) end += size;
  if (start < 0) start = 0;
  if (start > end || start >= size) return [0, 0];
  return [start, Math.min(end, size - 1) + 1];
}

/**
 * Z[REV]RANGE[BYSCORE|BYLEX] and ZRANGESTORE (redis: zrangeGenericCommand). `at` is the
 * source key's position; `by`/`reverse` null mean "from the options" (ZRANGE's BYSCORE,
 * BYLEX, REV). Options are checked, then the range, then the key.
 */
function zrangeGeneric(ctx: CommandContext, argv: string[], at: number, store: boolean, by: RangeBy | null, reverse: boolean | null): RawReply {
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = at + 3; j < argv.length; j++) {
    const token = optionToken(argv[j]!);
    const left = argv.length - j - 1;
    if (!store && token === 'WITHSCORES') withScores = true;
    else if (token === 'LIMIT' && left >= 2) {
      offset = Number(parseIntegerOrThrow(argv[j + 1]!));
      limit = Number(parseIntegerOrThrow(argv[j + 2]!));
      j += 2;
    } else if (reverse === null && token === 'REV') reverse = true;
    else if (by === null && token === 'BYLEX') by = 'lex';
    else if (by === null && token === 'BYSCORE') by = 'score';
    else fail(Errors.syntax);
  }
  reverse ??= false;
  by ??= 'rank';
  if (limit !== -1 && by === 'rank') fail(Errors.limitNeedsBy);
  if (withScores && by === 'lex') fail(Errors.withscoresWithBylex);
  // BYSCORE/BYLEX in reverse take the range as max, min.
  let minArg = argv[at + 1]!;
  let maxArg = argv[at + 2]!;
  if (reverse && by !== 'rank') [minArg, maxArg] = [maxArg, minArg];
  let start = 0;
  let end = 0;
  let scoreRange: ScoreRange | undefined;
  let lexRange: LexRange | undefined;
  if (by === 'rank') {
    start = Number(parseIntegerOrThrow(minArg));
    end = Number(parseIntegerOrThrow(maxArg));
  } else if (by === 'score') scoreRange = parseScoreRangeOrThrow(minArg, maxArg);
  else lexRange = parseLexRangeOrThrow(minArg, maxArg);

  const entry = readZset(ctx, argv[at]!);
  const members: string[] = [];
  const scores: number[] = [];
  if (entry !== undefined) {
    const set = entry.value;
    if (by === 'score') collectScoreRange(set, scoreRange!, reverse, offset, limit, members, scores);
    else {
      let lo: number;
      let hi: number;
      if (by === 'rank') {
        [lo, hi] = rankInterval(set.size, start, end);
        if (reverse) [lo, hi] = [set.size - hi, set.size - lo];
      } else {
        [lo, hi] = lexRanks(entry, lexRange!, reverse);
        [lo, hi] = limitRanks(lo, hi, reverse, offset, limit);
      }
      set.tree.collect(lo, hi, reverse, members, scores);
    }
  }
  const n = members.length;
  if (store) {
    const dst = newZsetEntry('skiplist');
    for (let i = 0; i < n; i++) dst.value.insert(members[i]!, scores[i]!);
    return storeZset(ctx, argv[1]!, dst, 'zrangestore', true);
  }
  // Fresh arrays of members (and scores formatted in ASCII): callers may take them as
  // they are while the engine has held nothing but ASCII (reply.ts offerAscii).
  const ascii = ctx.engine.asciiOnly;
  if (!withScores) return offerAscii(members, ascii);
  const out: RawReply[] = [];
  for (let i = 0; i < n; i++) pushMember(out, members[i]!, scores[i]!, true);
  return offerAscii(out, ascii);
}

/** LIMIT offset count on a rank interval: a negative offset selects nothing, a negative count everything. */
function limitRanks(lo: number, hi: number, reverse: boolean, offset: number, limit: number): [number, number] {
  if (offset < 0) return [lo, lo];
  if (reverse) {
    hi = Math.max(lo, hi - offset);
    if (limit >= 0) lo = Math.max(lo, hi - limit);
  } else {
    lo = Math.min(hi, lo + offset);
    if (limit >= 0) hi = Math.min(hi, lo + limit);
  }
  return [lo, hi];
}

/**
 * Collect the members of a score range with LIMIT applied, from the near bound: its
 * descent leaves the tree positioned there, and the walk stops at the far bound or the
 * count (the far bound's rank is never needed: ZRANGE BYSCORE LIMIT 0 10 is one descent).
 */
function collectScoreRange(
  set: SortedSet,
  range: ScoreRange,
  reverse: boolean,
  offset: number,
  limit: number,
  members: string[],
  scores: number[],
): void {
  if (scoreRangeEmpty(range) || offset < 0 || limit === 0 || set.size === 0) return;
  const { min, max, minex, maxex } = range;
  const tree = set.tree;
  if (!reverse) {
    const lo = tree.countBelowScore(min, minex);
    if (offset > 0) {
      if (lo + offset >= set.size) return;
      tree.seekRank(lo + offset);
    }
    tree.collectFromBound(false, max, maxex, limit, members, scores);
  } else {
    const hi = tree.countBelowScore(max, !maxex);
    if (offset > 0) {
      if (hi - offset <= 0) return;
      tree.seekRank(hi - offset);
    }
    tree.collectFromBound(true, min, minex, limit, members, scores);
  }
}

/** ZREMRANGEBY{RANK,SCORE,LEX} (redis: zremrangeGenericCommand): parse, look up, remove. */
function zremrangeGeneric(ctx: CommandContext, argv: string[], by: RangeBy): RawReply {
  const key = argv[1]!;
  let start = 0;
  let end = 0;
  let scoreRange: ScoreRange | undefined;
  let lexRange: LexRange | undefined;
  if (by === 'rank') {
    start = Number(parseIntegerOrThrow(argv[2]!));
    end = Number(parseIntegerOrThrow(argv[3]!));
  } else if (by === 'score') scoreRange = parseScoreRangeOrThrow(argv[2]!, argv[3]!);
  else lexRange = parseLexRangeOrThrow(argv[2]!, argv[3]!);
  const entry: ZsetEntry | undefined = writeZset(ctx, key);
  if (entry === undefined) return 0;
  const set = entry.value;
  const [lo, hi] = by === 'rank' ? rankInterval(set.size, start, end) : by === 'score' ? scoreRanks(set, scoreRange!) : lexRanks(entry, lexRange!);
  const deleted = set.removeRange(lo, hi);
  if (deleted > 0) {
    ctx.modified(key, Notify.zset, `zremrangeby${by}`, deleted);
    deleteIfEmpty(ctx, key, entry);
  }
  return deleted;
}

const RANGE = {
  group: 'sorted_set',
  keys: ONE_KEY,
  flags: ['readonly'],
  since: '2.8.9',
  complexity:
    'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
} as const satisfies Partial<CommandSpec>;

const REMRANGE = {
  group: 'sorted_set',
  keys: ONE_KEY,
  arity: 4,
  flags: ['write'],
  keySpecs: oneKeySpec(['RW', 'delete']),
  complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
} as const satisfies Partial<CommandSpec>;

export const zsetRangeCommands: readonly CommandSpec[] = [
  {
    ...RANGE,
    name: 'zrange',
    arity: -4,
    summary: 'Return a range of members in a sorted set',
    since: '1.2.0',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, null, null),
  },
  {
    ...RANGE,
    name: 'zrangestore',
    arity: -5,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: 2, step: 1 },
    keySpecs: [keyAtSpec(['OW', 'update'], 1), keyAtSpec(['RO', 'access'], 2)],
    summary: 'Store a range of members from sorted set into another key',
    since: '6.2.0',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 2, true, null, null),
  },
  {
    ...RANGE,
    name: 'zrevrange',
    arity: -4,
    summary: 'Return a range of members in a sorted set, by index, with scores ordered from high to low',
    since: '1.2.0',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'rank', true),
  },
  {
    ...RANGE,
    name: 'zrangebyscore',
    arity: -4,
    summary: 'Return a range of members in a sorted set, by score',
    since: '1.0.5',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'score', false),
  },
  {
    ...RANGE,
    name: 'zrevrangebyscore',
    arity: -4,
    summary: 'Return a range of members in a sorted set, by score, with scores ordered from high to low',
    since: '2.2.0',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'score', true),
  },
  {
    ...RANGE,
    name: 'zrangebylex',
    arity: -4,
    summary: 'Return a range of members in a sorted set, by lexicographical range',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'lex', false),
  },
  {
    ...RANGE,
    name: 'zrevrangebylex',
    arity: -4,
    summary: 'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'lex', true),
  },
  {
    ...RANGE,
    name: 'zcount',
    arity: 4,
    flags: ['readonly', 'fast'],
    summary: 'Count the members in a sorted set with scores within the given values',
    since: '2.0.0',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    handler: (ctx, argv) => {
      const range = parseScoreRangeOrThrow(argv[2]!, argv[3]!);
      const entry = readZset(ctx, argv[1]!);
      if (entry === undefined) return 0;
      const [lo, hi] = scoreRanks(entry.value, range);
      return hi - lo;
    },
  },
  {
    ...RANGE,
    name: 'zlexcount',
    arity: 4,
    flags: ['readonly', 'fast'],
    summary: 'Count the number of members in a sorted set between a given lexicographical range',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    handler: (ctx, argv) => {
      const range = parseLexRangeOrThrow(argv[2]!, argv[3]!);
      const entry = readZset(ctx, argv[1]!);
      if (entry === undefined) return 0;
      const [lo, hi] = lexRanks(entry, range);
      return hi - lo;
    },
  },
  {
    ...REMRANGE,
    name: 'zremrangebyrank',
    summary: 'Remove all members in a sorted set within the given indexes',
    since: '2.0.0',
    handler: (ctx, argv) => zremrangeGeneric(ctx, argv, 'rank'),
  },
  {
    ...REMRANGE,
    name: 'zremrangebyscore',
    summary: 'Remove all members in a sorted set within the given scores',
    since: '1.2.0',
    handler: (ctx, argv) => zremrangeGeneric(ctx, argv, 'score'),
  },
  {
    ...REMRANGE,
    name: 'zremrangebylex',
    summary: 'Remove all members in a sorted set between the given lexicographical range',
    since: '2.8.9',
    handler: (ctx, argv) => zremrangeGeneric(ctx, argv, 'lex'),
  },
];
