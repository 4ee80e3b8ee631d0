/**
 * Sorted-set algebra (redis: zunionInterDiffGenericCommand): ZUNION, ZINTER, ZDIFF, their
 * STORE forms and ZINTERCARD. Plain sets are valid inputs, every member scoring 1.
 *
 * Order of work, as Redis: numkeys, then every input key is looked up (WRONGTYPE before
 * any option is read), then WEIGHTS / AGGREGATE / WITHSCORES / LIMIT. Union and
 * intersection visit the inputs from the smallest (a stable sort by size), which fixes
 * the order in which a member's weighted scores are summed; a weighted score that is NaN
 * (0 × inf) counts as 0, and so does a sum of +inf and -inf.
 */
import type { CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import type { Entry } from '../keyspace.js';
import { parseScoreOrThrow } from '../parse-score.js';
import { parseInt64 } from '../parse.js';
import type { RawReply } from '../reply.js';
import { newZsetEntry, type SortedSet } from '../types/zset.js';
import { optionToken } from './string-common.js';
import { keyAtSpec, keynumSpec, numkeysPositions, parseNumkeysOrThrow, pushMember, storeZset } from './zset-common.js';

type SetOp = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** One input: a sorted set, a set (scores 1) or a missing key (empty). */
interface Source {
  size: number;
  weight: number;
  zset: SortedSet | null;
  set: Set<string> | null;
}

function scoreIn(src: Source, member: string): number | undefined {
  if (src.zset !== null) return src.zset.score(member);
  if (src.set !== null) return src.set.has(member) ? 1 : undefined;
  return undefined;
}

/** Visit every member of `src` with its score; stop when `visit` returns false. */
function eachIn(src: Source, visit: (member: string, score: number) => boolean | void): void {
  if (src.zset !== null) {
    src.zset.forEach(visit);
  } else if (src.set !== null) {
    for (const member of src.set) if (visit(member, 1) === false) return;
  }
}

function sourceOf(entry: Entry | undefined): Source {
  if (entry === undefined) return { size: 0, weight: 1, zset: null, set: null };
  if (entry.type === 'zset') return { size: entry.value.size, weight: 1, zset: entry.value, set: null };
  if (entry.type === 'set') return { size: entry.value.size, weight: 1, zset: null, set: entry.value };
  return fail(Errors.wrongType);
}

function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === 'sum') {
    const sum = target + value;
    return sum !== sum ? 0 : sum;
  }
  if (how === 'min') return value < target ? value : target;
  return value > target ? value : target;
}

/**
 * The shared body: `dst` null for the reply forms, `cardinality` for ZINTERCARD.
 * Returns the reply (stored size, cardinality, or members [with scores]).
 */
function zsetOpGeneric(ctx: CommandContext, argv: string[], dst: string | null, numkeysAt: number, op: SetOp, cardinality: boolean): RawReply {
  const setnum = parseNumkeysOrThrow(argv[numkeysAt]!);
  if (setnum < 1) fail(Errors.inputKeyNeeded(argv[0]!.toLowerCase()));
  if (setnum > argv.length - numkeysAt - 1) fail(Errors.syntax);
  const sources: Source[] = [];
  let j = numkeysAt + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const key = argv[j]!;
    sources.push(sourceOf(dst === null ? ctx.lookupRead(key) : ctx.lookupWrite(key)));
  }
  let how: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const token = optionToken(argv[j]!);
    const remaining = argv.length - j;
    if (op !== 'diff' && !cardinality && remaining >= setnum + 1 && token === 'WEIGHTS') {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        try {
          sources[i]!.weight = parseScoreOrThrow(argv[j]!);
        } catch {
          fail(Errors.weightNotFloat);
        }
      }
    } else if (op !== 'diff' && !cardinality && remaining >= 2 && token === 'AGGREGATE') {
      const value = optionToken(argv[j + 1]!);
      if (value !== 'SUM' && value !== 'MIN' && value !== 'MAX') fail(Errors.syntax);
      how = value.toLowerCase() as Aggregate;
      j += 2;
    } else if (dst === null && !cardinality && token === 'WITHSCORES') {
      withScores = true;
      j++;
    } else if (cardinality && remaining >= 2 && token === 'LIMIT') {
      const n = parseInt64(argv[j + 1]!);
      if (n === null || n < 0) fail(Errors.limitNegative);
      limit = Number(n);
      j += 2;
    } else fail(Errors.syntax);
  }

  const result = newZsetEntry('skiplist');
  const out = result.value;
  if (op === 'diff') {
    const [first, ...rest] = sources;
    eachIn(first!, (member, score) => {
      for (const other of rest) if (scoreIn(other, member) !== undefined) return;
      out.insert(member, score);
    });
  } else {
    // Smallest first (stable, like glibc's merge-sorting qsort on these few entries).
    const ordered = sources.map((src, i) => ({ src, i })).sort((a, b) => a.src.size - b.src.size || a.i - b.i).map((x) => x.src);
    if (op === 'inter') {
      let count = 0;
      const [first, ...rest] = ordered;
      eachIn(first!, (member, value) => {
        let score = first!.weight * value;
        if (score !== score) score = 0;
        for (const other of rest) {
          const found = scoreIn(other, member);
          if (found === undefined) return;
          score = aggregate(score, found * other.weight, how);
        }
        if (cardinality) {
          count++;
          if (limit !== 0 && count === limit) return false;
        } else out.insert(member, score);
      });
      if (cardinality) return count;
    } else {
      const acc = new Map<string, number>();
      for (const src of ordered) {
        eachIn(src, (member, value) => {
          let score = src.weight * value;
          if (score !== score) score = 0;
          const current = acc.get(member);
          acc.set(member, current === undefined ? score : aggregate(current, score, how));
        });
      }
      for (const [member, score] of acc) out.insert(member, score);
    }
  }
  if (dst !== null) return storeZset(ctx, dst, result, `z${op}store`, true);
  const reply: RawReply[] = [];
  out.forEach((member, score) => pushMember(reply, member, score, withScores));
  return reply;
}

