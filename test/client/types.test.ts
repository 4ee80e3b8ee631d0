/**
 * Type-level contract of the typed methods, checked by `tsc` (npm test runs it first):
 * options that exclude each other do not compile, results carry their node-redis types.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { RedisClient, ReplyError } from '../../src/index.js';

describe('typed method signatures', () => {
  it('compile as intended', () => {
    // Never called: only the compiler looks at it.
    const typeOnly = (client: RedisClient): void => {
      client.set('k', 'v', { EX: 1, NX: true, GET: true });
      client.set('k', 'v', { KEEPTTL: true, XX: true });
      client.set('k', 1, {});
      // @ts-expect-error NX and XX exclude each other
      client.set('k', 'v', { NX: true, XX: true });
      // @ts-expect-error only one expiry form
      client.set('k', 'v', { EX: 1, PX: 1000 });
      // @ts-expect-error only one expiry form
      client.set('k', 'v', { KEEPTTL: true, EXAT: 1 });
      client.getEx('k', { PERSIST: true });
      client.getEx('k', { EXAT: new Date() });
      // @ts-expect-error GETEX takes exactly one option
      client.getEx('k', { EX: 1, PERSIST: true });
      // @ts-expect-error GETEX needs one option
      client.getEx('k', {});
      client.expire('k', 1, 'GT');
      // @ts-expect-error not an EXPIRE mode
      client.expire('k', 1, 'GE');
      client.configSet('maxmemory', '0');
      client.configSet({ maxmemory: '0' });
      // @ts-expect-error a name needs a value
      client.configSet('maxmemory');
      client.mSet({ a: 1 });
      client.mSet([['a', 'b']]);
      client.mSet(['a', 'b']);
      client.del(['a', 'b']);
      client.clientList({ TYPE: 'NORMAL' });
      // @ts-expect-error TYPE and ID exclude each other
      client.clientList({ TYPE: 'NORMAL', ID: [1] });
      // @ts-expect-error WATCH is not available inside a transaction
      client.multi().watch('k');
    };
    void typeOnly;
  });

  it('results are typed', () => {
    const typeOnly = (client: RedisClient): void => {
      expectTypeOf(client.get('k')).resolves.toEqualTypeOf<string | null>();
      expectTypeOf(client.setNX('k', 'v')).resolves.toEqualTypeOf<boolean>();
      expectTypeOf(client.incr('k')).resolves.toEqualTypeOf<number>();
      expectTypeOf(client.mGet(['a'])).resolves.toEqualTypeOf<Array<string | null>>();
      expectTypeOf(client.time()).resolves.toHaveProperty('microseconds');
      expectTypeOf(client.configGet('*')).resolves.toEqualTypeOf<Record<string, string>>();
      expectTypeOf(client.scan(0)).resolves.toEqualTypeOf<{ cursor: number; keys: string[] }>();
      expectTypeOf(client.multi().set('a', '1').incr('a').setNX('b', 'c').exec()).resolves.toEqualTypeOf<
        [string | null | ReplyError, number | ReplyError, boolean | ReplyError]
      >();
    };
    void typeOnly;
  });
});
