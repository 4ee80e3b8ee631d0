import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/index.js';
import type { Connection } from '../../../src/engine/connection.js';
import { hashCommands } from '../../../src/engine/commands/hash.js';
import { expectSameCommandMetadata, haveRedis, type RedisOracle, useDifferentialSides } from '../../support/redis-server.js';
import { rng } from '../../support/random.js';
import { expectSameHashSetReplies, HASH_COUNTS as COUNTS, HASH_KEYS as KEYS, randomHashCommand as randomCommand } from './hash-set.support.js';

describe.skipIf(!haveRedis)('hash commands against Redis 7.0', () => {
  let redis: RedisOracle;
  let engine: Engine;
  let conn: Connection;
  const reset = useDifferentialSides((sides) => ({ redis, engine, conn } = sides));
  const same = (commands: readonly (readonly string[])[]) => expectSameHashSetReplies(conn, redis.client, commands);
  const config = (name: string, value: string) => [['CONFIG', 'SET', name, value]];

  it('COMMAND INFO and DOCS of every hash command match', async () => {
    await expectSameCommandMetadata(conn, redis.client, hashCommands.map((spec) => spec.name));
    expect(engine).toBeDefined();
  });

  it('HSET, HMSET and HSETNX replies, arity and WRONGTYPE', async () => {
    await same([
      ['HSET', 'h', 'a', '1'], ['HSET', 'h', 'a', '2', 'b', '3'], ['HMSET', 'h', 'c', '4'], ['HSETNX', 'h', 'a', 'x'],
      ['HSETNX', 'h', 'd', 'x'], ['HSETNX', 'new', 'f', 'v'], ['HGETALL', 'h'], ['HSET', 'h', 'a'], ['HMSET', 'h', 'a', '1', 'b'],
      ['SET', 's', 'v'], ['HSET', 's', 'a', '1'], ['HGET', 's', 'a'], ['HGETALL', 's'], ['HSETNX', 's', 'a', '1'], ['HLEN', 's'],
      ['HSET', 'h', 'a', '1', 'a', '2'], ['HGET', 'h', 'a'], ['HMGET', 'h', 'a', 'zz', 'b'], ['HMGET', 'missing', 'a', 'b'],
      ['HSTRLEN', 'h', 'a'], ['HSTRLEN', 'h', 'zz'], ['HEXISTS', 'h', 'a'], ['HEXISTS', 'missing', 'a'], ['HKEYS', 'h'], ['HVALS', 'h'],
    ]);
  });

  it('HDEL deletes an emptied hash; listpack order is insertion order', async () => {
    await same([
      ['HSET', 'h', 'z', '1', 'a', '2', 'm', '3'], ['HSET', 'h', 'a', '9'], ['HGETALL', 'h'], ['HDEL', 'h', 'a', 'a', 'nope'],
      ['HKEYS', 'h'], ['HSET', 'h', 'a', '0'], ['HVALS', 'h'], ['HDEL', 'h', 'z', 'm', 'a', 'x'], ['EXISTS', 'h'], ['HDEL', 'h', 'z'],
      ['HDEL', 'missing', 'a'],
    ]);
  });

  it('HINCRBY and HINCRBYFLOAT: parsing, overflow, long double results', async () => {
    await same([
      ['HINCRBY', 'h', 'n', '5'], ['HINCRBY', 'h', 'n', '-10'], ['HINCRBY', 'h', 'n', 'x'], ['HSET', 'h', 's', 'abc', 'big', '9223372036854775807', 'z', '007'],
      ['HINCRBY', 'h', 's', '1'], ['HINCRBY', 'h', 'big', '1'], ['HINCRBY', 'h', 'big', '-1'], ['HINCRBY', 'h', 'z', '1'],
      ['HSET', 'h', 'neg', '-9223372036854775808'], ['HINCRBY', 'h', 'neg', '-1'], ['HINCRBY', 'h', 'neg', '9223372036854775807'],
      ['HINCRBYFLOAT', 'h', 'f', '0.1'], ['HINCRBYFLOAT', 'h', 'f', '0.2'], ['HINCRBYFLOAT', 'h', 'f', '1e3'], ['HINCRBYFLOAT', 'h', 'f', 'inf'],
      ['HINCRBYFLOAT', 'h', 'f', 'nan'], ['HINCRBYFLOAT', 'h', 'f', 'abc'], ['HINCRBYFLOAT', 'h', 's', '1'], ['HINCRBYFLOAT', 'h', 'n', '1.5'],
      ['HSET', 'h', 'huge', '1e4932'], ['HINCRBYFLOAT', 'h', 'huge', '1e4932'], ['HINCRBYFLOAT', 'h', 'f', '5.0e3'], ['HINCRBYFLOAT', 'h', 'g', '1e400'],
      ['HGETALL', 'h'], ['HINCRBYFLOAT', 'new', 'f', '-0.0'], ['HGET', 'new', 'f'], ['SET', 'str', '1'], ['HINCRBY', 'str', 'f', '1'],
      ['HINCRBYFLOAT', 'str', 'f', '1'], ['HINCRBYFLOAT', 'str', 'f', 'x'],
    ]);
  });

  it('OBJECT ENCODING: listpack until a limit is crossed, then hashtable for good', async () => {
    const fill = (key: string, count: number) => {
      const argv = ['HSET', key];
      for (let i = 0; i < count; i++) argv.push(`field:${i}`, `value:${i}`);
      return argv;
    };
    await same([
      fill('a', 512), ['OBJECT', 'ENCODING', 'a'], ['HSET', 'a', 'one', 'more'], ['OBJECT', 'ENCODING', 'a'], ['HLEN', 'a'],
      ['HDEL', 'a', 'one', 'field:0', 'field:1'], ['OBJECT', 'ENCODING', 'a'],
      ['HSET', 'b', 'f', 'x'.repeat(64)], ['OBJECT', 'ENCODING', 'b'], ['HSET', 'b', 'f', 'x'.repeat(65)], ['OBJECT', 'ENCODING', 'b'],
      ['HDEL', 'b', 'f'], ['HSET', 'b', 'x'.repeat(65), 'v'], ['OBJECT', 'ENCODING', 'b'],
      ['HSET', 'c', 'a', '1'], ['HSETNX', 'c', 'a', 'x'.repeat(65)], ['OBJECT', 'ENCODING', 'c'], ['HSETNX', 'c', 'b', 'x'.repeat(65)], ['OBJECT', 'ENCODING', 'c'],
      ['HINCRBY', 'd', 'x'.repeat(65), '1'], ['OBJECT', 'ENCODING', 'd'], ['HINCRBYFLOAT', 'e', 'x'.repeat(65), '1'], ['OBJECT', 'ENCODING', 'e'],
      ['HSET', 'g', 'n', '1'], ['HINCRBYFLOAT', 'g', 'n', '0.00000000000000001'], ['OBJECT', 'ENCODING', 'g'],
      ['COPY', 'a', 'a2'], ['OBJECT', 'ENCODING', 'a2'], ['COPY', 'b', 'b2'], ['OBJECT', 'ENCODING', 'b2'], ['HGETALL', 'b2'],
      ...config('hash-max-listpack-entries', '2'), ['HSET', 'h', 'a', '1', 'b', '2'], ['OBJECT', 'ENCODING', 'h'], ['HSET', 'h', 'c', '3'],
      ['OBJECT', 'ENCODING', 'h'], ['HSET', 'w', 'a', '1', 'b', '2', 'c', '3'], ['OBJECT', 'ENCODING', 'w'],
      ['HSET', 'w2', 'a', '1', 'a', '2', 'b', '3'], ['OBJECT', 'ENCODING', 'w2'], ['HGETALL', 'w2'], ['HMSET', 'w3', 'a', '1', 'b', '2', 'a', '3'],
      ['OBJECT', 'ENCODING', 'w3'], ['HGETALL', 'w3'], ...config('hash-max-listpack-entries', '0'), ['HSET', 'z', 'a', '1'], ['OBJECT', 'ENCODING', 'z'],
      ...config('hash-max-listpack-entries', '512'), ...config('hash-max-listpack-value', '0'), ['HSET', 'y', 'a', ''], ['OBJECT', 'ENCODING', 'y'],
      ['HSET', 'y2', '', ''], ['OBJECT', 'ENCODING', 'y2'], ...config('hash-max-ziplist-value', '64'),
    ]);
  });

  it('HRANDFIELD argument errors, reply shapes and count cases', async () => {
    const commands: string[][] = [['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'], ['HRANDFIELD', 'missing'], ['HRANDFIELD', 'missing', '3']];
    for (const count of COUNTS) {
      commands.push(['HRANDFIELD', 'h', count], ['HRANDFIELD', 'h', count, 'WITHVALUES'], ['HRANDFIELD', 'missing', count, 'withvalues']);
    }
    commands.push(
      ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'], ['HRANDFIELD', 'h', 'x', 'y'], ['HRANDFIELD', 'h', '1', 'x'], ['HRANDFIELD', 'h', '-4611686018427387903', 'x'],
      ['SET', 's', 'v'], ['HRANDFIELD', 's'], ['HRANDFIELD', 's', '0'], ['HRANDFIELD', 's', 'x'], ['HRANDFIELD', 'h', '3', 'WITHVALUES'], ['HRANDFIELD', 'h', '4'],
    );
    await same(commands);
  });

  it('HSCAN: cursors, options, errors; listpack whole, hashtable complete', async () => {
    const big = ['HSET', 'big'];
    for (let i = 0; i < 700; i++) big.push(`f${i}`, `v${i}`);
    await same([
      ['HSCAN', 'missing', '0', 'BAD'], ['HSET', 'h', 'foo', '1', 'bar', '2', 'baz', '3'], ['HSCAN', 'h', '0'], ['HSCAN', 'h', '0', 'MATCH', 'ba*'],
      ['HSCAN', 'h', '123', 'COUNT', '1'], ['HSCAN', 'h', 'x'], ['HSCAN', 'h', '0', 'COUNT', '0'], ['HSCAN', 'h', '0', 'COUNT'], ['HSCAN', 'h', '0', 'TYPE', 'hash'],
      ['HSCAN', 'h', '0', 'COUNT', 'x'], ['HSCAN', 'h', '0', 'MATCH', 'x', 'COUNT', '-1'], ['HSCAN', 'h', '-1'], ['HSCAN', 'h', '18446744073709551616'],
      ['SET', 's', 'v'], ['HSCAN', 's', '0'], ['HSCAN', 's', 'x'], big, ['HSCAN', 'big', 'FULL'], ['HSCAN', 'big', 'FULL', 'COUNT', '7'],
      ['HSCAN', 'big', 'FULL', 'MATCH', 'f1*', 'COUNT', '50'],
    ]);
  });

  for (const [label, entries] of [['default limits', null], ['hash-max-listpack-entries 3', '3']] as const) {
    it(`random command sequences over a few keys (seeded, ${label})`, async () => {
      for (const seed of [21, 22, 23, 24, 25]) {
        await reset();
        if (entries !== null) await same(config('hash-max-listpack-entries', entries));
        const r = rng(seed + (entries === null ? 0 : 100));
        await same(Array.from({ length: 400 }, () => randomCommand(r)));
        await same(KEYS.flatMap((key) => [['TYPE', key], ['HGETALL', key], ['OBJECT', 'ENCODING', key], ['HSCAN', key, 'FULL']]));
      }
    });
  }
});