const ALGEBRA = {
  group: 'sorted_set',
  flags: ['readonly'],
  keys: { first: 0, last: 0, step: 0 },
  getKeys: (argv: readonly string[]) => numkeysPositions(argv, 1, false),
  keySpecs: [keynumSpec(['RO', 'access'], 1)],
  since: '6.2.0',
} as const satisfies Partial<CommandSpec>;

const ALGEBRA_STORE = {
  group: 'sorted_set',
  arity: -4,
  flags: ['write', 'denyoom'],
  keys: { first: 1, last: 1, step: 1 },
  getKeys: (argv: readonly string[]) => numkeysPositions(argv, 2, true),
  keySpecs: [keyAtSpec(['OW', 'update'], 1), keynumSpec(['RO', 'access'], 2)],
  // COMMAND GETKEYSANDFLAGS: the destination is written, the inputs read.
  keyFlags: (_argv: readonly string[], pos: number) => (pos === 1 ? ['OW', 'update'] : ['RO', 'access']),
} as const satisfies Partial<CommandSpec>;

const UNION_COMPLEXITY =
  'O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.';
const INTER_COMPLEXITY =
  'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.';
const DIFF_COMPLEXITY =
  'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.';

export const zsetAlgebraCommands: readonly CommandSpec[] = [
  {
    ...ALGEBRA,
    name: 'zunion',
    arity: -3,
    summary: 'Add multiple sorted sets',
    complexity: UNION_COMPLEXITY,
    handler: (ctx, argv) => zsetOpGeneric(ctx, argv, null, 1, 'union', false),
  },
  {
    ...ALGEBRA,
    name: 'zinter',
    arity: -3,
    summary: 'Intersect multiple sorted sets',
    complexity: INTER_COMPLEXITY,
    handler: (ctx, argv) => zsetOpGeneric(ctx, argv, null, 1, 'inter', false),
  },
  {
    ...ALGEBRA,
    name: 'zdiff',
    arity: -3,
    summary: 'Subtract multiple sorted sets',
    complexity: DIFF_COMPLEXITY,
    handler: (ctx, argv) => zsetOpGeneric(ctx, argv, null, 1, 'diff', false),
  },
  {
    ...ALGEBRA,
    name: 'zintercard',
    arity: -3,
    since: '7.0.0',
    summary: 'Intersect multiple sorted sets and return the cardinality of the result',
    complexity: 'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.',
    handler: (ctx, argv) => zsetOpGeneric(ctx, argv, null, 1, 'inter', true),
  },
  {
    ...ALGEBRA_STORE,
    name: 'zunionstore',
    summary: 'Add multiple sorted sets and store the resulting sorted set in a new key',
    since: '2.0.0',
    complexity:
      'O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
    handler: (ctx, argv) => zsetOpGeneric(ctx, argv, argv[1]!, 2, 'union', false),
  },
  {
    ...ALGEBRA_STORE,
    name: 'zinterstore',
    summary: 'Intersect multiple sorted sets and store the resulting sorted set in a new key',
    since: '2.0.0',
    complexity: INTER_COMPLEXITY,
    handler: (ctx, argv) => zsetOpGeneric(ctx, argv, argv[1]!, 2, 'inter', false),
  },
  {
    ...ALGEBRA_STORE,
    name: 'zdiffstore',
    summary: 'Subtract multiple sorted sets and store the resulting sorted set in a new key',
    since: '6.2.0',
    complexity: DIFF_COMPLEXITY,
    handler: (ctx, argv) => zsetOpGeneric(ctx, argv, argv[1]!, 2, 'diff', false),
  },
];
