/**
 * Blocking list commands (redis: t_list.c blockingPopGenericCommand, blmoveGenericCommand,
 * serveClientBlockedOnList; 7.0): BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP.
 *
 * With data at hand each behaves as its non-blocking form and is logged as it (BLPOP →
 * LPOP key, BLMOVE → LMOVE, BLMPOP → LPOP key n). Otherwise the client waits on the keys
 * (blocking.ts) and is served when one is pushed to, logged the same way.
 */
import { NO_KEYS, type CommandSpec, type KeySpec } from '../command.js';
import { Errors, fail } from '../errors.js';
import { isToken, parseIntegerOrThrow } from '../parse.js';
import type { CommandContext } from '../context.js';
import { parseBlockTimeoutOrThrow } from '../blocking.js';
import type { RawReply } from '../reply.js';
import { MOVE_SPECS, moveElement, mpopFirst, parseEndOrThrow, parseMpopOrThrow, popOne, writeList, type End } from './list.js';
import { keynumSpec, numkeysPositions } from './zset-common.js';

/** BLPOP / BRPOP key… timeout: `[key, element]`, or the null array on timeout. */
function blockingPop(ctx: CommandContext, argv: string[], end: End): RawReply {
  const deadline = parseBlockTimeoutOrThrow(ctx, argv[argv.length - 1]!);
  const keys = argv.slice(1, -1);
  const pop = (ctx: CommandContext, key: string): RawReply | undefined => {
    const entry = writeList(ctx, key);
    if (entry === undefined) return undefined;
    const value = popOne(ctx, key, entry, end);
    ctx.rewrite(end === 'left' ? 'lpop' : 'rpop', key);
    return [key, value];
  };
  for (const key of keys) {
    const served = pop(ctx, key);
    if (served !== undefined) return served;
  }
  return ctx.engine.blocking.block(ctx, argv, { keys, type: 'list', deadline, timeoutReply: null, serve: pop });
}

/** BLMPOP timeout numkeys key… LEFT|RIGHT [COUNT n]: `[key, elements]`, or the null array. */
function blmpop(ctx: CommandContext, argv: string[]): RawReply {
  const { keys, end, count } = parseMpopOrThrow(argv, 2);
  const deadline = parseBlockTimeoutOrThrow(ctx, argv[1]!);
  const pop = (ctx: CommandContext, key: string): RawReply | undefined => mpopFirst(ctx, [key], end, count);
  const served = mpopFirst(ctx, keys, end, count);
  if (served !== undefined) return served;
  return ctx.engine.blocking.block(ctx, argv, { keys, type: 'list', deadline, timeoutReply: null, serve: pop });
}

/**
 * BLMOVE / BRPOPLPUSH: the moved element, or nil on timeout. Only the source is checked
 * before blocking; the destination's type when an element moves (WRONGTYPE then).
 * Logged as LMOVE / RPOPLPUSH: with data at hand Redis rewrites the client's own argv (the
 * directions as typed), a served client is logged with its shared `left`/`right` objects.
 */
function blmoveGeneric(ctx: CommandContext, argv: string[], from: End, to: End, timeoutArg: string, rpoplpush: boolean): RawReply {
  const deadline = parseBlockTimeoutOrThrow(ctx, timeoutArg);
  const src = argv[1]!;
  const dst = argv[2]!;
  const move = (ctx: CommandContext, key: string, fromArg: string, toArg: string): RawReply | undefined => {
    const entry = writeList(ctx, key);
    if (entry === undefined) return undefined;
    const value = moveElement(ctx, key, entry, dst, from, to);
    if (rpoplpush) ctx.rewrite('rpoplpush', key, dst);
    else ctx.rewrite('lmove', key, dst, fromArg, toArg);
    return value;
  };
  const served = rpoplpush ? move(ctx, src, from, to) : move(ctx, src, argv[3]!, argv[4]!);
  if (served !== undefined) return served;
  const serve = (ctx: CommandContext, key: string) => move(ctx, key, from, to);
  return ctx.engine.blocking.block(ctx, argv, { keys: [src], type: 'list', deadline, timeoutReply: null, serve });
}

const BLOCKING_POP_SPEC: readonly KeySpec[] = [
  { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { lastKey: -2, keyStep: 1, limit: 0 } },
];

export const listBlockingCommands: readonly CommandSpec[] = [
  {
    name: 'blpop', arity: -3, flags: ['write', 'noscript', 'blocking'], keys: { first: 1, last: -2, step: 1 },
    keySpecs: BLOCKING_POP_SPEC, group: 'list',
    summary: 'Remove and get the first element in a list, or block until one is available', since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    handler: (ctx, argv) => blockingPop(ctx, argv, 'left'),
  },
  {
    name: 'brpop', arity: -3, flags: ['write', 'noscript', 'blocking'], keys: { first: 1, last: -2, step: 1 },
    keySpecs: BLOCKING_POP_SPEC, group: 'list',
    summary: 'Remove and get the last element in a list, or block until one is available', since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    handler: (ctx, argv) => blockingPop(ctx, argv, 'right'),
  },
  {
    name: 'blmove', arity: 6, flags: ['write', 'denyoom', 'noscript', 'blocking'], keys: { first: 1, last: 2, step: 1 },
    keySpecs: MOVE_SPECS, group: 'list',
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    since: '6.2.0', complexity: 'O(1)',
    handler: (ctx, argv) => {
      const from = parseEndOrThrow(argv[3]!);
      const to = parseEndOrThrow(argv[4]!);
      return blmoveGeneric(ctx, argv, from, to, argv[5]!, false);
    },
  },
  {
    name: 'brpoplpush', arity: 4, flags: ['write', 'denyoom', 'noscript', 'blocking'], keys: { first: 1, last: 2, step: 1 },
    keySpecs: MOVE_SPECS, group: 'list',
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    since: '2.2.0', complexity: 'O(1)',
    handler: (ctx, argv) => blmoveGeneric(ctx, argv, 'right', 'left', argv[3]!, true),
  },
  {
    name: 'blmpop', arity: -5, flags: ['write', 'blocking'], keys: { first: 0, last: 0, step: 0 },
    getKeys: (argv) => numkeysPositions(argv, 2, false), keySpecs: [keynumSpec(['RW', 'access', 'delete'], 2)], group: 'list',
    summary: 'Pop elements from a list, or block until one is available', since: '7.0.0',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    handler: blmpop,
  },
];

/**
 * CLIENT UNBLOCK id [TIMEOUT|ERROR] (redis: clientCommand): answer a blocked client as on
 * timeout, or with -UNBLOCKED. 1 when it was blocked, else 0. Listed under CLIENT.
 */
export const clientUnblockCommand: CommandSpec = {
  name: 'client|unblock', arity: -3, flags: ['admin', 'noscript', 'loading', 'stale'], keys: NO_KEYS, group: 'connection',
  summary: 'Unblock a client blocked in a blocking command from a different connection', since: '5.0.0',
  complexity: 'O(log N) where N is the number of client connections',
  handler: (ctx, argv) => {
    if (argv.length > 4) fail(Errors.subcommandSyntax(argv[1]!, argv[0]!));
    let error = false;
    if (argv.length === 4) {
      if (isToken(argv[3]!, 'ERROR')) error = true;
      else if (!isToken(argv[3]!, 'TIMEOUT')) fail(Errors.unblockReason);
    }
    const id = parseIntegerOrThrow(argv[2]!);
    const target = ctx.engine.clients.get(Number(id));
    return target !== undefined && ctx.engine.blocking.unblockClient(target, error) ? 1 : 0;
  },
};
