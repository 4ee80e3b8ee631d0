/**
 * Sorted-set keyspace events against real Redis 7.0: a subscriber to every keyspace and
 * keyevent channel on each side, and the same commands on a second connection; after each
 * command both subscribers must have received the same messages, in the same order.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/engine/connection.js';
import type { Reply } from '../../../src/engine/reply.js';
import { comparable, engineReply, haveRedis, useDifferentialSides, type DifferentialSides } from '../../support/redis-server.js';
import { RespClient, type RespConnection } from '../../support/resp.js';
import { pick, rng } from '../../support/random.js';

interface Pair {
  ours: { sub: Connection; pub: Connection; pushes: Reply[]; seen: number };
  theirs: { sub: RespConnection<Reply>; pub: RespClient };
}

/** Run `argv` on both publishers; the replies and the messages it caused must match. */
async function run(pair: Pair, argv: string[]): Promise<void> {
  const [ours, theirs] = await Promise.all([engineReply(pair.ours.pub, argv), pair.theirs.pub.call(argv)]);
  expect(comparable(ours), argv.join(' ')).toEqual(comparable(theirs));
  const messages = pair.ours.pushes.splice(0);
  pair.ours.seen += messages.length;
  const received: Reply[] = [];
  for (let i = 0; i < messages.length; i++) received.push(await pair.theirs.sub.read());
  expect(messages.map(comparable), argv.join(' ')).toEqual(received.map(comparable));
}

/** Redis sent nothing more than we did: its subscriber's next reply answers our PING. */
async function expectInSync(pair: Pair): Promise<void> {
  pair.theirs.sub.send(['PING', 'sync']);
  expect(comparable(await pair.theirs.sub.read())).toEqual(['pong', 'sync']);
  expect(pair.ours.pushes).toEqual([]);
}

describe.skipIf(!haveRedis)('sorted-set keyspace events against Redis 7.0', () => {
  let sides: DifferentialSides;
  let pair: Pair;
  useDifferentialSides((s) => {
    sides = s;
  });
  beforeEach(async () => {
    const ours = { sub: sides.engine.connect(), pub: sides.engine.connect(), pushes: [] as Reply[], seen: 0 };
    ours.sub.onPush((push) => ours.pushes.push(push));
    const sub = await RespClient.connect(sides.redis.port);
    pair = { ours, theirs: { sub, pub: sides.redis.client } };
    await run(pair, ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']);
    await engineReply(ours.sub, ['PSUBSCRIBE', '__key*__:*']);
    pair.ours.pushes.length = 0;
    sub.send(['PSUBSCRIBE', '__key*__:*']);
    await sub.read();
  });
  afterEach(() => {
    pair.theirs.sub.close();
  });

  it('every writing sorted-set command publishes what Redis publishes', async () => {
    const commands: string[][] = [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'], ['ZADD', 'z', '1', 'a'], ['ZADD', 'z', 'XX', '5', 'nope'], ['ZADD', 'z', 'INCR', '1', 'a'],
      ['ZINCRBY', 'z', '1', 'b'], ['ZREM', 'z', 'nope'], ['ZREM', 'z', 'a'], ['ZADD', 'y', '1', 'x', '9', 'b'], ['ZUNIONSTORE', 'u', '2', 'z', 'y'],
      ['ZINTERSTORE', 'i', '2', 'z', 'y'], ['ZDIFFSTORE', 'd', '2', 'z', 'y'], ['ZINTERSTORE', 'u', '1', 'nokey'], ['ZRANGESTORE', 'r', 'z', '0', '0'],
      ['ZRANGESTORE', 'r', 'nokey', '0', '-1'], ['ZREMRANGEBYRANK', 'y', '0', '0'], ['ZREMRANGEBYSCORE', 'y', '-inf', '+inf'], ['ZADD', 'l', '0', 'a', '0', 'b'],
      ['ZREMRANGEBYLEX', 'l', '-', '+'], ['ZPOPMIN', 'z'], ['ZPOPMAX', 'z', '5'], ['ZADD', 'm', '1', 'a', '2', 'b'], ['ZMPOP', '1', 'm', 'MAX', 'COUNT', '5'],
      ['ZADD', 'm', '1', 'a'], ['BZPOPMIN', 'm', '0'], ['ZADD', 'm', '1', 'a', '2', 'b'], ['BZMPOP', '0', '1', 'm', 'MIN', 'COUNT', '1'], ['DEL', 'm'],
      ['ZADD', 'e', '1', 'a'], ['EXPIRE', 'e', '100'], ['ZUNIONSTORE', 'e', '1', 'i'], ['TTL', 'e'],
    ];
    for (const argv of commands) await run(pair, argv);
    await expectInSync(pair);
    expect(pair.ours.seen).toBeGreaterThan(50);
  });

  it('random writes (seeded)', async () => {
    const r = rng(77);
    const keys = ['z1', 'z2', 'z3'];
    const members = ['a', 'b', 'c', 'd'];
    for (let i = 0; i < 300; i++) {
      const key = pick(r, keys);
      const argv = pick(r, [
        ['ZADD', key, String(Math.floor(r() * 5)), pick(r, members)],
        ['ZADD', key, pick(r, ['NX', 'XX', 'GT', 'LT', 'CH']), String(Math.floor(r() * 5)), pick(r, members)],
        ['ZINCRBY', key, '1', pick(r, members)],
        ['ZREM', key, pick(r, members), pick(r, members)],
        ['ZPOPMIN', key, pick(r, ['1', '3'])],
        ['ZREMRANGEBYSCORE', key, '-inf', String(Math.floor(r() * 5))],
        [pick(r, ['ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']), pick(r, keys), '2', pick(r, keys), pick(r, keys)],
        ['ZRANGESTORE', pick(r, keys), key, '0', String(Math.floor(r() * 3) - 1)],
      ]);
      await run(pair, argv);
    }
    await expectInSync(pair);
  });
});
