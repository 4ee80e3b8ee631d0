/**
 * Recovery: what a damaged or foreign store gives (a clear error naming what is wrong),
 * loadTruncated, progress reports, keys that expired while the store was closed, and the
 * IndexedDB layout on fake-indexeddb.
 */
import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { createEngine } from '../../src/engine/engine.js';
import { FORMAT_VERSION, packCommands, PersistenceError, unpackCommands } from '../../src/persistence/codec.js';
import { databaseName, indexedDBStorage } from '../../src/persistence/indexeddb.js';
import type { LoadProgress } from '../../src/persistence/recovery.js';
import { memoryStorage, type Storage } from '../../src/persistence/storage.js';
import { open } from './support.js';

/** A store written by an engine: `n` SETs, one per record. */
async function written(storage: Storage, n: number): Promise<void> {
  const engine = createEngine({ storage });
  for (let i = 0; i < n; i++) await engine.call(['SET', `k${i}`, String(i)]);
  engine.close();
  await engine.persistence!.close();
}

describe('codec', () => {
  it('RESP packing round-trips binary arguments and reports where it breaks', () => {
    const commands = [['SET', 'k\r\n', '\x00\xff'], ['DEL', '']];
    const data = packCommands(commands);
    const out: string[][] = [];
    expect(unpackCommands(data, (argv) => out.push(argv))).toEqual({ offset: data.length, error: null });
    expect(out).toEqual(commands);
    expect(unpackCommands(data.slice(0, -3), () => {}).error).toMatch(/truncated/);
    expect(unpackCommands('*1\r\n$3\r\nabcd\r\n', () => {}).error).toMatch(/missing CRLF/);
  });
});

