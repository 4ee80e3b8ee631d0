/**
 * SORT and SORT_RO (redis: sort.c, 7.0): sort the elements of a list, set or sorted set,
 * numerically (strtod) or ALPHA, optionally by external keys (BY pattern, hash fields with
 * `->`), with LIMIT, GET patterns (`#` = the element) and STORE into a list.
 *
 * Redis's rules kept here:
 * - Options are parsed first (syntax and LIMIT errors before WRONGTYPE); a missing key is
 *   an empty list. The last STORE wins; SORT_RO has no STORE.
 * - BY without `*` (any of several BYs) means "don't sort": lists and sorted sets keep their own order (DESC
 *   walks it backwards, LIMIT takes the range directly); a set is sorted ALPHA when stored,
 *   so what is stored does not depend on hash order.
 * - Numeric ties compare the elements as binary strings; an element (or BY value) strtod
 *   cannot read whole answers "One or more scores can't be converted into double" after
 *   sorting, storing nothing. A BY or GET key that is missing or of the wrong type is
 *   treated as absent: weight 0 (or sorted first under ALPHA), GET gives nil (or "" when
 *   stored).
 */
import type { CommandSpec, KeySpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import type { Entry, ListEntry } from '../keyspace.js';
import { Notify } from '../notify.js';
import { parseIntegerOrThrow } from '../parse.js';
import { parseSortWeight } from '../parse-score.js';
import type { RawReply } from '../reply.js';
import { Deque } from '../types/deque.js';
import { orderedMembers } from '../types/set.js';
import { optionToken } from './string-common.js';

interface SortOptions {
  desc: boolean;
  alpha: boolean;
  limitStart: number;
  limitCount: number;
  by: string | null;
  /** BY names no key pattern (no `*`): keep the collection's own order. */
  dontSort: boolean;
  gets: string[];
  store: string | null;
}

/** A C `long` LIMIT argument; past 2^53 the exact value no longer matters to any range. */
function parseLongOrThrow(arg: string): number {
  return Number(parseIntegerOrThrow(arg));
}

function parseSortOptionsOrThrow(argv: readonly string[], readonly: boolean): SortOptions {
  const o: SortOptions = { desc: false, alpha: false, limitStart: 0, limitCount: -1, by: null, dontSort: false, gets: [], store: null };
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const token = optionToken(argv[j]!);
    if (token === 'ASC') o.desc = false;
    else if (token === 'DESC') o.desc = true;
    else if (token === 'ALPHA') o.alpha = true;
    else if (token === 'LIMIT' && left >= 2) {
      o.limitStart = parseLongOrThrow(argv[j + 1]!);
      o.limitCount = parseLongOrThrow(argv[j + 2]!);
      j += 2;
    } else if (!readonly && token === 'STORE' && left >= 1) o.store = argv[++j]!;
    else if (token === 'BY' && left >= 1) {
      o.by = argv[++j]!;
      // Sticky, as in Redis: a later BY with a pattern does not turn sorting back on.
      if (!cString(o.by).includes('*')) o.dontSort = true;
    } else if (token === 'GET' && left >= 1) o.gets.push(argv[++j]!);
    else fail(Errors.syntax);
  }
  return o;
}

/** The part of `s` C string functions (strchr, strstr) see: up to the first NUL. */
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
}

/**
 * The value a BY/GET pattern names for `element` (redis: lookupKeyByPattern): `#` is the
 * element; the first `*` is replaced by it; `key->field` reads a hash field. Null when
 * there is no `*`, or the key is missing or not of the type the pattern reads.
 */
function lookupByPattern(ctx: CommandContext, pattern: string, element: string): string | null {
  const c = cString(pattern);
  if (c === '#') return element;
  const star = c.indexOf('*');
  if (star === -1) return null;
  const arrow = c.indexOf('->', star + 1);
  const hasField = arrow !== -1 && arrow + 2 < c.length;
  const field = hasField ? pattern.slice(arrow + 2) : null;
  const key = pattern.slice(0, star) + element + pattern.slice(star + 1, hasField ? arrow : pattern.length);
  const entry = ctx.lookupRead(key);
  if (entry === undefined) return null;
  if (field !== null) return entry.type === 'hash' ? (entry.value.get(field) ?? null) : null;
  return entry.type === 'string' ? entry.value : null;
}

