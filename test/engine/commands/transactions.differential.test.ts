import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { createEngine } from '../../../src/index.js';
import { expectSameReplies, haveRedis, startRedis, type RedisOracle } from '../../support/redis-server.js';
import { RespClient } from '../../support/resp.js';
import type { Connection } from '../../../src/engine/connection.js';
import { rng } from '../../support/random.js';

/** Seeded generator so a failing random sequence reproduces. */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Differential: needs a real redis-server (CI installs it); skipped where it is absent.
describe.skipIf(!haveRedis)('transactions against Redis 7.0', () => {
  let redis: RedisOracle;
  let redis2: RespClient;
  /** Two connections on each side: [ours, theirs]. */
  let a: [Connection, RespClient];
  let b: [Connection, RespClient];

  beforeAll(async () => {
    redis = await startRedis();
    redis2 = await RespClient.connect(redis.port);
  });
  afterAll(async () => {
    redis2?.close();
    await redis?.stop();
  });
  beforeEach(async () => {
    const engine = createEngine();
    a = [engine.connect(), redis.client];
    b = [engine.connect(), redis2];
    for (const client of [redis.client, redis2]) await client.call(['RESET']);
    await redis.client.call(['FLUSHALL']);
  });

  /** Run steps in order, each on connection a or b, comparing every reply. */
  async function steps(...list: Array<['a' | 'b', ...string[]]>): Promise<void> {
    for (const [who, ...argv] of list) {
      const [mine, theirs] = who === 'a' ? a : b;
      await expectSameReplies(mine, theirs, [argv]);
    }
  }

  it('MULTI / EXEC basics, DISCARD, nesting and errors', async () => {
    await steps(
      ['a', 'SET', 'k', 'v'], ['a', 'MULTI'], ['a', 'GET', 'k'], ['a', 'PING'], ['a', 'EXEC'],
      ['a', 'MULTI'], ['a', 'DEL', 'k'], ['a', 'DISCARD'], ['a', 'GET', 'k'],
      ['a', 'MULTI'], ['a', 'MULTI'], ['a', 'WATCH', 'x'], ['a', 'EXEC'],
      ['a', 'EXEC'], ['a', 'DISCARD'], ['a', 'multi'], ['a', 'exec'],
    );
  });

  it('EXECABORT after a queued arity error or unknown command', async () => {
    await steps(
      ['a', 'MULTI'], ['a', 'SET', 'foo1', 'bar1'], ['a', 'non-existing-command', 'x'], ['a', 'SET', 'foo2', 'bar2'], ['a', 'EXEC'],
      ['a', 'GET', 'foo1'], ['a', 'MULTI'], ['a', 'SET', 'foo1'], ['a', 'CONFIG', 'nosuch'], ['a', 'CLIENT'], ['a', 'EXEC'],
      ['a', 'GET', 'foo1'], ['a', 'PING'],
    );
  });

  it('runtime errors inside EXEC do not roll back', async () => {
    await steps(
      ['a', 'SET', 'a', 'not-a-number'], ['a', 'MULTI'], ['a', 'SET', 'b', '1'], ['a', 'INCR', 'a'], ['a', 'INCR', 'b'],
      ['a', 'CONFIG', 'SET', 'maxmemory', 'bla'], ['a', 'SELECT', '16'], ['a', 'EXEC'], ['a', 'GET', 'a'], ['a', 'GET', 'b'],
    );
  });

  it('WATCH + modification from another connection', async () => {
    await steps(
      ['a', 'SET', 'x', '30'], ['a', 'WATCH', 'x'], ['b', 'SET', 'x', '40'], ['a', 'MULTI'], ['a', 'PING'], ['a', 'EXEC'],
      ['a', 'WATCH', 'a', 'b', 'x', 'k'], ['b', 'INCR', 'x'], ['a', 'MULTI'], ['a', 'INCR', 'x'], ['a', 'EXEC'], ['a', 'GET', 'x'],
      ['a', 'WATCH', 'x'], ['b', 'GET', 'x'], ['a', 'MULTI'], ['a', 'INCR', 'x'], ['a', 'EXEC'],
      ['a', 'WATCH', 'x'], ['b', 'DEL', 'nokey'], ['b', 'INCR', 'x'], ['a', 'UNWATCH'], ['a', 'MULTI'], ['a', 'INCR', 'x'], ['a', 'EXEC'],
    );
  });

  it('DISCARD clears the dirty flag and UNWATCHes', async () => {
    await steps(
      ['a', 'WATCH', 'x'], ['b', 'SET', 'x', '10'], ['a', 'MULTI'], ['a', 'DISCARD'], ['a', 'MULTI'], ['a', 'INCR', 'x'], ['a', 'EXEC'],
      ['a', 'WATCH', 'x'], ['a', 'MULTI'], ['a', 'DISCARD'], ['b', 'SET', 'x', '10'], ['a', 'MULTI'], ['a', 'INCR', 'x'], ['a', 'EXEC'],
    );
  });

  it('FLUSHALL and FLUSHDB touch only watched keys that exist', async () => {
    await steps(
      ['a', 'SET', 'x', '30'], ['a', 'WATCH', 'x'], ['b', 'FLUSHALL'], ['a', 'MULTI'], ['a', 'PING'], ['a', 'EXEC'],
      ['a', 'WATCH', 'x'], ['b', 'FLUSHALL'], ['a', 'MULTI'], ['a', 'PING'], ['a', 'EXEC'],
      ['a', 'SET', 'x', '30'], ['a', 'WATCH', 'x'], ['b', 'FLUSHDB'], ['a', 'MULTI'], ['a', 'PING'], ['a', 'EXEC'],
      ['a', 'WATCH', 'x'], ['b', 'FLUSHDB', 'ASYNC'], ['a', 'MULTI'], ['a', 'PING'], ['a', 'EXEC'],
      ['a', 'MULTI'], ['a', 'SET', 'foo', 'bar'], ['a', 'FLUSHALL'], ['a', 'EXEC'], ['a', 'GET', 'foo'],
    );
  });

  it('WATCH of an expired key', async () => {
    await steps(['a', 'SET', 'x', 'foo', 'PX', '1'], ['a', 'SET', 'y', 'foo', 'PX', '1']);
    await sleep(5);
    // Whether the key was already removed by active expiry or not, the answers are the same.
    await steps(
      ['a', 'WATCH', 'x'], ['a', 'MULTI'], ['a', 'PING'], ['a', 'EXEC'],
      ['a', 'WATCH', 'y'], ['b', 'GET', 'y'], ['a', 'MULTI'], ['a', 'PING'], ['a', 'EXEC'],
      ['a', 'SET', 'z', 'foo', 'PX', '1'],
    );
    await sleep(5);
    await steps(['a', 'WATCH', 'z'], ['b', 'FLUSHALL'], ['a', 'MULTI'], ['a', 'PING'], ['a', 'EXEC']);
    await steps(['a', 'SET', 'w', '1', 'PX', '20'], ['a', 'WATCH', 'w']);
    await sleep(40);
    await steps(['a', 'MULTI'], ['a', 'INCR', 'w'], ['a', 'EXEC']);
  });

  it('RESET and QUIT inside MULTI run at once', async () => {
    await steps(['a', 'MULTI'], ['a', 'SET', 'k', 'v'], ['a', 'RESET'], ['a', 'EXEC'], ['a', 'GET', 'k']);
  });

  it('random transaction sequences on two connections', async () => {
    const random = rng(0x7a11);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const keys = ['x', 'y', 'z'];
    const generators: Array<() => string[]> = [
      () => ['MULTI'],
      () => ['EXEC'],
      () => ['EXEC'],
      () => ['DISCARD'],
      () => ['WATCH', ...keys.filter(() => random() < 0.6), pick(keys)],
      () => ['UNWATCH'],
      () => ['SET', pick(keys), pick(['1', '10', 'abc'])],
      () => ['GET', pick(keys)],
      () => ['INCR', pick(keys)],
      () => ['DEL', pick(keys)],
      () => ['PING'],
      () => [pick(['FLUSHALL', 'FLUSHDB'])],
      () => pick([['nosuch'], ['SET', 'x'], ['GET'], ['CONFIG', 'SET', 'hz', 'x'], ['SELECT', 'x']]),
    ];
    for (let i = 0; i < 600; i++) {
      const who = random() < 0.6 ? 'a' : 'b';
      await steps([who, ...pick(generators)()]);
    }
    await steps(['a', 'RESET'], ['b', 'RESET'], ...keys.map((k) => ['a', 'GET', k] as ['a', string, string]));
  });
});
