/**
 * Cold start from a bucketed snapshot (codec.ts, engine/pending-load.ts): the store serves
 * before every key is built, and what it serves, replays, expires, compacts and reloads is
 * what an eager load gives. Memory store and fake-indexeddb.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { indexedDBStorage } from '../../src/persistence/indexeddb.js';
import { memoryStorage, type Storage } from '../../src/persistence/storage.js';
import type { SnapshotChunk } from '../../src/persistence/codec.js';
import { dump, open, sleep } from './support.js';

const T0 = 1_800_000_000_000;

/** Fill: `n` strings (every 7th with a deadline, one non-ASCII, `__proto__`) and a few collections. */
async function fill(engine: Engine, n: number): Promise<void> {
  const conn = engine.connect();
  const batch: string[][] = [];
  for (let i = 0; i < n; i++) {
    batch.push(['SET', `key:${i}`, `value:${i}`]);
    if (i % 7 === 0) batch.push(['PEXPIREAT', `key:${i}`, String(T0 + 60_000 + i)]);
  }
  batch.push(['SET', 'utf8', 'héllo wörld'], ['SET', '__proto__', 'p'], ['SET', '', 'empty key']);
  batch.push(['HSET', 'h', 'f', 'v', 'g', 'w'], ['RPUSH', 'l', 'a', 'b', 'c'], ['SADD', 's', '1', '2'], ['ZADD', 'z', '1', 'm', '2', 'n']);
  batch.push(['PEXPIREAT', 'h', String(T0 + 30_000)]);
  await conn.callBatch(batch);
  conn.close();
}

/** Wait for the background build to finish (bounded). */
async function built(engine: Engine): Promise<void> {
  for (let i = 0; i < 500 && engine.db.building; i++) await sleep(2);
  expect(engine.db.building).toBe(false);
}

async function saved(storage: Storage, n: number, clock: () => number, bucketKeys = 8): Promise<string[]> {
  const engine = createEngine({ storage, clock, persistence: { bucketKeys } });
  await engine.ready;
  await fill(engine, n);
  await engine.call(['SAVE']);
  const before = await dump(engine);
  engine.close();
  await engine.persistence!.close();
  return before;
}

