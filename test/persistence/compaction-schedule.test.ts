/**
 * How a snapshot walk schedules its chunks (snapshot.ts, "Scheduling"): chunks that fall due
 * together (every bucket at the memory bound, everything held at the walk's end) are queued
 * and emitted one at a time between deadline checks, commands running in between; chunk
 * writes overlap up to `writesInFlight`. None of this may change what a snapshot holds: a
 * bucketed rewrite raced by writes still reloads to the live dataset.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { SnapshotWalk } from '../../src/persistence/snapshot.js';
import { memoryStorage } from '../../src/persistence/storage.js';
import { rng } from '../support/random.js';
import { dump, open } from './support.js';

const clock = () => 1_800_000_000_000;

function fill(engine: Engine, n: number): void {
  const batch: string[][] = [];
  for (let i = 0; i < n; i++) batch.push(['SET', `key:${i}`, `value:${i}`]);
  engine.connect().callBatchRaw(batch);
}

/** Macrotask turns: the count goes up once per turn until stopped. */
function turns(): { readonly count: number; stop(): void } {
  let count = 0;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    count++;
    setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  return {
    get count() {
      return count;
    },
    stop: () => void (stopped = true),
  };
}

describe('snapshot walk scheduling', () => {
  it('chunks due together are emitted one per slice: commands run between the buckets of the final flush', async () => {
    const engine = createEngine({ clock });
    fill(engine, 4000);
    const seen: number[] = [];
    let keys = 0;
    const clockTurns = turns();
    const walk = new SnapshotWalk(
      engine,
      {
        chunk: (_data, _count, chunkKeys) => {
          seen.push(clockTurns.count);
          keys += chunkKeys;
        },
      },
      // Every bucket stays under a chunk and under the memory bound: all fall due at the end.
      { strings: true, bucketKeys: 16, chunkBytes: 1 << 20, sliceMs: 0 },
    );
    const result = await walk.run();
    clockTurns.stop();
    expect(result.keys).toBe(4000);
    expect(keys).toBe(4000);
    expect(result.chunks).toBe(256);
    // sliceMs 0: each slice emits one due chunk, then yields to the turns queued meanwhile.
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('writesInFlight: that many chunk writes pending at most, the walk ends once all settled', async () => {
    const engine = createEngine({ clock });
    fill(engine, 3000);
    let pending = 0;
    let most = 0;
    let settled = 0;
    const walk = new SnapshotWalk(
      engine,
      {
        chunk: () => {
          pending++;
          most = Math.max(most, pending);
          return new Promise<void>((resolve) =>
            setTimeout(() => {
              pending--;
              settled++;
              resolve();
            }, 1),
          );
        },
      },
      { strings: true, bucketKeys: 16, chunkBytes: 512, writesInFlight: 3 },
    );
    const result = await walk.run();
    expect(most).toBe(3);
    expect(settled).toBe(result.chunks);
    expect(pending).toBe(0);
  });

  it('a failed chunk write that was not the one awaited still rejects the walk', async () => {
    const engine = createEngine({ clock });
    fill(engine, 3000);
    let n = 0;
    const walk = new SnapshotWalk(
      engine,
      {
        chunk: () => {
          const failing = n++ === 1;
          return new Promise<void>((resolve, reject) => setTimeout(() => (failing ? reject(new Error('disk full')) : resolve()), 1));
        },
      },
      { strings: true, bucketKeys: 16, chunkBytes: 512, writesInFlight: 4 },
    );
    await expect(walk.run()).rejects.toThrow('disk full');
    expect(engine.db.writeHook).toBeNull();
  });

  it('an abort while chunks are due stops their emission', async () => {
    const engine = createEngine({ clock });
    fill(engine, 4000);
    let emitted = 0;
    let walk!: SnapshotWalk;
    walk = new SnapshotWalk(
      engine,
      {
        chunk: () => {
          if (++emitted === 3) walk.abort(new Error('engine closed'));
        },
      },
      { strings: true, bucketKeys: 16, chunkBytes: 1 << 20, sliceMs: 0 },
    );
    await expect(walk.run()).rejects.toThrow('engine closed');
    expect(emitted).toBe(3);
  });

  it('SAVE of a bucketed keyspace writes every due chunk in one go', async () => {
    const storage = memoryStorage();
    const engine = createEngine({ storage, clock, persistence: { chunkBytes: 256, bucketKeys: 16 } });
    await engine.ready;
    fill(engine, 3000);
    expect(await engine.call(['SAVE'])).toBe('OK');
    const live = await dump(engine);
    const reopened = await open(storage, { clock });
    expect(await dump(reopened)).toEqual(live);
    reopened.close();
    engine.close();
  });

  it('a bucketed BGREWRITEAOF raced by writes (full buckets, flushes at the memory bound, the final drain) reloads to the live dataset', async () => {
    const storage = memoryStorage();
    // 128 buckets; a bucket fills a 256-byte chunk every ~10 keys and the bound (256 chunks'
    // worth) is passed mid-walk: all three ways chunks fall due happen while commands run.
    const engine = createEngine({ storage, clock, persistence: { chunkBytes: 256, bucketKeys: 64 } });
    await engine.ready;
    fill(engine, 8000);
    expect(await engine.call(['BGREWRITEAOF'])).toBe('Background append only file rewriting started');
    const r = rng(11);
    const conn = engine.connect();
    let rounds = 0;
    while (engine.persistence!.snapshotRunning()) {
      const batch: string[][] = [];
      for (let i = 0; i < 40; i++) {
        const key = `key:${Math.floor(r() * 8000)}`;
        const roll = r();
        if (roll < 0.3) batch.push(['APPEND', key, 'x']);
        else if (roll < 0.5) batch.push(['DEL', key]);
        else if (roll < 0.65) batch.push(['SET', `new:${rounds}:${i}`, '1']);
        else if (roll < 0.8) batch.push(['PEXPIREAT', key, String(clock() + 100_000)]);
        else batch.push(['SET', key, 'reset']);
      }
      await conn.callBatch(batch);
      rounds++;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(rounds).toBeGreaterThan(1);
    await engine.flush();
    const live = await dump(engine);
    expect(storage.inspect().manifest!.snapshotId).toBe(1);
    const reopened = await open(storage, { clock });
    expect(await dump(reopened)).toEqual(live);
    reopened.close();
    engine.close();
  });
});
