/**
 * Set commands (redis: t_set.c): SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SPOP,
 * SRANDMEMBER, SMOVE, SSCAN; the algebra (SINTER/SUNION/SDIFF, their STORE forms and
 * SINTERCARD) lives in set-algebra.ts; `setCommands` exports the whole family.
 *
 * The value is a native Set (types/set.ts) with Redis 7.0's intset → hashtable encoding.
 * An emptied set is deleted (`srem`/`spop` then `del`). Effects: SPOP is logged as what
 * it removed: SREM of the popped members, or DEL when it took the whole set.
 */
import type { CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import type { SetEntry } from '../keyspace.js';
import { Notify } from '../notify.js';
import { offerAscii, type RawReply } from '../reply.js';
import { distinctRandomPositions } from '../types/scan-cursor.js';
import {
  createSet,
  freshEncoding,
  memberArray,
  membersAt,
  orderedMembers,
  randomMember,
  setAdd,
  setIndex,
  setRemove,
} from '../types/set.js';
import { checkReplySizeOrThrow, parseCountOrThrow, parsePositiveCountOrThrow } from './collection.js';
import { parseScanCursorOrThrow, scanCollection } from './scan.js';
import { oneKeySpec } from './string-common.js';
import { maxIntsetEntries, resultOrder, setAlgebraCommands } from './set-algebra.js';

/** SPOP rebuilds the set from what remains when count ≥ remaining × this (redis: SPOP_MOVE_STRATEGY_MUL). */
const SPOP_MOVE_STRATEGY_MUL = 5;

/** The set at `key` for reading: undefined when missing, WRONGTYPE for another type. */
function readSet(ctx: CommandContext, key: string): SetEntry | undefined {
  const entry = ctx.lookupRead(key);
  ctx.checkType(entry, 'set');
  return entry;
}

/** Delete an emptied set, with Redis's `del` event. */
function deleteEmptied(ctx: CommandContext, key: string, entry: SetEntry): boolean {
  if (entry.value.size !== 0) return false;
  ctx.db.delete(key);
  ctx.engine.notify(Notify.generic, 'del', key);
  return true;
}

function sadd(ctx: CommandContext, argv: string[]): RawReply {
  const key = argv[1]!;
  let entry = ctx.lookupWrite(key);
  ctx.checkType(entry, 'set');
  if (entry === undefined) {
    entry = createSet();
    ctx.addKey(key, entry);
  }
  const maxIntset = maxIntsetEntries(ctx);
  let added = 0;
  for (let j = 2; j < argv.length; j++) if (setAdd(entry, argv[j]!, maxIntset)) added++;
  if (added > 0) ctx.modified(key, Notify.set, 'sadd', added);
  return added;
}

/** SREM (redis: sremCommand): stops at the member that empties the set, which is deleted. */
function srem(ctx: CommandContext, argv: string[]): RawReply {
  const key = argv[1]!;
  const entry = ctx.lookupWrite(key);
  if (entry === undefined) return 0;
  ctx.checkType(entry, 'set');
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    if (!setRemove(entry, argv[j]!)) continue;
    deleted++;
    if (entry.value.size === 0) break;
  }
  if (deleted > 0) {
    const emptied = entry.value.size === 0;
    if (emptied) ctx.db.delete(key);
    ctx.modified(key, Notify.set, 'srem', deleted);
    if (emptied) ctx.engine.notify(Notify.generic, 'del', key);
  }
  return deleted;
}

/** SPOP key (redis: spopCommand), logged as SREM of the member it took. */
function spop(ctx: CommandContext, argv: string[]): RawReply {
  if (argv.length === 3) return spopWithCount(ctx, argv[1]!, argv[2]!);
  if (argv.length > 3) fail(Errors.syntax);
  const key = argv[1]!;
  const entry = ctx.lookupWrite(key);
  if (entry === undefined) return null;
  ctx.checkType(entry, 'set');
  const member = randomMember(entry, ctx.engine.random);
  setRemove(entry, member);
  ctx.modified(key, Notify.set, 'spop');
  ctx.rewrite('srem', key, member);
  deleteEmptied(ctx, key, entry);
  return member;
}

