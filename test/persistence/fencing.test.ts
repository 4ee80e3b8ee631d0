/**
 * Fencing: two engines on one store, the second claiming a newer leadership epoch. Every
 * write transaction of the stale one (append, snapshot chunks, the manifest switch, log
 * truncation, chunk cleanup) is refused by the store itself, its callers get the READONLY
 * fencing error and never an acknowledgement, and what it acknowledged before the fence
 * stays. Run on the memory store and on IndexedDB (fake-indexeddb).
 */
import { describe, expect, it, vi } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { FORMAT_VERSION, packCommands, type Manifest } from '../../src/persistence/codec.js';
import { indexedDBStorage } from '../../src/persistence/indexeddb.js';
import { isFencedError, memoryStorage, type Storage } from '../../src/persistence/storage.js';
import { open } from './support.js';

const FENCED = /^READONLY idb-redis: this engine lost the store's leadership \(epoch 1 < 2\)/;

let stores = 0;
const backends: Array<[string, () => Storage]> = [
  ['memory', () => memoryStorage()],
  ['IndexedDB', () => indexedDBStorage(`fencing-${++stores}`)],
];

const manifest = (id: number, seq: number): Manifest => ({
  format: FORMAT_VERSION,
  snapshotId: id,
  snapshotSeq: seq,
  chunks: 1,
  snapshotBytes: 1,
  keys: 1,
  savedAt: 1,
});

/** Refusal as the callers see it: a rejection naming the fence, whatever the path. */
async function refused(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toThrow(FENCED);
}