/** The elements to sort, already cut to [start, end] when they come in their own order. */
interface Loaded {
  elements: string[];
  start: number;
  end: number;
}

/** redis: the loading switch of sortCommandGeneric, with its LIMIT sanity checks. */
function loadElements(entry: Entry | undefined, o: SortOptions): Loaded {
  const length = entry === undefined ? 0 : entry.type === 'list' ? entry.value.length : entry.type === 'set' ? entry.value.size : entry.type === 'zset' ? entry.value.size : 0;
  let start = o.limitStart < 0 ? 0 : o.limitStart;
  let end = o.limitCount < 0 ? length - 1 : start + o.limitCount - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  if (end >= length) end = length - 1;
  if (entry === undefined) return { elements: [], start, end };
  if (o.dontSort && (entry.type === 'list' || entry.type === 'zset')) {
    // Their own order, read directly in the LIMIT range (forwards, or backwards for DESC).
    const elements: string[] = [];
    if (end >= start) {
      if (entry.type === 'list') {
        for (let i = start; i <= end; i++) elements.push(entry.value.get(o.desc ? length - 1 - i : i));
      } else {
        const lo = o.desc ? length - 1 - end : start;
        const hi = o.desc ? length - start : end + 1;
        entry.value.each(lo, hi, o.desc, (member) => {
          elements.push(member);
        });
      }
    }
    return elements.length === 0 ? { elements, start, end } : { elements, start: 0, end: end - start };
  }
  if (entry.type === 'list') return { elements: entry.value.toArray(), start, end };
  if (entry.type === 'set') return { elements: orderedMembers(entry), start, end };
  if (entry.type === 'zset') {
    const elements: string[] = [];
    entry.value.forEach((member) => {
      elements.push(member);
    });
    return { elements, start, end };
  }
  return { elements: [], start, end };
}

const compareBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Reorder `elements` in place by comparing their indexes (their weights live in side
 * arrays); `compare` may read `elements`, which change only once the order is settled.
 */
function sortByIndex(elements: string[], compare: (i: number, j: number) => number): void {
  const order = Array.from({ length: elements.length }, (_, i) => i).sort(compare);
  const sorted = order.map((i) => elements[i]!);
  for (let i = 0; i < sorted.length; i++) elements[i] = sorted[i]!;
}

/**
 * Sort `elements` in place as sortCompare does. Returns false when a weight could not be
 * read as a double (the caller answers the error after sorting, as Redis does).
 */
function sortElements(ctx: CommandContext, elements: string[], o: SortOptions): boolean {
  const n = elements.length;
  const sign = o.desc ? -1 : 1;
  if (o.alpha) {
    if (o.by === null) {
      elements.sort((a, b) => sign * compareBytes(a, b));
      return true;
    }
    const keys = elements.map((element) => lookupByPattern(ctx, o.by!, element));
    sortByIndex(elements, (i, j) => {
      const a = keys[i]!;
      const b = keys[j]!;
      // A missing BY value sorts first (ascending).
      const cmp = a === null || b === null ? (a === b ? 0 : a === null ? -1 : 1) : compareBytes(a, b);
      return sign * cmp;
    });
    return true;
  }
  let convertible = true;
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const value = o.by === null ? elements[i]! : lookupByPattern(ctx, o.by, elements[i]!);
    if (value === null) continue;
    const weight = parseSortWeight(value);
    if (weight === null) convertible = false;
    else weights[i] = weight;
  }
  sortByIndex(elements, (i, j) => {
    const a = weights[i]!;
    const b = weights[j]!;
    return sign * (a > b ? 1 : a < b ? -1 : compareBytes(elements[i]!, elements[j]!));
  });
  return convertible;
}