describe('lazy cold start', () => {
  it('a large snapshot is written in hash buckets; loading serves before building, then builds in the background', async () => {
    let now = T0;
    const clock = () => now;
    const storage = memoryStorage();
    const before = await saved(storage, 300, clock);
    const manifest = storage.inspect().manifest!;
    const chunks = (await storage.readChunks(manifest.snapshotId, 0, manifest.chunks)) as SnapshotChunk[];
    const bucketed = chunks.filter((c) => c.buckets !== undefined);
    // 304 keys, 8 per bucket: 64 buckets; collections in chunks of their own.
    expect(new Set(bucketed.map((c) => c.buckets))).toEqual(new Set([64]));
    expect(bucketed.every((c) => c.data === '' && c.count === 0)).toBe(true);
    expect(chunks.some((c) => c.buckets === undefined && c.count > 0)).toBe(true);

    const engine = await open(storage, { clock });
    expect(engine.db.building).toBe(true);
    // Reads of single keys while unbuilt: values, deadlines, non-ASCII bytes.
    expect(await engine.call(['GET', 'utf8'])).toBe('héllo wörld');
    expect(await engine.call(['PTTL', 'key:14'])).toBe(60_014);
    expect(await engine.call(['HGETALL', 'h'])).toEqual(['f', 'v', 'g', 'w']);
    expect(engine.db.building).toBe(true);
    // INFO persistence says how many keys are left, and reading it builds nothing.
    const unbuilt = Number(/idb_keys_unbuilt:(\d+)\r\n/.exec(String(await engine.call(['INFO', 'persistence'])))![1]);
    expect(unbuilt).toBeGreaterThan(0);
    expect(unbuilt).toBe(engine.db.unbuiltKeys);
    await built(engine);
    expect(String(await engine.call(['INFO', 'persistence']))).toMatch(/idb_keys_unbuilt:0\r\n/);
    now += 1; // dump() reads PEXPIRETIME, equal at any time
    expect(await dump(engine)).toEqual(before);
    const info = String(await engine.call(['INFO', 'persistence']));
    expect(info).toMatch(/rdb_last_load_keys_loaded:307\r\n/);
    engine.close();
  });

  it('the log after the snapshot replays onto unbuilt keys (SET, DEL, RENAME, EXPIRE)', async () => {
    const clock = () => T0;
    const storage = memoryStorage();
    await saved(storage, 200, clock);
    const engine = await open(storage, { clock });
    const writes = [
      ['SET', 'key:1', 'changed'], ['DEL', 'key:2'], ['RENAME', 'key:3', 'moved'], ['EXPIRE', 'key:4', '100'],
      ['PERSIST', 'key:7'], ['APPEND', 'key:5', '+'], ['COPY', 'key:6', 'key:8', 'REPLACE'], ['SET', 'new', 'n'],
    ];
    for (const argv of writes) await engine.call(argv);
    const expected = await dump(engine);
    engine.close();
    await engine.persistence!.close();
    const again = await open(storage, { clock });
    expect(again.db.building).toBe(true);
    expect(await again.call(['MGET', 'key:1', 'key:2', 'moved', 'key:5', 'key:8'])).toEqual(['changed', null, 'value:3', 'value:5+', 'value:6']);
    expect(await dump(again)).toEqual(expected);
    again.close();
  });

  it('keys whose deadline passed while closed are dropped and counted; later deadlines expire on time', async () => {
    let now = T0;
    const clock = () => now;
    const storage = memoryStorage();
    await saved(storage, 140, clock);
    // key:0, key:7, … key:133: deadlines T0 + 60,000 + i. Reopen when the first ten passed.
    now = T0 + 60_000 + 65;
    const engine = await open(storage, { clock, activeExpire: false });
    const info = String(await engine.call(['INFO', 'persistence']));
    // h (T0 + 30,000) and key:0 … key:63 (every 7th: 10 keys).
    expect(info).toMatch(/rdb_last_load_keys_expired:11\r\n/);
    expect(info).toMatch(/rdb_last_load_keys_loaded:136\r\n/);
    expect(await engine.call(['EXISTS', 'key:63', 'key:70', 'h'])).toBe(1);
    const expired: string[] = [];
    engine.onKeyspaceEvent((e) => e.channel === '__keyevent@0__:expired' && expired.push(e.message));
    await engine.call(['CONFIG', 'SET', 'notify-keyspace-events', 'Ex']);
    now = T0 + 60_000 + 100;
    expect(engine.runActiveExpire()).toBe(5); // key:70 … key:98
    expect(expired.sort()).toEqual(['key:70', 'key:77', 'key:84', 'key:91', 'key:98']);
    expect(await engine.call(['DBSIZE'])).toBe(131);
    engine.close();
  });

  it('BGREWRITEAOF right after a lazy load, with writes racing it, reloads to the same data', async () => {
    const clock = () => T0;
    const storage = memoryStorage();
    await saved(storage, 400, clock);
    const engine = await open(storage, { clock, persistence: { bucketKeys: 8, chunkBytes: 512 } });
    expect(engine.db.building).toBe(true);
    const rewrite = engine.call(['BGREWRITEAOF']);
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      writes.push(engine.call(['SET', `key:${i * 7}`, `w${i}`]), engine.call(['DEL', `key:${i * 5 + 1}`]));
      await sleep(0);
    }
    await rewrite;
    await Promise.all(writes);
    for (let i = 0; i < 200 && /aof_rewrite_in_progress:1/.test(String(await engine.call(['INFO', 'persistence']))); i++) await sleep(5);
    const expected = await dump(engine);
    engine.close();
    await engine.persistence!.close();
    const again = await open(storage, { clock });
    expect(await dump(again)).toEqual(expected);
    again.close();
  });

  it('a bucket field out of range is a damaged chunk, named', async () => {
    const storage = memoryStorage();
    await saved(storage, 100, () => T0);
    const manifest = storage.inspect().manifest!;
    const chunks = (await storage.readChunks(manifest.snapshotId, 0, manifest.chunks)) as SnapshotChunk[];
    const victim = chunks.find((c) => c.buckets !== undefined)!;
    await storage.writeChunks([{ ...victim, bucket: victim.buckets! }]);
    const engine = createEngine({ storage });
    await expect(engine.ready).rejects.toThrow(new RegExp(`snapshot ${manifest.snapshotId} chunk ${victim.index} is not a snapshot chunk \\(bad bucket`));
  });

  it('an unbucketed snapshot (bucketKeys 0, or a store from an earlier build) loads whole before serving', async () => {
    const storage = memoryStorage();
    const before = await saved(storage, 300, () => T0, 0);
    const manifest = storage.inspect().manifest!;
    const chunks = (await storage.readChunks(manifest.snapshotId, 0, manifest.chunks)) as SnapshotChunk[];
    expect(chunks.every((c) => c.buckets === undefined)).toBe(true);
    const engine = await open(storage, { clock: () => T0 });
    expect(engine.db.building).toBe(false);
    expect(await dump(engine)).toEqual(before);
    engine.close();
  });

  it('loadTruncated on a bucketed snapshot with a damaged log tail', async () => {
    const clock = () => T0;
    const storage = memoryStorage();
    await saved(storage, 100, clock);
    const engine = await open(storage, { clock });
    await engine.call(['SET', 'key:1', 'one']);
    await engine.call(['SET', 'key:2', 'two']);
    engine.close();
    await engine.persistence!.close();
    const covered = storage.inspect().manifest!.snapshotSeq;
    const records = await storage.readLog(0, 10);
    // After the snapshot: the second engine's seal, then SET key:1 and SET key:2 (damaged).
    expect(records.map((r) => r.seq - covered)).toEqual([1, 2, 3]);
    storage.replaceLog(records.map((r) => (r.seq === covered + 3 ? { ...r, data: 'garbage' } : r)));
    const again = await open(storage, { clock, persistence: { loadTruncated: true } });
    expect(await again.call(['MGET', 'key:1', 'key:2', 'key:3'])).toEqual(['one', 'value:2', 'value:3']);
    expect(again.persistence!.stats.loadWarnings).toHaveLength(1);
    again.close();
  });

  it('on fake-indexeddb: reload serves, builds, and equals what was written', async () => {
    const clock = () => T0;
    const name = `lazy-${Date.now()}`;
    const before = await saved(indexedDBStorage(name), 500, clock);
    const engine = await open(indexedDBStorage(name), { clock });
    expect(engine.db.building).toBe(true);
    expect(await engine.call(['GET', 'key:321'])).toBe('value:321');
    await built(engine);
    expect(await dump(engine)).toEqual(before);
    engine.close();
  });
});
