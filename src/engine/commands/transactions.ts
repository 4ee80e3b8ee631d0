/**
 * MULTI, EXEC, DISCARD, WATCH, UNWATCH with Redis 7 semantics (redis: multi.c).
 * Queueing itself happens in Engine.execute; these handlers run the transaction.
 */
import { ONE_KEY, NO_KEYS, type CommandSpec } from '../command.js';
import { Errors, ReplyError, fail } from '../errors.js';
import { OK, type RawReply } from '../reply.js';

export const transactionCommands: readonly CommandSpec[] = [
  {
    name: 'multi',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    keys: NO_KEYS,
    group: 'transactions',
    summary: 'Mark the start of a transaction block',
    since: '1.2.0',
    complexity: 'O(1)',
    handler: (ctx) => {
      if (ctx.conn.multi !== null) fail(Errors.nestedMulti);
      ctx.conn.multi = { queue: [], failed: false };
      return OK;
    },
  },
  {
    name: 'exec',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    keys: NO_KEYS,
    group: 'transactions',
    summary: 'Execute all commands issued after MULTI',
    since: '1.2.0',
    complexity: 'Depends on commands in the transaction',
    handler: (ctx) => {
      const { conn, engine } = ctx;
      const multi = conn.multi;
      if (multi === null) fail(Errors.execWithoutMulti);
      if (multi.failed) {
        conn.multi = null;
        engine.watches.unwatchAll(conn);
        return new ReplyError(Errors.execAbort);
      }
      const aborted = conn.dirtyCAS || engine.watches.expiredSinceWatched(conn);
      engine.watches.unwatchAll(conn);
      if (aborted) {
        conn.multi = null;
        return null;
      }
      const mark = engine.effectMark;
      const replies: RawReply[] = new Array(multi.queue.length);
      // The connection stays in MULTI while its commands run, as in Redis (CLIENT INFO shows it).
      for (let i = 0; i < multi.queue.length; i++) {
        const { spec, argv } = multi.queue[i]!;
        replies[i] = engine.run(conn, spec, argv);
      }
      conn.multi = null;
      engine.wrapEffectsSince(mark);
      return replies;
    },
  },
  {
    name: 'discard',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    keys: NO_KEYS,
    group: 'transactions',
    summary: 'Discard all commands issued after MULTI',
    since: '2.0.0',
    complexity: 'O(N), when N is the number of queued commands',
    handler: (ctx) => {
      if (ctx.conn.multi === null) fail(Errors.discardWithoutMulti);
      ctx.conn.multi = null;
      ctx.engine.watches.unwatchAll(ctx.conn);
      return OK;
    },
  },
  {
    name: 'watch',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    keys: { ...ONE_KEY, last: -1 },
    group: 'transactions',
    summary: 'Watch the given keys to determine execution of the MULTI/EXEC block',
    since: '2.2.0',
    complexity: 'O(1) for every key.',
    handler: (ctx, argv) => {
      if (ctx.conn.multi !== null) fail(Errors.watchInsideMulti);
      for (let i = 1; i < argv.length; i++) ctx.engine.watches.watch(ctx.conn, argv[i]!);
      return OK;
    },
  },
  {
    name: 'unwatch',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    keys: NO_KEYS,
    group: 'transactions',
    summary: 'Forget about all watched keys',
    since: '2.2.0',
    complexity: 'O(1)',
    handler: (ctx) => {
      ctx.engine.watches.unwatchAll(ctx.conn);
      return OK;
    },
  },
];
