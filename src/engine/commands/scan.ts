/**
 * KEYS and SCAN (redis: keysCommand, scanGenericCommand).
 *
 * SCAN walks the keyspace's dense slot index from the top slot down (see keyspace.ts):
 * the cursor is how many slots are still to visit, so 0 both starts (all of them) and
 * ends a scan. A key deleted in between swap-fills its slot with the top key, which has
 * either been visited already or is still below the cursor: every key present for the
 * whole scan is returned at least once, whatever is added or deleted between calls.
 *
 * HSCAN, SSCAN and ZSCAN share the option parser and `scanCollection`, which walks a big
 * collection's DenseIndex the same way (types/scan-cursor.ts).
 */
import { NO_KEYS, type CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import { globMatch } from '../glob.js';
import { parseInt64 } from '../parse.js';
import type { RawReply } from '../reply.js';
import { scanStep, type DenseIndex } from '../types/scan-cursor.js';
import { optionToken } from './string-common.js';

const ULONG_MAX = 18446744073709551615n;
const DECIMAL = /^[+-]?\d+$/;

/**
 * A SCAN cursor as Redis reads it with strtoul: an unsigned 64-bit decimal, with an
 * optional sign ('-n' wraps modulo 2^64), leading zeros allowed, no spaces; "" is 0.
 */
export function parseScanCursorOrThrow(arg: string): bigint {
  if (arg === '') return 0n;
  if (!DECIMAL.test(arg)) fail(Errors.invalidCursor);
  const negative = arg.charCodeAt(0) === 45; /* - */
  const magnitude = BigInt(arg.charCodeAt(0) === 43 /* + */ || negative ? arg.slice(1) : arg);
  if (magnitude > ULONG_MAX) fail(Errors.invalidCursor);
  return negative ? BigInt.asUintN(64, -magnitude) : magnitude;
}

export interface ScanOptions {
  count: number;
  /** null: every key ("*" is a no-op as in Redis). */
  pattern: string | null;
  /** Lowercased type name to keep, or null. */
  type: string | null;
}

/**
 * SCAN-family options from argv[from] on (redis: scanGenericCommand step 1): COUNT ≥ 1,
 * MATCH, and TYPE only where `allowType` (SCAN itself; HSCAN/SSCAN/ZSCAN refuse it).
 */
export function parseScanOptionsOrThrow(argv: readonly string[], from: number, allowType = true): ScanOptions {
  const options: ScanOptions = { count: 10, pattern: null, type: null };
  for (let j = from; j < argv.length; j += 2) {
    const token = optionToken(argv[j]!);
    if (j + 1 >= argv.length) fail(Errors.syntax);
    const value = argv[j + 1]!;
    if (token === 'COUNT') {
      const count = parseInt64(value);
      if (count === null) fail(Errors.notInteger);
      if (count < 1) fail(Errors.syntax);
      options.count = Number(count);
    } else if (token === 'MATCH') {
      options.pattern = value === '*' ? null : value;
    } else if (token === 'TYPE' && allowType) {
      // Compared with strcasecmp: the name ends at a NUL byte, an unknown one matches nothing.
      options.type = optionToken(value).toLowerCase();
    } else fail(Errors.syntax);
  }
  return options;
}

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. COUNT is how many slots to visit. */
function scanCommand(ctx: CommandContext, argv: string[]): RawReply {
  const cursor = parseScanCursorOrThrow(argv[1]!);
  const { count, pattern, type } = parseScanOptionsOrThrow(argv, 2);
  const db = ctx.db;
  const slots = db.slotCount;
  // Keys deleted since the last call shrink the index: the unvisited ones are all below it.
  const top = cursor === 0n || cursor > BigInt(slots) ? slots : Number(cursor);
  const end = Math.max(0, top - count);
  const visited: string[] = [];
  for (let slot = top - 1; slot >= end; slot--) visited.push(db.keyAtSlot(slot)!);
  // Filter after collecting, as Redis does: the expiry step may delete (and swap) keys.
  const keys: string[] = [];
  for (const key of visited) {
    if (pattern !== null && !globMatch(pattern, key)) continue;
    if (type !== null && (ctx.lookupReadNoTouch(key)?.type ?? 'none') !== type) continue;
    if (db.isLogicallyExpired(key)) {
      db.peek(key);
      continue;
    }
    keys.push(key);
  }
  return [String(end), keys];
}

/** How HSCAN / SSCAN / ZSCAN see one collection (see `scanCollection`). */
export interface CollectionScanSource {
  /** True for small encodings (listpack, intset): Redis replies them whole, cursor 0. */
  whole: boolean;
  /** Every member in the collection's order (used when `whole`). */
  members(): Iterable<string>;
  /** The collection's dense index (used when not `whole`; types/scan-cursor.ts). */
  index(): DenseIndex;
  /** The string replied after each member (a hash value, a score), or null for sets. */
  valueOf: ((member: string) => string) | null;
}

/**
 * HSCAN / SSCAN / ZSCAN after the key was found and type-checked (redis:
 * scanGenericCommand): parse the options from argv[3], visit the members, drop those
 * MATCH rejects (a pair is kept or dropped by its member), reply [cursor, items].
 */
export function scanCollection(argv: readonly string[], cursor: bigint, source: CollectionScanSource): RawReply {
  const { count, pattern } = parseScanOptionsOrThrow(argv, 3, false);
  let next = 0;
  let visited: Iterable<string>;
  if (source.whole) visited = source.members();
  else {
    const step = scanStep(source.index(), cursor, count);
    next = step.cursor;
    visited = step.members;
  }
  const items: string[] = [];
  const valueOf = source.valueOf;
  for (const member of visited) {
    if (pattern !== null && !globMatch(pattern, member)) continue;
    items.push(member);
    if (valueOf !== null) items.push(valueOf(member));
  }
  return [String(next), items];
}

export const scanCommands: readonly CommandSpec[] = [
  {
    name: 'keys',
    arity: 2,
    flags: ['readonly'],
    keys: NO_KEYS,
    acl: ['keyspace', 'dangerous'],
    tips: ['request_policy:all_shards', 'nondeterministic_output_order'],
    group: 'generic',
    summary: 'Find all keys matching the given pattern',
    since: '1.0.0',
    complexity:
      'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.',
    // Expired keys are skipped but not deleted, as in Redis.
    handler: (ctx, argv) => {
      const pattern = argv[1]!;
      const all = pattern === '*';
      const now = ctx.now;
      const out: string[] = [];
      for (const [key, entry] of ctx.db.map) {
        if ((all || globMatch(pattern, key)) && (entry.expireAt === 0 || now <= entry.expireAt)) out.push(key);
      }
      return out;
    },
  },
  {
    name: 'scan',
    arity: -2,
    flags: ['readonly'],
    keys: NO_KEYS,
    tips: ['nondeterministic_output', 'request_policy:special'],
    group: 'generic',
    summary: 'Incrementally iterate the keys space',
    since: '2.8.0',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    handler: scanCommand,
  },
];
