/**
 * Persistence commands: SAVE, BGSAVE, BGREWRITEAOF, LASTSAVE (redis: rdb.c, aof.c).
 *
 * Here the snapshot and the AOF base are one thing (src/persistence): SAVE, BGSAVE and
 * BGREWRITEAOF all write a new snapshot and drop the log it covers. SAVE walks the data in
 * one go and replies once it is stored; BGSAVE and BGREWRITEAOF walk it in slices while
 * commands keep running, as Redis's forked child does. Replies and errors are Redis's,
 * including "scheduled" when the other kind is running.
 */
import { NO_KEYS, type CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import { OK, Status, type RawReply } from '../reply.js';
import { READONLY, type Persistence } from '../../persistence/persistence.js';

const ADMIN = ['admin', 'noscript', 'no_async_loading'] as const;

function storeOrThrow(ctx: CommandContext): Persistence {
  const store = ctx.engine.persistence;
  if (store === null) fail(Errors.noStorage);
  return store;
}

function save(ctx: CommandContext): RawReply {
  const store = storeOrThrow(ctx);
  if (store.readOnly) fail(READONLY);
  if (store.snapshotRunning()) fail(Errors.bgsaveInProgress);
  store.save();
  return OK;
}

function bgsave(ctx: CommandContext, argv: string[]): RawReply {
  let schedule = false;
  if (argv.length > 1) {
    if (argv.length === 2 && argv[1]!.toLowerCase() === 'schedule') schedule = true;
    else fail(Errors.syntax);
  }
  const store = storeOrThrow(ctx);
  if (store.readOnly) fail(READONLY);
  if (store.snapshotRunning('bgsave')) fail(Errors.bgsaveInProgress);
  if (store.snapshotRunning('rewrite')) {
    if (!schedule) fail(Errors.bgsaveBusy);
    store.schedule('bgsave');
    return new Status('Background saving scheduled');
  }
  void store.startSnapshot('bgsave').catch(() => {});
  return new Status('Background saving started');
}

function bgrewriteaof(ctx: CommandContext): RawReply {
  const store = storeOrThrow(ctx);
  if (store.readOnly) fail(READONLY);
  if (store.snapshotRunning('rewrite')) fail(Errors.rewriteInProgress);
  if (store.snapshotRunning('bgsave')) {
    store.schedule('rewrite');
    return new Status('Background append only file rewriting scheduled');
  }
  void store.startSnapshot('rewrite').catch(() => {});
  return new Status('Background append only file rewriting started');
}

function lastsave(ctx: CommandContext): RawReply {
  const store = ctx.engine.persistence;
  return store === null ? Math.floor(ctx.engine.stats.startedAt / 1000) : store.lastSave;
}

export const persistenceCommands: readonly CommandSpec[] = [
  {
    name: 'save',
    arity: 1,
    flags: [...ADMIN, 'no_multi'],
    keys: NO_KEYS,
    group: 'server',
    summary: 'Synchronously save the dataset to disk',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of keys in all databases',
    handler: save,
  },
  {
    name: 'bgsave',
    arity: -1,
    flags: ADMIN,
    keys: NO_KEYS,
    group: 'server',
    summary: 'Asynchronously save the dataset to disk',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: bgsave,
  },
  {
    name: 'bgrewriteaof',
    arity: 1,
    flags: ADMIN,
    keys: NO_KEYS,
    group: 'server',
    summary: 'Asynchronously rewrite the append-only file',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: bgrewriteaof,
  },
  {
    name: 'lastsave',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    keys: NO_KEYS,
    group: 'server',
    summary: 'Get the UNIX time stamp of the last successful save to disk',
    since: '1.0.0',
    complexity: 'O(1)',
    acl: ['admin', 'dangerous'],
    tips: ['nondeterministic_output'],
    handler: lastsave,
  },
];
