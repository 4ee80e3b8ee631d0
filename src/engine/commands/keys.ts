/**
 * The generic key commands (redis: db.c): DEL, UNLINK, EXISTS, TYPE, RENAME, RENAMENX,
 * COPY, RANDOMKEY, TOUCH, plus KEYS/SCAN (scan.ts) and OBJECT (object.ts).
 * DBSIZE, FLUSHDB and FLUSHALL live with the server family (server.ts).
 *
 * Everything here is written over `entry.type`; COPY's deep copy is the type's own
 * (type-ops.ts).
 */
import { ALL_KEYS, NO_KEYS, type CommandSpec, type KeySpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import { Notify } from '../notify.js';
import { parseInt64 } from '../parse.js';
import { OK, Status, type RawReply } from '../reply.js';
import { typeOps } from '../type-ops.js';
import { objectCommand } from './object.js';
import { scanCommands } from './scan.js';
import { optionToken } from './string-common.js';

/** The key spec of a command with one key at `index` (commands/*.json). */
function keyAt(index: number, flags: readonly string[]): KeySpec {
  return { flags, begin: { index }, find: { lastKey: 0, keyStep: 1, limit: 0 } };
}

/** Every argument from 1 on is a key with `flags`. */
const allKeysSpec = (flags: readonly string[]): readonly KeySpec[] => [
  { flags, begin: { index: 1 }, find: { lastKey: -1, keyStep: 1, limit: 0 } },
];

const TWO_KEYS = { first: 1, last: 2, step: 1 };

/** DEL / UNLINK: remove each live key; both free at once here (redis: delGenericCommand). */
function delGeneric(ctx: CommandContext, argv: string[]): number {
  let deleted = 0;
  for (let j = 1; j < argv.length; j++) {
    const key = argv[j]!;
    // peek first: an expired key is expired (and logged) rather than counted as deleted.
    if (ctx.db.peek(key) === undefined) continue;
    ctx.db.delete(key);
    ctx.modified(key, Notify.generic, 'del');
    deleted++;
  }
  return deleted;
}

/**
 * RENAME / RENAMENX (redis: renameGenericCommand). A missing source is an error even when
 * both names are the same; the same existing key is a no-op. The value moves with its
 * deadline; an existing destination is overwritten (RENAME) or left alone (RENAMENX → 0).
 */
function renameGeneric(ctx: CommandContext, argv: string[], nx: boolean): RawReply {
  const src = argv[1]!;
  const dst = argv[2]!;
  const entry = ctx.lookupWrite(src);
  if (entry === undefined) fail(Errors.noSuchKey);
  if (src === dst) return nx ? 0 : OK;
  // Looked up even for RENAME: an expired destination is expired (and logged) first.
  const dstExists = ctx.lookupWrite(dst) !== undefined;
  if (nx && dstExists) return 0;
  ctx.db.delete(src);
  // An existing destination is replaced in place (see Keyspace.set), as if deleted first:
  // the key is new either way (redis: dbDelete, then dbAdd publishes `new`).
  ctx.db.set(dst, entry, false);
  ctx.engine.notify(Notify.newKey, 'new', dst);
  ctx.engine.signalModifiedKey(src);
  ctx.engine.signalModifiedKey(dst);
  ctx.engine.notify(Notify.generic, 'rename_from', src);
  ctx.engine.notify(Notify.generic, 'rename_to', dst);
  ctx.dirty++;
  return nx ? 1 : OK;
}

/** COPY options: REPLACE, and DB, where only database 0 exists here. */
function parseCopyOptionsOrThrow(argv: string[]): { replace: boolean } {
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const token = optionToken(argv[j]!);
    if (token === 'REPLACE') replace = true;
    else if (token === 'DB' && j + 1 < argv.length) {
      const db = parseInt64(argv[++j]!);
      if (db === null) fail(Errors.notInteger);
      if (db < -2147483648 || db > 2147483647) fail(Errors.intOutOfRange);
      if (db !== 0) fail(Errors.dbIndexOutOfRange);
    } else fail(Errors.syntax);
  }
  return { replace };
}

