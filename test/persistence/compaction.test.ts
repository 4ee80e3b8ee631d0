/**
 * Compaction racing with writes: a background snapshot of thousands of keys walks in
 * slices while INCR/APPEND/DEL/EXPIRE/new keys/FLUSHALL run between them. Any key copied
 * after its change, missed, or copied though created later would show after a reopen:
 * the log after the snapshot replays non-idempotent writes on top of it.
 */
import { describe, expect, it, vi } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { memoryStorage } from '../../src/persistence/storage.js';
import { rng } from '../support/random.js';
import { dump, open } from './support.js';

const clock = () => 1_800_000_000_000;

async function fill(engine: Engine, n: number): Promise<void> {
  const conn = engine.connect();
  const batch: string[][] = [];
  for (let i = 0; i < n; i++) batch.push(['SET', `key:${i}`, String(i)]);
  await conn.callBatch(batch);
}

/** Run random writes between the walk's slices until it finishes. */
async function writeWhileCompacting(engine: Engine, seed: number, flushOnce: boolean): Promise<number> {
  const r = rng(seed);
  const conn = engine.connect();
  let rounds = 0;
  let flushed = !flushOnce;
  while (engine.persistence!.snapshotRunning()) {
    const batch: string[][] = [];
    for (let i = 0; i < 50; i++) {
      const key = `key:${Math.floor(r() * 6000)}`;
      const roll = r();
      if (roll < 0.3) batch.push(['INCR', key]);
      else if (roll < 0.5) batch.push(['APPEND', key, 'x']);
      else if (roll < 0.65) batch.push(['DEL', key]);
      else if (roll < 0.75) batch.push(['SET', `new:${rounds}:${i}`, '1'], ['INCR', `new:${rounds}:${i}`]);
      else if (roll < 0.85) batch.push(['EXPIRE', key, '100000']);
      else batch.push(['SET', key, 'reset']);
    }
    if (!flushed && rounds === 5) {
      batch.push(['FLUSHALL'], ['SET', 'after-flush', '1']);
      flushed = true;
    }
    await conn.callBatch(batch);
    rounds++;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return rounds;
}

describe('compaction while writing', () => {
  for (const [label, flush] of [['plain', false], ['with a FLUSHALL mid-walk', true]] as const) {
    it(`BGREWRITEAOF of 6,000 keys in slices, writes in between (${label})`, async () => {
      const storage = memoryStorage();
      const engine = createEngine({ storage, clock, persistence: { chunkBytes: 2048 } });
      await engine.ready;
      await fill(engine, 6000);
      expect(await engine.call(['BGREWRITEAOF'])).toBe('Background append only file rewriting started');
      const rounds = await writeWhileCompacting(engine, 7, flush);
      expect(rounds).toBeGreaterThan(1);
      await engine.flush();
      const live = await dump(engine);
      const state = storage.inspect();
      expect(state.manifest!.snapshotId).toBe(1);
      expect(state.chunks.length).toBeGreaterThan(1);
      const reopened = await open(storage, { clock });
      expect(await dump(reopened)).toEqual(live);
      reopened.close();
      engine.close();
    });
  }

  it('collections changed in place while the walk runs are copied before the change (every type)', async () => {
    const storage = memoryStorage();
    const engine = createEngine({ storage, clock, persistence: { chunkBytes: 1024 } });
    await engine.ready;
    const conn = engine.connect();
    const hasLists = engine.commands.lookup('rpush') !== undefined;
    const setup: string[][] = [];
    for (let i = 0; i < 1500; i++) {
      setup.push(['HSET', `h${i}`, 'a', '1', 'b', '2'], ['SADD', `s${i}`, 'x', 'y', '1'], ['ZADD', `z${i}`, '1', 'm', '2', 'n']);
      if (hasLists) setup.push(['RPUSH', `l${i}`, 'p', 'q', 'r']);
    }
    await conn.callBatch(setup);
    expect(await engine.call(['BGREWRITEAOF'])).toBe('Background append only file rewriting started');
    const r = rng(11);
    let rounds = 0;
    while (engine.persistence!.snapshotRunning()) {
      const batch: string[][] = [];
      for (let i = 0; i < 40; i++) {
        const n = Math.floor(r() * 1500);
        switch (Math.floor(r() * (hasLists ? 10 : 8))) {
          case 0: batch.push(['HINCRBY', `h${n}`, 'a', '1']); break;
          case 1: batch.push(['HSET', `h${n}`, 'c', String(rounds)], ['HDEL', `h${n}`, 'b']); break;
          case 2: batch.push(['SADD', `s${n}`, `m${rounds}`]); break;
          case 3: batch.push(['SREM', `s${n}`, 'x'], ['SMOVE', `s${n}`, `s${(n + 1) % 1500}`, 'y']); break;
          case 4: batch.push(['ZINCRBY', `z${n}`, '1', 'm']); break;
          case 5: batch.push(['ZADD', `z${n}`, 'INCR', '5', 'n'], ['ZREM', `z${n}`, 'm']); break;
          case 6: batch.push(['HINCRBYFLOAT', `h${n}`, 'b', '0.5']); break;
          case 7: batch.push(['ZUNIONSTORE', `z${n}`, '2', `z${n}`, `z${(n + 7) % 1500}`]); break;
          case 8: batch.push(['RPUSH', `l${n}`, String(rounds)], ['LPOP', `l${n}`]); break;
          default: batch.push(['LSET', `l${n}`, '0', 'set'], ['LINSERT', `l${n}`, 'BEFORE', 'q', 'ins']); break;
        }
      }
      await conn.callBatch(batch);
      rounds++;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(rounds).toBeGreaterThan(1);
    await engine.flush();
    const reopened = await open(storage, { clock });
    expect(await dump(reopened)).toEqual(await dump(engine));
    reopened.close();
    engine.close();
  });

  it('BGSAVE while a rewrite runs: error, or scheduled with SCHEDULE; BGREWRITEAOF twice: error', async () => {
    const storage = memoryStorage();
    const engine = createEngine({ storage, clock, persistence: { chunkBytes: 512 } });
    await fill(engine, 3000);
    expect(await engine.call(['BGREWRITEAOF'])).toBe('Background append only file rewriting started');
    await expect(engine.call(['BGREWRITEAOF'])).rejects.toThrow('ERR Background append only file rewriting already in progress');
    await expect(engine.call(['BGSAVE'])).rejects.toThrow(/^ERR Another child process is active \(AOF\?\)/);
    expect(await engine.call(['BGSAVE', 'SCHEDULE'])).toBe('Background saving scheduled');
    await expect(engine.call(['BGSAVE', 'NOW'])).rejects.toThrow('ERR syntax error');
    await expect(engine.call(['SAVE'])).rejects.toThrow('ERR Background save already in progress');
    while (engine.persistence!.snapshotRunning('rewrite')) await new Promise((resolve) => setTimeout(resolve, 1));
    // The scheduled BGSAVE runs next.
    await new Promise((resolve) => setTimeout(resolve, 5));
    while (engine.persistence!.snapshotRunning()) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(storage.inspect().manifest!.snapshotId).toBe(2);
    expect(String(await engine.call(['INFO', 'persistence']))).toMatch(/rdb_saves:2\r\n/);
    engine.close();
  });

  it('the log is compacted automatically once it outgrows the snapshot (auto-aof-rewrite-*)', async () => {
    const storage = memoryStorage();
    const engine = createEngine({ storage, clock });
    await engine.call(['CONFIG', 'SET', 'auto-aof-rewrite-min-size', '4kb']);
    for (let i = 0; i < 200; i++) await engine.call(['SET', `k${i % 20}`, 'v'.repeat(40)]);
    await vi.waitFor(() => expect(storage.inspect().manifest?.snapshotId).toBeGreaterThan(0));
    while (engine.persistence!.snapshotRunning()) await new Promise((resolve) => setTimeout(resolve, 1));
    const state = storage.inspect();
    expect(state.seqs.length).toBeLessThan(200);
    const reopened = await open(storage, { clock });
    expect(await dump(reopened)).toEqual(await dump(engine));
    reopened.close();
    engine.close();
  });
});
