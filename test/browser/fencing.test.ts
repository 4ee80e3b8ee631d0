/**
 * Fencing in real Chromium IndexedDB: a write transaction of a stale writer aborts inside
 * IndexedDB once a newer one claimed the store's epoch, and a leader tab whose write was
 * refused steps down (here it takes the lead straight back, with a newer claim, and sees
 * the intruder's writes).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { indexedDBStorage } from '../../src/persistence/indexeddb.js';
import { createClient, type RedisClient } from '../../src/index.js';

const run = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
const engines: Engine[] = [];
const clients: RedisClient[] = [];

afterEach(async () => {
  for (const engine of engines.splice(0)) engine.close();
  for (const redis of clients.splice(0)) await redis.quit().catch(() => undefined);
});

async function engine(name: string): Promise<Engine> {
  const e = createEngine({ storage: indexedDBStorage(name) });
  engines.push(e);
  await e.ready;
  return e;
}

describe('fencing in Chromium', () => {
  it('writes racing a newer claim: every acknowledged one is loaded by the newer engine, no refused one', async () => {
    const name = `fence-race-${run}`;
    const stale = await engine(name);
    const outcomes: Array<Promise<boolean>> = [];
    let newer: Promise<Engine> | null = null;
    for (let i = 0; i < 60; i++) {
      outcomes.push(
        stale.call(['SADD', 'set', String(i)]).then(
          () => true,
          (e: Error) => (expect(e.message).toMatch(/^READONLY idb-redis: this engine lost the store's leadership \(epoch 1 < 2\)/), false),
        ),
      );
      if (i === 20) newer = engine(name);
      if (i % 5 === 4) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const acked = (await Promise.all(outcomes)).flatMap((ok, i) => (ok ? [String(i)] : []));
    const current = await newer!;
    expect(acked.length).toBeLessThan(60);
    const members = ((await current.call(['SMEMBERS', 'set'])) as string[]).sort((a, b) => Number(a) - Number(b));
    expect(members).toEqual(acked);
    // The stale engine serves nothing more; the current one writes.
    await expect(stale.call(['GET', 'x'])).rejects.toThrow(/^READONLY/);
    expect(await current.call(['SET', 'x', '1'])).toBe('OK');
  });

  it("a leader tab whose write is refused (another writer claimed the store) gets READONLY, steps down, and leads again seeing that writer's data", async () => {
    const name = `fence-tab-${run}`;
    const redis = createClient({ name });
    clients.push(redis);
    expect(await redis.set('before', '1')).toBe('OK');
    const [, epoch] = (await redis.sendCommand(['ROLE'])) as [string, number];
    // An engine of this page claims the store: the tab's leader is now stale without
    // having heard of it (as a frozen tab is when it thaws).
    const intruder = await engine(name);
    expect(intruder.persistence!.epoch).toBe(epoch + 1);
    expect(await intruder.call(['SET', 'intruder', 'x'])).toBe('OK');
    await expect(redis.set('late', '1')).rejects.toThrow(/^READONLY idb-redis: this engine lost the store's leadership/);
    // The tab stepped down, took the lead back with a newer claim, and recovered the store.
    await vi.waitFor(async () => expect(((await redis.sendCommand(['ROLE'])) as [string, number])[1]).toBeGreaterThan(epoch + 1), { timeout: 10_000 });
    expect(await redis.mGet(['before', 'intruder', 'late'])).toEqual(['1', 'x', null]);
    expect(await redis.set('after', '1')).toBe('OK');
    // Now the intruder is the stale one.
    await expect(intruder.call(['SET', 'again', '1'])).rejects.toThrow(/^READONLY/);
  });
});