/** COPY source destination [DB index] [REPLACE] (redis: copyCommand). */
function copyCommand(ctx: CommandContext, argv: string[]): RawReply {
  const { replace } = parseCopyOptionsOrThrow(argv);
  const src = argv[1]!;
  const dst = argv[2]!;
  if (src === dst) fail(Errors.sameObject);
  const entry = ctx.lookupRead(src);
  if (entry === undefined) return 0;
  if (ctx.lookupWrite(dst) !== undefined && !replace) return 0;
  const copy = typeOps(entry).copy(entry);
  copy.expireAt = entry.expireAt;
  ctx.db.set(dst, copy, false);
  ctx.engine.notify(Notify.newKey, 'new', dst);
  ctx.modified(dst, Notify.generic, 'copy_to');
  return 1;
}

export const keyCommands: readonly CommandSpec[] = [
  {
    name: 'del',
    arity: -2,
    flags: ['write'],
    keys: ALL_KEYS,
    keySpecs: allKeysSpec(['RM', 'delete']),
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    group: 'generic',
    summary: 'Delete a key',
    since: '1.0.0',
    complexity:
      'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).',
    handler: delGeneric,
  },
  {
    name: 'unlink',
    arity: -2,
    flags: ['write', 'fast'],
    keys: ALL_KEYS,
    keySpecs: allKeysSpec(['RM', 'delete']),
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    group: 'generic',
    summary: 'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.',
    since: '4.0.0',
    complexity:
      'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.',
    handler: delGeneric,
  },
  {
    name: 'exists',
    arity: -2,
    flags: ['readonly', 'fast'],
    keys: ALL_KEYS,
    keySpecs: allKeysSpec(['RO']),
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    group: 'generic',
    summary: 'Determine if a key exists',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys to check.',
    lookupOnly: true,
    // A key named twice counts twice.
    handler: (ctx, argv) => {
      let count = 0;
      for (let j = 1; j < argv.length; j++) if (ctx.lookupReadNoTouch(argv[j]!) !== undefined) count++;
      return count;
    },
  },
  {
    name: 'type',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    keySpecs: [keyAt(1, ['RO'])],
    group: 'generic',
    summary: 'Determine the type stored at key',
    since: '1.0.0',
    complexity: 'O(1)',
    // Entry tags are Redis's type names.
    handler: (ctx, argv) => new Status(ctx.lookupReadNoTouch(argv[1]!)?.type ?? 'none'),
  },
  {
    name: 'rename',
    arity: 3,
    flags: ['write'],
    keys: TWO_KEYS,
    keySpecs: [keyAt(1, ['RW', 'access', 'delete']), keyAt(2, ['OW', 'update'])],
    group: 'generic',
    summary: 'Rename a key',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => renameGeneric(ctx, argv, false),
  },
  {
    name: 'renamenx',
    arity: 3,
    flags: ['write', 'fast'],
    keys: TWO_KEYS,
    keySpecs: [keyAt(1, ['RW', 'access', 'delete']), keyAt(2, ['OW', 'insert'])],
    group: 'generic',
    summary: 'Rename a key, only if the new key does not exist',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => renameGeneric(ctx, argv, true),
  },
  {
    name: 'copy',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: TWO_KEYS,
    keySpecs: [keyAt(1, ['RO', 'access']), keyAt(2, ['OW', 'update'])],
    group: 'generic',
    summary: 'Copy a key',
    since: '6.2.0',
    complexity: 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
    handler: copyCommand,
  },
  {
    name: 'randomkey',
    arity: 1,
    flags: ['readonly'],
    keys: NO_KEYS,
    tips: ['request_policy:all_shards', 'nondeterministic_output'],
    group: 'generic',
    summary: 'Return a random key from the keyspace',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx) => ctx.db.randomKey(ctx.engine.random) ?? null,
  },
  {
    name: 'touch',
    arity: -2,
    flags: ['readonly', 'fast'],
    keys: ALL_KEYS,
    keySpecs: allKeysSpec(['RO']),
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    group: 'generic',
    summary: 'Alters the last access time of a key(s). Returns the number of existing keys specified.',
    since: '3.2.1',
    complexity: 'O(N) where N is the number of keys that will be touched.',
    handler: (ctx, argv) => {
      let touched = 0;
      for (let j = 1; j < argv.length; j++) if (ctx.lookupRead(argv[j]!) !== undefined) touched++;
      return touched;
    },
  },
  ...scanCommands,
  objectCommand,
];
