/**
 * A read-only engine loads a store its leader keeps writing (a page exporting what its
 * worker owns). A compaction committed meanwhile drops the chunks and log records the load
 * was about to read: the load starts again on the new snapshot, and never settles for a
 * state missing writes acknowledged before it began. Both backends: the memory store and
 * fake-indexeddb.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { databaseName, indexedDBStorage } from '../../src/persistence/indexeddb.js';
import type { LoadProgress } from '../../src/persistence/recovery.js';
import { memoryStorage, type Storage } from '../../src/persistence/storage.js';
import { dump, open } from './support.js';

let stores = 0;
const backends: Array<[string, () => Storage]> = [
  ['memory', () => memoryStorage()],
  ['IndexedDB', () => indexedDBStorage(`readonly-load-${++stores}`)],
];

type Read = 'readChunks' | 'readLog';

/**
 * `inner` whose `nth` call of `read` (1-based) waits until `during()` has run: the
 * leader's writes and compaction land between the reader's earlier reads and that one.
 */
function interleaved(inner: Storage, read: Read, nth: number, during: () => Promise<void>): Storage {
  let calls = 0;
  const wrap = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (++calls === nth) await during();
      return fn(...args);
    };
  return { ...inner, [read]: wrap(inner[read] as (...args: unknown[]) => Promise<unknown>) };
}

/** A leader with a snapshot (keys s0..s199) and a log after it (keys l0..l49). */
async function leaderWithLog(storage: Storage): Promise<Engine> {
  const leader = await open(storage);
  for (let i = 0; i < 200; i++) await leader.call(['SET', `s${i}`, `v${i}`]);
  await leader.call(['SAVE']);
  for (let i = 0; i < 50; i++) await leader.call(['SET', `l${i}`, `v${i}`]);
  return leader;
}

/**
 * The leader writes, compacts (dropping the old snapshot's chunks and log) and, unless
 * `quiet`, writes on: with nothing after it, the log the reader reads next is just empty.
 */
async function writeAndCompact(leader: Engine, quiet = false): Promise<void> {
  await leader.call(['SET', 'before-compaction', '1']);
  await leader.call(['DEL', 's0']);
  await leader.call(['SAVE']);
  if (!quiet) await leader.call(['SET', 'after-compaction', '1']);
}

describe.each(backends)('read-only loads beside a compacting leader (%s)', (_, backend) => {
  for (const [read, nth, quiet, when] of [
    ['readChunks', 1, false, 'between the manifest and the chunks'],
    ['readLog', 1, false, 'between the chunks and the log'],
    ['readLog', 1, true, 'between the chunks and the log, nothing written after it'],
    ['readLog', 2, false, 'between two log reads'],
  ] as const) {
    it(`a compaction ${when}: the load starts again and holds every acknowledged write`, async () => {
      const storage = backend();
      const leader = await leaderWithLog(storage);
      const reader = createEngine({ storage: interleaved(storage, read, nth, () => writeAndCompact(leader, quiet)), persistence: { readOnly: true } });
      await reader.ready;
      expect(await dump(reader)).toEqual(await dump(leader));
      expect(await reader.call(['MGET', 's0', 's1', 'l49', 'before-compaction'])).toEqual([null, 'v1', 'v49', '1']);
      expect(reader.persistence!.stats.loadWarnings).toEqual([]);
      reader.close();
      leader.close();
      await leader.persistence!.close();
    });
  }

  it('a compaction during every attempt: the load gives up with a clear error', async () => {
    const storage = backend();
    const leader = await leaderWithLog(storage);
    let compactions = 0;
    const busy: Storage = {
      ...storage,
      readChunks: async (...args) => {
        compactions++;
        await writeAndCompact(leader);
        return storage.readChunks(...args);
      },
    };
    const reader = createEngine({ storage: busy, persistence: { readOnly: true } });
    await expect(reader.ready).rejects.toThrow(/a compaction replaced the snapshot while this read-only engine loaded it \(5 times\)/);
    expect(compactions).toBe(5);
    reader.close();
    leader.close();
    await leader.persistence!.close();
  });

  it('a chunk missing with no compaction: the clear error at once, no retry', async () => {
    const storage = backend();
    const leader = await leaderWithLog(storage);
    leader.close();
    await leader.persistence!.close();
    let reads = 0;
    const damaged: Storage = {
      ...storage,
      readChunks: async () => {
        reads++;
        return [];
      },
    };
    const reader = createEngine({ storage: damaged, persistence: { readOnly: true } });
    await expect(reader.ready).rejects.toThrow(/chunk 0 .*missing/);
    expect(reads).toBe(1);
    reader.close();
  });
});

describe('read-only loads that start over', () => {
  it("progress starts over with each attempt and reports 'done' once, last", async () => {
    const storage = memoryStorage();
    const leader = await leaderWithLog(storage);
    const reports: LoadProgress[] = [];
    const reader = createEngine({
      // Nothing written after the compaction: the first attempt just ends early, 'done'.
      storage: interleaved(storage, 'readLog', 1, () => writeAndCompact(leader, true)),
      persistence: { readOnly: true, onLoadProgress: (p) => reports.push(p) },
    });
    await reader.ready;
    const phases = reports.map((p) => p.phase);
    // The first attempt read the chunks, then the second read them again.
    expect(phases.filter((phase) => phase === 'snapshot').length).toBeGreaterThan(2);
    expect(phases.filter((phase) => phase === 'done')).toEqual(['done']);
    expect(phases.at(-1)).toBe('done');
    expect(reports.at(-1)!.keys).toBe(await reader.call(['DBSIZE']));
    reader.close();
    leader.close();
    await leader.persistence!.close();
  });

  it('the database deleted during the load: the load fails, it does not come up empty', async () => {
    const name = `readonly-load-${++stores}`;
    const leader = await leaderWithLog(indexedDBStorage(name));
    const deleteStore = () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.deleteDatabase(databaseName(name));
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
      });
    // The reader has its own connection to the store, as a page beside the worker has.
    const reader = createEngine({ storage: interleaved(indexedDBStorage(name), 'readChunks', 1, deleteStore), persistence: { readOnly: true } });
    await expect(reader.ready).rejects.toThrow(/the store was deleted while this read-only engine loaded it/);
    reader.close();
    leader.close();
  });
});
