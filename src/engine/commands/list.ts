/**
 * List commands (redis: t_list.c, 7.0): LPUSH/RPUSH/LPUSHX/RPUSHX, LPOP/RPOP (count),
 * LLEN, LRANGE, LINDEX, LSET, LINSERT, LREM, LTRIM, LPOS, LMOVE/RPOPLPUSH, LMPOP.
 * The blocking forms are in list-blocking.ts and share the generic functions below.
 *
 * The value is a ring-buffer deque (types/deque.ts). A list emptied by a pop, LREM or
 * LTRIM is deleted with a `del` event after the command's own event, as Redis does.
 * Effects: LMPOP is logged as `LPOP/RPOP key count` (redis rewrites it so); everything
 * else is deterministic and logged as sent.
 */
import type { CommandSpec, KeySpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import type { ListEntry } from '../keyspace.js';
import { Notify } from '../notify.js';
import { INT64_MIN, parseIntegerOrThrow } from '../parse.js';
import { OK, offerAscii, type RawReply } from '../reply.js';
import { Deque } from '../types/deque.js';
import { parsePositiveCountOrThrow } from './collection.js';
import { oneKeySpec, optionToken } from './string-common.js';
import { keyAtSpec, keynumSpec, numkeysPositions } from './zset-common.js';

/** LEFT / RIGHT (redis: LIST_HEAD / LIST_TAIL). */
export type End = 'left' | 'right';

const ONE = { first: 1, last: 1, step: 1 } as const;

/** The list at `key` for reading: undefined when missing, WRONGTYPE for another type. */
function readList(ctx: CommandContext, key: string): ListEntry | undefined {
  const entry = ctx.lookupRead(key);
  ctx.checkType(entry, 'list');
  return entry;
}

/** The list at `key` for writing: undefined when missing, WRONGTYPE for another type. */
export function writeList(ctx: CommandContext, key: string): ListEntry | undefined {
  const entry = ctx.lookupWrite(key);
  ctx.checkType(entry, 'list');
  return entry;
}

/** A new empty list stored at `key` (the caller pushes to it, then calls `modified`). */
function createList(ctx: CommandContext, key: string): ListEntry {
  const entry: ListEntry = { type: 'list', value: new Deque(), encoding: 'quicklist', expireAt: 0, access: 0, slot: 0 };
  ctx.addKey(key, entry);
  return entry;
}

/** A `long` argument (redis: getLongFromObjectOrReply); beyond 2^53 it exceeds any list. */
function parseLongOrThrow(arg: string): number {
  return Number(parseIntegerOrThrow(arg));
}

/** LEFT / RIGHT, any case (redis: getListPositionFromObjectOrReply). */
export function parseEndOrThrow(arg: string): End {
  const token = optionToken(arg);
  if (token === 'LEFT') return 'left';
  if (token === 'RIGHT') return 'right';
  fail(Errors.syntax);
}

/** An emptied list is deleted, with Redis's `del` event after the command's own. */
function deleteIfEmpty(ctx: CommandContext, key: string, entry: ListEntry): void {
  if (entry.value.length !== 0) return;
  ctx.db.delete(key);
  ctx.engine.notify(Notify.generic, 'del', key);
}

/**
 * Elements were popped from `entry` at `key`: the `lpop`/`rpop` event, then the key's
 * deletion when it is now empty (redis: listElementsRemoved).
 */
function elementsRemoved(ctx: CommandContext, key: string, entry: ListEntry, end: End, count: number): void {
  ctx.modified(key, Notify.list, end === 'left' ? 'lpop' : 'rpop', count);
  deleteIfEmpty(ctx, key, entry);
}

/** Pop up to `count` elements from a non-empty list, with events (redis: listPopRangeAndReplyWithKey). */
function popRange(ctx: CommandContext, key: string, entry: ListEntry, end: End, count: number): string[] {
  const d = entry.value;
  const n = Math.min(count, d.length);
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = end === 'left' ? d.popFront()! : d.popBack()!;
  elementsRemoved(ctx, key, entry, end, n);
  return out;
}

/** Pop one element from a non-empty list, with events. */
export function popOne(ctx: CommandContext, key: string, entry: ListEntry, end: End): string {
  const value = end === 'left' ? entry.value.popFront()! : entry.value.popBack()!;
  elementsRemoved(ctx, key, entry, end, 1);
  return value;
}

/** LPUSH / RPUSH / LPUSHX / RPUSHX (redis: pushGenericCommand): the new length. */
function pushGeneric(ctx: CommandContext, argv: string[], end: End, onlyIfExists: boolean): RawReply {
  const key = argv[1]!;
  let entry = writeList(ctx, key);
  if (entry === undefined) {
    if (onlyIfExists) return 0;
    entry = createList(ctx, key);
  }
  const d = entry.value;
  if (end === 'left') for (let j = 2; j < argv.length; j++) d.pushFront(argv[j]!);
  else for (let j = 2; j < argv.length; j++) d.pushBack(argv[j]!);
  ctx.modified(key, Notify.list, end === 'left' ? 'lpush' : 'rpush', argv.length - 2);
  return d.length;
}

/** LPOP / RPOP [count] (redis: popGenericCommand): nil or a bulk; with a count, an array or the null array. */
function popGeneric(ctx: CommandContext, argv: string[], end: End): RawReply {
  if (argv.length > 3) fail(Errors.wrongArity(ctx.spec.name));
  const hasCount = argv.length === 3;
  const count = hasCount ? parsePositiveCountOrThrow(argv[2]!) : 0;
  const key = argv[1]!;
  const entry = writeList(ctx, key);
  if (entry === undefined) return null;
  if (!hasCount) return popOne(ctx, key, entry, end);
  if (count === 0) return [];
  return popRange(ctx, key, entry, end, count);
}

/**
 * Pop `src`'s `from` end onto `dst`'s `to` end (redis: lmoveGenericCommand + lmoveHandlePush).
 * `src` must hold a non-empty list; `dst`'s type is checked before anything changes.
 * Events in Redis's order: `lpush`/`rpush` on dst, then `lpop`/`rpop` (and `del`) on src.
 */
export function moveElement(ctx: CommandContext, src: string, srcEntry: ListEntry, dst: string, from: End, to: End): string {
  let dstEntry = writeList(ctx, dst);
  const value = from === 'left' ? srcEntry.value.popFront()! : srcEntry.value.popBack()!;
  if (dstEntry === undefined) dstEntry = createList(ctx, dst);
  if (to === 'left') dstEntry.value.pushFront(value);
  else dstEntry.value.pushBack(value);
  ctx.modified(dst, Notify.list, to === 'left' ? 'lpush' : 'rpush', 0);
  elementsRemoved(ctx, src, srcEntry, from, 1);
  return value;
}

/** LMOVE / RPOPLPUSH: nil when `src` is missing (dst is then not even type-checked). */
function lmoveGeneric(ctx: CommandContext, src: string, dst: string, from: End, to: End): RawReply {
  const srcEntry = writeList(ctx, src);
  if (srcEntry === undefined) return null;
  return moveElement(ctx, src, srcEntry, dst, from, to);
}

export interface MpopArgs {
  keys: string[];
  end: End;
  count: number;
}

/**
 * `numkeys key… LEFT|RIGHT [COUNT n]` from `at` (redis: lmpopGenericCommand): numkeys,
 * then the direction, then COUNT, each with Redis's error.
 */
export function parseMpopOrThrow(argv: readonly string[], at: number): MpopArgs {
  const numkeys = parseIntegerOrThrow(argv[at]!, Errors.numkeysPositive);
  if (numkeys < 1) fail(Errors.numkeysPositive);
  const endAt = at + Number(numkeys) + 1;
  if (endAt >= argv.length) fail(Errors.syntax);
  const end = parseEndOrThrow(argv[endAt]!);
  let count = -1;
  for (let j = endAt + 1; j < argv.length; j++) {
    if (count === -1 && optionToken(argv[j]!) === 'COUNT' && j + 1 < argv.length) {
      const n = parseIntegerOrThrow(argv[++j]!, Errors.countPositive);
      if (n < 1) fail(Errors.countPositive);
      count = Number(n);
    } else fail(Errors.syntax);
  }
  return { keys: argv.slice(at + 1, endAt) as string[], end, count: count === -1 ? 1 : count };
}

/**
 * Pop from the first non-empty list of `keys` as `[key, elements]`, logged as `LPOP/RPOP key n`
 * (redis: mpopGenericCommand); WRONGTYPE on a key of another type met before one.
 * undefined when every key is missing.
 */
export function mpopFirst(ctx: CommandContext, keys: readonly string[], end: End, count: number): RawReply | undefined {
  for (const key of keys) {
    const entry = writeList(ctx, key);
    if (entry === undefined) continue;
    const popped = popRange(ctx, key, entry, end, count);
    ctx.rewrite(end === 'left' ? 'lpop' : 'rpop', key, String(popped.length));
    return [key, popped];
  }
  return undefined;
}

/** [start, end] of a list of `len` as Redis clamps LRANGE/LTRIM bounds; null when empty. */
function clampRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

function lrange(ctx: CommandContext, argv: string[]): RawReply {
  const start = parseLongOrThrow(argv[2]!);
  const stop = parseLongOrThrow(argv[3]!);
  const entry = readList(ctx, argv[1]!);
  if (entry === undefined) return [];
  const range = clampRange(start, stop, entry.value.length);
  if (range === null) return [];
  const out = entry.value.slice(range[0], range[1] + 1);
  // Every element is ASCII: callers may take the array as it is (reply.ts).
  return offerAscii(out, entry.value.ascii);
}

function lindex(ctx: CommandContext, argv: string[]): RawReply {
  const entry = readList(ctx, argv[1]!);
  if (entry === undefined) return null;
  let index = parseLongOrThrow(argv[2]!);
  const d = entry.value;
  if (index < 0) index += d.length;
  return index >= 0 && index < d.length ? d.get(index) : null;
}

function lset(ctx: CommandContext, argv: string[]): RawReply {
  const key = argv[1]!;
  const entry = writeList(ctx, key);
  if (entry === undefined) fail(Errors.noSuchKey);
  let index = parseLongOrThrow(argv[2]!);
  const d = entry.value;
  if (index < 0) index += d.length;
  if (index < 0 || index >= d.length) fail(Errors.outOfRange);
  d.set(index, argv[3]!);
  ctx.modified(key, Notify.list, 'lset');
  return OK;
}

function linsert(ctx: CommandContext, argv: string[]): RawReply {
  const where = optionToken(argv[2]!);
  if (where !== 'AFTER' && where !== 'BEFORE') fail(Errors.syntax);
  const key = argv[1]!;
  const entry = writeList(ctx, key);
  if (entry === undefined) return 0;
  const d = entry.value;
  const pivot = argv[3]!;
  for (let i = 0; i < d.length; i++) {
    if (d.get(i) !== pivot) continue;
    d.insert(where === 'AFTER' ? i + 1 : i, argv[4]!);
    ctx.modified(key, Notify.list, 'linsert');
    return d.length;
  }
  return -1;
}

/**
 * Index of the `n`-th element equal to `element` from the head, or from the tail when
 * `fromTail`; past the far end (length, or -1 from the tail) when there are fewer.
 */
function nthMatch(d: Deque, element: string, n: number, fromTail: boolean): number {
  const len = d.length;
  for (let k = 0, seen = 0; k < len; k++) {
    const i = fromTail ? len - 1 - k : k;
    if (d.get(i) === element && ++seen === n) return i;
  }
  return fromTail ? -1 : len;
}

function lrem(ctx: CommandContext, argv: string[]): RawReply {
  const toRemove = parseLongOrThrow(argv[2]!);
  const key = argv[1]!;
  const entry = writeList(ctx, key);
  if (entry === undefined) return 0;
  const d = entry.value;
  const element = argv[3]!;
  let removed: number;
  if (toRemove === 0) removed = d.removeWhere((v) => v === element);
  else {
    // Only the first |toRemove| matches from the head (> 0) or from the tail (< 0) go.
    const bound = nthMatch(d, element, Math.abs(toRemove), toRemove < 0);
    removed = d.removeWhere(toRemove > 0 ? (v, i) => i <= bound && v === element : (v, i) => i >= bound && v === element);
  }
  if (removed > 0) ctx.modified(key, Notify.list, 'lrem', removed);
  deleteIfEmpty(ctx, key, entry);
  return removed;
}

function ltrim(ctx: CommandContext, argv: string[]): RawReply {
  const start = parseLongOrThrow(argv[2]!);
  const stop = parseLongOrThrow(argv[3]!);
  const key = argv[1]!;
  const entry = writeList(ctx, key);
  if (entry === undefined) return OK;
  const d = entry.value;
  const len = d.length;
  const range = clampRange(start, stop, len);
  if (range === null) d.clear();
  else d.keepRange(range[0], range[1] + 1);
  // Redis announces `ltrim` even when nothing was trimmed, and counts only what was.
  ctx.engine.notify(Notify.list, 'ltrim', key);
  deleteIfEmpty(ctx, key, entry);
  ctx.modified(key, Notify.list, null, len - d.length);
  return OK;
}

/** LPOS key element [RANK r] [COUNT n] [MAXLEN m] (redis: lposCommand). */
function lpos(ctx: CommandContext, argv: string[]): RawReply {
  let rank = 1;
  /** RANK -2^63: Redis's `-rank` overflows and stays negative, so COUNT never stops it. */
  let rankOverflow = false;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const option = optionToken(argv[j]!);
    const more = j + 1 < argv.length;
    if (option === 'RANK' && more) {
      const value = parseIntegerOrThrow(argv[++j]!);
      if (value === 0) fail(Errors.lposRankZero);
      rankOverflow = value === INT64_MIN;
      rank = rankOverflow ? -1 : Number(value);
    } else if (option === 'COUNT' && more) {
      count = parsePositiveCountOrThrow(argv[++j]!, Errors.lposCountNegative);
    } else if (option === 'MAXLEN' && more) {
      maxlen = parsePositiveCountOrThrow(argv[++j]!, Errors.lposMaxlenNegative);
    } else fail(Errors.syntax);
  }
  const entry = readList(ctx, argv[1]!);
  if (entry === undefined) return count === -1 ? null : [];
  const d = entry.value;
  const len = d.length;
  const fromTail = rank < 0;
  const wanted = Math.abs(rank);
  const element = argv[2]!;
  const out: number[] = [];
  let matches = 0;
  for (let seen = 0; seen < len && (maxlen === 0 || seen < maxlen); seen++) {
    const index = fromTail ? len - 1 - seen : seen;
    if (d.get(index) !== element) continue;
    matches++;
    if (matches < wanted) continue;
    if (count === -1) return index;
    out.push(index);
    if (count !== 0 && !rankOverflow && matches - wanted + 1 >= count) break;
  }
  return count === -1 ? null : out;
}

