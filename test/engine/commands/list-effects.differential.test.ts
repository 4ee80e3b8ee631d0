/**
 * What the list family logs, against what Redis 7.0 appends to its AOF (appendfsync always,
 * so a command's propagation is on disk before its reply): the same commands in the same
 * order, blocking pops served later included. Command names compare case-insensitively.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/index.js';
import type { Connection } from '../../../src/engine/connection.js';
import { comparable, engineReply, expectSameReplies, haveRedis, type RedisOracle } from '../../support/redis-server.js';
import { useAofSides } from '../../support/redis-aof.js';
import { RespClient } from '../../support/resp.js';
import { pick, rng, type Rand } from '../../support/random.js';
import { expectSameServed, randomCommand, runnable } from './list.support.js';

const WAIT_KEYS = ['w1', 'w2', 'w3'];
const SIDES = ['LEFT', 'RIGHT'];

/** A blocking command that waits forever on one or two of WAIT_KEYS. */
function randomBlock(r: Rand): string[] {
  const key = () => pick(r, WAIT_KEYS);
  switch (Math.floor(r() * 5)) {
    case 0: return [pick(r, ['BLPOP', 'BRPOP']), key(), key(), '0'];
    case 1: return [pick(r, ['BLPOP', 'BRPOP']), key(), '0'];
    case 2: return ['BLMOVE', key(), key(), pick(r, SIDES), pick(r, SIDES), '0'];
    case 3: return ['BRPOPLPUSH', key(), key(), '0'];
    default: return ['BLMPOP', '0', '2', key(), key(), pick(r, SIDES), 'COUNT', pick(r, ['1', '2', '5'])];
  }
}

/** What wakes waiters (or not): pushes, moves, transactions, a key turned into a string. */
function randomWrite(r: Rand): string[][] {
  const key = () => pick(r, WAIT_KEYS);
  const els = () => Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, ['a', 'b', 'c', 'd']));
  switch (Math.floor(r() * 6)) {
    case 0: case 1: return [[pick(r, ['LPUSH', 'RPUSH']), key(), ...els()]];
    case 2: return [['MULTI'], ['RPUSH', key(), ...els()], ['LPUSH', key(), ...els()], ['EXEC']];
    case 3: return [['LMOVE', key(), key(), pick(r, SIDES), pick(r, SIDES)]];
    case 4: return [['MULTI'], ['RPUSH', key(), ...els()], ['DEL', key()], ['EXEC']];
    default: return [['SET', key(), 'v'], ['DEL', key()]];
  }
}

