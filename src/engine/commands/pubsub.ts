/**
 * Pub/sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB …,
 * SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH (redis: pubsub.c), and MONITOR (redis: replication.c).
 * The registry and delivery live in ../pubsub.ts.
 *
 * Replies of the (P|S)(UN)SUBSCRIBE family: Redis writes one RESP2 array per channel
 * (`subscribe`, channel, count) and no other reply. Here each confirmation is delivered as a
 * push (`Connection.onPush`, in order with messages), and the command's reply is the list
 * of the same confirmations, so `await conn.call(['SUBSCRIBE', 'a'])` tells what happened.
 * A RESP front end writes the pushes and skips these commands' replies
 * (`isSubscribeFamily`). One shard here: shard channels are a separate space, never a
 * cross-slot error.
 */
import { NO_KEYS, type CommandSpec, type KeySpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import { globMatch } from '../glob.js';
import { OK, type RawReply } from '../reply.js';

type Space = 'channels' | 'patterns' | 'shardChannels';

const SUBSCRIBE_FAMILY = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ssubscribe', 'sunsubscribe']);

/** True for the commands whose replies are confirmations already pushed (see above). */
export function isSubscribeFamily(name: string): boolean {
  return SUBSCRIBE_FAMILY.has(name.toLowerCase());
}

/** The count a confirmation carries: channels + patterns, or shard channels alone. */
function countOf(ctx: CommandContext, space: Space): number {
  const state = ctx.conn.pubsub;
  if (state === null) return 0;
  return space === 'shardChannels' ? state.shardChannels.size : state.count;
}

function confirm(ctx: CommandContext, kind: string, name: string | null, space: Space): RawReply[] {
  const confirmation: RawReply[] = [kind, name, countOf(ctx, space)];
  ctx.engine.pubsub.push(ctx.conn, confirmation);
  return confirmation;
}

function subscribeGeneric(ctx: CommandContext, argv: string[], space: Space, kind: string): RawReply {
  const pubsub = ctx.engine.pubsub;
  const out: RawReply[] = [];
  for (let i = 1; i < argv.length; i++) {
    pubsub.subscribe(ctx.conn, space, argv[i]!);
    out.push(confirm(ctx, kind, argv[i]!, space));
  }
  return out;
}

/**
 * UNSUBSCRIBE-family: the named subscriptions, or all of the connection's when none is
 * named; with nothing to drop, one confirmation with a nil name (redis: pubsubUnsubscribeAll…).
 */
function unsubscribeGeneric(ctx: CommandContext, argv: string[], space: Space, kind: string): RawReply {
  const pubsub = ctx.engine.pubsub;
  const names = argv.length > 1 ? argv.slice(1) : [...(ctx.conn.pubsub?.[space] ?? [])];
  if (names.length === 0) return [confirm(ctx, kind, null, space)];
  const out: RawReply[] = [];
  for (const name of names) {
    pubsub.unsubscribe(ctx.conn, space, name);
    out.push(confirm(ctx, kind, name, space));
  }
  return out;
}

/** Names in `map` matching the optional pattern at argv[2] (PUBSUB CHANNELS/SHARDCHANNELS). */
function activeChannels(map: ReadonlyMap<string, unknown>, argv: string[]): RawReply {
  const pattern = argv[2];
  if (argv.length > 3) fail(Errors.subcommandSyntax(argv[1]!, 'pubsub'));
  const out: RawReply[] = [];
  for (const name of map.keys()) if (pattern === undefined || globMatch(pattern, name)) out.push(name);
  return out;
}

function numSub(map: ReadonlyMap<string, ReadonlySet<unknown>>, argv: string[]): RawReply {
  const out: RawReply[] = [];
  for (const name of argv.slice(2)) out.push(name, map.get(name)?.size ?? 0);
  return out;
}

const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

/** Shard channels sit where keys would, flagged not_key (redis: commands/ssubscribe.json). */
const shardKeySpec = (lastKey: number): readonly KeySpec[] => [
  { flags: ['not_key'], begin: { index: 1 }, find: { lastKey, keyStep: 1, limit: 0 } },
];

const SUB_FLAGS = ['pubsub', 'noscript', 'loading', 'stale'] as const;

const pubsubSub = (
  spec: Omit<CommandSpec, 'group' | 'keys' | 'flags' | 'since'> & { since?: string; flags?: CommandSpec['flags'] },
): CommandSpec => ({
  flags: ['pubsub', 'loading', 'stale'],
  since: '2.8.0',
  ...spec,
  group: 'pubsub',
  keys: NO_KEYS,
});

export const pubsubCommands: readonly CommandSpec[] = [
  {
    name: 'subscribe',
    arity: -2,
    flags: SUB_FLAGS,
    keys: NO_KEYS,
    group: 'pubsub',
    summary: 'Listen for messages published to the given channels',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of channels to subscribe to.',
    handler: (ctx, argv) => subscribeGeneric(ctx, argv, 'channels', 'subscribe'),
  },
  {
    name: 'unsubscribe',
    arity: -1,
    flags: SUB_FLAGS,
    keys: NO_KEYS,
    group: 'pubsub',
    summary: 'Stop listening for messages posted to the given channels',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of clients already subscribed to a channel.',
    handler: (ctx, argv) => unsubscribeGeneric(ctx, argv, 'channels', 'unsubscribe'),
  },
  {
    name: 'psubscribe',
    arity: -2,
    flags: SUB_FLAGS,
    keys: NO_KEYS,
    group: 'pubsub',
    summary: 'Listen for messages published to channels matching the given patterns',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of patterns the client is already subscribed to.',
    handler: (ctx, argv) => subscribeGeneric(ctx, argv, 'patterns', 'psubscribe'),
  },
  {
    name: 'punsubscribe',
    arity: -1,
    flags: SUB_FLAGS,
    keys: NO_KEYS,
    group: 'pubsub',
    summary: 'Stop listening for messages posted to channels matching the given patterns',
    since: '2.0.0',
    complexity:
      'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).',
    handler: (ctx, argv) => unsubscribeGeneric(ctx, argv, 'patterns', 'punsubscribe'),
  },
  {
    name: 'publish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast'],
    keys: NO_KEYS,
    group: 'pubsub',
    summary: 'Post a message to a channel',
    since: '2.0.0',
    complexity:
      'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
    handler: (ctx, argv) => ctx.engine.pubsub.publish(argv[1]!, argv[2]!),
  },
  {
    name: 'ssubscribe',
    arity: -2,
    flags: SUB_FLAGS,
    keys: { first: 1, last: -1, step: 1 },
    keySpecs: shardKeySpec(-1),
    group: 'pubsub',
    summary: 'Listen for messages published to the given shard channels',
    since: '7.0.0',
    complexity: 'O(N) where N is the number of shard channels to subscribe to.',
    handler: (ctx, argv) => {
      // A transaction expects one reply per command (redis: CLIENT_DENY_BLOCKING).
      if (ctx.conn.multi !== null) fail(Errors.ssubscribeDenyBlocking);
      return subscribeGeneric(ctx, argv, 'shardChannels', 'ssubscribe');
    },
  },
  {
    name: 'sunsubscribe',
    arity: -1,
    flags: SUB_FLAGS,
    keys: { first: 1, last: -1, step: 1 },
    keySpecs: shardKeySpec(-1),
    group: 'pubsub',
    summary: 'Stop listening for messages posted to the given shard channels',
    since: '7.0.0',
    complexity: 'O(N) where N is the number of clients already subscribed to a shard channel.',
    handler: (ctx, argv) => unsubscribeGeneric(ctx, argv, 'shardChannels', 'sunsubscribe'),
  },
  {
    name: 'spublish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    keySpecs: shardKeySpec(0),
    group: 'pubsub',
    summary: 'Post a message to a shard channel',
    since: '7.0.0',
    complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
    handler: (ctx, argv) => ctx.engine.pubsub.publishShard(argv[1]!, argv[2]!),
  },
  {
    name: 'pubsub',
    arity: -2,
    flags: [],
    keys: NO_KEYS,
    group: 'pubsub',
    summary: 'A container for Pub/Sub commands',
    since: '2.8.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      pubsubSub({
        name: 'pubsub|channels',
        arity: -2,
        summary: 'List active channels',
        complexity:
          'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)',
        handler: (ctx, argv) => activeChannels(ctx.engine.pubsub.channels, argv),
      }),
      pubsubSub({
        name: 'pubsub|numsub',
        arity: -2,
        summary: 'Get the count of subscribers for channels',
        complexity: 'O(N) for the NUMSUB subcommand, where N is the number of requested channels',
        handler: (ctx, argv) => numSub(ctx.engine.pubsub.channels, argv),
      }),
      pubsubSub({
        name: 'pubsub|numpat',
        arity: 2,
        summary: 'Get the count of unique patterns pattern subscriptions',
        complexity: 'O(1)',
        handler: (ctx) => ctx.engine.pubsub.patterns.size,
      }),
      pubsubSub({
        name: 'pubsub|shardchannels',
        arity: -2,
        summary: 'List active shard channels',
        since: '7.0.0',
        complexity:
          'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).',
        handler: (ctx, argv) => activeChannels(ctx.engine.pubsub.shardChannels, argv),
      }),
      pubsubSub({
        name: 'pubsub|shardnumsub',
        arity: -2,
        summary: 'Get the count of subscribers for shard channels',
        since: '7.0.0',
        complexity: 'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels',
        handler: (ctx, argv) => numSub(ctx.engine.pubsub.shardChannels, argv),
      }),
      pubsubSub({
        name: 'pubsub|help',
        arity: 2,
        flags: ['loading', 'stale'],
        summary: 'Show helpful text about the different subcommands',
        since: '6.2.0',
        complexity: 'O(1)',
        acl: [],
        handler: () => [...PUBSUB_HELP],
      }),
    ],
  },
  {
    name: 'monitor',
    arity: 1,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    keys: NO_KEYS,
    group: 'server',
    summary: 'Listen for all requests received by the server in real time',
    since: '1.0.0',
    handler: (ctx) => {
      if (ctx.conn.multi !== null) fail(Errors.monitorDenyBlocking);
      ctx.engine.pubsub.startMonitor(ctx.conn);
      return OK;
    },
  },
];