// --- specs ----------------------------------------------------------------------------

const PUSH_SPEC: readonly KeySpec[] = oneKeySpec(['RW', 'insert']);
const POP_SPEC: readonly KeySpec[] = oneKeySpec(['RW', 'access', 'delete']);
/** LMOVE/RPOPLPUSH and their blocking forms: pop from the source, insert into the destination. */
export const MOVE_SPECS: readonly KeySpec[] = [keyAtSpec(['RW', 'access', 'delete'], 1), keyAtSpec(['RW', 'insert'], 2)];
const PUSH_COMPLEXITY =
  'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.';

export const listCommands: readonly CommandSpec[] = [
  {
    name: 'lpush', arity: -3, flags: ['write', 'denyoom', 'fast'], keys: ONE, keySpecs: PUSH_SPEC, group: 'list',
    summary: 'Prepend one or multiple elements to a list', since: '1.0.0', complexity: PUSH_COMPLEXITY,
    handler: (ctx, argv) => pushGeneric(ctx, argv, 'left', false),
  },
  {
    name: 'rpush', arity: -3, flags: ['write', 'denyoom', 'fast'], keys: ONE, keySpecs: PUSH_SPEC, group: 'list',
    summary: 'Append one or multiple elements to a list', since: '1.0.0', complexity: PUSH_COMPLEXITY,
    handler: (ctx, argv) => pushGeneric(ctx, argv, 'right', false),
  },
  {
    name: 'lpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], keys: ONE, keySpecs: PUSH_SPEC, group: 'list',
    summary: 'Prepend an element to a list, only if the list exists', since: '2.2.0', complexity: PUSH_COMPLEXITY,
    handler: (ctx, argv) => pushGeneric(ctx, argv, 'left', true),
  },
  {
    name: 'rpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], keys: ONE, keySpecs: PUSH_SPEC, group: 'list',
    summary: 'Append an element to a list, only if the list exists', since: '2.2.0', complexity: PUSH_COMPLEXITY,
    handler: (ctx, argv) => pushGeneric(ctx, argv, 'right', true),
  },
  {
    name: 'lpop', arity: -2, flags: ['write', 'fast'], keys: ONE, keySpecs: POP_SPEC, group: 'list',
    summary: 'Remove and get the first elements in a list', since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    handler: (ctx, argv) => popGeneric(ctx, argv, 'left'),
  },
  {
    name: 'rpop', arity: -2, flags: ['write', 'fast'], keys: ONE, keySpecs: POP_SPEC, group: 'list',
    summary: 'Remove and get the last elements in a list', since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    handler: (ctx, argv) => popGeneric(ctx, argv, 'right'),
  },
  {
    name: 'llen', arity: 2, flags: ['readonly', 'fast'], keys: ONE, keySpecs: oneKeySpec(['RO']), group: 'list',
    summary: 'Get the length of a list', since: '1.0.0', complexity: 'O(1)',
    handler: (ctx, argv) => readList(ctx, argv[1]!)?.value.length ?? 0,
  },
  {
    name: 'lrange', arity: 4, flags: ['readonly'], keys: ONE, group: 'list',
    summary: 'Get a range of elements from a list', since: '1.0.0',
    complexity:
      'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.',
    handler: lrange,
  },
  {
    name: 'lindex', arity: 3, flags: ['readonly'], keys: ONE, group: 'list',
    summary: 'Get an element from a list by its index', since: '1.0.0',
    complexity:
      'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).',
    handler: lindex,
  },
  {
    name: 'lset', arity: 4, flags: ['write', 'denyoom'], keys: ONE, group: 'list',
    summary: 'Set the value of an element in a list by its index', since: '1.0.0',
    complexity: 'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).',
    handler: lset,
  },
  {
    name: 'linsert', arity: 5, flags: ['write', 'denyoom'], keys: ONE, keySpecs: PUSH_SPEC, group: 'list',
    summary: 'Insert an element before or after another element in a list', since: '2.2.0',
    complexity:
      'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).',
    handler: linsert,
  },
  {
    name: 'lrem', arity: 4, flags: ['write'], keys: ONE, keySpecs: oneKeySpec(['RW', 'delete']), group: 'list',
    summary: 'Remove elements from a list', since: '1.0.0',
    complexity: 'O(N+M) where N is the length of the list and M is the number of elements removed.',
    handler: lrem,
  },
  {
    name: 'ltrim', arity: 4, flags: ['write'], keys: ONE, keySpecs: oneKeySpec(['RW', 'delete']), group: 'list',
    summary: 'Trim a list to the specified range', since: '1.0.0',
    complexity: 'O(N) where N is the number of elements to be removed by the operation.',
    handler: ltrim,
  },
  {
    name: 'lpos', arity: -3, flags: ['readonly'], keys: ONE, group: 'list',
    summary: 'Return the index of matching elements on a list', since: '6.0.6',
    complexity:
      'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.',
    handler: lpos,
  },
  {
    name: 'lmove', arity: 5, flags: ['write', 'denyoom'], keys: { first: 1, last: 2, step: 1 }, keySpecs: MOVE_SPECS, group: 'list',
    summary: 'Pop an element from a list, push it to another list and return it', since: '6.2.0', complexity: 'O(1)',
    handler: (ctx, argv) => {
      const from = parseEndOrThrow(argv[3]!);
      const to = parseEndOrThrow(argv[4]!);
      return lmoveGeneric(ctx, argv[1]!, argv[2]!, from, to);
    },
  },
  {
    name: 'rpoplpush', arity: 3, flags: ['write', 'denyoom'], keys: { first: 1, last: 2, step: 1 }, keySpecs: MOVE_SPECS, group: 'list',
    summary: 'Remove the last element in a list, prepend it to another list and return it', since: '1.2.0', complexity: 'O(1)',
    handler: (ctx, argv) => lmoveGeneric(ctx, argv[1]!, argv[2]!, 'right', 'left'),
  },
  {
    name: 'lmpop', arity: -4, flags: ['write'], keys: { first: 0, last: 0, step: 0 },
    getKeys: (argv) => numkeysPositions(argv, 1, false), keySpecs: [keynumSpec(['RW', 'access', 'delete'], 1)], group: 'list',
    summary: 'Pop elements from a list', since: '7.0.0',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    handler: (ctx, argv) => {
      const { keys, end, count } = parseMpopOrThrow(argv, 1);
      return mpopFirst(ctx, keys, end, count) ?? null;
    },
  },
];
