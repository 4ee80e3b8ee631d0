/**
 * The client through a real module Worker in headless Chromium: the wire protocol,
 * Comlink, structured clone and worker lifetime, as a page sees them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClientClosedError, createClient, ReplyError, WatchError, type RedisClient } from '../../src/index.js';
import { PROTOCOL_VERSION } from '../../src/client/protocol.js';

const open: RedisClient[] = [];
let nameCounter = 0;

function client(options: Parameters<typeof createClient>[0] = {}): RedisClient {
  const c = createClient({ name: `browser-test-${nameCounter++}`, ...options });
  open.push(c);
  return c;
}

function spawn(): Worker {
  return new Worker(new URL('../../worker/worker.ts', import.meta.url), { type: 'module' });
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

describe('client → worker', () => {
  it('round trip', async () => {
    const redis = client();
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.echo('hello')).toBe('hello');
    expect(await redis.set('k', 'v')).toBe('OK');
    expect(await redis.get('k')).toBe('v');
  });

  it('1,000 INCRs issued in one tick travel in one message, replies 1..1000 in order', async () => {
    const redis = client();
    await redis.ping();
    const before = await redis.hostStats();
    const replies = await Promise.all(Array.from({ length: 1000 }, () => redis.incr('counter')));
    const after = await redis.hostStats();
    expect(replies).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(after.batches - before.batches).toBe(1);
    expect(after.commands - before.commands).toBe(1000);
  });

  it('pipelined commands of different kinds keep their order', async () => {
    const redis = client();
    const [set, get, len, del, gone] = await Promise.all([
      redis.set('a', 'xyz'),
      redis.get('a'),
      redis.strLen('a'),
      redis.del('a'),
      redis.get('a'),
    ]);
    expect([set, get, len, del, gone]).toEqual(['OK', 'xyz', 3, 1, null]);
  });

  it('a Redis error arrives as ReplyError with the exact message and code', async () => {
    const redis = client();
    await redis.set('s', 'not a number');
    const error = await redis.incr('s').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplyError);
    expect((error as ReplyError).message).toBe('ERR value is not an integer or out of range');
    expect((error as ReplyError).code).toBe('ERR');
    const unknown = await redis.sendCommand(['NOPE', 'é']).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ReplyError);
    expect((unknown as ReplyError).message).toBe("ERR unknown command 'NOPE', with args beginning with: 'é' ");
  });

  it('MULTI / EXEC across the boundary, errors in place', async () => {
    const redis = client();
    await redis.set('text', 'abc');
    const results = await redis.multi().set('n', '1').incr('n').incr('text').get('n').exec();
    expect(results[0]).toBe('OK');
    expect(results[1]).toBe(2);
    expect(results[2]).toBeInstanceOf(ReplyError);
    expect((results[2] as ReplyError).message).toBe('ERR value is not an integer or out of range');
    expect(results[3]).toBe('2');
  });

  it('EXECABORT rejects with ReplyError', async () => {
    const redis = client();
    const error = await redis.multi().addCommand(['SET', 'k']).ping().exec().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplyError);
    expect((error as ReplyError).code).toBe('EXECABORT');
  });

  it('WATCH abort across the boundary throws WatchError', async () => {
    const redis = client();
    await redis.watch('w');
    await redis.set('w', 'changed');
    await expect(redis.multi().get('w').exec()).rejects.toBeInstanceOf(WatchError);
    expect(await redis.get('w')).toBe('changed');
  });

  it('two clients on one worker and name share a keyspace; WATCH is per client', async () => {
    const worker = spawn();
    const a = client({ name: 'shared', worker });
    const b = client({ name: 'shared', worker });
    await a.watch('w');
    await b.set('w', 'from b');
    await expect(a.multi().set('w', 'from a').exec()).rejects.toBeInstanceOf(WatchError);
    expect(await a.get('w')).toBe('from b');
    expect(await b.multi().set('w', 'b again').exec()).toEqual(['OK']);
    await a.close();
    expect(await b.get('w')).toBe('b again');
    await b.close();
    worker.terminate();
  });

  it('Uint8Array values round-trip byte-exactly', async () => {
    const redis = client();
    const bytes = new Uint8Array(256).map((_, i) => i);
    expect(await redis.set('bin', bytes)).toBe('OK');
    expect(await redis.strLen('bin')).toBe(256);
    expect(await redis.sendCommand(['GET', 'bin'], { returnBuffers: true })).toEqual(bytes);
    expect(await redis.sendCommand(['ECHO', bytes], { returnBuffers: true })).toEqual(bytes);
    // A view into a larger buffer sends just its own bytes.
    const view = new Uint8Array(1 << 16).map((_, i) => i % 251).subarray(100, 110);
    expect(await redis.sendCommand(['ECHO', view], { returnBuffers: true })).toEqual(view.slice());
  });

  it('strings travel as UTF-8: STRLEN of é is 2', async () => {
    const redis = client();
    await redis.set('e', 'é');
    expect(await redis.strLen('e')).toBe(2);
    expect(await redis.get('e')).toBe('é');
    await redis.set('emoji', '😀');
    expect(await redis.strLen('emoji')).toBe(4);
    expect(await redis.getRange('emoji', 0, -1)).toBe('😀');
  });

  it('quit() terminates the worker it spawned and closes the client', async () => {
    let worker: Worker | null = null;
    const redis = client({
      worker: () => {
        worker = spawn();
        return worker;
      },
    });
    const terminate = vi.spyOn(worker!, 'terminate');
    await redis.set('k', 'v');
    const pending = redis.get('k');
    expect(await redis.quit()).toBe('OK');
    expect(await pending).toBe('v');
    expect(terminate).toHaveBeenCalledOnce();
    await expect(redis.get('k')).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('a Worker passed in is left running after quit()', async () => {
    const worker = spawn();
    const terminate = vi.spyOn(worker, 'terminate');
    const redis = client({ worker });
    await redis.ping();
    await redis.quit();
    expect(terminate).not.toHaveBeenCalled();
    const again = client({ worker });
    expect(await again.ping()).toBe('PONG');
    await again.close();
    worker.terminate();
  });

  it('batches sent on a session port are answered there by id; bad ones get an error, never silence', async () => {
    const worker = spawn();
    const channel = new MessageChannel();
    worker.postMessage({ v: PROTOCOL_VERSION, type: 'connect', name: `browser-test-${nameCounter++}`, persistence: false, port: channel.port2 }, [channel.port2]);
    const answers = new Map<number, Record<string, unknown>>();
    channel.port1.onmessage = (event: MessageEvent<Record<string, unknown>>) => {
      if (typeof event.data.id === 'number') answers.set(event.data.id, event.data);
    };
    channel.port1.postMessage({ v: PROTOCOL_VERSION + 1, type: 'batch', id: 1, commands: [['PING']] });
    channel.port1.postMessage({ v: PROTOCOL_VERSION, type: 'batch', id: 2, commands: 'PING' });
    channel.port1.postMessage({ v: PROTOCOL_VERSION, type: 'batch', id: 3, commands: [['PING']] });
    // The worker starts first (module loading): allow for a busy machine.
    await vi.waitFor(() => expect(answers.size).toBe(3), { timeout: 20_000 });
    expect(answers.get(1)).toMatchObject({ type: 'error', message: expect.stringMatching(/protocol version mismatch/) });
    expect(answers.get(2)).toMatchObject({ type: 'error', message: 'idb-redis malformed request' });
    expect(answers.get(3)).toMatchObject({ type: 'replies', replies: [{ type: 'status', value: 'PONG' }] });
    // Once this tab leads (it did to answer PING), replies say their strings are all ASCII.
    channel.port1.postMessage({ v: PROTOCOL_VERSION, type: 'batch', id: 4, commands: [['SET', 'k', 'v'], ['GET', 'k'], ['INCR', 'k']] });
    await vi.waitFor(() => expect(answers.size).toBe(4), { timeout: 20_000 });
    expect(answers.get(4)).toEqual({
      v: PROTOCOL_VERSION,
      type: 'replies',
      id: 4,
      ascii: true,
      replies: [{ type: 'status', value: 'OK' }, 'v', { type: 'error', message: 'ERR value is not an integer or out of range' }],
    });
    worker.terminate();
  });

  it('a worker that fails to load rejects commands instead of hanging', async () => {
    const redis = client({ worker: () => new Worker('/no-such-worker.js', { type: 'module' }) });
    await expect(redis.ping()).rejects.toThrow(/idb-redis worker failed/);
  });
});
