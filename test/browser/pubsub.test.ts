/**
 * Pub/sub through a real module Worker in headless Chromium: the subscriber session is a
 * second port to the same worker, pushes travel beside Comlink's replies on it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient, type RedisClient } from '../../src/index.js';

const open: RedisClient[] = [];
let nameCounter = 0;

function client(): RedisClient {
  const c = createClient({ name: `browser-pubsub-${nameCounter++}` });
  open.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

describe('pub/sub → worker', () => {
  it('subscribe, publish, pSubscribe, unsubscribe; commands keep running while subscribed', async () => {
    const redis = client();
    const got: string[] = [];
    await redis.subscribe('c', (message, channel) => got.push(`${channel}:${message}`));
    await redis.pSubscribe('c*', (message, channel) => got.push(`p ${channel}:${message}`));
    expect(await redis.publish('c', 'é')).toBe(2);
    expect(await redis.set('k', 'v')).toBe('OK');
    await vi.waitFor(() => expect(got).toEqual(['c:é', 'p c:é']));
    await redis.unsubscribe('c');
    expect(await redis.publish('c', 'x')).toBe(1);
  });

  it('keyspace events reach a subscriber; 1,000 messages arrive in order', async () => {
    const redis = client();
    await redis.configSet('notify-keyspace-events', 'KEA');
    const events: string[] = [];
    await redis.subscribe('__keyspace@0__:k', (message) => events.push(message));
    await redis.set('k', '1');
    await redis.incr('k');
    await redis.del('k');
    await vi.waitFor(() => expect(events).toEqual(['set', 'incrby', 'del']));
    const seen: string[] = [];
    await redis.subscribe('bulk', (message) => seen.push(message));
    await Promise.all(Array.from({ length: 1000 }, (_, i) => redis.publish('bulk', String(i))));
    await vi.waitFor(() => expect(seen).toHaveLength(1000));
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
  });
});