describe('damaged stores', () => {
  it('an unreadable log record: loading fails naming it; calls reject with the reason', async () => {
    const storage = memoryStorage();
    await written(storage, 5);
    // The log: the writer's seal (1), then k0 … k4 (2 … 6). Damage k2's record in place.
    const records = await storage.readLog(0, 10);
    expect(records.map((r) => r.count)).toEqual([0, 1, 1, 1, 1, 1]);
    storage.replaceLog(records.map((r) => (r.seq === 4 ? { ...r, data: r.data.slice(0, -4) } : r)));
    const engine = createEngine({ storage });
    await expect(engine.ready).rejects.toThrow(/log record 4 cannot be decoded: truncated/);
    await expect(engine.call(['GET', 'k0'])).rejects.toThrow(/^ERR idb-redis store 'memory': log record 4/);
    expect(engine.connect().callSync(['PING'])).toMatchObject({ message: expect.stringMatching(/log record 4/) });
  });

  it('loadTruncated loads up to the bad record, empties the damaged tail and says so', async () => {
    const storage = memoryStorage();
    await written(storage, 5);
    const records = await storage.readLog(0, 10);
    storage.replaceLog(records.map((r) => (r.seq === 4 ? { ...r, data: 'garbage' } : r)));
    const engine = await open(storage, { persistence: { loadTruncated: true } });
    expect(await engine.call(['MGET', 'k0', 'k1', 'k2', 'k3'])).toEqual(['0', '1', null, null]);
    expect(engine.persistence!.stats.loadWarnings[0]).toMatch(/log record 4 .*loaded up to record 3 and removed the log from record 4 on/);
    expect(await engine.call(['CONFIG', 'GET', 'aof-load-truncated'])).toEqual(['aof-load-truncated', 'yes']);
    // The tail from 4 on (the loader's own seal, 7, included) is empty records of its epoch,
    // so a stale writer still collides there.
    const after = await storage.readLog(0, 10);
    expect(after.map((r) => [r.seq, r.count, r.epoch])).toEqual([[1, 0, 1], [2, 1, 1], [3, 1, 1], [4, 0, 2], [5, 0, 2], [6, 0, 2], [7, 0, 2]]);
    // New writes continue the sequence after it.
    await engine.call(['SET', 'later', '1']);
    expect(storage.inspect().seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    engine.close();
    await engine.persistence!.close();
    const again = await open(storage);
    expect(await again.call(['MGET', 'k1', 'k2', 'later'])).toEqual(['1', null, '1']);
    again.close();
  });

  it('a gap in the log is reported, not skipped', async () => {
    const storage = memoryStorage();
    await written(storage, 4);
    const records = await storage.readLog(0, 10);
    storage.replaceLog(records.filter((r) => r.seq !== 3));
    await expect(createEngine({ storage }).ready).rejects.toThrow(/log records 3\.\.3 are missing/);
  });

  it('a manifest or record of a newer format is refused by name', async () => {
    const storage = memoryStorage();
    await written(storage, 2);
    // Written by the same epoch (1) as the records before it: a lower one would be skipped.
    await storage.fenced(1).append([{ seq: 4, format: FORMAT_VERSION + 1, count: 1, data: packCommands([['SET', 'x', 'y']]) }]);
    await expect(createEngine({ storage }).ready).rejects.toThrow(new RegExp(`log record 4 was written by a newer idb-redis \\(format ${FORMAT_VERSION + 1}`));
    // Not damage: loadTruncated refuses it too, and leaves the newer build's record in place.
    await expect(createEngine({ storage, persistence: { loadTruncated: true } }).ready).rejects.toThrow(/log record 4 was written by a newer idb-redis/);
    expect(storage.inspect().seqs).toContain(4);
    const other = memoryStorage();
    await other.commitSnapshot({ format: FORMAT_VERSION + 1, snapshotId: 0, snapshotSeq: 0, chunks: 0, snapshotBytes: 0, keys: 0, savedAt: 0 });
    const error = await createEngine({ storage: other }).ready.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PersistenceError);
    expect((error as Error).message).toMatch(
      new RegExp(`store 'memory' was written by a newer idb-redis \\(format ${FORMAT_VERSION + 1}; this build reads up to ${FORMAT_VERSION}\\)`),
    );
  });

  it('a missing snapshot chunk is reported by snapshot and index', async () => {
    const storage = memoryStorage();
    const engine = createEngine({ storage, persistence: { chunkBytes: 32 } });
    for (let i = 0; i < 10; i++) await engine.call(['SET', `k${i}`, 'value']);
    await engine.call(['SAVE']);
    engine.close();
    const manifest = storage.inspect().manifest!;
    expect(manifest.chunks).toBeGreaterThan(2);
    // Rewrite the manifest to claim one chunk more than stored.
    await storage.commitSnapshot({ ...manifest, chunks: manifest.chunks + 1 });
    await expect(createEngine({ storage }).ready).rejects.toThrow(`snapshot 1 chunk ${manifest.chunks} is missing`);
  });
});