/**
 * SPOP key count (redis: spopWithCountCommand): the whole set when count reaches its
 * size (then logged as DEL), otherwise `count` distinct random members (logged as SREM).
 */
function spopWithCount(ctx: CommandContext, key: string, countArg: string): RawReply {
  const count = parsePositiveCountOrThrow(countArg);
  const entry = ctx.lookupWrite(key);
  if (entry === undefined) return [];
  ctx.checkType(entry, 'set');
  if (count === 0) return [];
  const size = entry.value.size;
  // Redis counts the requested number as changes, however many there were.
  ctx.modified(key, Notify.set, 'spop', count);
  if (count >= size) {
    const all = resultOrder([...entry.value], maxIntsetEntries(ctx));
    ctx.db.delete(key);
    ctx.engine.notify(Notify.generic, 'del', key);
    ctx.rewrite('del', key);
    return all;
  }
  const popped = membersAt(entry, distinctRandomPositions(size, count, ctx.engine.random));
  for (const member of popped) setRemove(entry, member);
  // Popping most of the set, Redis builds a new set of what remains (CASE 3): its
  // encoding is derived afresh, so a hashtable of integers becomes an intset again.
  if ((size - count) * SPOP_MOVE_STRATEGY_MUL <= count) entry.encoding = freshEncoding(entry.value, maxIntsetEntries(ctx));
  // One SREM per member, as Redis 7.0 propagates it (7.2 batches them); several effects of
  // one command replay atomically in MULTI … EXEC, unless EXEC already brackets them.
  ctx.preventPropagation = true;
  if (ctx.logging) {
    const wrap = popped.length > 1 && ctx.conn.multi === null;
    if (wrap) ctx.alsoPropagate('multi');
    for (const member of popped) ctx.alsoPropagate('srem', key, member);
    if (wrap) ctx.alsoPropagate('exec');
  }
  return popped;
}

/**
 * SRANDMEMBER key [count] (redis: srandmemberWithCountCommand): negative counts repeat
 * (exactly |count| members), a count reaching the set's size gives the whole set.
 */
function srandmember(ctx: CommandContext, argv: string[]): RawReply {
  const key = argv[1]!;
  if (argv.length > 3) fail(Errors.syntax);
  if (argv.length === 2) {
    const entry = readSet(ctx, key);
    return entry === undefined ? null : randomMember(entry, ctx.engine.random);
  }
  const l = Number(parseCountOrThrow(argv[2]!));
  const entry = readSet(ctx, key);
  if (entry === undefined || l === 0) return [];
  const count = Math.abs(l);
  const random = ctx.engine.random;
  if (l < 0 || count === 1) {
    checkReplySizeOrThrow(count);
    const out: string[] = [];
    const all = memberArray(entry);
    for (let i = 0; i < count; i++) out.push(all[Math.floor(random() * all.length)]!);
    return out;
  }
  if (count >= entry.value.size) return orderedMembers(entry);
  return membersAt(entry, distinctRandomPositions(entry.value.size, count, random));
}

/**
 * SMOVE source destination member (redis: smoveCommand): `srem` on the source (and `del`
 * when emptied), `sadd` on the destination when the member is new there. The same key
 * on both sides only reports membership.
 */
function smove(ctx: CommandContext, argv: string[]): RawReply {
  const srcKey = argv[1]!;
  const dstKey = argv[2]!;
  const member = argv[3]!;
  const src = ctx.lookupWrite(srcKey);
  let dst = ctx.lookupWrite(dstKey);
  if (src === undefined) return 0;
  ctx.checkType(src, 'set');
  ctx.checkType(dst, 'set');
  if (src === dst) return src.value.has(member) ? 1 : 0;
  if (!setRemove(src, member)) return 0;
  ctx.modified(srcKey, Notify.set, 'srem');
  deleteEmptied(ctx, srcKey, src);
  if (dst === undefined) {
    dst = createSet();
    ctx.addKey(dstKey, dst);
  }
  if (setAdd(dst, member, maxIntsetEntries(ctx))) ctx.modified(dstKey, Notify.set, 'sadd');
  return 1;
}

