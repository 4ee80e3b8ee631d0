/**
 * The load's end (Engine.finishLoading): the keys still past their deadline once the log is
 * replayed are dropped under one expiry mark in the log, unbuilt snapshot strings (a
 * bucketed snapshot) included, so a later write that found such a key absent (SET NX …)
 * replays after the mark at the next load.
 */
import { describe, expect, it } from 'vitest';
import { keyBucket } from '../../src/engine/pending-load.js';
import { memoryStorage } from '../../src/persistence/storage.js';
import { open } from './support.js';

const T0 = 1_800_000_000_000;

describe('keys expired at the load end of a bucketed snapshot', () => {
  // An expirer run at the load's end built the buckets holding a deadline that came during
  // the load, and building dropped the strings already past their deadline when the load
  // started with nothing in the log, so a SET NX after the load replayed onto the
  // snapshot's stale value (kept while loading) and failed.
  it('a key expired at load beside one whose deadline came during the load: SET NX after the load survives a reload', async () => {
    let now = T0;
    const clock = () => now;
    const storage = memoryStorage();
    const writer = await open(storage, { clock, persistence: { bucketKeys: 8 } });
    const batch: string[][] = [];
    for (let i = 0; i < 62; i++) batch.push(['SET', `k:${i}`, 'v']);
    // Two keys of one bucket (for every bucket count up to 64).
    let a = '';
    for (let i = 0; a === ''; i++) if (keyBucket(`a:${i}`, 63) === keyBucket('b', 63)) a = `a:${i}`;
    batch.push(['SET', a, 'old', 'PXAT', String(T0 + 1000)], ['SET', 'b', 'vb', 'PXAT', String(T0 + 3000)]);
    await writer.connect().callBatch(batch);
    await writer.call(['SAVE']);
    writer.close();
    await writer.persistence!.close();

    // Loaded at T0 + 2 s (`a` past its deadline, `b` not); the load ends at T0 + 4 s.
    now = T0 + 2000;
    const onLoadProgress = (p: { phase: string }) => {
      if (p.phase === 'done') now = T0 + 4000;
    };
    const engine = await open(storage, { clock, persistence: { bucketKeys: 8, onLoadProgress } });
    expect(engine.db.building).toBe(true);
    expect(await engine.call(['SET', a, 'new', 'NX'])).toBe('OK');
    engine.close();
    await engine.persistence!.close();

    const again = await open(storage, { clock });
    expect(await again.call(['GET', a])).toBe('new');
    expect(await again.call(['EXISTS', 'b'])).toBe(0);
    again.close();
    await again.persistence!.close();
  });
});
