/**
 * Persisted engines: write, reopen, read back, on the memory store and on IndexedDB
 * (fake-indexeddb in Node), in every appendfsync mode.
 */
import { describe, expect, it, vi } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { indexedDBStorage } from '../../src/persistence/indexeddb.js';
import { memoryStorage, type Storage } from '../../src/persistence/storage.js';
import type { AppendFsync } from '../../src/persistence/persistence.js';

let counter = 0;
const stores: Array<[string, () => Storage]> = [
  ['memory', () => memoryStorage()],
  ['indexedDB', () => indexedDBStorage(`engine-test-${counter++}`)],
];

async function reopen(storage: Storage, engine: Engine): Promise<Engine> {
  engine.close();
  await engine.persistence!.close();
  const next = createEngine({ storage, clock: engine.clock });
  await next.ready;
  return next;
}

describe.each(stores)('persistence on %s', (_name, make) => {
  it('a second close() while the first flushes waits for the same close (everysec)', async () => {
    const storage = make();
    const engine = createEngine({ storage, persistence: { appendfsync: 'everysec' } });
    await engine.call(['SET', 'a', '1']);
    engine.close(); // starts closing: flushes the everysec buffer
    await engine.persistence!.close();
    const again = createEngine({ storage });
    expect(await again.call(['GET', 'a'])).toBe('1');
    again.close();
  });

  it('writes survive a reopen', async () => {
    const storage = make();
    const engine = createEngine({ storage });
    expect(await engine.call(['SET', 'a', '1'])).toBe('OK');
    expect(await engine.call(['INCR', 'a'])).toBe(2);
    await engine.call(['SET', 'b', 'x', 'PX', '100000']);
    await engine.call(['SET', 'gone', 'x']);
    await engine.call(['DEL', 'gone']);
    const again = await reopen(storage, engine);
    expect(await again.call(['GET', 'a'])).toBe('2');
    expect(await again.call(['GET', 'b'])).toBe('x');
    expect(await again.call(['PTTL', 'b'])).toBeGreaterThan(90_000);
    expect(await again.call(['EXISTS', 'gone'])).toBe(0);
    again.close();
  });

  it('binary and non-ASCII keys and values survive byte for byte (log and snapshot)', async () => {
    const storage = make();
    const engine = createEngine({ storage });
    const bytes = new Uint8Array([0, 1, 13, 10, 127, 128, 200, 255]);
    await engine.call(['SET', bytes, bytes]);
    await engine.call(['SET', 'héllo ✓', 'wörld 🌍']);
    await engine.call(['HSET', 'h', 'ünï', bytes]);
    let again = await reopen(storage, engine);
    const check = async () => {
      expect(again.connect().callSync(['STRLEN', 'héllo ✓'])).toBe(11);
      expect(await again.call(['GET', 'héllo ✓'])).toBe('wörld 🌍');
      expect(await again.call(['EXISTS', bytes])).toBe(1);
      expect(await again.call(['HSTRLEN', 'h', 'ünï'])).toBe(8);
    };
    await check();
    await again.call(['SAVE']);
    again = await reopen(storage, again);
    await check();
    again.close();
  });

  it.each(['always', 'everysec', 'no'] as AppendFsync[])('appendfsync %s: flushed writes survive', async (mode) => {
    const storage = make();
    const engine = createEngine({ storage, persistence: { appendfsync: mode } });
    expect(await engine.call(['CONFIG', 'GET', 'appendfsync'])).toEqual(['appendfsync', mode]);
    for (let i = 0; i < 100; i++) await engine.call(['SET', `k${i}`, String(i)]);
    await engine.flush();
    const again = await reopen(storage, engine);
    expect(await again.call(['DBSIZE'])).toBe(100);
    expect(await again.call(['GET', 'k42'])).toBe('42');
    again.close();
  });

  it('calls made before loading completes wait for it', async () => {
    const storage = make();
    const first = createEngine({ storage });
    await first.call(['SET', 'x', 'before']);
    first.close();
    await first.persistence!.close();
    const engine = createEngine({ storage });
    // Issued at once, before the store has been read.
    const reply = engine.call(['GET', 'x']);
    expect(engine.connect().callSync(['GET', 'x'])).toMatchObject({ message: expect.stringMatching(/^LOADING/) });
    // Commands Redis serves while loading (flag `loading`) answer at once: INFO shows it.
    expect(String(await engine.call(['INFO', 'persistence']))).toMatch(/^# Persistence\r\nloading:1\r\n/);
    expect(await engine.call(['CONFIG', 'GET', 'appendonly'])).toHaveLength(2);
    expect(await reply).toBe('before');
    expect(String(await engine.call(['INFO', 'persistence']))).toMatch(/^# Persistence\r\nloading:0\r\n/);
    engine.close();
  });

  it('SAVE writes a snapshot and drops the log it covers; LASTSAVE moves', async () => {
    const storage = make();
    const engine = createEngine({ storage, clock: () => 1_700_000_000_000 });
    await engine.ready;
    for (let i = 0; i < 50; i++) await engine.call(['SET', `k${i}`, 'v'.repeat(i)]);
    await engine.call(['EXPIRE', 'k1', '1000']);
    expect(await engine.call(['SAVE'])).toBe('OK');
    expect(await engine.call(['LASTSAVE'])).toBe(1_700_000_000);
    const info = String(await engine.call(['INFO', 'persistence']));
    expect(info).toMatch(/rdb_saves:1/);
    expect(info).toMatch(/idb_log_records:0/);
    await engine.call(['SET', 'after', 'save']);
    const again = await reopen(storage, engine);
    expect(await again.call(['DBSIZE'])).toBe(51);
    expect(await again.call(['GET', 'k49'])).toBe('v'.repeat(49));
    expect(await again.call(['GET', 'after'])).toBe('save');
    expect(await again.call(['PEXPIRETIME', 'k1'])).toBe(1_700_000_000_000 + 1_000_000);
    again.close();
  });
});

describe('CONFIG appendonly / appendfsync', () => {
  it('appendonly no stops the log (snapshots only); yes again writes a base snapshot first', async () => {
    const storage = memoryStorage();
    const engine = createEngine({ storage });
    expect(await engine.call(['CONFIG', 'GET', 'appendonly'])).toEqual(['appendonly', 'yes']);
    expect(await engine.call(['CONFIG', 'GET', 'appendfsync'])).toEqual(['appendfsync', 'always']);
    await engine.call(['SET', 'logged', '1']);
    expect(await engine.call(['CONFIG', 'SET', 'appendonly', 'no'])).toBe('OK');
    const seqs = (storage as ReturnType<typeof memoryStorage>).inspect().seqs.length;
    await engine.call(['SET', 'unlogged', '1']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((storage as ReturnType<typeof memoryStorage>).inspect().seqs.length).toBe(seqs);
    expect(String(await engine.call(['INFO', 'persistence']))).toMatch(/aof_enabled:0/);
    expect(await engine.call(['CONFIG', 'SET', 'appendonly', 'yes'])).toBe('OK');
    await engine.call(['INCR', 'logged']);
    const again = await reopen(storage, engine);
    expect(await again.call(['MGET', 'logged', 'unlogged'])).toEqual(['2', '1']);
    again.close();
  });

  it('appendfsync is set at runtime; strict durability reaches the store in always mode', async () => {
    const inner = memoryStorage();
    const seen: string[] = [];
    // The engine writes through the store's fenced view: that is where appends are seen.
    const storage: Storage = {
      ...inner,
      fenced: (epoch) => {
        const view = inner.fenced(epoch);
        return { ...view, append: (records, durability) => (seen.push(durability ?? 'default'), view.append(records, durability)) };
      },
    };
    const engine = createEngine({ storage, persistence: { strictDurability: true } });
    await engine.call(['SET', 'a', '1']);
    expect(await engine.call(['CONFIG', 'SET', 'appendfsync', 'everysec'])).toBe('OK');
    await engine.call(['SET', 'b', '1']);
    await engine.flush();
    expect(seen).toEqual(['strict', 'relaxed']);
    await expect(engine.call(['CONFIG', 'SET', 'appendfsync', 'sometimes'])).rejects.toThrow(/argument\(s\) must be one of the following: everysec, always, no/);
    engine.close();
  });

  it('an engine without a store refuses SAVE and reports LASTSAVE as its start', async () => {
    const engine = createEngine({ clock: () => 1_700_000_000_123 });
    await expect(engine.call(['SAVE'])).rejects.toThrow(/^ERR this engine has no storage/);
    await expect(engine.call(['BGSAVE'])).rejects.toThrow(/^ERR this engine has no storage/);
    expect(await engine.call(['LASTSAVE'])).toBe(1_700_000_000);
    expect(String(await engine.call(['INFO', 'persistence']))).toMatch(/aof_enabled:0/);
    await expect(engine.call(['MULTI']).then(() => engine.call(['SAVE']))).rejects.toThrow(/not allowed inside a transaction/);
    engine.close();
  });
});

describe('appendonly no: snapshots by the save rules', () => {
  it('a background snapshot runs once a save rule is met, and flush() takes one', async () => {
    let now = 1_800_000_000_000;
    const clock = () => now;
    const storage = memoryStorage();
    const engine = createEngine({ storage, clock, persistence: { appendonly: false } });
    expect(await engine.call(['CONFIG', 'SET', 'save', '10 2'])).toBe('OK');
    await engine.call(['SET', 'a', '1']);
    await engine.call(['SET', 'b', '2']);
    // No record but the engine's seal (storage.ts), which the first snapshot covers.
    expect(storage.inspect().seqs).toEqual([1]);
    now += 11_000;
    await vi.waitFor(() => expect(storage.inspect().manifest?.keys).toBe(2), { timeout: 5000, interval: 50 });
    expect(storage.inspect().seqs).toEqual([]);
    await engine.call(['SET', 'c', '3']);
    await engine.flush();
    expect(storage.inspect().manifest?.keys).toBe(3);
    const again = await reopen(storage, engine);
    expect(await again.call(['MGET', 'a', 'b', 'c'])).toEqual(['1', '2', '3']);
    again.close();
  });
});