describe.each(backends)('fencing (%s)', (_, make) => {
  it('claimEpoch: each claim is one above the store and above what the claimer saw', async () => {
    const store = make();
    expect(await store.claimEpoch(0)).toBe(1);
    expect(await store.claimEpoch(0)).toBe(2);
    expect(await store.claimEpoch(10)).toBe(11);
    expect(await store.claimEpoch(3)).toBe(12);
    store.close();
  });

  it('claimEpoch seals the log: a record of the new epoch, without commands, after the last one', async () => {
    const store = make();
    const first = store.fenced(await store.claimEpoch(0));
    await first.append([{ seq: 2, format: FORMAT_VERSION, count: 1, data: 'a' }]);
    await store.claimEpoch(0);
    expect((await store.readLog(0, 10)).map((r) => [r.seq, r.count, r.data, r.epoch])).toEqual([
      [1, 0, '', 1],
      [2, 1, 'a', 1],
      [3, 0, '', 2],
    ]);
    // After a compaction emptied the log, the seal follows the snapshot's seq.
    const current = store.fenced(await store.claimEpoch(0));
    await current.commitSnapshot(manifest(0, 9));
    expect(await store.readLog(0, 10)).toEqual([]);
    await store.claimEpoch(0);
    expect((await store.readLog(0, 10)).map((r) => [r.seq, r.epoch])).toEqual([[10, 4]]);
    expect(await store.readManifest()).toMatchObject({ snapshotSeq: 9, epoch: 3 });
    store.close();
  });

  it('every write transaction of a stale view is refused whole; the current view writes', async () => {
    const store = make();
    const stale = store.fenced(await store.claimEpoch(0));
    await stale.append([{ seq: 2, format: FORMAT_VERSION, count: 1, data: 'before' }]);
    const current = store.fenced(await store.claimEpoch(0));
    const attempts: Array<[string, () => Promise<unknown>]> = [
      // Its next seq is the newer writer's seal: the add collides.
      ['append', () => stale.append([{ seq: 3, format: FORMAT_VERSION, count: 1, data: 'late' }])],
      ['writeChunks', () => stale.writeChunks([{ snapshot: 1, index: 0, format: FORMAT_VERSION, count: 1, data: 'x' }])],
      ['commitSnapshot', () => stale.commitSnapshot(manifest(1, 1))],
      ['truncateLog', () => stale.truncateLog(1)],
      ['dropChunksExcept', () => stale.dropChunksExcept(0)],
    ];
    for (const [op, attempt] of attempts) {
      const error = await attempt().then(() => null, (e: unknown) => e);
      expect(isFencedError(error), op).toBe(true);
      expect((error as Error).message, op).toBe("this engine lost the store's leadership (epoch 1 < 2)");
    }
    // Nothing the stale view tried is there; the record it wrote before the fence is.
    expect(await store.readManifest()).toBeNull();
    expect((await store.readLog(0, 10)).map((r) => [r.data, r.epoch])).toEqual([['', 1], ['before', 1], ['', 2]]);
    expect(await store.readChunks(1, 0, 1)).toEqual([]);
    await current.append([{ seq: 4, format: FORMAT_VERSION, count: 1, data: 'newer' }]);
    await current.commitSnapshot(manifest(0, 0));
    expect((await store.readLog(0, 10)).map((r) => r.data)).toEqual(['', 'before', '', 'newer']);
    store.close();
  });

  it('an optimistic stale append past a compacted log: refused, skipped by recovery, replaced by the leader', async () => {
    const store = make();
    const stale = store.fenced(await store.claimEpoch(0));
    await stale.append([{ seq: 2, format: FORMAT_VERSION, count: 1, data: 'before' }]);
    const current = store.fenced(await store.claimEpoch(0));
    // The leader compacts everything up to its own head (its seal, 3): the log is empty.
    await current.commitSnapshot(manifest(0, 3));
    // The stale writer's next batch spans the compacted seqs and runs past the end: it
    // lands (nothing collides), yet the call is refused.
    const late = [3, 4, 5].map((seq) => ({ seq, format: FORMAT_VERSION, count: 1, data: `late${seq}` }));
    const error = await stale.append(late).then(() => null, (e: unknown) => e);
    expect(isFencedError(error)).toBe(true);
    expect((await store.readLog(3, 10)).map((r) => [r.seq, r.epoch])).toEqual([[4, 1], [5, 1]]);
    // The leader's next append collides with them and replaces them.
    await current.append([{ seq: 4, format: FORMAT_VERSION, count: 1, data: 'newer' }]);
    expect((await store.readLog(3, 10)).map((r) => [r.seq, r.data, r.epoch])).toEqual([[4, 'newer', 2]]);
    store.close();
  });

  it('recovery skips a record whose epoch is below one already seen', async () => {
    const store = make();
    const leader = await open(store);
    expect(await leader.call(['SET', 'a', '1'])).toBe('OK');
    expect(await leader.call(['BGREWRITEAOF'])).toMatch(/started/);
    await vi.waitFor(async () => expect((await store.readManifest())?.snapshotId).toBe(1));
    leader.close();
    await leader.persistence!.close();
    const covered = (await store.readManifest())!.snapshotSeq;
    // What a stale epoch-0 writer's batch past the compacted log's end leaves behind.
    const stale = store.fenced(0);
    const late = { seq: covered + 1, format: FORMAT_VERSION, count: 1, data: packCommands([['SET', 'a', 'stale']]) };
    await expect(stale.append([late])).rejects.toThrow(/epoch 0 < 1/);
    const next = await open(store);
    expect(await next.call(['GET', 'a'])).toBe('1');
    expect(await next.call(['SET', 'b', '2'])).toBe('OK');
    next.close();
    await next.persistence!.close();
    const again = await open(store);
    expect(await again.call(['MGET', 'a', 'b'])).toEqual(['1', '2']);
    again.close();
  });

  it('a stale engine: its next write is refused and never acknowledged, its earlier ones stay', async () => {
    const store = make();
    const stale = await open(store);
    expect(stale.persistence!.epoch).toBe(1);
    expect(await stale.call(['SET', 'acked', '1'])).toBe('OK');
    let fencedAt = 0;
    stale.persistence!.onFenced((error) => (fencedAt = error.current));
    const newer = await open(store);
    expect(newer.persistence!.epoch).toBe(2);
    expect(await newer.call(['GET', 'acked'])).toBe('1');
    await refused(stale.call(['SET', 'late', '1']));
    expect(fencedAt).toBe(2);
    // From then on it serves nothing from its memory (it holds a write the store refused),
    // writes and reads alike; INFO still answers.
    await refused(stale.call(['GET', 'acked']));
    await refused(stale.call(['INCR', 'n']));
    const info = String(await stale.call(['INFO', 'persistence']));
    expect(info).toMatch(/aof_last_write_status:err/);
    expect(info).toMatch(/idb_epoch:1\r\nidb_fenced_by_epoch:2\r\n/);
    expect(String(await newer.call(['INFO', 'persistence']))).toMatch(/idb_epoch:2\r\nidb_fenced_by_epoch:0\r\n/);
    expect(await newer.call(['SET', 'b', '2'])).toBe('OK');
    stale.close();
    newer.close();
    await newer.persistence!.close();
    const reloaded = await open(store);
    expect(await reloaded.call(['MGET', 'acked', 'late', 'b'])).toEqual(['1', null, '2']);
    reloaded.close();
  });

  it('a stale engine: SAVE and BGREWRITEAOF (chunks, then the manifest switch) are refused', async () => {
    const store = make();
    const stale = await open(store);
    expect(await stale.call(['SET', 'k', 'v'])).toBe('OK');
    const newer = await open(store);
    await refused(stale.call(['SAVE']));
    await expect(stale.persistence!.startSnapshot('rewrite')).rejects.toThrow(/epoch 1 < 2/);
    expect(await newer.call(['SET', 'k2', 'v2'])).toBe('OK');
    newer.close();
    await newer.persistence!.close();
    const reloaded = await open(store);
    // The stale engine's snapshot never became current.
    expect(reloaded.persistence!.manifest.snapshotId).toBe(0);
    expect(await reloaded.call(['MGET', 'k', 'k2'])).toEqual(['v', 'v2']);
    stale.close();
    reloaded.close();
  });

  it('a compaction in progress when the fence comes is refused at its next transaction', async () => {
    const store = make();
    const stale = await open(store, { persistence: { chunkBytes: 64 } });
    for (let i = 0; i < 200; i++) await stale.call(['SET', `key:${i}`, 'x'.repeat(20)]);
    const rewrite = stale.persistence!.startSnapshot('rewrite');
    const newer = await open(store);
    await expect(rewrite).rejects.toThrow(/epoch 1 < 2/);
    expect(await newer.call(['DBSIZE'])).toBe(200);
    newer.close();
    await newer.persistence!.close();
    const reloaded = await open(store);
    expect(reloaded.persistence!.manifest.snapshotId).toBe(0);
    expect(await reloaded.call(['DBSIZE'])).toBe(200);
    stale.close();
    reloaded.close();
  });

  it('writes racing the claim: every acknowledged one is in the newer engine, no refused one is', async () => {
    const store = make();
    const stale = await open(store);
    const outcomes: Array<Promise<boolean>> = [];
    let newer: Promise<Engine> | null = null;
    for (let i = 0; i < 60; i++) {
      outcomes.push(stale.call(['SADD', 'set', String(i)]).then(() => true, (e: Error) => (expect(e.message).toMatch(FENCED), false)));
      if (i === 20) newer = open(store);
      // Spread the writes over several appends (group commit joins one tick's writes).
      if (i % 5 === 4) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const acked = (await Promise.all(outcomes)).flatMap((ok, i) => (ok ? [String(i)] : []));
    const engine = await newer!;
    expect(acked.length).toBeGreaterThan(0);
    expect(acked.length).toBeLessThan(60);
    const members = ((await engine.call(['SMEMBERS', 'set'])) as string[]).sort((a, b) => Number(a) - Number(b));
    expect(members).toEqual(acked);
    stale.close();
    engine.close();
  });

  it('epochSeen: the claim is above what the opener heard; a read-only engine claims nothing', async () => {
    const store = make();
    const first = await open(store, { persistence: { epochSeen: 7 } });
    expect(first.persistence!.epoch).toBe(8);
    first.close();
    await first.persistence!.close();
    const reader = await open(store, { persistence: { readOnly: true } });
    expect(reader.persistence!.epoch).toBe(0);
    reader.close();
    const next = createEngine({ storage: store });
    expect(await next.persistence!.claimed).toBe(9);
    await next.ready;
    next.close();
  });
});
