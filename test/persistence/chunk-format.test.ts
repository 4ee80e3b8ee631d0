/**
 * The snapshot chunk format: format 2 keeps plain strings as parallel fields (keys,
 * values, lengths, deadlines) beside the RESP of collections. Round trips of every type
 * with deadlines and binary bytes, on memory and on fake-indexeddb (structured clone of
 * the typed arrays), format-1 stores still loading, and damaged string fields refused.
 */
import { describe, expect, it } from 'vitest';
import { toByteString } from '../../src/engine/bytes.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { FORMAT_VERSION, packCommands, PersistenceError, type SnapshotChunk } from '../../src/persistence/codec.js';
import { indexedDBStorage } from '../../src/persistence/indexeddb.js';
import { memoryStorage, type Storage } from '../../src/persistence/storage.js';

const BINARY = '\x00\xff\r\n\x80';

/** Everything observable about the data: per key its type, contents and deadline. */
async function dump(engine: Engine): Promise<unknown[]> {
  const keys = ((await engine.call(['KEYS', '*'])) as string[]).slice().sort();
  const out: unknown[] = [];
  for (const key of keys) {
    const type = String(await engine.call(['TYPE', key]));
    const read: Record<string, string[]> = {
      string: ['GET', key],
      hash: ['HGETALL', key],
      set: ['SMEMBERS', key],
      zset: ['ZRANGE', key, '0', '-1', 'WITHSCORES'],
      list: ['LRANGE', key, '0', '-1'],
    };
    if (read[type] === undefined) throw new Error(`${JSON.stringify(key)}: ${type}`);
    let value = await engine.call(read[type]);
    if (type === 'set') value = (value as string[]).slice().sort();
    out.push([key, type, value, await engine.call(['PEXPIRETIME', key])]);
  }
  return out;
}

async function fill(engine: Engine): Promise<void> {
  const future = String(Date.now() + 3_600_000);
  const commands: string[][] = [
    ['SET', 'plain', 'value'],
    ['SET', 'empty', ''],
    ['SET', `bin${BINARY}`, `v${BINARY}`],
    ['SET', 'int', '12345'],
    ['SET', 'ttl', 'x', 'PXAT', future],
    ['SET', `ttl${BINARY}`, BINARY, 'PXAT', future],
    ['HSET', 'hash', 'f1', 'v1', `f${BINARY}`, BINARY],
    ['PEXPIREAT', 'hash', future],
    ['SADD', 'set', 'a', 'b', BINARY],
    ['ZADD', 'zset', '1.5', 'a', '-2', BINARY],
    ['RPUSH', 'list', 'x', BINARY, 'z'],
    ['PEXPIREAT', 'list', future],
  ];
  for (let i = 0; i < 200; i++) commands.push(['SET', `k:${i}`, 'v'.repeat(i % 50)]);
  for (const argv of commands) await engine.call(argv);
}

async function reopen(storage: Storage): Promise<Engine> {
  const engine = createEngine({ storage });
  await engine.ready;
  return engine;
}

