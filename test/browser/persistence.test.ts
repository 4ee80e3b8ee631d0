/**
 * Persistence in real Chromium: a Worker client writes to IndexedDB; a new worker on the
 * same name (what a reload or a crashed tab's successor does) reads it back. Terminating
 * the worker mid-stream loses nothing that was acknowledged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type RedisClient } from '../../src/index.js';

const open: RedisClient[] = [];
const workers: Worker[] = [];
const run = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

function spawn(): Worker {
  const worker = new Worker(new URL('../../worker/worker.ts', import.meta.url), { type: 'module' });
  workers.push(worker);
  return worker;
}

function client(name: string, options: { persistence?: boolean } = {}): { redis: RedisClient; worker: Worker; kill(): void } {
  const worker = spawn();
  const redis = createClient({ name: `persist-${run}-${name}`, worker, ...options });
  open.push(redis);
  return {
    redis,
    worker,
    /** Terminate the worker abruptly (a crashed tab): no close, no flush. */
    kill() {
      worker.terminate();
      open.splice(open.indexOf(redis), 1);
    },
  };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close().catch(() => undefined)));
  for (const w of workers.splice(0)) w.terminate();
});

describe('persistence through a Worker client', () => {
  it('writes survive the worker: a new worker on the same name reads them back', async () => {
    const first = client('reopen');
    await first.redis.set('greeting', 'hello');
    await first.redis.set('ttl', 'x', { EX: 1000 });
    await Promise.all(Array.from({ length: 500 }, (_, i) => first.redis.set(`k${i}`, String(i))));
    expect(await first.redis.incr('counter')).toBe(1);
    first.kill();
    const second = client('reopen');
    expect(await second.redis.get('greeting')).toBe('hello');
    expect(await second.redis.dbSize()).toBe(503);
    expect(await second.redis.get('k499')).toBe('499');
    expect(await second.redis.ttl('ttl')).toBeGreaterThan(900);
    expect(await second.redis.incr('counter')).toBe(2);
    const info = String(await second.redis.sendCommand(['INFO', 'persistence']));
    expect(info).toMatch(/aof_enabled:1/);
    expect(info).toMatch(/rdb_last_load_keys_loaded:0/);
  });

  it('terminating the worker mid-stream keeps every acknowledged write', async () => {
    const first = client('midstream');
    const acked = new Set<number>();
    const pending: Promise<unknown>[] = [];
    for (let batch = 0; batch < 40 && acked.size < 2000; batch++) {
      for (let j = 0; j < 250; j++) {
        const i = batch * 250 + j;
        pending.push(first.redis.set(`k${i}`, String(i)).then(() => acked.add(i), () => undefined));
      }
      // Let some batches commit while more are issued.
      if (batch % 2 === 1) await pending[pending.length - 300];
    }
    first.kill();
    const second = client('midstream');
    const keys = [...acked].map((i) => `k${i}`);
    expect(acked.size).toBeGreaterThan(0);
    const values = await second.redis.mGet(keys);
    expect(values).toEqual([...acked].map(String));
  });

  it('SAVE writes a snapshot the next worker loads from', async () => {
    const first = client('snapshot');
    await Promise.all(Array.from({ length: 1000 }, (_, i) => first.redis.set(`s${i}`, 'v'.repeat(i % 50))));
    expect(await first.redis.sendCommand(['SAVE'])).toBe('OK');
    await first.redis.set('after', '1');
    first.kill();
    const second = client('snapshot');
    expect(await second.redis.dbSize()).toBe(1001);
    const info = String(await second.redis.sendCommand(['INFO', 'persistence']));
    expect(info).toMatch(/rdb_last_load_keys_loaded:1000/);
  });

  it('appendfsync everysec: pagehide makes the worker commit what it holds', async () => {
    const first = client('pagehide');
    await first.redis.sendCommand(['CONFIG', 'SET', 'appendfsync', 'everysec']);
    await Promise.all(Array.from({ length: 100 }, (_, i) => first.redis.set(`h${i}`, String(i))));
    // The page is being hidden (into the back/forward cache, so this tab keeps its lead):
    // the client tells the worker to commit now.
    dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Still within everysec's period: without the flush these would not be committed yet.
    const info = String(await first.redis.sendCommand(['INFO', 'persistence']));
    expect(info).toMatch(/aof_buffer_length:0/);
    first.kill();
    const second = client('pagehide');
    expect(await second.redis.get('h99')).toBe('99');
  });

  it('persistence: false keeps the keyspace in memory only', async () => {
    const first = client('memory', { persistence: false });
    await first.redis.set('k', 'v');
    expect(String(await first.redis.sendCommand(['INFO', 'persistence']))).toMatch(/aof_enabled:0/);
    first.kill();
    const second = client('memory', { persistence: false });
    expect(await second.redis.get('k')).toBeNull();
  });
});
