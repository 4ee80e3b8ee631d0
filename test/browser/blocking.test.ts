/**
 * Blocking list commands through a real module Worker in headless Chromium: a client
 * blocked on a key waits in the worker while another client of the same worker is served,
 * and wakes when that client pushes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type RedisClient } from '../../src/index.js';

const workers: Worker[] = [];
const clients: RedisClient[] = [];

function spawn(): Worker {
  const worker = new Worker(new URL('../../worker/worker.ts', import.meta.url), { type: 'module' });
  workers.push(worker);
  return worker;
}

function client(worker: Worker, name: string): RedisClient {
  const c = createClient({ name, worker, persistence: false });
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()));
  for (const worker of workers.splice(0)) worker.terminate();
});

describe('blocking commands in the worker', () => {
  it('blPop waits while another client is served, then gets the pushed element', async () => {
    const worker = spawn();
    const name = `blocking-${Math.random()}`;
    const waiter = client(worker, name);
    const pusher = client(worker, name);
    await Promise.all([waiter.ping(), pusher.ping()]);
    const blocked = waiter.blPop('queue', 0);
    const behind = waiter.get('k');
    expect(await pusher.set('k', 'v')).toBe('OK');
    expect(await pusher.info('clients')).toMatch(/blocked_clients:1/);
    expect(await pusher.rPush('queue', ['a', 'b'])).toBe(2);
    expect(await blocked).toEqual({ key: 'queue', element: 'a' });
    expect(await behind).toBe('v');
    expect(await pusher.lRange('queue', 0, -1)).toEqual(['b']);
  });

  it('a blocking command times out with null on the real clock', async () => {
    const worker = spawn();
    const redis = client(worker, `blocking-${Math.random()}`);
    expect(await redis.brPop('nothing', 0.05)).toBeNull();
    expect(await redis.ping()).toBe('PONG');
  });
});