describe.skipIf(!haveRedis)('list effects against the Redis 7.0 AOF', () => {
  const aofSides = useAofSides();
  let redis: RedisOracle;
  let engine: Engine;
  let conn: Connection;
  let expectSameEffects: () => void;

  /** An empty Redis (its AOF read from here on) and a fresh engine with its effect log. */
  const fresh = async () => {
    ({ redis, engine, conn, expectSameEffects } = await aofSides());
  };

  for (const seed of [41, 42, 43]) {
    it(`random list sequences log what Redis propagates (seeded ${seed})`, async () => {
      await fresh();
      const r = rng(seed);
      await expectSameReplies(conn, redis.client, Array.from({ length: 400 }, () => runnable(randomCommand(r))).flat());
      expectSameEffects();
    });
  }

  it('blocking commands with data at hand and served later log their non-blocking forms', async () => {
    await fresh();
    await expectSameReplies(conn, redis.client, [
      ['RPUSH', 'l', 'a', 'b', 'c', 'd'], ['BLPOP', 'missing', 'l', '0'], ['BRPOP', 'l', '1'], ['BLMOVE', 'l', 'd', 'left', 'Right', '0'],
      ['BRPOPLPUSH', 'd', 'l', '0'], ['BLMPOP', '0', '2', 'missing', 'l', 'RIGHT', 'COUNT', '5'], ['BLMOVE', 'missing', 'd', 'LEFT', 'LEFT', '0.001'],
    ]);
    const theirWaiter = await RespClient.connect(redis.port);
    try {
      const ourWaiter = engine.connect();
      for (const [block, push] of [
        [['BLPOP', 'a', 'b', '0'], ['RPUSH', 'b', 'x']],
        [['BRPOP', 'a', '0'], ['RPUSH', 'a', 'x', 'y']],
        [['BLMOVE', 'c', 'd', 'left', 'RIGHT', '0'], ['RPUSH', 'c', 'x', 'y']],
        [['BRPOPLPUSH', 'e', 'e', '0'], ['LPUSH', 'e', 'x']],
        [['BLMPOP', '0', '2', 'f', 'g', 'LEFT', 'COUNT', '5'], ['RPUSH', 'g', '1', '2']],
        [['BLMPOP', '0', '1', 'h', 'RIGHT', 'COUNT', '2'], ['RPUSH', 'h', '1', '2', '3']],
      ]) {
        await expectSameServed({ conn, redis, ourWaiter, theirWaiter }, block!, [push!]);
      }
    } finally {
      theirWaiter.close();
    }
    expectSameEffects();
  });

  it('a push inside MULTI serves the waiter after EXEC; a served BLMOVE onto another type logs nothing', async () => {
    await fresh();
    const theirWaiter = await RespClient.connect(redis.port);
    try {
      const ourWaiter = engine.connect();
      for (const [block, push] of [
        [['BLPOP', 'q', '0'], [['MULTI'], ['RPUSH', 'q', 'a', 'b'], ['LPOP', 'q'], ['EXEC']]],
        [['BLMOVE', 'src', 'str', 'LEFT', 'LEFT', '0'], [['SET', 'str', 'v'], ['RPUSH', 'src', 'x']]],
      ] as const) {
        await expectSameServed({ conn, redis, ourWaiter, theirWaiter }, block, push);
      }
    } finally {
      theirWaiter.close();
    }
    expectSameEffects();
  });

  it('serves that write wake further keys in Redis order (BLMOVE chains after one EXEC)', async () => {
    await fresh();
    const blocks = [
      ['BLMOVE', 'a', 'b', 'RIGHT', 'LEFT', '0'],
      ['BLPOP', 'b', 'c', '0'],
      ['BRPOPLPUSH', 'c', 'a', '0'],
      ['BLPOP', 'b', '0'],
    ];
    const theirs = await Promise.all(blocks.map(() => RespClient.connect(redis.port)));
    try {
      const ourReplies: Promise<unknown>[] = [];
      const theirReplies: Promise<unknown>[] = [];
      blocks.forEach((block, i) => {
        ourReplies.push(engineReply(engine.connect(), block));
        theirReplies.push(theirs[i]!.call(block));
      });
      await redis.client.call(['PING']);
      await expectSameReplies(conn, redis.client, [['MULTI'], ['RPUSH', 'c', 'z'], ['RPUSH', 'a', 'y1', 'y2'], ['EXEC']]);
      for (const i of [0, 1, 3]) expect(await ourReplies[i], blocks[i]!.join(' ')).toEqual(await theirReplies[i]);
      await expectSameReplies(conn, redis.client, [['LRANGE', 'a', '0', '-1'], ['RPUSH', 'c', 'q']]);
      expect(await ourReplies[2]).toEqual(await theirReplies[2]);
      await expectSameReplies(conn, redis.client, ['a', 'b', 'c'].map((key) => ['LRANGE', key, '0', '-1']));
    } finally {
      for (const client of theirs) client.close();
    }
    expectSameEffects();
  });

  it('random blocked clients and writes: served as Redis serves them, logged as Redis logs them', async () => {
    await fresh();
    const theirWaiters = await Promise.all([1, 2, 3, 4].map(() => RespClient.connect(redis.port)));
    try {
      const ourWaiters = theirWaiters.map(() => engine.connect());
      const theirIds = await Promise.all(theirWaiters.map(async (c) => String(await c.call(['CLIENT', 'ID']))));
      const r = rng(51);
      let served = 0;
      for (let round = 0; round < 40; round++) {
        const blocks = ourWaiters.map(() => randomBlock(r));
        const ourReplies = blocks.map((block, i) => engineReply(ourWaiters[i]!, block));
        const theirReplies = blocks.map((block, i) => theirWaiters[i]!.call(block));
        await redis.client.call(['PING']);
        const writes = Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomWrite(r)).flat();
        await expectSameReplies(conn, redis.client, writes);
        // Whoever is still waiting times out now, on both sides alike.
        for (let i = 0; i < blocks.length; i++) {
          const ours = await conn.call(['CLIENT', 'UNBLOCK', String(ourWaiters[i]!.id)]);
          expect(ours, `round ${round}: ${blocks[i]!.join(' ')} still blocked`).toEqual(await redis.client.call(['CLIENT', 'UNBLOCK', theirIds[i]!]));
        }
        for (let i = 0; i < blocks.length; i++) {
          expect(comparable(await ourReplies[i]!), `round ${round}: ${blocks[i]!.join(' ')}`).toEqual(comparable(await theirReplies[i]!));
        }
        await expectSameReplies(conn, redis.client, WAIT_KEYS.map((key) => ['LRANGE', key, '0', '-1']));
        served += (await Promise.all(ourReplies)).filter((x) => x !== null).length;
      }
      // The sequence does exercise serving (most rounds wake someone), not only timeouts.
      expect(served).toBeGreaterThan(40);
    } finally {
      for (const client of theirWaiters) client.close();
    }
    expectSameEffects();
  });
});
