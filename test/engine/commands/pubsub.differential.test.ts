/**
 * Pub/sub against real Redis 7.0 with two connections per side: one subscribed (its
 * confirmations and messages read as a stream), one publishing. Ours: the subscriber's
 * pushes come from `Connection.onPush`; Redis's: replies read off the socket.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/engine/connection.js';
import { pubsubCommands, isSubscribeFamily } from '../../../src/engine/commands/pubsub.js';
import type { Reply } from '../../../src/engine/reply.js';
import {
  comparable,
  engineReply,
  expectSameCommandMetadata,
  haveRedis,
  useDifferentialSides,
  type DifferentialSides,
} from '../../support/redis-server.js';
import { RespClient, type RespConnection } from '../../support/resp.js';
import { pick, rng, type Rand } from '../../support/random.js';

const CHANNELS = ['a', 'b', 'news', 'news.tech', 'news.art', 'é', ''];
const PATTERNS = ['*', 'news.*', 'n?ws*', '[ab]', 'x*', '\\*', 'é*'];

interface Pair {
  ours: { sub: Connection; pub: Connection; pushes: Reply[] };
  theirs: { sub: RespConnection<Reply>; pub: RespClient };
}

/** Confirmations of UNSUBSCRIBE-all come in dict order in Redis: compare names as a set. */
function normalizeConfirmations(argv: readonly string[], replies: unknown[]): unknown {
  if (isSubscribeFamily(argv[0]!) && argv.length === 1 && /unsub/i.test(argv[0]!)) {
    const rows = replies as unknown[][];
    return [rows.map((r) => r[0]), rows.map((r) => r[1]).sort(), rows.map((r) => r[2])];
  }
  return replies;
}

/** Messages of one PUBLISH to several patterns come in pattern-dict order in Redis. */
function sortedMessages(messages: unknown[]): unknown[] {
  return [...messages].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
}

const isMessage = (push: Reply): boolean => Array.isArray(push) && /^[ps]?message$/.test(String(push[0]));

/** A command on the subscriber connection: replies (and confirmations) must match. */
async function onSubscriber(pair: Pair, argv: string[]): Promise<void> {
  const ours = await engineReply(pair.ours.sub, argv);
  // Confirmations were pushed too: the reply holds the same ones, in order.
  const confirmations = pair.ours.pushes.filter((p) => !isMessage(p));
  pair.ours.pushes = pair.ours.pushes.filter(isMessage);
  const subscribeFamily = isSubscribeFamily(argv[0]!) && Array.isArray(ours);
  if (subscribeFamily) expect(confirmations, argv.join(' ')).toEqual(ours);
  pair.theirs.sub.send(argv);
  const n = subscribeFamily ? (ours as Reply[]).length : 1;
  const theirs: Reply[] = [];
  for (let i = 0; i < n; i++) theirs.push(await pair.theirs.sub.read());
  const mine = subscribeFamily ? (ours as Reply[]) : [ours];
  expect(normalizeConfirmations(argv, mine.map(comparable)), argv.join(' ')).toEqual(normalizeConfirmations(argv, theirs.map(comparable)));
}

/** A command on the publisher: same reply, and the subscriber got the same messages. */
async function onPublisher(pair: Pair, argv: string[], normalize = (r: unknown) => r): Promise<void> {
  const [ours, theirs] = await Promise.all([engineReply(pair.ours.pub, argv), pair.theirs.pub.call(argv)]);
  expect(normalize(comparable(ours)), argv.join(' ')).toEqual(normalize(comparable(theirs)));
  const messages = pair.ours.pushes.splice(0);
  const received: Reply[] = [];
  for (let i = 0; i < messages.length; i++) received.push(await pair.theirs.sub.read());
  expect(sortedMessages(messages.map(comparable)), argv.join(' ')).toEqual(sortedMessages(received.map(comparable)));
}

