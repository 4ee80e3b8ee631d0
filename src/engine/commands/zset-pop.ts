/**
 * Sorted-set pops (redis: genericZpopCommand, blockingGenericZpopCommand,
 * zmpopGenericCommand): ZPOPMIN, ZPOPMAX, ZMPOP and the blocking BZPOPMIN, BZPOPMAX and
 * BZMPOP (on blocking.ts). Every pop goes through `popFrom`, which also fixes how it is
 * logged: as the ZPOPMIN/ZPOPMAX Redis propagates for it.
 */
import { ONE_KEY, type CommandSpec } from '../command.js';
import { parseBlockTimeoutOrThrow } from '../blocking.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import type { ZsetEntry } from '../keyspace.js';
import { Notify } from '../notify.js';
import { parseInt64 } from '../parse.js';
import { formatScore } from '../parse-score.js';
import type { RawReply } from '../reply.js';
import { oneKeySpec, optionToken } from './string-common.js';
import { deleteIfEmpty, keynumSpec, numkeysPositions, writeZset } from './zset-common.js';

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
  ctx.modified(key, Notify.zset, max ? 'zpopmax' : 'zpopmin', n);
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

const ZSET = { group: 'sorted_set', keys: ONE_KEY } as const;

export const zsetPopCommands: readonly CommandSpec[] = [
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
];