describe('loading', () => {
  it('reports progress through snapshot and log', async () => {
    const storage = memoryStorage();
    const engine = createEngine({ storage, persistence: { chunkBytes: 64 } });
    for (let i = 0; i < 30; i++) await engine.call(['SET', `k${i}`, 'v']);
    await engine.call(['SAVE']);
    for (let i = 0; i < 3; i++) await engine.call(['SET', `late${i}`, 'v']);
    engine.close();
    const seen: LoadProgress[] = [];
    const again = await open(storage, { persistence: { onLoadProgress: (p) => seen.push(p) } });
    expect(seen.some((p) => p.phase === 'snapshot' && p.chunksLoaded > 0 && p.chunksLoaded < p.chunksTotal)).toBe(true);
    // The three SETs and the opener's own seal.
    expect(seen.at(-1)).toMatchObject({ phase: 'done', recordsLoaded: 4, keys: 33 });
    expect(String(await again.call(['INFO', 'persistence']))).toMatch(/rdb_last_load_keys_loaded:30/);
    again.close();
  });

  it('keys whose deadline passed while closed are dropped on load', async () => {
    let now = 1_800_000_000_000;
    const clock = () => now;
    const storage = memoryStorage();
    const engine = createEngine({ storage, clock });
    await engine.call(['SET', 'short', '1', 'PX', '500']);
    await engine.call(['SET', 'long', '1', 'EX', '500']);
    await engine.call(['SET', 'snap', '1', 'PX', '700']);
    await engine.call(['SAVE']);
    engine.close();
    now += 1000;
    const again = await open(storage, { clock });
    expect(await again.call(['KEYS', '*'])).toEqual(['long']);
    again.close();
  });

  it('the replay is not counted as commands processed nor shown to MONITOR (as Redis loads an AOF)', async () => {
    const storage = memoryStorage();
    const engine = await open(storage);
    for (let i = 0; i < 5; i++) await engine.call(['SET', `k${i}`, 'v']);
    engine.close();
    await engine.persistence!.close();
    const again = createEngine({ storage });
    const monitor = again.connect();
    const seen: unknown[] = [];
    monitor.onPush((push) => seen.push(push));
    await monitor.call(['MONITOR']);
    await again.ready;
    expect(String(await again.call(['INFO', 'stats']))).toMatch(/total_commands_processed:1\r\n/);
    // Only the INFO above.
    expect(seen).toEqual([expect.stringMatching(/"INFO" "stats"$/)]);
    again.close();
  });
});

describe('IndexedDB layout', () => {
  it('one database per store name with manifest, chunks and log stores', async () => {
    const storage = indexedDBStorage('layout-test');
    const engine = createEngine({ storage });
    await engine.call(['SET', 'a', '1']);
    await engine.call(['SAVE']);
    await engine.call(['SET', 'b', '2']);
    engine.close();
    await engine.persistence!.close();
    const db = await openDB(databaseName('layout-test'));
    expect([...db.objectStoreNames].sort()).toEqual(['chunks', 'log', 'manifest']);
    // Seq 1 was the engine's seal; SAVE covered it and `SET a`; the manifest names its epoch.
    expect(await db.get('manifest', 'manifest')).toMatchObject({ format: FORMAT_VERSION, snapshotId: 1, snapshotSeq: 2, chunks: 1, keys: 1, epoch: 1 });
    expect(await db.getAll('log')).toMatchObject([{ seq: 3, count: 1, data: packCommands([['SET', 'b', '2']]), epoch: 1 }]);
    expect(await db.get('manifest', 'epoch')).toBe(1);
    db.close();
  });

  it('a database of that name that is not an idb-redis store is refused, not written into', async () => {
    const db = await openDB(databaseName('foreign-test'), 1, { upgrade: (d) => void d.createObjectStore('other') });
    db.close();
    await expect(createEngine({ storage: indexedDBStorage('foreign-test') }).ready).rejects.toThrow(/exists but is not an idb-redis store/);
  });

  it('a database of a newer version is refused clearly', async () => {
    const db = await openDB(databaseName('newer-test'), 7);
    db.close();
    await expect(createEngine({ storage: indexedDBStorage('newer-test') }).ready).rejects.toThrow(/newer idb-redis/);
  });

  it('a versionchange (another context deletes the database) closes our connection; the next write reopens and rewrites it from memory', async () => {
    const storage = indexedDBStorage('versionchange-test');
    const engine = createEngine({ storage });
    await engine.call(['SET', 'a', '1']);
    // Another context deletes the database: our open connection must step aside, not block it.
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(databaseName('versionchange-test'));
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
    expect(await engine.call(['SET', 'b', '2'])).toBe('OK');
    engine.close();
    await engine.persistence!.close();
    const again = await open(indexedDBStorage('versionchange-test'));
    expect(await again.call(['MGET', 'a', 'b'])).toEqual(['1', '2']);
    again.close();
  });
});
