/**
 * The load's expiry mark (Engine.finishLoading, EXPIRED_BEFORE): its replay drops the keys the
 * live load's end dropped, and the counters the load keeps (INFO keyspace, the expirer's
 * per-bucket deadlines) stay exact after it. Adversarial cases beside the property test
 * (reload-equivalence.test.ts), whose clock never moves during a load.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, EXPIRED_BEFORE, type Engine } from '../../src/engine/engine.js';
import { keyBucket } from '../../src/engine/pending-load.js';
import { FORMAT_VERSION, packCommands } from '../../src/persistence/codec.js';
import { exportRespBytes, importResp } from '../../src/persistence/export.js';
import type { PersistenceOptions } from '../../src/persistence/persistence.js';
import { memoryStorage, type MemoryStorage } from '../../src/persistence/storage.js';
import { dump, open } from './support.js';

const T0 = 1_800_000_000_000;

async function shut(engine: Engine): Promise<void> {
  engine.close();
  await engine.persistence!.close();
}

/** `keys=`, `expires=` of INFO keyspace (0, 0 when empty). */
async function keyspaceInfo(engine: Engine): Promise<[number, number]> {
  const info = (await engine.call(['INFO', 'keyspace'])) as string;
  const m = /db0:keys=(\d+),expires=(\d+)/.exec(info);
  return m === null ? [0, 0] : [Number(m[1]), Number(m[2])];
}

/** A bucketed snapshot (8 keys per bucket) of `batch`, written at T0 by an engine on `clock`. */
async function bucketedStore(clock: () => number, batch: string[][]): Promise<MemoryStorage> {
  const storage = memoryStorage();
  const writer = await open(storage, { clock, activeExpire: false, persistence: { bucketKeys: 8 } });
  await writer.connect().callBatch(batch);
  await writer.call(['SAVE']);
  await shut(writer);
  return storage;
}

/** `count` persistent filler strings (so the snapshot is bucketed), then `more`. */
function filler(count: number, ...more: string[][]): string[][] {
  const batch: string[][] = [];
  for (let i = 0; i < count; i++) batch.push(['SET', `k:${i}`, 'v']);
  return [...batch, ...more];
}

/** A key other than `key` in the same bucket, for every bucket count up to 64. */
function sameBucket(key: string, prefix: string): string {
  for (let i = 0; ; i++) if (keyBucket(`${prefix}${i}`, 63) === keyBucket(key, 63)) return `${prefix}${i}`;
}

