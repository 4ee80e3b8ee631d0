/**
 * The client's pub/sub API (node-redis v4 shape) on both backends: the in-process engine
 * and a real Redis 7, through the same client. Subscriptions run on the client's own
 * subscriber session, so the client keeps running commands while subscribed.
 */
import { describe, expect, it, vi } from 'vitest';
import { describeBackends } from './support.js';
import type { PubSubMessage } from '../../src/client/pubsub.js';
import { createEngine } from '../../src/engine/engine.js';
import { createClientOver } from '../../src/client/client.js';
import { inProcessTransport, type Transport } from '../../src/client/transport.js';

/** Messages arrive asynchronously on a real Redis: wait for a condition, no timing asserted. */
const eventually = (check: () => void): Promise<void> => vi.waitFor(check, { timeout: 5_000, interval: 5 });

describeBackends('pub/sub client', (h, backend) => {
  it('subscribe(channel, listener) receives (message, channel); publish counts receivers', async () => {
    const { client } = h();
    const got: Array<[string, string]> = [];
    await client.subscribe('news', (message, channel) => got.push([message, channel]));
    expect(await client.publish('news', 'hello')).toBe(1);
    expect(await client.publish('other', 'x')).toBe(0);
    expect(await client.publish('news', 'é😀')).toBe(1);
    await eventually(() => expect(got).toEqual([['hello', 'news'], ['é😀', 'news']]));
    // The main session is not in subscribed mode: other commands still run.
    expect(await client.set('k', 'v')).toBe('OK');
  });

  it('several channels, several listeners; unsubscribe one listener, then the channel', async () => {
    const { client } = h();
    const a: string[] = [];
    const b: string[] = [];
    const listenA = (message: string) => a.push(message);
    const listenB = (message: string) => b.push(message);
    await client.subscribe(['c1', 'c2'], listenA);
    await client.subscribe('c1', listenB);
    expect(await client.pubSubNumSub(['c1', 'c2', 'c3'])).toEqual({ c1: 1, c2: 1, c3: 0 });
    await client.publish('c1', 'one');
    await client.publish('c2', 'two');
    await eventually(() => expect([a, b]).toEqual([['one', 'two'], ['one']]));
    await client.unsubscribe('c1', listenA);
    await client.publish('c1', 'three');
    await eventually(() => expect(b).toEqual(['one', 'three']));
    expect(a).toEqual(['one', 'two']);
    await client.unsubscribe('c1');
    expect(await client.publish('c1', 'nobody')).toBe(0);
    expect(await client.pubSubChannels()).toEqual(['c2']);
    await client.unsubscribe();
    expect(await client.pubSubChannels()).toEqual([]);
  });

  it('pSubscribe gets (message, channel) for matching channels; pUnsubscribe', async () => {
    const { client } = h();
    const got: Array<[string, string]> = [];
    await client.pSubscribe('user:*', (message, channel) => got.push([message, channel]));
    expect(await client.pubSubNumPat()).toBe(1);
    expect(await client.publish('user:1', 'a')).toBe(1);
    expect(await client.publish('order:1', 'b')).toBe(0);
    await eventually(() => expect(got).toEqual([['a', 'user:1']]));
    await client.pUnsubscribe('user:*');
    expect(await client.pubSubNumPat()).toBe(0);
  });

  it('sSubscribe and sPublish on the one shard', async () => {
    const { client } = h();
    const got: string[] = [];
    await client.sSubscribe('s', (message) => got.push(message));
    expect(await client.pubSubShardChannels()).toEqual(['s']);
    expect(await client.pubSubShardNumSub('s')).toEqual({ s: 1 });
    expect(await client.sPublish('s', 'm')).toBe(1);
    await eventually(() => expect(got).toEqual(['m']));
    await client.sUnsubscribe('s');
    expect(await client.sPublish('s', 'm')).toBe(0);
  });

  it('bufferMode delivers the exact bytes', async () => {
    const { client } = h();
    const got: Uint8Array[] = [];
    await client.subscribe('bin', (message) => got.push(message), true);
    await client.publish('bin', new Uint8Array([0, 255, 128]));
    await eventually(() => expect(got).toEqual([new Uint8Array([0, 255, 128])]));
  });

  it('subscribeIterator yields messages in order and unsubscribes when the loop ends', async () => {
    const { client } = h();
    const iterator = client.subscribeIterator('feed');
    const first = iterator.next();
    await eventually(async () => expect(await client.pubSubNumSub('feed')).toEqual({ feed: 1 }));
    for (const n of ['1', '2', '3']) await client.publish('feed', n);
    const seen: PubSubMessage[] = [(await first).value as PubSubMessage];
    for await (const item of iterator) {
      seen.push(item);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([1, 2, 3].map((n) => ({ channel: 'feed', message: String(n) })));
    expect(await client.pubSubNumSub('feed')).toEqual({ feed: 0 });
  });

  it('pSubscribeIterator names the pattern', async () => {
    const { client } = h();
    const iterator = client.pSubscribeIterator('t.*');
    const next = iterator.next();
    await eventually(async () => expect(await client.pubSubNumPat()).toBe(1));
    await client.publish('t.x', 'hi');
    expect((await next).value).toEqual({ channel: 't.x', message: 'hi', pattern: 't.*' });
    await iterator.return!();
    expect(await client.pubSubNumPat()).toBe(0);
  });

  it('a throwing listener does not stop the others', async () => {
    const { client } = h();
    const got: string[] = [];
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    try {
      await client.subscribe('c', () => {
        throw new Error('listener failed');
      });
      await client.subscribe('c', (message) => got.push(message));
      await client.publish('c', 'x');
      await eventually(() => expect(got).toEqual(['x']));
      await eventually(() => expect(errors).toHaveLength(1));
    } finally {
      process.off('uncaughtException', onError);
    }
  });

  it('observe({ key }) reports each change with the type and new string value', async () => {
    const { client } = h();
    const changes: unknown[] = [];
    const stop = await client.observe({ key: 'k' }, (change) => changes.push(change));
    expect(await client.configGet('notify-keyspace-events')).toEqual({ 'notify-keyspace-events': 'AK' });
    await client.set('k', '1');
    await client.incr('k');
    await client.set('other', 'x');
    await client.del('k');
    await eventually(() => expect(changes).toHaveLength(3));
    expect(changes).toEqual([
      { key: 'k', event: 'set', type: 'string', value: expect.any(String) },
      { key: 'k', event: 'incrby', type: 'string', value: expect.any(String) },
      { key: 'k', event: 'del', type: 'none', value: null },
    ]);
    await stop();
    await client.set('k', 'after');
    expect(await client.pubSubNumSub('__keyspace@0__:k')).toEqual({ '__keyspace@0__:k': 0 });
  });

  it('observe({ pattern }) reports changes of matching keys of any type', async () => {
    const { client } = h();
    const changes: Array<[string, string, string]> = [];
    const stop = await client.observe({ pattern: 'user:*' }, ({ key, event, type }) => changes.push([key, event, type]));
    await client.sendCommand(['HSET', 'user:1', 'name', 'ada']);
    await client.set('user:2', 'x');
    await client.set('order:1', 'x');
    await eventually(() => expect(changes).toEqual([['user:1', 'hset', 'hash'], ['user:2', 'set', 'string']]));
    await stop();
  });

  // The RESP test transport reads replies per subscribe-family command only.
  it.skipIf(backend.name === 'redis')('monitor(listener) gets every command on a session of its own', async () => {
    const { client } = h();
    const lines: string[] = [];
    const stop = await client.monitor((line) => lines.push(line));
    await client.set('k', 'é');
    await client.get('k');
    await eventually(() => expect(lines).toHaveLength(2));
    expect(lines[0]).toMatch(/^\d+\.\d{6} \[0 local:\d+\] "SET" "k" "\\xc3\\xa9"$/);
    expect(lines[1]).toMatch(/"GET" "k"$/);
    stop();
    await client.set('k', 'later');
    expect(lines).toHaveLength(2);
  });

  it('duplicate() gives a client of its own on the same store (node-redis v4 subscriber idiom)', async () => {
    const { client } = h();
    const subscriber = client.duplicate();
    const got: string[] = [];
    await subscriber.subscribe('dup', (message) => got.push(message));
    expect(await client.publish('dup', 'hi')).toBe(1);
    await eventually(() => expect(got).toEqual(['hi']));
    await client.set('shared', '1');
    expect(await subscriber.get('shared')).toBe('1');
    await subscriber.close();
    expect(await client.publish('dup', 'gone')).toBe(0);
  });

  it('close() ends the subscriptions with the client', async () => {
    const { client } = h();
    await client.subscribe('gone', () => undefined);
    const other = client; // publish through the same client before closing
    expect(await other.publish('gone', 'x')).toBe(1);
    await client.close();
    await expect(client.subscribe('x', () => undefined)).rejects.toThrow();
  });
});

describe('subscriber session failures', () => {
  it('a SUBSCRIBE that failed is sent again by the next subscribe', async () => {
    const engine = createEngine();
    let failNext = true;
    const openSubscriber = (): Transport => {
      const inner = inProcessTransport(engine);
      return {
        onPush: (listener) => inner.onPush!(listener),
        request: (request) => {
          if (failNext) {
            failNext = false;
            return Promise.reject(new Error('leader lost'));
          }
          return inner.request(request);
        },
        close: () => inner.close(),
      };
    };
    const client = createClientOver(inProcessTransport(engine), undefined, openSubscriber);
    const got: string[] = [];
    await expect(client.subscribe('c', (m) => got.push(m))).rejects.toThrow('leader lost');
    await client.subscribe('c', (m) => got.push(m));
    expect(await client.publish('c', 'x')).toBe(1);
    await eventually(() => expect(got).toEqual(['x']));
    await client.close();
  });
});