/** Redis sent nothing more than we did: the next thing on its subscriber is PING's answer. */
async function expectInSync(pair: Pair): Promise<void> {
  await onSubscriber(pair, ['PING', 'sync']);
  expect(pair.ours.pushes).toEqual([]);
}

function randomSubscriberCommand(r: Rand): string[] {
  const some = (items: readonly string[]) => Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, items));
  switch (Math.floor(r() * 12)) {
    case 0: case 1: return ['SUBSCRIBE', ...some(CHANNELS)];
    case 2: case 3: return ['PSUBSCRIBE', ...some(PATTERNS)];
    case 4: return ['UNSUBSCRIBE', ...(r() < 0.3 ? [] : some(CHANNELS))];
    case 5: return ['PUNSUBSCRIBE', ...(r() < 0.3 ? [] : some(PATTERNS))];
    case 6: return ['SSUBSCRIBE', ...some(CHANNELS)];
    case 7: return ['SUNSUBSCRIBE', ...(r() < 0.3 ? [] : some(CHANNELS))];
    case 8: return pick(r, [['PING'], ['PING', 'x'], ['ping', 'a', 'b']]);
    case 9: return pick(r, [['GET', 'k'], ['SET', 'k', 'v'], ['CLIENT', 'GETNAME'], ['PUBLISH', 'a', 'x'], ['MULTI'], ['EXEC'], ['NOSUCH']]);
    case 10: return pick(r, [['SUBSCRIBE'], ['PSUBSCRIBE'], ['SSUBSCRIBE']]);
    default: return ['PUBSUB', 'NUMPAT'];
  }
}

function randomPublisherCommand(r: Rand): string[] {
  switch (Math.floor(r() * 8)) {
    case 0: case 1: case 2: return ['PUBLISH', pick(r, CHANNELS), pick(r, ['hello', '', 'é', 'x'.repeat(100)])];
    case 3: return ['SPUBLISH', pick(r, CHANNELS), 'shard'];
    case 4: return ['PUBSUB', 'CHANNELS', ...(r() < 0.5 ? [pick(r, PATTERNS)] : [])];
    case 5: return ['PUBSUB', 'NUMSUB', ...CHANNELS.slice(0, Math.floor(r() * CHANNELS.length))];
    case 6: return ['PUBSUB', 'SHARDNUMSUB', pick(r, CHANNELS), pick(r, CHANNELS)];
    default: return pick(r, [['PUBSUB', 'NUMPAT'], ['PUBSUB', 'SHARDCHANNELS'], ['PUBSUB', 'SHARDCHANNELS', 'n*']]);
  }
}

/** COMMAND INFO with subcommands by name: Redis lists them in its (seeded) dict order. */
function sortSubcommands(info: unknown): unknown {
  const entry = [...(info as unknown[])];
  entry[9] = [...(entry[9] as unknown[][])].sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  return entry;
}

const sortIfList = (reply: unknown): unknown => (Array.isArray(reply) ? [...(reply as string[])].sort() : reply);