describe('the load expiry mark', () => {
  it('one mark, not a DEL per key, and a reopen shows what the live engine showed', async () => {
    let now = T0;
    const clock = () => now;
    const storage = await bucketedStore(
      clock,
      filler(60, ['SET', 'x', '1', 'PXAT', String(T0 + 1000)], ['SET', 'y', '2', 'PXAT', String(T0 + 5000)], ['HSET', 'h', 'f', 'v'], ['PEXPIREAT', 'h', String(T0 + 1000)]),
    );
    now = T0 + 2000;
    const engine = await open(storage, { clock, activeExpire: false, persistence: { bucketKeys: 8 } });
    await engine.flush();
    const data = (await storage.readLog(0, 100)).map((r) => r.data).join('');
    expect(data.split(EXPIRED_BEFORE).length).toBe(2);
    expect(data).toContain(String(T0 + 2000));
    expect(data).not.toMatch(/\bdel\b/i);
    const live = await dump(engine);
    expect(live.some((l) => l.startsWith('x ') || l.startsWith('h '))).toBe(false);
    await shut(engine);
    // Bucketed again: the mark's replay drops from an unbuilt load; INFO counts what is left.
    const again = await open(storage, { clock, activeExpire: false });
    expect(again.db.building).toBe(true);
    expect(await keyspaceInfo(again)).toEqual([live.length, live.filter((l) => !l.endsWith(' -1')).length]);
    expect(await dump(again)).toEqual(live);
    await shut(again);
  });

  // A mark whose argument is not a number (a damaged record: RESP and the record's count
  // still check out) must not be read as NaN: every `deadline >= NaN` is false, so the
  // replay dropped every key with a deadline, built and unbuilt.
  it('a damaged mark (not a number) drops nothing', async () => {
    let now = T0;
    const clock = () => now;
    const storage = await bucketedStore(clock, filler(60, ['SET', 'x', '1', 'PXAT', String(T0 + 600_000)], ['HSET', 'h', 'f', 'v'], ['PEXPIREAT', 'h', String(T0 + 600_000)]));
    const manifest = storage.inspect().manifest!;
    for (const damaged of ['x', '', 'Infinity', '-Infinity', '1e400']) {
      storage.replaceLog([{ seq: manifest.snapshotSeq + 1, format: FORMAT_VERSION, count: 1, data: packCommands([[EXPIRED_BEFORE, damaged]]), epoch: manifest.epoch }]);
      const engine = await open(storage, { clock, activeExpire: false, persistence: { readOnly: true } });
      expect(await engine.call(['PEXPIRETIME', 'x']), damaged).toBe(T0 + 600_000);
      expect(await engine.call(['PEXPIRETIME', 'h']), damaged).toBe(T0 + 600_000);
      await shut(engine);
    }
    // The same record with a mark past the deadlines drops both (the record is applied).
    storage.replaceLog([{ seq: manifest.snapshotSeq + 1, format: FORMAT_VERSION, count: 1, data: packCommands([[EXPIRED_BEFORE, String(T0 + 600_001)]]), epoch: manifest.epoch }]);
    const engine = await open(storage, { clock, activeExpire: false, persistence: { readOnly: true } });
    expect(await engine.call(['EXISTS', 'x', 'h', 'k:1'])).toBe(1);
    await shut(engine);
  });

  // The load's clock (PendingLoad.loadedAt) decides which unbuilt strings are expired at load
  // (dropped silently when built). A system clock stepped back during the load left those
  // with a deadline between the end's clock and loadedAt unmarked: absent for the live engine,
  // kept by the mark's replay, so a SET NX after the load failed at the next reload.
  it('a clock stepped back during a lazy load: SET NX after the load survives a reload', async () => {
    let now = T0;
    const clock = () => now;
    const storage = await bucketedStore(clock, filler(60, ['SET', 'a', 'old', 'PXAT', String(T0 + 3000)]));
    now = T0 + 5000;
    const onLoadProgress = (p: { phase: string }) => {
      if (p.phase === 'done') now = T0 + 1000;
    };
    const engine = await open(storage, { clock, activeExpire: false, persistence: { bucketKeys: 8, onLoadProgress } });
    expect(engine.db.building).toBe(true);
    const live = await engine.call(['SET', 'a', 'new', 'NX']);
    const liveA = await engine.call(['GET', 'a']);
    await shut(engine);
    now = T0 + 10_000;
    const again = await open(storage, { clock, activeExpire: false });
    expect(live).toBe('OK');
    expect(await again.call(['GET', 'a'])).toBe(liveA);
    await shut(again);
  });

  // The clock moves during the load: strings with a deadline between the load's start and
  // its end are dropped by dropBefore; keys= and expires= must count what is left exactly.
  it('INFO keyspace after a lazy load whose clock moved: keys= and expires= exact', async () => {
    let now = T0;
    const clock = () => now;
    const batch = filler(60);
    for (let i = 0; i < 20; i++) batch.push(['SET', `past:${i}`, 'v', 'PXAT', String(T0 + 1000)]);
    for (let i = 0; i < 20; i++) batch.push(['SET', `during:${i}`, 'v', 'PXAT', String(T0 + 3000)]);
    for (let i = 0; i < 20; i++) batch.push(['SET', `later:${i}`, 'v', 'PXAT', String(T0 + 60_000)]);
    const storage = await bucketedStore(clock, batch);
    now = T0 + 2000;
    const onLoadProgress = (p: { phase: string }) => {
      if (p.phase === 'done') now = T0 + 4000;
    };
    const engine = await open(storage, { clock, activeExpire: false, persistence: { bucketKeys: 8, onLoadProgress } });
    expect(engine.db.building).toBe(true);
    expect(await keyspaceInfo(engine)).toEqual([80, 20]);
    expect(engine.persistence!.stats.keysExpired).toBe(40);
    expect(await engine.call(['DBSIZE'])).toBe(80);
    expect(await keyspaceInfo(engine)).toEqual([80, 20]);
    await shut(engine);
  });

  // Export (the page's exportStore) loads the store read-only: the marks in its log apply.
  it('an export of a store whose log holds marks is the live dataset', async () => {
    let now = T0;
    const clock = () => now;
    const storage = await bucketedStore(clock, filler(60, ['SET', 'a', 'old', 'PXAT', String(T0 + 1000)], ['SADD', 's', 'm'], ['PEXPIREAT', 's', String(T0 + 1000)]));
    now = T0 + 2000;
    let engine = await open(storage, { clock, activeExpire: false, persistence: { bucketKeys: 8 } });
    await engine.call(['SET', 'a', 'new', 'NX']);
    await shut(engine);
    now = T0 + 3000;
    engine = await open(storage, { clock, activeExpire: false, persistence: { bucketKeys: 8 } });
    await engine.call(['SADD', 's', 'n']);
    await engine.flush();
    expect((await storage.readLog(0, 100)).map((r) => r.data).join('')).toContain(EXPIRED_BEFORE);
    const live = await dump(engine);
    const reader = await open(storage, { clock, activeExpire: false, persistence: { readOnly: true } });
    const bytes = await exportRespBytes(reader);
    await shut(reader);
    const target = createEngine({ clock, activeExpire: false });
    await importResp(target, bytes);
    expect(await dump(target)).toEqual(live);
    target.close();
    await shut(engine);
  });

  // The end's heap pass deletes built keys; each delete first looks in the key's unbuilt
  // bucket, and the 16th look builds it whole, dropping its strings expired at load without
  // counting them (rdb_last_load_keys_expired, expired_keys short by them).
  it('keys taken from a bucket while replaying and the rest of it, all expired: every drop counted', async () => {
    let now = T0;
    const clock = () => now;
    const e: string[] = [];
    for (let i = 0; e.length < 20; i++) if (keyBucket(`e:${i}`, 63) === keyBucket('a', 63)) e.push(`e:${i}`);
    const storage = memoryStorage();
    const writer = await open(storage, { clock, activeExpire: false, persistence: { bucketKeys: 8 } });
    await writer.connect().callBatch(filler(60, ...e.map((k) => ['SET', k, 'v', 'PXAT', String(T0 + 1000)])));
    await writer.call(['SAVE']);
    // Logged after the snapshot: the reload takes these ten alone from the bucket.
    for (const k of e.slice(0, 10)) await writer.call(['PEXPIREAT', k, String(T0 + 1000)]);
    await shut(writer);
    now = T0 + 2000;
    const engine = await open(storage, { clock, activeExpire: false, persistence: { bucketKeys: 8 } });
    expect(engine.persistence!.stats.keysExpired).toBe(20);
    expect(engine.stats.expiredKeys).toBe(20);
    expect(await keyspaceInfo(engine)).toEqual([60, 0]);
    await shut(engine);
  });

  // dropBefore recomputes each bucket's earliest live deadline: the expirer must still build
  // the bucket (and expire the key, with its DEL) when that deadline comes.
  it('the expirer builds a bucket whose earliest deadline was dropped, when its next one comes', async () => {
    let now = T0;
    const clock = () => now;
    const b = sameBucket('a', 'b:');
    const storage = await bucketedStore(clock, filler(60, ['SET', 'a', '1', 'PXAT', String(T0 + 3000)], ['SET', b, '2', 'PXAT', String(T0 + 8000)]));
    now = T0 + 2000;
    const onLoadProgress = (p: { phase: string }) => {
      if (p.phase === 'done') now = T0 + 4000;
    };
    const engine = await open(storage, { clock, activeExpire: false, persistence: { bucketKeys: 8, onLoadProgress } });
    const effects: string[][] = [];
    engine.onEffects((batch) => effects.push(...batch));
    expect(engine.db.building).toBe(true);
    expect(engine.db.nextDeadline()).toBe(T0 + 8000);
    expect(await keyspaceInfo(engine)).toEqual([61, 1]);
    now = T0 + 8001;
    expect(engine.runActiveExpire()).toBe(1);
    expect(effects).toEqual([['del', b]]);
    expect(await keyspaceInfo(engine)).toEqual([60, 0]);
    await shut(engine);
  });

  // WATCH runs while loading (Redis flags it `loading`). A key WATCHed before the snapshot's
  // bucketed strings join the keyspace is dropped at the load's end without being built,
  // so nothing touched the watch, where an eager load's drop does (signalModifiedKey), as
  // Redis's expiry of the loaded key after the load does: the layout decided EXEC's fate.
  for (const bucketKeys of [0, 8]) {
    it(`WATCH during the snapshot phase of a key dropped at the load's end aborts EXEC (bucketKeys ${bucketKeys})`, async () => {
      let now = T0;
      const clock = () => now;
      const storage = memoryStorage();
      const writer = await open(storage, { clock, activeExpire: false, persistence: { bucketKeys } });
      await writer.connect().callBatch(filler(60, ['SET', 'a', 'old', 'PXAT', String(T0 + 1000)]));
      await writer.call(['SAVE']);
      await shut(writer);
      now = T0 + 2000;
      let watched: unknown = null;
      const engine: Engine = createEngine({
        clock,
        activeExpire: false,
        storage,
        persistence: {
          bucketKeys,
          onLoadProgress: (p) => {
            if (p.phase === 'snapshot' && watched === null) watched = conn.callSync(['WATCH', 'a']);
          },
        },
      });
      const conn = engine.connect();
      await engine.ready;
      expect(watched).toBe('OK');
      expect(engine.db.building).toBe(bucketKeys > 0);
      expect(await conn.call(['MULTI'])).toBe('OK');
      expect(await conn.call(['SET', 'a', 'new'])).toBe('QUEUED');
      expect(await conn.call(['EXEC'])).toBeNull();
      await shut(engine);
    });
  }

  // everysec: the mark and the first writes after the load go in one record; a snapshot
  // taken right after the load covers the mark (its seq is cut before the walk).
  for (const [name, options] of [
    ['everysec, the mark in one record with later writes', { appendfsync: 'everysec', bucketKeys: 8 }],
    ['a snapshot right after the load', { bucketKeys: 8 }],
  ] as Array<[string, PersistenceOptions]>) {
    it(`${name}: the reopen and a read-only engine show the live dataset`, async () => {
      let now = T0;
      const clock = () => now;
      const storage = await bucketedStore(clock, filler(60, ['SET', 'a', 'old', 'PXAT', String(T0 + 1000)], ['SADD', 's', 'm'], ['PEXPIREAT', 's', String(T0 + 1000)]));
      now = T0 + 2000;
      const engine = await open(storage, { clock, activeExpire: false, persistence: options });
      if (name.includes('snapshot')) await engine.call(['BGREWRITEAOF']);
      await engine.call(['SET', 'a', 'new', 'NX']);
      await engine.call(['SET', 's', 'str']);
      while (engine.persistence!.snapshotRunning()) await new Promise((r) => setTimeout(r, 1));
      await engine.flush();
      if (!name.includes('snapshot')) expect((await storage.readLog(0, 100)).filter((r) => r.count > 0).length).toBe(1);
      const live = await dump(engine);
      const reader = await open(storage, { clock, activeExpire: false, persistence: { readOnly: true } });
      expect(await dump(reader)).toEqual(live);
      await shut(reader);
      await shut(engine);
      const again = await open(storage, { clock, activeExpire: false });
      expect(await dump(again)).toEqual(live);
      // And once more (the second load's own mark replays after the first's).
      await shut(again);
      now += 1000;
      const third = await open(storage, { clock, activeExpire: false });
      expect(await dump(third)).toEqual(live);
      await shut(third);
    });
  }
});
