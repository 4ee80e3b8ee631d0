import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/index.js';
import type { Connection } from '../../../src/engine/connection.js';
import { setCommands } from '../../../src/engine/commands/set.js';
import { expectSameCommandMetadata, expectSameReplies, haveRedis, type RedisOracle, useDifferentialSides } from '../../support/redis-server.js';
import { rng } from '../../support/random.js';
import { expectSameHashSetReplies, SET_COUNTS as COUNTS, SET_KEYS as KEYS, randomSetCommand as randomCommand } from './hash-set.support.js';

describe.skipIf(!haveRedis)('set commands against Redis 7.0', () => {
  let redis: RedisOracle;
  let engine: Engine;
  let conn: Connection;
  const reset = useDifferentialSides((sides) => ({ redis, engine, conn } = sides));
  const same = (commands: readonly (readonly string[])[]) => expectSameHashSetReplies(conn, redis.client, commands);
  const config = (name: string, value: string) => [['CONFIG', 'SET', name, value]];

  it('COMMAND INFO and DOCS of every set command match; SINTERCARD keys', async () => {
    await expectSameCommandMetadata(conn, redis.client, setCommands.map((spec) => spec.name));
    await expectSameReplies(conn, redis.client, [
      ['COMMAND', 'GETKEYS', 'SINTERCARD', '2', 'a', 'b', 'LIMIT', '1'], ['COMMAND', 'GETKEYS', 'SINTERCARD', '3', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'SINTERCARD', '0', 'a'], ['COMMAND', 'GETKEYS', 'SINTERCARD', ' 1x', 'a'], ['COMMAND', 'GETKEYSANDFLAGS', 'SMOVE', 'a', 'b', 'm'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'SUNIONSTORE', 'd', 'a', 'b'], ['COMMAND', 'GETKEYSANDFLAGS', 'SINTERCARD', '2', 'a', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'SINTERCARD', ' 2', 'a', 'b'], ['COMMAND', 'GETKEYSANDFLAGS', 'SINTERCARD', '2x', 'a', 'b'],
    ]);
    expect(engine).toBeDefined();
  });

  it('intset order: SMEMBERS, SSCAN, SUNION, SDIFF and SINTER list integers ascending', async () => {
    await same([
      ['SADD', 'a', '10', '-3', '2', '9223372036854775807', '-9223372036854775808', '100', '0'], ['SMEMBERS', 'a'], ['SSCAN', 'a', '0'],
      ['SSCAN', 'a', '7', 'MATCH', '1*'], ['SADD', 'b', '100', '2', '5'], ['SUNION', 'a', 'b'], ['SDIFF', 'a', 'b'], ['SINTER', 'b', 'a'],
      ['SRANDMEMBER', 'a', '100'], ['OBJECT', 'ENCODING', 'a'], ['SUNIONSTORE', 'u', 'a', 'b'], ['OBJECT', 'ENCODING', 'u'], ['SMEMBERS', 'u'],
      ['SADD', 'b', 'x'], ['OBJECT', 'ENCODING', 'b'], ['SREM', 'b', 'x'], ['OBJECT', 'ENCODING', 'b'], ['SINTERSTORE', 'i', 'a', 'b'],
      ['OBJECT', 'ENCODING', 'i'], ['SMEMBERS', 'i'], ['SPOP', 'i', '10'], ['EXISTS', 'i'],
    ]);
  });

  it('OBJECT ENCODING: intset until a non-integer or the size limit, then hashtable for good', async () => {
    const ints = Array.from({ length: 512 }, (_, i) => String(i * 7 - 100));
    await same([
      ['SADD', 'a', ...ints], ['OBJECT', 'ENCODING', 'a'], ['SADD', 'a', '0'], ['OBJECT', 'ENCODING', 'a'], ['SADD', 'a', '100000'],
      ['OBJECT', 'ENCODING', 'a'], ['SREM', 'a', '100000', '-100'], ['OBJECT', 'ENCODING', 'a'], ['SCARD', 'a'],
      ['SADD', 'b', '007'], ['OBJECT', 'ENCODING', 'b'], ['SADD', 'c', '-0'], ['OBJECT', 'ENCODING', 'c'], ['SADD', 'd', '1', 'a'],
      ['OBJECT', 'ENCODING', 'd'], ['SMOVE', 'd', 'e', '1'], ['OBJECT', 'ENCODING', 'e'], ['SMOVE', 'd', 'f', 'a'], ['OBJECT', 'ENCODING', 'f'],
      ['EXISTS', 'd'], ['SADD', 'g', '9223372036854775808'], ['OBJECT', 'ENCODING', 'g'], ['COPY', 'a', 'a2'], ['OBJECT', 'ENCODING', 'a2'],
      ['SDIFFSTORE', 'h', 'a', 'g'], ['OBJECT', 'ENCODING', 'h'], ['SPOP', 'a', '400'], ['OBJECT', 'ENCODING', 'a'],
      ...config('set-max-intset-entries', '2'), ['SADD', 'k', '1', '2'], ['OBJECT', 'ENCODING', 'k'], ['SADD', 'k', '3'], ['OBJECT', 'ENCODING', 'k'],
      ['SUNIONSTORE', 'k2', 'k'], ['OBJECT', 'ENCODING', 'k2'], ['SINTERSTORE', 'k3', 'k', 'k'], ['OBJECT', 'ENCODING', 'k3'], ['SMEMBERS', 'k'],
      ...config('set-max-intset-entries', '0'), ['SADD', 'z', '1'], ['OBJECT', 'ENCODING', 'z'], ...config('set-max-intset-entries', '512'),
      ['SADD', 'p', '1', '2', '3', '4', '5', '6', 'x'], ['SREM', 'p', 'x'], ['OBJECT', 'ENCODING', 'p'], ['SPOP', 'p', '1'], ['OBJECT', 'ENCODING', 'p'],
      ['SPOP', 'p', '4'], ['OBJECT', 'ENCODING', 'p'], ['SADD', 'q', '1', '2', '3', '4', '5', '6', 'x'], ['SREM', 'q', 'x'], ['SPOP', 'q', '5'],
      ['OBJECT', 'ENCODING', 'q'],
    ]);
  });

  it('SPOP, SRANDMEMBER: counts, errors, shapes and deletion', async () => {
    const commands: string[][] = [['SADD', 's', 'a', 'b', 'c', '1', '2'], ['SPOP', 'missing'], ['SPOP', 'missing', '3'], ['SRANDMEMBER', 'missing']];
    for (const count of COUNTS) commands.push(['SRANDMEMBER', 's', count], ['SRANDMEMBER', 'missing', count], ['SPOP', 'missing', count]);
    commands.push(
      ['SPOP', 's', '1', 'x'], ['SRANDMEMBER', 's', '1', 'x'], ['SPOP', 's', '0'], ['SPOP', 's', '-1'], ['SPOP', 's', 'x'], ['SPOP', 's', '2'],
      ['SCARD', 's'], ['SPOP', 's'], ['SPOP', 's', '10'], ['EXISTS', 's'], ['SET', 'str', 'v'], ['SPOP', 'str'], ['SPOP', 'str', '0'],
      ['SPOP', 'str', '-1'], ['SRANDMEMBER', 'str', '0'], ['SRANDMEMBER', 'str', 'x'], ['SADD', 'one', 'x'], ['SPOP', 'one'], ['EXISTS', 'one'],
    );
    await same(commands);
  });

  it('SMOVE and the STORE forms: WRONGTYPE rules, same keys, empty results', async () => {
    await same([
      ['SMOVE', 'missing', 'dst', 'a'], ['SET', 'str', 'v'], ['SMOVE', 'missing', 'str', 'a'], ['SADD', 'a', 'x', 'y'], ['SMOVE', 'a', 'str', 'x'],
      ['SMOVE', 'str', 'a', 'x'], ['SMOVE', 'a', 'a', 'x'], ['SMOVE', 'a', 'a', 'zz'], ['SMOVE', 'a', 'b', 'zz'], ['SMOVE', 'a', 'b', 'x'],
      ['SMOVE', 'a', 'b', 'y'], ['EXISTS', 'a'], ['SMEMBERS', 'b'], ['SADD', 'c', 'x'], ['SMOVE', 'c', 'b', 'x'], ['EXISTS', 'c'],
      ['SINTER', 'missing', 'str'], ['SINTER', 'b', 'missing'], ['SUNION', 'missing', 'str'], ['SDIFF', 'missing', 'str'], ['SDIFF', 'b', 'b'],
      ['SINTERSTORE', 'b2', 'b', 'missing'], ['EXISTS', 'b2'], ['SET', 'd', 'v', 'EX', '100'], ['SUNIONSTORE', 'd', 'b'], ['TTL', 'd'], ['TYPE', 'd'],
      ['SDIFFSTORE', 'd', 'b', 'b'], ['EXISTS', 'd'], ['SINTERSTORE', 'str', 'b'], ['TYPE', 'str'], ['SINTERSTORE', 'b', 'b'], ['SMEMBERS', 'b'],
      ['SUNIONSTORE', 'x', 'missing'], ['EXISTS', 'x'], ['SINTERSTORE', 'x', 'str2', 'str'], ['SUNIONSTORE', 'str', 'b', 'str'],
    ]);
  });

  it('STORE forms keep an overwritten key\'s LFU counter; new keys start theirs', async () => {
    await same([
      ...config('maxmemory-policy', 'allkeys-lfu'), ...config('lfu-log-factor', '0'), ['SET', 'd', 'v'], ...Array.from({ length: 10 }, () => ['GET', 'd']),
      ['SADD', 'a', 'x'], ['SUNIONSTORE', 'd', 'a'], ['OBJECT', 'FREQ', 'd'], ['SINTERSTORE', 'e', 'a'], ['OBJECT', 'FREQ', 'e'],
      ['SMOVE', 'a', 'b', 'x'], ['OBJECT', 'FREQ', 'b'], ['HSET', 'h', 'f', 'v'], ['OBJECT', 'FREQ', 'h'],
      ...config('maxmemory-policy', 'noeviction'), ...config('lfu-log-factor', '10'),
    ]);
  });

  it('SINTERCARD: numkeys, LIMIT and errors', async () => {
    await same([
      ['SADD', 'a', '1', '2', '3', '4'], ['SADD', 'b', '2', '3', '4', '5'], ['SINTERCARD', '2', 'a', 'b'], ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '2'],
      ['SINTERCARD', '2', 'a', 'b', 'limit', '0'], ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '100'], ['SINTERCARD', '1', 'a'], ['SINTERCARD', '2', 'a', 'missing'],
      ['SINTERCARD', '0', 'a'], ['SINTERCARD', '-1', 'a'], ['SINTERCARD', 'x', 'a'], ['SINTERCARD', '3', 'a', 'b'], ['SINTERCARD', '2', 'a', 'b', 'LIMIT'],
      ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '-1'], ['SINTERCARD', '2', 'a', 'b', 'LIMIT', 'x'], ['SINTERCARD', '2', 'a', 'b', 'FOO', '1'],
      ['SINTERCARD', '1', 'a', 'b'], ['SET', 'str', 'v'], ['SINTERCARD', '2', 'missing', 'str'], ['SINTERCARD', '9223372036854775808', 'a'],
      ['SINTERCARD', '2', 'a', 'a'],
    ]);
  });

  it('big sets: hashtable algebra and complete SSCANs', async () => {
    const big1 = Array.from({ length: 900 }, (_, i) => `m${i}`);
    const big2 = Array.from({ length: 700 }, (_, i) => `m${i * 2}`);
    await same([
      ['SADD', 'a', ...big1], ['SADD', 'b', ...big2], ['SINTERCARD', '2', 'a', 'b'], ['SINTER', 'a', 'b'], ['SDIFF', 'a', 'b'], ['SUNION', 'a', 'b'],
      ['SINTERSTORE', 'i', 'a', 'b'], ['SCARD', 'i'], ['SSCAN', 'a', 'FULL'], ['SSCAN', 'a', 'FULL', 'COUNT', '13', 'MATCH', 'm1*'],
      ['SRANDMEMBER', 'a', '10'], ['SRANDMEMBER', 'a', '-1000'], ['SRANDMEMBER', 'a', '800'], ['SPOP', 'a', '20'], ['SPOP', 'a', '500'],
      ['SCARD', 'a'], ['SSCAN', 'a', 'FULL', 'COUNT', '100'], ['SMEMBERS', 'a'],
    ]);
  });

  for (const [label, entries] of [['default limits', null], ['set-max-intset-entries 3', '3']] as const) {
    it(`random command sequences over a few keys (seeded, ${label})`, async () => {
      for (const seed of [31, 32, 33, 34, 35]) {
        await reset();
        if (entries !== null) await same(config('set-max-intset-entries', entries));
        const r = rng(seed + (entries === null ? 0 : 100));
        await same(Array.from({ length: 400 }, () => randomCommand(r)));
        await same(KEYS.flatMap((key) => [['TYPE', key], ['SMEMBERS', key], ['OBJECT', 'ENCODING', key], ['SSCAN', key, 'FULL']]));
      }
    });
  }
});