describe('snapshot chunk format', () => {
  for (const [label, make] of [
    ['memory', () => memoryStorage()],
    ['fake-indexeddb', () => indexedDBStorage(`chunk-format-${Math.random()}`)],
  ] as const) {
    it(`every type round-trips through a format-${FORMAT_VERSION} snapshot (${label})`, async () => {
      const storage = make();
      const first = createEngine({ storage, persistence: { chunkBytes: 512 } });
      await fill(first);
      const before = await dump(first);
      await first.call(['SAVE']);
      first.close();
      await first.persistence!.close();
      // Only the snapshot: the log it covers is gone.
      const manifest = (await storage.readManifest())!;
      expect(manifest.format).toBe(FORMAT_VERSION);
      const chunks = await storage.readChunks(manifest.snapshotId, 0, manifest.chunks);
      expect(chunks.length).toBeGreaterThan(1);
      expect(chunks.every((c) => c.format === FORMAT_VERSION && c.lengths instanceof Uint32Array)).toBe(true);
      expect(chunks.some((c) => c.deadlines instanceof Float64Array)).toBe(true);
      expect(chunks.reduce((n, c) => n + c.lengths!.length / 2, 0)).toBe(206);
      const second = await reopen(storage);
      expect(await dump(second)).toEqual(before);
      expect(second.asciiOnly).toBe(false);
      expect(await second.call(['DBSIZE'])).toBe(before.length);
      // The loaded keyspace behaves: deletes move slots, SCAN sees every key once.
      expect(await second.call(['DEL', 'k:0', 'plain'])).toBe(2);
      const seen = new Set<string>();
      let cursor = '0';
      do {
        const [next, keys] = (await second.call(['SCAN', cursor, 'COUNT', '50'])) as [string, string[]];
        for (const k of keys) seen.add(k);
        cursor = next;
      } while (cursor !== '0');
      expect(seen.size).toBe(before.length - 2);
      second.close();
      await second.persistence!.close();
    });
  }

  it('strings whose deadline passed while the store was closed are not loaded', async () => {
    let now = 1_000_000;
    const storage = memoryStorage();
    const first = createEngine({ storage, clock: () => now });
    await first.call(['SET', 'gone', 'x', 'PXAT', String(now + 100)]);
    await first.call(['SET', 'kept', 'y', 'PXAT', String(now + 10_000)]);
    await first.call(['SET', 'forever', 'z']);
    await first.call(['SAVE']);
    first.close();
    await first.persistence!.close();
    now += 1000;
    const second = createEngine({ storage, clock: () => now });
    await second.ready;
    expect(await second.call(['KEYS', '*'])).toEqual(expect.arrayContaining(['kept', 'forever']));
    expect(await second.call(['DBSIZE'])).toBe(2);
    expect(await second.call(['PEXPIRETIME', 'kept'])).toBe(now - 1000 + 10_000);
    expect(second.asciiOnly).toBe(true);
    // The active expirer was armed for the loaded deadline.
    now += 20_000;
    expect(await second.call(['EXISTS', 'kept'])).toBe(0);
    second.close();
  });

  it('a format-1 store (everything as RESP) still loads, and the next snapshot rewrites it', async () => {
    const storage = memoryStorage();
    const future = String(Date.now() + 3_600_000);
    // The store holds byte strings: BINARY as UTF-8 bytes, as the engine would have stored it.
    const bytes = toByteString(BINARY);
    const data = packCommands([
      ['SET', 'a', '1'],
      ['SET', `b${bytes}`, bytes],
      ['PEXPIREAT', 'a', future],
      ['HSET', 'h', 'f', 'v'],
      ['RPUSH', 'l', 'x', 'y'],
    ]);
    await storage.writeChunks([{ snapshot: 1, index: 0, format: 1, count: 5, data }]);
    await storage.commitSnapshot({ format: 1, snapshotId: 1, snapshotSeq: 0, chunks: 1, snapshotBytes: data.length, keys: 4, savedAt: 0 });
    await storage.append([{ seq: 1, format: 1, count: 1, data: packCommands([['SADD', 's', 'm']]) }]);
    const engine = await reopen(storage);
    const expected = [
      ['a', 'string', '1', Number(future)],
      [`b${BINARY}`, 'string', BINARY, -1],
      ['h', 'hash', ['f', 'v'], -1],
      ['l', 'list', ['x', 'y'], -1],
      ['s', 'set', ['m'], -1],
    ];
    expect(await dump(engine)).toEqual(expected);
    expect(engine.asciiOnly).toBe(false);
    await engine.call(['SAVE']);
    engine.close();
    await engine.persistence!.close();
    const manifest = (await storage.readManifest())!;
    expect(manifest.format).toBe(FORMAT_VERSION);
    expect((await storage.readChunks(manifest.snapshotId, 0, 1))[0]!.format).toBe(FORMAT_VERSION);
    expect(await dump(await reopen(storage))).toEqual(expected);
  });

  it('a format-2 chunk whose string fields do not add up is refused by snapshot and index', async () => {
    const good = { keys: 'ab', values: 'xy', lengths: Uint32Array.of(1, 1, 1, 1), deadlines: null };
    const cases: Array<[Partial<SnapshotChunk>, RegExp]> = [
      [{ ...good, keys: 'abc' }, /snapshot 1 chunk 0 cannot be decoded: string lengths add up to 2\/2 bytes, the data holds 3\/2/],
      [{ ...good, lengths: Uint32Array.of(1, 1, 1) }, /snapshot 1 chunk 0 is not a snapshot chunk \(bad string fields\)/],
      [{ ...good, deadlines: Float64Array.of(5) }, /bad deadlines/],
      [{ ...good, deadlines: Float64Array.of(1.5, 0) }, /bad deadline 1\.5 for string 0/],
      [{ ...good, values: 7 as unknown as string }, /bad string fields/],
      [{ ...good, count: 1 }, /1 commands where its header says 0|0 commands where its header says 1/],
    ];
    for (const [fields, error] of cases) {
      const storage = memoryStorage();
      await storage.writeChunks([{ snapshot: 1, index: 0, format: 2, count: 0, data: '', ...fields }]);
      await storage.commitSnapshot({ format: 2, snapshotId: 1, snapshotSeq: 0, chunks: 1, snapshotBytes: 0, keys: 2, savedAt: 0 });
      const engine = createEngine({ storage });
      const e = await engine.ready.catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PersistenceError);
      expect((e as Error).message).toMatch(error);
      // Applied not at all.
      expect(engine.db.size).toBe(0);
    }
  });

  it('a snapshot repeating a key (damaged) leaves one entry in one slot', async () => {
    const storage = memoryStorage();
    const fields = { keys: 'aab', values: '123', lengths: Uint32Array.of(1, 1, 1, 1, 1, 1), deadlines: Float64Array.of(Date.now() + 60_000, 0, 0) };
    await storage.writeChunks([{ snapshot: 1, index: 0, format: 2, count: 0, data: '', ...fields }]);
    await storage.commitSnapshot({ format: 2, snapshotId: 1, snapshotSeq: 0, chunks: 1, snapshotBytes: 0, keys: 3, savedAt: 0 });
    const engine = await reopen(storage);
    expect(await engine.call(['GET', 'a'])).toBe('2');
    expect(await engine.call(['PTTL', 'a'])).toBe(-1);
    expect(engine.db.slotCount).toBe(2);
    expect(engine.db.volatileCount).toBe(0);
    expect(await engine.call(['DEL', 'a'])).toBe(1);
    expect(engine.db.keyAtSlot(0)).toBe('b');
  });
});
