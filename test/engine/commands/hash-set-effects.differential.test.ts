/**
 * What the hash and set families log, against what Redis 7.0 appends to its AOF
 * (appendfsync always): the same commands in the same order. HINCRBYFLOAT is logged as
 * HSET of its result, SPOP as one SREM per member or as DEL; a random SPOP's members
 * differ between the two, so those are compared by shape and checked against the reply.
 */
import { describe, expect, it } from 'vitest';
import { fromByteString } from '../../../src/engine/bytes.js';
import { engineReply, expectSameReplies, haveRedis } from '../../support/redis-server.js';
import { useAofSides } from '../../support/redis-aof.js';
import { rng } from '../../support/random.js';
import { randomHashCommand, randomSetCommand } from './hash-set.support.js';

const upper = (argv: readonly string[]) => [argv[0]!.toUpperCase(), ...argv.slice(1)];

describe.skipIf(!haveRedis)('hash and set effects against the Redis 7.0 AOF', () => {
  const fresh = useAofSides();

  it('deterministic writes, no-ops and errors log what Redis propagates', async () => {
    const { conn, redis, expectSameEffects } = await fresh();
    const sortPops = (argv: readonly string[], reply: unknown) => (argv[0] === 'SPOP' && Array.isArray(reply) ? [...reply].sort() : reply);
    await expectSameReplies(conn, redis.client, [
      ['HSET', 'h', 'a', '1', 'b', '2'], ['HMSET', 'h', 'c', '3'], ['HSETNX', 'h', 'a', 'x'], ['HSETNX', 'h', 'd', '4'], ['HDEL', 'h', 'zz'],
      ['HDEL', 'h', 'a', 'zz'], ['HINCRBY', 'h', 'n', '5'], ['HINCRBY', 'h', 'b', 'x'], ['HINCRBYFLOAT', 'h', 'f', '0.1'], ['HINCRBYFLOAT', 'h', 'f', '0.2'],
      ['HINCRBYFLOAT', 'h', 'f', '1e3'], ['HINCRBYFLOAT', 'h', 'c', 'abc'], ['HGET', 'h', 'f'], ['HDEL', 'h', 'b', 'c', 'd', 'n', 'f'],
      ['SADD', 's', '1', '2', '3', 'x'], ['SADD', 's', '1'], ['SREM', 's', 'zz'], ['SREM', 's', '1', 'zz'], ['SMOVE', 's', 't', '2'],
      ['SMOVE', 's', 't', 'zz'], ['SMOVE', 's', 's', '3'], ['SINTERSTORE', 'i', 's', 't'], ['SUNIONSTORE', 'u', 's', 't'], ['SDIFFSTORE', 'd', 's', 't'],
      ['SINTERSTORE', 'u', 'nokey'], ['SDIFFSTORE', 'nokey2', 'nokey'], ['SADD', 'one', 'm'], ['SPOP', 'one'], ['SADD', 'all', 'a', 'b', 'c'],
      ['SPOP', 'all', '10'], ['SPOP', 'nokey'], ['SPOP', 'nokey', '3'], ['SADD', 'z', 'q'], ['SPOP', 'z', '0'], ['SPOP', 't', '1'],
      ['MULTI'], ['SADD', 'w', 'only'], ['SPOP', 'w', '1'], ['HINCRBYFLOAT', 'h2', 'f', '2.5'], ['EXEC'],
    ], sortPops);
    expectSameEffects();
  });

  for (const seed of [51, 52]) {
    it(`random hash and set sequences log what Redis propagates (seeded ${seed}; no random pops)`, async () => {
      const { conn, redis, expectSameEffects } = await fresh();
      const r = rng(seed);
      const commands: string[][] = [];
      while (commands.length < 500) {
        const argv = r() < 0.5 ? randomHashCommand(r) : randomSetCommand(r);
        // A random SPOP picks different members on each side; the test above covers it.
        if (argv[0] === 'SPOP') continue;
        if (argv[2] === 'FULL') continue;
        commands.push(argv);
      }
      const sortAll = (argv: readonly string[], reply: unknown) => {
        const name = argv[0]!.toUpperCase();
        if (name === 'HRANDFIELD' || name === 'SRANDMEMBER') return Array.isArray(reply) ? reply.length : typeof reply;
        if (Array.isArray(reply) && ['SMEMBERS', 'SINTER', 'SUNION', 'SDIFF', 'HKEYS', 'HVALS', 'HGETALL', 'HSCAN', 'SSCAN'].includes(name)) return JSON.stringify(reply).split('').sort().join('');
        return reply;
      };
      await expectSameReplies(conn, redis.client, commands, sortAll);
      expectSameEffects();
    });
  }

  it('SPOP of part of a set logs one SREM per popped member, in both', async () => {
    const { conn, redis, effects, aofCommands } = await fresh();
    const ours = () => effects.map((argv) => upper(argv.map(fromByteString)));
    const members = Array.from({ length: 40 }, (_, i) => `m${i}`);
    const setup = [['SADD', 'big', ...members], ['SADD', 'ints', ...Array.from({ length: 40 }, (_, i) => String(i))]];
    await expectSameReplies(conn, redis.client, setup);
    const popped: Array<[string[], string[]]> = [];
    const mineLogged: string[][] = [];
    for (const [key, count] of [['big', '3'], ['big', '30'], ['ints', '35'], ['ints', '1']] as const) {
      const before = effects.length;
      const mine = (await engineReply(conn, ['SPOP', key, count])) as string[];
      mineLogged.push(...ours().slice(before));
      const theirs = (await redis.client.call(['SPOP', key, count])) as string[];
      popped.push([mine, theirs]);
      // Same state on both sides from here (Redis's choice wins); not part of the comparison.
      await engineReply(conn, ['SADD', key, ...mine]);
      await engineReply(conn, ['SREM', key, ...theirs]);
    }
    const aof = aofCommands().slice(setup.length).map(upper);
    const shape = (argv: string[]) => [argv[0], argv[1], argv.length];
    expect(mineLogged.map(shape)).toEqual(aof.map(shape));
    // Each SPOP: MULTI, one SREM per popped member, EXEC (a single SREM stays bare).
    let at = 0;
    for (const [mine, theirs] of popped) {
      const bracket = mine.length > 1 ? 1 : 0;
      expect(mineLogged.slice(at + bracket, at + bracket + mine.length).map((argv) => argv[2]).sort()).toEqual([...mine].sort());
      expect(aof.slice(at + bracket, at + bracket + theirs.length).map((argv) => argv[2]).sort()).toEqual([...theirs].sort());
      at += mine.length + 2 * bracket;
    }
  });
});