describe.skipIf(!haveRedis)('pub/sub against Redis 7.0', () => {
  let sides: DifferentialSides;
  let pair: Pair;
  useDifferentialSides((s) => {
    sides = s;
  });
  beforeEach(async () => {
    const ours = { sub: sides.engine.connect(), pub: sides.engine.connect(), pushes: [] as Reply[] };
    ours.sub.onPush((push) => ours.pushes.push(push));
    const sub = await RespClient.connect(sides.redis.port);
    pair = { ours, theirs: { sub, pub: sides.redis.client } };
  });
  afterEach(() => {
    pair.theirs.sub.close();
  });

  it('COMMAND INFO and DOCS match', async () => {
    const names = pubsubCommands.flatMap((spec) => [spec.name, ...(spec.subcommands ?? []).map((sub) => sub.name)]);
    await expectSameCommandMetadata(sides.conn, sides.redis.client, names, sortSubcommands);
  });

  it('ROLE: metadata, and a lone engine answers as a master without replicas', async () => {
    await expectSameCommandMetadata(sides.conn, sides.redis.client, ['role']);
    await onPublisher(pair, ['ROLE']);
    await onPublisher(pair, ['ROLE', 'x']);
  });

  it('SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE confirmations and counts', async () => {
    for (const argv of [
      ['UNSUBSCRIBE'], ['PUNSUBSCRIBE'], ['SUNSUBSCRIBE'], ['UNSUBSCRIBE', 'x'], ['SUBSCRIBE', 'a', 'b', 'a'],
      ['PSUBSCRIBE', 'h*'], ['SSUBSCRIBE', 's1', 's2'], ['SUNSUBSCRIBE', 's1', 'zz'], ['UNSUBSCRIBE', 'b'],
      ['PUNSUBSCRIBE'], ['UNSUBSCRIBE'], ['SUNSUBSCRIBE'],
    ]) await onSubscriber(pair, argv);
    await expectInSync(pair);
  });

  it('subscribed mode allows only the pub/sub commands, PING, QUIT and RESET', async () => {
    for (const argv of [
      ['SUBSCRIBE', 'a'], ['GET', 'x'], ['PING'], ['PING', 'hi'], ['ping', 'a', 'b'], ['SUBSCRIBE'], ['CLIENT', 'ID'],
      ['CONFIG', 'GET', 'x'], ['NOPE'], ['MULTI'], ['EXEC'], ['DISCARD'], ['WATCH', 'x'], ['PUBLISH', 'a', 'b'],
      ['SPUBLISH', 'a', 'b'], ['PUBSUB', 'NUMPAT'], ['RESET'], ['GET', 'x'], ['PING'],
    ]) await onSubscriber(pair, argv);
  });

  it('SUBSCRIBE inside MULTI; SSUBSCRIBE there is refused', async () => {
    for (const argv of [['MULTI'], ['SSUBSCRIBE', 'a'], ['PSUBSCRIBE', 'p*'], ['EXEC'], ['PING']]) {
      if (argv[0] !== 'EXEC') {
        await onSubscriber(pair, argv);
        continue;
      }
      // EXEC's reply holds the confirmation inline in Redis; ours holds the list of them.
      const ours = (await engineReply(pair.ours.sub, argv)) as Reply[];
      pair.theirs.sub.send(argv);
      const theirs = (await pair.theirs.sub.read()) as Reply[];
      expect(comparable(ours[0]!)).toEqual(comparable(theirs[0]!));
      expect(ours[1]).toEqual([theirs[1]]);
      pair.ours.pushes = [];
    }
  });

  it('PUBLISH reaches channel and pattern subscribers; counts receivers per subscription', async () => {
    for (const argv of [['SUBSCRIBE', 'news.tech', 'a'], ['PSUBSCRIBE', 'news.*', 'n?ws*', '*'], ['SSUBSCRIBE', 'a']]) {
      await onSubscriber(pair, argv);
    }
    for (const argv of [
      ['PUBLISH', 'news.tech', 'hi'], ['PUBLISH', 'news.art', 'x'], ['PUBLISH', 'zzz', ''], ['PUBLISH', 'a', 'é'],
      ['SPUBLISH', 'a', 'shard'], ['SPUBLISH', 'news.tech', 'nobody'], ['PUBLISH', 'nobody?', 'x'],
    ]) await onPublisher(pair, argv);
    await onPublisher(pair, ['PUBSUB', 'CHANNELS'], sortIfList);
    await onPublisher(pair, ['PUBSUB', 'CHANNELS', 'news*'], sortIfList);
    for (const argv of [
      ['PUBSUB', 'NUMSUB'], ['PUBSUB', 'NUMSUB', 'a', 'news.tech', 'none'], ['PUBSUB', 'NUMPAT'], ['PUBSUB', 'NUMPAT', 'x'],
      ['PUBSUB', 'SHARDCHANNELS'], ['PUBSUB', 'SHARDCHANNELS', 'b*'], ['PUBSUB', 'SHARDNUMSUB', 'a', 'b'],
      ['PUBSUB', 'CHANNELS', 'a', 'b'], ['PUBSUB', 'SHARDCHANNELS', 'a', 'b'], ['PUBSUB'], ['PUBSUB', 'nope'], ['PUBSUB', 'HELP'],
      ['PUBLISH', 'a'], ['SPUBLISH', 'a'],
    ]) await onPublisher(pair, argv);
    await expectInSync(pair);
  });

  it('keyspace notifications reach __keyspace@0__ and __keyevent@0__ subscribers', async () => {
    await onPublisher(pair, ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']);
    await onSubscriber(pair, ['PSUBSCRIBE', '__key*__:*']);
    for (const argv of [['SET', 'k', 'v'], ['APPEND', 'k', 'w'], ['INCR', 'n'], ['EXPIRE', 'k', '100'], ['DEL', 'k', 'n'], ['GET', 'missing']]) {
      await onPublisher(pair, argv);
    }
    await onPublisher(pair, ['CONFIG', 'SET', 'notify-keyspace-events', 'Em']);
    await onPublisher(pair, ['GET', 'missing']);
    await onPublisher(pair, ['SET', 'k', 'v']);
    await expectInSync(pair);
  });

  it('expired fires when the key expires, without a read', async () => {
    await onPublisher(pair, ['CONFIG', 'SET', 'notify-keyspace-events', 'Ex']);
    await onSubscriber(pair, ['SUBSCRIBE', '__keyevent@0__:expired']);
    await onPublisher(pair, ['SET', 'soon', 'v', 'PX', '20']);
    const theirs = await pair.theirs.sub.read();
    // Our active expirer is armed for the deadline: wait for its push.
    while (pair.ours.pushes.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pair.ours.pushes.splice(0)).toEqual([theirs]);
    expect(theirs).toEqual(['message', '__keyevent@0__:expired', 'soon']);
  });

  it('MONITOR shows the same commands, arguments quoted alike', async () => {
    await onSubscriber(pair, ['MONITOR']);
    const commands = [
      ['SET', 'k', 'a "b"\n\\'], ['GET', 'k'], ['SET', 'bin', '\u0000\u0007é'], ['MULTI'], ['INCR', 'n'], ['EXEC'],
      ['CONFIG', 'GET', 'maxmemory'], ['NOSUCH'], ['GET'], ['PUBLISH', 'c', 'm'], ['DEL', 'k', 'bin'],
    ];
    for (const argv of commands) {
      await engineReply(pair.ours.pub, argv);
      await pair.theirs.pub.call(argv);
    }
    // Ours: `<time> [0 local:<id>] args`; Redis: `<time> [0 <ip:port>] args`.
    const args = (line: unknown) => String(line).replace(/^\d+\.\d{6} \[0 [^\]]+\] /, '');
    const ours = pair.ours.pushes.splice(0).map(args);
    const theirs: string[] = [];
    for (let i = 0; i < ours.length; i++) theirs.push(args(await pair.theirs.sub.read()));
    expect(ours).toEqual(theirs);
    // Nothing more on Redis's side: next comes the monitor's own PING reply.
    pair.theirs.sub.send(['PING', 'end']);
    expect(await pair.theirs.sub.read()).toBe('end');
  });

  it('random subscribe / publish sequences', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(seed);
      for (let i = 0; i < 60; i++) {
        if (r() < 0.5) await onSubscriber(pair, randomSubscriberCommand(r));
        else {
          const argv = randomPublisherCommand(r);
          await onPublisher(pair, argv, argv[1] === 'CHANNELS' || argv[1] === 'SHARDCHANNELS' ? sortIfList : undefined);
        }
      }
      await expectInSync(pair);
      await onSubscriber(pair, ['RESET']);
    }
  });
});
