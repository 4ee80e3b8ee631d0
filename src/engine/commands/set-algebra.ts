/**
 * Set algebra (redis: t_set.c sinterGenericCommand, sunionDiffGenericCommand): SINTER,
 * SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE.
 *
 * - Every source key is looked up first: one of another type is WRONGTYPE even after a
 *   missing one (a missing key is an empty set).
 * - SINTER walks the smallest set and probes the others, so it replies in that set's
 *   order (ascending for an intset); SUNION/SDIFF build a fresh set, listed ascending
 *   when it would be an intset, as Redis lists its result.
 * - STORE forms replace the destination (its TTL goes) with a set encoded as Redis would
 *   build it, or delete it when the result is empty (`del` only when it existed).
 */
import type { CommandSpec, KeySpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import type { SetEntry } from '../keyspace.js';
import { Notify } from '../notify.js';
import { parseInt64 } from '../parse.js';
import type { RawReply } from '../reply.js';
import { compareIntStrings, isIntsetMember, orderedMembers, setFrom } from '../types/set.js';
import { intSetting, parsePositiveCountOrThrow } from './collection.js';
import { optionToken } from './string-common.js';

const maxIntset = intSetting('set-max-intset-entries');

/** set-max-intset-entries now in force. */
export function maxIntsetEntries(ctx: CommandContext): number {
  return maxIntset(ctx.engine.config);
}

/**
 * `members` in the order Redis lists a freshly built set of them: ascending when they
 * would form an intset (all int64, at most set-max-intset-entries), else as given.
 */
export function resultOrder(members: string[], maxIntset: number): string[] {
  if (members.length > maxIntset) return members;
  for (const member of members) if (!isIntsetMember(member)) return members;
  return members.sort(compareIntStrings);
}

/** The sets at `keys` (null for a missing key); WRONGTYPE for any other type. */
function lookupSets(ctx: CommandContext, keys: readonly string[]): Array<SetEntry | null> {
  const sets: Array<SetEntry | null> = [];
  for (const key of keys) {
    const entry = ctx.lookupRead(key);
    ctx.checkType(entry, 'set');
    sets.push(entry ?? null);
  }
  return sets;
}

/**
 * Store `members` at `dst` as a new set (redis: setKey), or delete `dst` when empty.
 * Replies the stored size.
 */
function storeResult(ctx: CommandContext, dst: string, members: Iterable<string>, event: string): number {
  const result = setFrom(members, maxIntsetEntries(ctx));
  const size = result.value.size;
  if (size === 0) {
    if (ctx.db.delete(dst)) ctx.modified(dst, Notify.generic, 'del');
    return 0;
  }
  const existed = ctx.lookupWrite(dst) !== undefined;
  // An existing key keeps its LFU counter (redis: setKey → dbOverwrite).
  ctx.db.set(dst, result);
  if (!existed) ctx.engine.notify(Notify.newKey, 'new', dst);
  ctx.modified(dst, Notify.set, event);
  return size;
}

/**
 * The intersection of the sets at `keys` (redis: sinterGenericCommand): `limit` > 0
 * stops after that many members (SINTERCARD). Null when a key is missing.
 */
function intersect(ctx: CommandContext, keys: readonly string[], ordered: boolean, limit = 0): string[] | null {
  const found = lookupSets(ctx, keys);
  if (found.includes(null)) return null;
  const sets = (found as SetEntry[]).slice().sort((a, b) => a.value.size - b.value.size);
  const smallest = sets[0]!;
  const others = sets.slice(1).filter((set) => set !== smallest).map((set) => set.value);
  const out: string[] = [];
  // Only an intset has an order of its own to reply in (ascending).
  const walk = ordered && smallest.encoding === 'intset' ? orderedMembers(smallest) : smallest.value;
  outer: for (const member of walk) {
    for (const other of others) if (!other.has(member)) continue outer;
    out.push(member);
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

/** SUNION / SDIFF of the sets at `keys`, as a fresh member list. */
function unionOrDiff(ctx: CommandContext, keys: readonly string[], diff: boolean): string[] {
  const sets = lookupSets(ctx, keys);
  if (!diff) {
    const union = new Set<string>();
    for (const set of sets) if (set !== null) for (const member of set.value) union.add(member);
    return [...union];
  }
  const first = sets[0];
  if (first === null || first === undefined) return [];
  const others = sets.slice(1).filter((set): set is SetEntry => set !== null).map((set) => set.value);
  const out: string[] = [];
  outer: for (const member of first.value) {
    for (const other of others) if (other.has(member)) continue outer;
    out.push(member);
  }
  return out;
}

/**
 * SINTERCARD numkeys key [key ...] [LIMIT limit] (redis: sinterCardCommand): numkeys is
 * checked before the options, the options before any key.
 */
function sintercard(ctx: CommandContext, argv: string[]): RawReply {
  const numkeys = parseNumkeysOrThrow(argv);
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    if (optionToken(argv[j]!) === 'LIMIT' && j + 1 < argv.length) limit = parsePositiveCountOrThrow(argv[++j]!, Errors.limitNegative);
    else fail(Errors.syntax);
  }
  return intersect(ctx, argv.slice(2, 2 + numkeys), false, limit)?.length ?? 0;
}

/** numkeys at argv[1]: 1..LONG_MAX, at most the arguments that follow. */
function parseNumkeysOrThrow(argv: readonly string[]): number {
  const raw = argv[1]!;
  const value = parsePositiveCountOrThrow(raw, Errors.numkeysPositive);
  if (value < 1) fail(Errors.numkeysPositive);
  if (value > argv.length - 2) fail(Errors.keysMoreThanArgs);
  return value;
}

/**
 * The keys of a `numkeys key …` command as COMMAND GETKEYS sees them (redis:
 * genericGetKeys): numkeys read with atoi, none when it is out of range.
 */
function numkeysGetKeys(argv: readonly string[]): number[] {
  const num = atoi(argv[1] ?? '');
  if (num < 1 || num > argv.length - 2) return [];
  return Array.from({ length: num }, (_, i) => 2 + i);
}

/** C's atoi: leading spaces, an optional sign, then digits up to the first non-digit. */
function atoi(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

const ALL_KEYS = { first: 1, last: -1, step: 1 };
const STORE_KEYS = { first: 1, last: -1, step: 1 };
const SOURCES: KeySpec = { flags: ['RO', 'access'], begin: { index: 2 }, find: { lastKey: -1, keyStep: 1, limit: 0 } };
const storeKeySpecs = (dstFlags: readonly string[]): readonly KeySpec[] => [
  { flags: dstFlags, begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  SOURCES,
];
const INTER_COMPLEXITY = 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.';
const UNION_COMPLEXITY = 'O(N) where N is the total number of elements in all given sets.';

export const setAlgebraCommands: readonly CommandSpec[] = [
  {
    name: 'sinter',
    arity: -2,
    flags: ['readonly'],
    keys: ALL_KEYS,
    tips: ['nondeterministic_output_order'],
    group: 'set',
    summary: 'Intersect multiple sets',
    since: '1.0.0',
    complexity: INTER_COMPLEXITY,
    handler: (ctx, argv) => intersect(ctx, argv.slice(1), true) ?? [],
  },
  {
    name: 'sintercard',
    arity: -3,
    flags: ['readonly'],
    keys: { first: 0, last: 0, step: 0 },
    getKeys: numkeysGetKeys,
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } }],
    // A numkeys only atoi reads (" 2", "2x") fails the key spec; Redis then finds the keys
    // with its getkeys function, which reports no flags.
    keyFlags: (argv) => (parseInt64(argv[1] ?? '') !== null ? ['RO', 'access'] : []),
    group: 'set',
    summary: 'Intersect multiple sets and return the cardinality of the result',
    since: '7.0.0',
    complexity: INTER_COMPLEXITY,
    handler: sintercard,
  },
  {
    name: 'sinterstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: STORE_KEYS,
    keySpecs: storeKeySpecs(['RW', 'update']),
    group: 'set',
    summary: 'Intersect multiple sets and store the resulting set in a key',
    since: '1.0.0',
    complexity: INTER_COMPLEXITY,
    handler: (ctx, argv) => storeResult(ctx, argv[1]!, intersect(ctx, argv.slice(2), false) ?? [], 'sinterstore'),
  },
  {
    name: 'sunion',
    arity: -2,
    flags: ['readonly'],
    keys: ALL_KEYS,
    tips: ['nondeterministic_output_order'],
    group: 'set',
    summary: 'Add multiple sets',
    since: '1.0.0',
    complexity: UNION_COMPLEXITY,
    handler: (ctx, argv) => resultOrder(unionOrDiff(ctx, argv.slice(1), false), maxIntsetEntries(ctx)),
  },
  {
    name: 'sunionstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: STORE_KEYS,
    keySpecs: storeKeySpecs(['OW', 'update']),
    group: 'set',
    summary: 'Add multiple sets and store the resulting set in a key',
    since: '1.0.0',
    complexity: UNION_COMPLEXITY,
    handler: (ctx, argv) => storeResult(ctx, argv[1]!, unionOrDiff(ctx, argv.slice(2), false), 'sunionstore'),
  },
  {
    name: 'sdiff',
    arity: -2,
    flags: ['readonly'],
    keys: ALL_KEYS,
    tips: ['nondeterministic_output_order'],
    group: 'set',
    summary: 'Subtract multiple sets',
    since: '1.0.0',
    complexity: UNION_COMPLEXITY,
    handler: (ctx, argv) => resultOrder(unionOrDiff(ctx, argv.slice(1), true), maxIntsetEntries(ctx)),
  },
  {
    name: 'sdiffstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: STORE_KEYS,
    keySpecs: storeKeySpecs(['OW', 'update']),
    group: 'set',
    summary: 'Subtract multiple sets and store the resulting set in a key',
    since: '1.0.0',
    complexity: UNION_COMPLEXITY,
    handler: (ctx, argv) => storeResult(ctx, argv[1]!, unionOrDiff(ctx, argv.slice(2), true), 'sdiffstore'),
  },
];