function sortGeneric(ctx: CommandContext, argv: string[], readonly: boolean): RawReply {
  const o = parseSortOptionsOrThrow(argv, readonly);
  const entry = ctx.lookupRead(argv[1]!);
  if (entry !== undefined && entry.type !== 'list' && entry.type !== 'set' && entry.type !== 'zset') fail(Errors.wrongType);
  if (o.dontSort && entry?.type === 'set' && o.store !== null) {
    // What is stored must not depend on the set's hash order.
    o.dontSort = false;
    o.alpha = true;
    o.by = null;
  }
  const { elements, start, end } = loadElements(entry, o);
  const convertible = o.dontSort || sortElements(ctx, elements, o);
  if (!convertible) fail(Errors.sortNotDouble);

  const out: string[] = [];
  const outNil: (string | null)[] = [];
  for (let j = start; j <= end; j++) {
    const element = elements[j]!;
    if (o.gets.length === 0) {
      out.push(element);
      outNil.push(element);
    }
    for (const pattern of o.gets) {
      const value = lookupByPattern(ctx, pattern, element);
      out.push(value ?? '');
      outNil.push(value);
    }
  }
  if (o.store === null) return outNil;

  const dst = o.store;
  const existed = ctx.lookupWrite(dst) !== undefined;
  if (out.length > 0) {
    const stored: ListEntry = { type: 'list', value: Deque.from(out), encoding: 'quicklist', expireAt: 0, access: 0, slot: 0 };
    if (existed) ctx.db.set(dst, stored);
    else ctx.addKey(dst, stored);
    ctx.modified(dst, Notify.list, 'sortstore', out.length);
  } else if (existed) {
    ctx.db.delete(dst);
    ctx.modified(dst, Notify.generic, 'del');
  }
  return out.length;
}

/**
 * The keys of a SORT line (redis: sortGetKeys): the sorted key, and the last STORE's
 * argument. LIMIT, GET and BY skip their arguments; STORE does not skip its own.
 */
function sortKeyPositions(argv: readonly string[]): number[] {
  const SKIP: Record<string, number> = { LIMIT: 2, GET: 1, BY: 1 };
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const token = argv[i]!.toUpperCase();
    const skip = SKIP[token];
    if (skip !== undefined) i += skip;
    else if (token === 'STORE' && i + 1 < argv.length) store = i + 1;
  }
  return store === -1 ? [1] : [1, store];
}

const SORTED_KEY_SPEC: KeySpec = { flags: ['RO', 'access'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } };
const BY_GET_SPEC: KeySpec = {
  notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
  flags: ['RO', 'access'],
  begin: 'unknown',
  find: 'unknown',
};
const STORE_SPEC: KeySpec = {
  notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
  flags: ['OW', 'update'],
  begin: 'unknown',
  find: 'unknown',
};
const COMPLEXITY =
  'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).';

export const sortCommands: readonly CommandSpec[] = [
  {
    name: 'sort',
    arity: -2,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: 1, step: 1 },
    getKeys: sortKeyPositions,
    keyFlags: (_argv, pos) => (pos === 1 ? ['RO', 'access'] : ['OW', 'update']),
    keySpecs: [SORTED_KEY_SPEC, BY_GET_SPEC, STORE_SPEC],
    acl: ['set', 'sortedset', 'list', 'dangerous'],
    group: 'generic',
    summary: 'Sort the elements in a list, set or sorted set',
    since: '1.0.0',
    complexity: COMPLEXITY,
    handler: (ctx, argv) => sortGeneric(ctx, argv, false),
  },
  {
    name: 'sort_ro',
    arity: -2,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    getKeys: () => [1],
    keySpecs: [SORTED_KEY_SPEC, BY_GET_SPEC],
    acl: ['set', 'sortedset', 'list', 'dangerous'],
    group: 'generic',
    summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.',
    since: '7.0.0',
    complexity: COMPLEXITY,
    handler: (ctx, argv) => sortGeneric(ctx, argv, true),
  },
];