/** SSCAN key cursor [MATCH pattern] [COUNT count]: an intset comes whole, in order. */
function sscan(ctx: CommandContext, argv: string[]): RawReply {
  const cursor = parseScanCursorOrThrow(argv[2]!);
  const entry = readSet(ctx, argv[1]!);
  if (entry === undefined) return ['0', []];
  return scanCollection(argv, cursor, {
    whole: entry.encoding === 'intset',
    members: () => orderedMembers(entry),
    index: () => setIndex(entry),
    valueOf: null,
  });
}

const ONE = { first: 1, last: 1, step: 1 };

const coreCommands: readonly CommandSpec[] = [
  {
    name: 'sadd',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: ONE,
    keySpecs: oneKeySpec(['RW', 'insert']),
    group: 'set',
    summary: 'Add one or more members to a set',
    since: '1.0.0',
    complexity:
      'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    handler: sadd,
  },
  {
    name: 'srem',
    arity: -3,
    flags: ['write', 'fast'],
    keys: ONE,
    keySpecs: oneKeySpec(['RW', 'delete']),
    group: 'set',
    summary: 'Remove one or more members from a set',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of members to be removed.',
    handler: srem,
  },
  {
    name: 'smembers',
    arity: 2,
    flags: ['readonly'],
    keys: ONE,
    tips: ['nondeterministic_output_order'],
    group: 'set',
    summary: 'Get all the members in a set',
    since: '1.0.0',
    complexity: 'O(N) where N is the set cardinality.',
    handler: (ctx, argv) => {
      const entry = readSet(ctx, argv[1]!);
      return entry === undefined ? [] : offerAscii(orderedMembers(entry), ctx.engine.asciiOnly);
    },
  },
  {
    name: 'sismember',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: ONE,
    keySpecs: oneKeySpec(['RO']),
    group: 'set',
    summary: 'Determine if a given value is a member of a set',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => (readSet(ctx, argv[1]!)?.value.has(argv[2]!) ? 1 : 0),
  },
  {
    name: 'smismember',
    arity: -3,
    flags: ['readonly', 'fast'],
    keys: ONE,
    group: 'set',
    summary: 'Returns the membership associated with the given elements for a set',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of elements being checked for membership',
    handler: (ctx, argv) => {
      const set = readSet(ctx, argv[1]!)?.value;
      const out: number[] = [];
      for (let j = 2; j < argv.length; j++) out.push(set?.has(argv[j]!) ? 1 : 0);
      return out;
    },
  },
  {
    name: 'scard',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: ONE,
    keySpecs: oneKeySpec(['RO']),
    group: 'set',
    summary: 'Get the number of members in a set',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => readSet(ctx, argv[1]!)?.value.size ?? 0,
  },
  {
    name: 'spop',
    arity: -2,
    flags: ['write', 'fast'],
    keys: ONE,
    keySpecs: oneKeySpec(['RW', 'access', 'delete']),
    tips: ['nondeterministic_output'],
    group: 'set',
    summary: 'Remove and return one or multiple random members from a set',
    since: '1.0.0',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    handler: spop,
  },
  {
    name: 'srandmember',
    arity: -2,
    flags: ['readonly'],
    keys: ONE,
    tips: ['nondeterministic_output'],
    group: 'set',
    summary: 'Get one or multiple random members from a set',
    since: '1.0.0',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    handler: srandmember,
  },
  {
    name: 'smove',
    arity: 4,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 2, step: 1 },
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
      { flags: ['RW', 'insert'], begin: { index: 2 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
    ],
    group: 'set',
    summary: 'Move a member from one set to another',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: smove,
  },
  {
    name: 'sscan',
    arity: -3,
    flags: ['readonly'],
    keys: ONE,
    tips: ['nondeterministic_output'],
    group: 'set',
    summary: 'Incrementally iterate Set elements',
    since: '2.8.0',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    handler: sscan,
  },
];

export const setCommands: readonly CommandSpec[] = [...coreCommands, ...setAlgebraCommands];
