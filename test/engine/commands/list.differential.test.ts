import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/index.js';
import type { Connection } from '../../../src/engine/connection.js';
import { listCommands } from '../../../src/engine/commands/list.js';
import { listBlockingCommands } from '../../../src/engine/commands/list-blocking.js';
import {
  comparable,
  engineReply,
  expectSameCommandMetadata,
  expectSameReplies,
  haveRedis,
  type RedisOracle,
  useDifferentialSides,
} from '../../support/redis-server.js';
import { RespClient } from '../../support/resp.js';
import { rng } from '../../support/random.js';
import { KEYS, expectSameServed, expectSameServedInOrder, randomCommand, runnable } from './list.support.js';

describe.skipIf(!haveRedis)('list commands against Redis 7.0', () => {
  let redis: RedisOracle;
  let engine: Engine;
  let conn: Connection;
  const reset = useDifferentialSides((sides) => ({ redis, engine, conn } = sides));
  const same = (commands: readonly (readonly string[])[]) => expectSameReplies(conn, redis.client, commands);

  it('COMMAND INFO and DOCS of every list command match', async () => {
    await expectSameCommandMetadata(conn, redis.client, [...[...listCommands, ...listBlockingCommands].map((spec) => spec.name), 'client|unblock']);
    expect(engine).toBeDefined();
  });

  it('LPUSH, RPUSH, LPUSHX, RPUSHX, LLEN, LRANGE and WRONGTYPE', async () => {
    await same([
      ['LPUSH', 'l', 'a', 'b', 'c'], ['RPUSH', 'l', 'd', 'e'], ['LRANGE', 'l', '0', '-1'], ['LPUSHX', 'l', 'x', 'y'], ['RPUSHX', 'l', 'z'],
      ['LPUSHX', 'missing', 'x'], ['RPUSHX', 'missing', 'x'], ['EXISTS', 'missing'], ['LLEN', 'l'], ['LLEN', 'missing'],
      ['LRANGE', 'l', '2', '4'], ['LRANGE', 'l', '-3', '-1'], ['LRANGE', 'l', '5', '2'], ['LRANGE', 'l', '-100', '100'], ['LRANGE', 'l', '100', '200'],
      ['LRANGE', 'missing', '0', '-1'], ['LRANGE', 'l', 'x', '1'], ['LRANGE', 'missing', '0', 'x'], ['SET', 's', 'v'], ['LPUSH', 's', 'a'],
      ['LPUSHX', 's', 'a'], ['LLEN', 's'], ['LRANGE', 's', '0', '-1'], ['LRANGE', 's', 'x', '1'], ['OBJECT', 'ENCODING', 'l'], ['TYPE', 'l'],
    ]);
  });

  it('LPOP and RPOP with and without count: nil, empty array, WRONGTYPE, deletion', async () => {
    await same([
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'], ['LPOP', 'l'], ['RPOP', 'l'], ['LPOP', 'l', '2'], ['LPOP', 'l', '0'], ['RPOP', 'l', '10'],
      ['EXISTS', 'l'], ['LPOP', 'l'], ['LPOP', 'l', '0'], ['LPOP', 'l', '3'], ['LPOP', 'l', '-1'], ['LPOP', 'l', 'x'], ['RPOP', 'l', '1', '2'],
      ['SET', 's', 'v'], ['LPOP', 's'], ['LPOP', 's', '0'], ['LPOP', 's', '-1'], ['RPUSH', 'l', 'x'], ['RPOP', 'l', '9223372036854775807'],
    ]);
  });

  it('LINDEX, LSET, LINSERT, LREM, LTRIM: indexes, errors, emptied lists', async () => {
    await same([
      ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'b'], ['LINDEX', 'l', '0'], ['LINDEX', 'l', '-1'], ['LINDEX', 'l', '6'], ['LINDEX', 'l', 'x'],
      ['LINDEX', 'missing', 'x'], ['LSET', 'l', '1', 'B'], ['LSET', 'l', '-1', 'Z'], ['LSET', 'l', '6', 'x'], ['LSET', 'l', 'x', 'y'],
      ['LSET', 'missing', '0', 'x'], ['LSET', 'missing', 'x', 'x'], ['LINSERT', 'l', 'BEFORE', 'a', 'p'], ['LINSERT', 'l', 'after', 'Z', 'q'],
      ['LINSERT', 'l', 'AFTER', 'nope', 'x'], ['LINSERT', 'l', 'MIDDLE', 'a', 'x'], ['LINSERT', 'missing', 'BEFORE', 'a', 'x'],
      ['LINSERT', 'missing', 'x', 'a', 'x'], ['LRANGE', 'l', '0', '-1'], ['LREM', 'l', '1', 'a'], ['LREM', 'l', '-1', 'a'], ['LRANGE', 'l', '0', '-1'],
      ['LREM', 'l', '0', 'a'], ['LREM', 'l', 'x', 'a'], ['LREM', 'missing', '0', 'a'], ['LRANGE', 'l', '0', '-1'], ['LTRIM', 'l', '1', '-2'],
      ['LRANGE', 'l', '0', '-1'], ['LTRIM', 'l', '0', '100'], ['LTRIM', 'l', 'x', '1'], ['LTRIM', 'missing', '0', '1'], ['LTRIM', 'l', '5', '1'],
      ['EXISTS', 'l'], ['RPUSH', 'l', 'a', 'a'], ['LREM', 'l', '0', 'a'], ['EXISTS', 'l'], ['SET', 's', 'v'], ['LINDEX', 's', '0'],
      ['LINDEX', 's', 'x'], ['LSET', 's', 'x', 'v'], ['LINSERT', 's', 'BEFORE', 'a', 'b'], ['LINSERT', 's', 'x', 'a', 'b'], ['LREM', 's', '0', 'a'],
      ['LREM', 's', 'x', 'a'], ['LTRIM', 's', '0', '1'], ['LTRIM', 's', 'x', '1'],
    ]);
  });

  it('LPOS: RANK, COUNT, MAXLEN and every error', async () => {
    const commands: string[][] = [['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'c', 'a', 'x', 'a']];
    for (const rank of ['1', '2', '-1', '-2', '5', '-5', '9223372036854775807', '-9223372036854775808', '0', 'x']) {
      for (const count of [null, '0', '1', '2', '-1', 'x']) {
        for (const maxlen of [null, '0', '3', '-1']) {
          const argv = ['LPOS', 'l', 'a', 'RANK', rank];
          if (count !== null) argv.push('COUNT', count);
          if (maxlen !== null) argv.push('MAXLEN', maxlen);
          commands.push(argv);
        }
      }
    }
    commands.push(
      ['LPOS', 'l', 'a'], ['LPOS', 'l', 'zz'], ['LPOS', 'l', 'zz', 'COUNT', '0'], ['LPOS', 'missing', 'a'], ['LPOS', 'missing', 'a', 'COUNT', '1'],
      ['LPOS', 'missing', 'a', 'RANK', '0'], ['LPOS', 'l', 'a', 'RANK'], ['LPOS', 'l', 'a', 'FOO', '1'], ['LPOS', 'l', 'a', 'COUNT', '1', 'COUNT', '2'],
      ['SET', 's', 'v'], ['LPOS', 's', 'a'], ['LPOS', 's', 'a', 'RANK', '0'], ['LPOS', 'l', 'a', 'count', '0', 'rank', '-1', 'maxlen', '4'],
    );
    await same(commands);
  });

  it('LMOVE, RPOPLPUSH and LMPOP: directions, rotation, WRONGTYPE, argument errors', async () => {
    await same([
      ['RPUSH', 'a', '1', '2', '3'], ['LMOVE', 'a', 'b', 'LEFT', 'RIGHT'], ['LMOVE', 'a', 'b', 'right', 'left'], ['LRANGE', 'b', '0', '-1'],
      ['LMOVE', 'a', 'a', 'LEFT', 'RIGHT'], ['LRANGE', 'a', '0', '-1'], ['LMOVE', 'a', 'b', 'UP', 'LEFT'], ['LMOVE', 'a', 'b', 'LEFT', 'DOWN'],
      ['RPOPLPUSH', 'a', 'b'], ['EXISTS', 'a'], ['RPOPLPUSH', 'a', 'b'], ['LMOVE', 'missing', 'b', 'LEFT', 'LEFT'], ['SET', 's', 'v'],
      ['LMOVE', 'b', 's', 'LEFT', 'LEFT'], ['LMOVE', 's', 'b', 'LEFT', 'LEFT'], ['LMOVE', 'missing', 's', 'LEFT', 'LEFT'], ['RPOPLPUSH', 'b', 's'],
      ['LRANGE', 'b', '0', '-1'], ['LMPOP', '2', 'missing', 'b', 'LEFT'], ['LMPOP', '2', 'missing', 'b', 'RIGHT', 'COUNT', '10'], ['EXISTS', 'b'],
      ['LMPOP', '1', 'missing', 'LEFT'], ['LMPOP', '2', 's', 'b', 'LEFT'], ['RPUSH', 'b', 'x'], ['LMPOP', '2', 'b', 's', 'LEFT'],
      ['LMPOP', '0', 'b', 'LEFT'], ['LMPOP', '-1', 'b', 'LEFT'], ['LMPOP', 'x', 'b', 'LEFT'], ['LMPOP', '3', 'b', 'LEFT'], ['LMPOP', '1', 'b', 'UP'],
      ['LMPOP', '1', 'b', 'LEFT', 'COUNT', '0'], ['LMPOP', '1', 'b', 'LEFT', 'COUNT', 'x'], ['LMPOP', '1', 'b', 'LEFT', 'COUNT'],
      ['LMPOP', '1', 'b', 'LEFT', 'COUNT', '1', 'COUNT', '1'], ['LMPOP', '1', 'b', 'LEFT', 'EXTRA'], ['LMPOP', '9223372036854775807', 'b', 'LEFT'],
    ]);
  });

  it('blocking forms with data at hand, and inside MULTI, behave as their non-blocking forms', async () => {
    await same([
      ['RPUSH', 'l', 'a', 'b', 'c'], ['BLPOP', 'missing', 'l', '0'], ['BRPOP', 'l', '1'], ['BLMOVE', 'l', 'd', 'LEFT', 'LEFT', '0'],
      ['BRPOPLPUSH', 'd', 'l', '0'], ['BLMPOP', '0', '2', 'missing', 'l', 'RIGHT', 'COUNT', '5'], ['EXISTS', 'l'],
      ['MULTI'], ['BLPOP', 'l', '0'], ['BRPOP', 'l', '1'], ['BLMOVE', 'l', 'd', 'LEFT', 'LEFT', '0'], ['BRPOPLPUSH', 'l', 'd', '0'],
      ['BLMPOP', '0', '1', 'l', 'LEFT'], ['RPUSH', 'l', 'z'], ['BLPOP', 'l', '0'], ['EXEC'],
      ['SET', 's', 'v'], ['BLPOP', 'missing', 's', '0'], ['BLPOP', 's', 'x'], ['BLMOVE', 's', 'd', 'LEFT', 'LEFT', '0'], ['BLMOVE', 'x', 'd', 'LEFT', 'UP', '0'],
      ['RPUSH', 'l', 'q'], ['BLMOVE', 'l', 's', 'LEFT', 'LEFT', '0'], ['BLMPOP', 'x', '1', 'l', 'LEFT'], ['BLMPOP', '0', '0', 'l', 'LEFT'],
      ['BLMPOP', '-1', '1', 'l', 'LEFT'], ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '0'],
    ]);
  });

  it('CLIENT UNBLOCK: reason, id and argument-count errors in Redis order; unknown ids answer 0', async () => {
    await same([
      ['CLIENT', 'UNBLOCK', 'x', 'BAD'], ['CLIENT', 'unblock', 'x'], ['CLIENT', 'Unblock', '1', 'TIMEOUT', 'extra'],
      ['client', 'UNBLOCK', '999999'], ['CLIENT', 'UNBLOCK', '999999', 'error'], ['CLIENT', 'UNBLOCK', '-1', 'Timeout'],
    ]);
  });

  it('CLIENT UNBLOCK of a blocked client: the timeout reply, or the -UNBLOCKED error', async () => {
    const theirWaiter = await RespClient.connect(redis.port);
    try {
      const ourWaiter = engine.connect();
      const theirId = String(await theirWaiter.call(['CLIENT', 'ID']));
      for (const [block, reason] of [
        [['BLPOP', 'u1', '0'], 'TIMEOUT'],
        [['BLMOVE', 'u1', 'u2', 'LEFT', 'LEFT', '0'], 'error'],
        [['BLMPOP', '0', '1', 'u1', 'LEFT'], []],
      ] as const) {
        const ourReply = engineReply(ourWaiter, block);
        const theirReply = theirWaiter.call(block);
        await redis.client.call(['PING']);
        const tail = typeof reason === 'string' ? [reason] : [];
        expect(await conn.call(['CLIENT', 'UNBLOCK', String(ourWaiter.id), ...tail])).toEqual(await redis.client.call(['CLIENT', 'UNBLOCK', theirId, ...tail]));
        expect(comparable(await ourReply), block.join(' ')).toEqual(comparable(await theirReply));
      }
      expect(await conn.call(['CLIENT', 'UNBLOCK', String(ourWaiter.id)])).toBe(0);
    } finally {
      theirWaiter.close();
    }
  });

  it('timeout argument: parsing errors, negative, infinities and sub-millisecond values', async () => {
    const commands: string[][] = [['MULTI']];
    for (const t of ['x', '', ' 1', 'nan', '-1', '-0.001', 'inf', '-inf', '1e300', '0x10', '1e1', '0.0001', '-0.0001', '0', '1.5', '1e-5000', '0.001', '-0.9', '-1.0001', '1e16', '9223372036854775', '9223372036854775807']) {
      commands.push(['BLPOP', 'missing', t], ['BLMOVE', 'missing', 'd', 'LEFT', 'LEFT', t], ['BLMPOP', t, '1', 'missing', 'LEFT']);
    }
    commands.push(['EXEC']);
    await same(commands);
  });

  it('a client blocked on a key is served when another pushes to it (two connections each side)', async () => {
    const theirWaiter = await RespClient.connect(redis.port);
    try {
      const ourWaiter = engine.connect();
      const cases: Array<{ block: string[]; push: string[][] }> = [
        { block: ['BLPOP', 'q1', 'q2', '0'], push: [['RPUSH', 'q2', 'a', 'b']] },
        { block: ['BRPOP', 'q3', '0'], push: [['MULTI'], ['RPUSH', 'q3', 'a', 'b'], ['LPOP', 'q3'], ['EXEC']] },
        { block: ['BLMOVE', 'q4', 'dst', 'RIGHT', 'LEFT', '0'], push: [['RPUSH', 'q4', 'x', 'y']] },
        { block: ['BLMPOP', '0', '2', 'q5', 'q6', 'LEFT', 'COUNT', '2'], push: [['RPUSH', 'q6', '1', '2', '3']] },
        { block: ['BRPOPLPUSH', 'q7', 'str', '0'], push: [['SET', 'str', 'v'], ['RPUSH', 'q7', 'x'], ['LRANGE', 'q7', '0', '-1']] },
        { block: ['BLPOP', 'q8', '0'], push: [['SET', 'q8', 'v'], ['DEL', 'q8'], ['LPUSH', 'q8', 'z']] },
        // Created and deleted again before the serve: still waiting, served by the next push.
        { block: ['BLPOP', 'q11', '0'], push: [['MULTI'], ['RPUSH', 'q11', 'a'], ['DEL', 'q11'], ['EXEC'], ['RPUSH', 'q11', 'b']] },
        // Two of its keys ready after one EXEC: served by the one that became ready first.
        { block: ['BLPOP', 'q12', 'q13', '0'], push: [['MULTI'], ['RPUSH', 'q13', 'x'], ['RPUSH', 'q12', 'y'], ['EXEC'], ['LRANGE', 'q12', '0', '-1']] },
        { block: ['BLMPOP', '0', '2', 'q14', 'q15', 'RIGHT', 'COUNT', '3'], push: [['MULTI'], ['RPUSH', 'q15', '1', '2'], ['RPUSH', 'q14', '3'], ['EXEC']] },
        // Nothing comes: both time out on their real clocks.
        { block: ['BLMPOP', '0.05', '1', 'q9', 'LEFT'], push: [] },
        { block: ['BRPOPLPUSH', 'q9', 'dst', '0.02'], push: [['SET', 'q9', 'v']] },
        // Below 1 ms: Redis 7.0.8+ rounds up to 1 ms instead of waiting forever.
        { block: ['BLPOP', 'q10', '0.001'], push: [] },
        { block: ['BLMOVE', 'q10', 'dst', 'LEFT', 'LEFT', '0.0001'], push: [] },
      ];
      for (const { block, push } of cases) {
        await expectSameServed({ conn, redis, ourWaiter, theirWaiter }, block, push);
        await same([['LRANGE', 'dst', '0', '-1'], ['LRANGE', 'q6', '0', '-1'], ['LRANGE', 'str', '0', '-1'], ['GET', 'str']]);
      }
    } finally {
      theirWaiter.close();
    }
  });

  it('several clients blocked on one key are served first blocked, first served', async () => {
    await expectSameServedInOrder(
      { conn, redis, engine },
      [['BLPOP', 'f', '0'], ['BRPOP', 'g', 'f', '0'], ['BLMPOP', '0', '1', 'f', 'RIGHT', 'COUNT', '2']],
      [['RPUSH', 'f', '1', '2', '3', '4', '5'], ['LRANGE', 'f', '0', '-1']],
    );
  });

  /** The keyevents (KEAn) both sides publish while `run` runs: the same, in the same order. */
  const expectSameKeyEvents = async (run: () => Promise<void>) => {
    const sub = await RespClient.connect(redis.port);
    try {
      sub.send(['PSUBSCRIBE', '__keyevent@0__:*']);
      await sub.read();
      sub.send(['SUBSCRIBE', 'marker']);
      await sub.read();
      const ours: string[] = [];
      engine.onKeyspaceEvent((e) => {
        if (e.channel.startsWith('__keyevent')) ours.push(`${e.channel.slice('__keyevent@0__:'.length)} ${e.message}`);
      });
      await same([['CONFIG', 'SET', 'notify-keyspace-events', 'KEAn']]);
      await run();
      await redis.client.call(['PUBLISH', 'marker', 'end']);
      const theirs: string[] = [];
      for (;;) {
        const push = (await sub.read()) as string[];
        if (push[0] === 'message') break;
        theirs.push(`${push[2]!.slice('__keyevent@0__:'.length)} ${push[3]}`);
      }
      expect(ours).toEqual(theirs);
    } finally {
      sub.close();
    }
  };

  it('keyspace events of served blocking commands match Redis, in order', async () => {
    const theirWaiter = await RespClient.connect(redis.port);
    try {
      const ourWaiter = engine.connect();
      await expectSameKeyEvents(async () => {
        for (const [block, push] of [
          [['BLPOP', 'a', '0'], ['RPUSH', 'a', 'x']],
          [['BLMOVE', 'b', 'c', 'LEFT', 'RIGHT', '0'], ['RPUSH', 'b', 'x', 'y']],
          [['BRPOPLPUSH', 'd', 'd', '0'], ['LPUSH', 'd', 'x']],
          [['BLMPOP', '0', '1', 'e', 'LEFT', 'COUNT', '5'], ['RPUSH', 'e', '1', '2']],
          [['BLMOVE', 'f', 'g', 'RIGHT', 'LEFT', '0'], ['RPUSH', 'f', 'x']],
          [['BRPOPLPUSH', 'h', 'g', '0'], ['LPUSH', 'h', 'y']],
        ]) {
          await expectSameServed({ conn, redis, ourWaiter, theirWaiter }, block!, [push!]);
        }
      });
    } finally {
      theirWaiter.close();
    }
  });

  it('keyspace events of random list sequences match Redis, in order', async () => {
    await expectSameKeyEvents(async () => {
      for (const seed of [77, 78, 79]) {
        const r = rng(seed);
        await same(Array.from({ length: 300 }, () => runnable(randomCommand(r))).flat());
      }
    });
  });

  for (const seed of [31, 32, 33, 34, 35, 36]) {
    it(`random command sequences over a few keys (seeded ${seed})`, async () => {
      await reset();
      const r = rng(seed);
      await same(Array.from({ length: 500 }, () => runnable(randomCommand(r))).flat());
      await same(KEYS.flatMap((key) => [['TYPE', key], ['LRANGE', key, '0', '-1'], ['OBJECT', 'ENCODING', key]]));
    });
  }
});
