/**
 * Pub/sub commands that have a plain reply, shaped like node-redis v4: PUBLISH, SPUBLISH and
 * the PUBSUB introspection subcommands. Subscribing is not a command with one reply: it is
 * the client's `subscribe` family (../pubsub.ts), served on a connection of its own.
 */
import type { Reply } from '../replies.js';
import { asArray, asNumber, asStringArray, command, type RedisArgument } from './define.js';

/** PUBSUB NUMSUB / SHARDNUMSUB: channel → subscribers, as node-redis v4 returns it. */
function asCounts(reply: Reply): Record<string, number> {
  const items = asArray(reply);
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  for (let i = 0; i + 1 < items.length; i += 2) out[String(items[i])] = asNumber(items[i + 1]!);
  return out;
}

const channelList = (channels?: RedisArgument | RedisArgument[]): RedisArgument[] =>
  channels === undefined ? [] : Array.isArray(channels) ? channels : [channels];

export const PUBSUB_COMMANDS = {
  /** PUBLISH channel message → the number of receivers (in every tab). */
  publish: command((channel: RedisArgument, message: RedisArgument) => ['PUBLISH', channel, message], asNumber),
  sPublish: command((channel: RedisArgument, message: RedisArgument) => ['SPUBLISH', channel, message], asNumber),
  pubSubChannels: command(
    (pattern?: RedisArgument) => (pattern === undefined ? ['PUBSUB', 'CHANNELS'] : ['PUBSUB', 'CHANNELS', pattern]),
    asStringArray,
  ),
  pubSubNumSub: command((channels?: RedisArgument | RedisArgument[]) => ['PUBSUB', 'NUMSUB', ...channelList(channels)], asCounts),
  pubSubNumPat: command(() => ['PUBSUB', 'NUMPAT'], asNumber),
  pubSubShardChannels: command(
    (pattern?: RedisArgument) => (pattern === undefined ? ['PUBSUB', 'SHARDCHANNELS'] : ['PUBSUB', 'SHARDCHANNELS', pattern]),
    asStringArray,
  ),
  pubSubShardNumSub: command(
    (channels?: RedisArgument | RedisArgument[]) => ['PUBSUB', 'SHARDNUMSUB', ...channelList(channels)],
    asCounts,
  ),
};
