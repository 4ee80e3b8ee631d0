/**
 * Fencing races: a stale writer (an engine whose epoch is below the store's) whose append is
 * in flight or issued late, against the newer leader's claim, its compaction, a truncated
 * load, a failing append, a third engine, and (IndexedDB) the database deleted under it.
 * What must hold whatever the interleaving:
 * - an append acknowledged is loaded by every later engine;
 * - an append refused by the fence is never loaded (its records may land optimistically,
 *   storage.ts, where recovery skips them);
 * - the newer leader's acknowledged writes are never lost or reordered;
 * - recovery never fails on a stale writer's leftovers.
 * Each actor has its own handle on the store (its own IndexedDB connection, as tabs do; the
 * memory store is one shared instance). Run on the memory store and on fake-indexeddb.
 */
import { describe, expect, it } from 'vitest';
import { FORMAT_VERSION, packCommands, snapshotChunk, type LogRecord } from '../../src/persistence/codec.js';
import { faultyStorage, quotaExceeded } from '../../src/persistence/faults.js';
import { databaseName, indexedDBStorage } from '../../src/persistence/indexeddb.js';
import { isFencedError, memoryStorage, type Storage } from '../../src/persistence/storage.js';
import { createEngine } from '../../src/engine/engine.js';
import { rng } from '../support/random.js';
import { open, sleep } from './support.js';

/** A new handle on one store per call. */
type Store = () => Storage;

let stores = 0;
const backends: Array<[string, () => Store]> = [
  ['memory', () => ((shared) => () => shared)(memoryStorage())],
  ['IndexedDB', () => ((name) => () => indexedDBStorage(name))(`fencing-races-${++stores}`)],
];

/** A log record setting each of `keys` to `value`. */
function sets(seq: number, value: string, ...keys: string[]): LogRecord {
  return { seq, format: FORMAT_VERSION, count: keys.length, data: packCommands(keys.map((k) => ['SET', k, value])) };
}

/** `count` one-key records from `from` on, key `<tag><seq>`. */
function batch(tag: string, from: number, count: number): LogRecord[] {
  return Array.from({ length: count }, (_, i) => sets(from + i, tag, `${tag}${from + i}`));
}

/** A compaction through `view`: a one-chunk snapshot of `data` covering the log up to `seq`. */
async function compact(view: Storage, id: number, seq: number, data: Record<string, string>): Promise<void> {
  await view.writeChunks([snapshotChunk(id, 0, packCommands(Object.entries(data).map(([k, v]) => ['SET', k, v])), Object.keys(data).length)]);
  await view.commitSnapshot(commitOf(id, seq, Object.keys(data).length));
}

function commitOf(id: number, seq: number, keys: number) {
  return { format: FORMAT_VERSION, snapshotId: id, snapshotSeq: seq, chunks: 1, snapshotBytes: 1, keys, savedAt: 1 };
}

/** The outcome of a write: 'ok', 'fenced', or the error. */
function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (error: unknown) => (isFencedError(error) || /lost the store's leadership/.test(String((error as Error)?.message)) ? 'fenced' : String(error)),
  );
}

/**
 * What a new engine loads (it claims the store, so every view open before is stale after
 * this): every key with its value, sorted; and the load warnings.
 */
async function loaded(store: Store, loadTruncated = false): Promise<{ data: string[]; warnings: string[] }> {
  const engine = await open(store(), { persistence: { loadTruncated } });
  const keys = ((await engine.call(['KEYS', '*'])) as string[]).sort();
  const values = keys.length === 0 ? [] : ((await engine.call(['MGET', ...keys])) as string[]);
  const warnings = engine.persistence!.stats.loadWarnings;
  engine.close();
  await engine.persistence!.close();
  return { data: keys.map((k, i) => `${k}=${values[i]}`), warnings };
}

/** The log as [seq, epoch, commands] rows. */
async function logOf(store: Store, after = 0): Promise<Array<[number, number | undefined, number]>> {
  const view = store();
  const rows = (await view.readLog(after, 1000)).map((r) => [r.seq, r.epoch, r.count] as [number, number | undefined, number]);
  view.close();
  return rows;
}

interface Hooks {
  readLog?: Storage['readLog'];
  append?: (inner: Storage, ...args: Parameters<Storage['append']>) => Promise<void>;
  writeChunks?: (inner: Storage, ...args: Parameters<Storage['writeChunks']>) => Promise<void>;
}

/** `inner` (and its fenced views) with some operations replaced; `hooks` get the inner view. */
function intercept(inner: Storage, hooks: Hooks): Storage {
  return {
    ...inner,
    readLog: hooks.readLog ?? inner.readLog,
    append: (r, d) => (hooks.append ? hooks.append(inner, r, d) : inner.append(r, d)),
    writeChunks: (c) => (hooks.writeChunks ? hooks.writeChunks(inner, c) : inner.writeChunks(c)),
    fenced: (epoch) => intercept(inner.fenced(epoch), hooks),
  };
}

/** `inner` whose `readLog` number `at` (1-based) waits for `release()`. */
function heldRead(inner: Storage, at: number): { storage: Storage; reached: Promise<void>; release: () => void } {
  let reads = 0;
  let release!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const arrived = new Promise<void>((resolve) => (reached = resolve));
  const storage = intercept(inner, {
    readLog: async (after, limit) => {
      if (++reads === at) {
        reached();
        await gate;
      }
      return inner.readLog(after, limit);
    },
  });
  return { storage, reached: arrived, release };
}

/** `inner` (and its fenced views) whose appends wait while `hold` is set. */
function heldAppends(inner: Storage, gate: { hold: Promise<void> | null }): Storage {
  return intercept(inner, { append: (store, r, d) => (gate.hold === null ? store.append(r, d) : gate.hold.then(() => store.append(r, d))) });
}

describe.each(backends)('fencing races (%s)', (_, backend) => {
  it('a stale batch issued before the claim commits first: acknowledged, and the newer engine loads it', async () => {
    const store = backend();
    const a = store();
    const stale = a.fenced(await a.claimEpoch(0));
    await stale.append([sets(2, 'old', 'a')]);
    const b = store();
    await b.readManifest(); // its connection is open: the two transactions queue in call order
    const appended = outcome(stale.append([sets(3, 'old', 'b'), sets(4, 'old', 'c')]));
    const claimed = b.claimEpoch(0);
    expect(await appended).toBe('ok');
    expect(await claimed).toBe(2);
    // The seal follows the batch.
    expect((await logOf(store)).slice(-1)).toEqual([[5, 2, 0]]);
    expect((await loaded(store)).data).toEqual(['a=old', 'b=old', 'c=old']);
  });

  it('a stale batch issued after the claim collides with the seal: refused whole, nothing lands', async () => {
    const store = backend();
    const a = store();
    const stale = a.fenced(await a.claimEpoch(0));
    await stale.append([sets(2, 'old', 'a')]);
    const b = store();
    await b.readManifest();
    const claimed = b.claimEpoch(0);
    // Its first record is the seal's seq; the later ones would have landed past the end.
    const appended = outcome(stale.append(batch('late', 3, 3)));
    expect(await claimed).toBe(2);
    expect(await appended).toBe('fenced');
    expect(await logOf(store)).toEqual([[1, 1, 0], [2, 1, 1], [3, 2, 0]]);
    expect((await loaded(store)).data).toEqual(['a=old']);
  });

  it('a stale batch racing the leader compaction, either order: refused, never loaded, the leader writes on', async () => {
    for (const compactionFirst of [true, false]) {
      const store = backend();
      const a = store();
      const stale = a.fenced(await a.claimEpoch(0));
      await stale.append([sets(2, 'old', 'a')]);
      const b = store();
      const leader = b.fenced(await b.claimEpoch(0)); // seal at 3
      await leader.append([sets(4, 'new', 'b')]);
      // The leader snapshots up to 5 (its record 5 is cut, not appended yet) ...
      await leader.writeChunks([snapshotChunk(1, 0, packCommands([['SET', 'a', 'old'], ['SET', 'b', 'new'], ['SET', 'c', 'new']]), 3)]);
      const late = batch('late', 3, 5); // 3 … 7: across the snapshot's seq and past it
      const steps = compactionFirst
        ? [outcome(leader.commitSnapshot(commitOf(1, 5, 3))), outcome(stale.append(late))]
        : [outcome(stale.append(late)), outcome(leader.commitSnapshot(commitOf(1, 5, 3)))];
      const [first, second] = await Promise.all(steps);
      expect(compactionFirst ? [first, second] : [second, first]).toEqual(['ok', 'fenced']);
      // Landed (compaction first): 6 and 7 past the snapshot, of the stale epoch.
      expect(await logOf(store, 5)).toEqual(compactionFirst ? [[6, 1, 1], [7, 1, 1]] : []);
      // ... and appends 6: a collision with a stale record replaces what lies above its head.
      expect(await outcome(leader.append([sets(6, 'new', 'd')]))).toBe('ok');
      expect(await logOf(store, 5)).toEqual([[6, 2, 1]]);
      expect((await loaded(store)).data).toEqual(['a=old', 'b=new', 'c=new', 'd=new']);
    }
  });

  it('stale records past a compacted log, the leader gone: the next engine skips them, seals after them, and its writes reload', async () => {
    const store = backend();
    const a = store();
    const stale = a.fenced(await a.claimEpoch(0));
    await stale.append([sets(2, 'old', 'a')]);
    const b = store();
    const leader = b.fenced(await b.claimEpoch(0));
    await leader.append([sets(4, 'new', 'b')]);
    await compact(leader, 1, 4, { a: 'old', b: 'new' });
    expect(await outcome(stale.append(batch('late', 3, 4)))).toBe('fenced');
    expect(await logOf(store)).toEqual([[3, 1, 1], [4, 1, 1], [5, 1, 1], [6, 1, 1]]);
    // The leader never writes again. A new engine (loadTruncated: nothing is cut either).
    const next = await open(store(), { persistence: { loadTruncated: true } });
    expect(next.persistence!.stats.loadWarnings).toEqual([]);
    expect(await next.call(['MGET', 'a', 'b', 'late5', 'late6'])).toEqual(['old', 'new', null, null]);
    expect(await next.call(['SET', 'c', 'next'])).toBe('OK');
    expect(await next.call(['SET', 'b', 'next'])).toBe('OK');
    expect((await logOf(store, 4)).map(([seq, epoch]) => [seq, epoch])).toEqual([[5, 1], [6, 1], [7, 3], [8, 3], [9, 3]]);
    next.close();
    await next.persistence!.close();
    expect(await loaded(store, true)).toEqual({ data: ['a=old', 'b=next', 'c=next'], warnings: [] });
  });

  it('three engines: two stale writers land past the newest compaction in either order; only the leader is loaded', async () => {
    for (const olderFirst of [true, false]) {
      const store = backend();
      const a = store();
      const first = a.fenced(await a.claimEpoch(0)); // seal 1
      await first.append([sets(2, 'e1', 'a')]);
      const b = store();
      const second = b.fenced(await b.claimEpoch(0)); // seal 3
      await second.append([sets(4, 'e2', 'b')]);
      const c = store();
      const leader = c.fenced(await c.claimEpoch(0)); // seal 5
      await leader.append([sets(6, 'e3', 'c')]);
      await compact(leader, 1, 6, { a: 'e1', b: 'e2', c: 'e3' });
      // Each stale writer's next batch starts at the seal that followed it.
      const early = () => outcome(first.append(batch('x', 3, 6))); // 3 … 8
      const late = () => outcome(second.append(batch('y', 5, 5))); // 5 … 9
      const results = olderFirst ? [await early(), await late()] : [await late(), await early()];
      expect(results).toEqual(['fenced', 'fenced']);
      // The first to land wins the seqs past 6; the other collides with it and lands nothing.
      expect(await logOf(store, 6)).toEqual(olderFirst ? [[7, 1, 1], [8, 1, 1]] : [[7, 2, 1], [8, 2, 1], [9, 2, 1]]);
      expect(await outcome(leader.append([sets(7, 'e3', 'd')]))).toBe('ok');
      expect(await logOf(store, 6)).toEqual([[7, 3, 1]]);
      expect((await loaded(store)).data).toEqual(['a=e1', 'b=e2', 'c=e3', 'd=e3']);
    }
  });

  it('a stale writer with an epoch above the manifest but below a later seal: skipped after the seal', async () => {
    const store = backend();
    const a = store();
    const first = a.fenced(await a.claimEpoch(0));
    await first.append([sets(2, 'e1', 'a')]);
    const b = store();
    const second = b.fenced(await b.claimEpoch(0)); // seal 3
    await compact(second, 1, 3, { a: 'e1' }); // manifest of epoch 2
    // The first writer lands past it (skipped: below the manifest's epoch) ...
    expect(await outcome(first.append(batch('x', 3, 3)))).toBe('fenced');
    // ... a third engine claims (its seal follows the landed records) and loads ...
    const c = store();
    const third = c.fenced(await c.claimEpoch(0)); // seal 6
    expect(await logOf(store, 3)).toEqual([[4, 1, 1], [5, 1, 1], [6, 3, 0]]);
    // ... and the second one (epoch 2, equal to the manifest's) now collides: nothing lands.
    expect(await outcome(second.append(batch('y', 4, 4)))).toBe('fenced');
    await third.append([sets(7, 'e3', 'b')]);
    expect((await loaded(store)).data).toEqual(['a=e1', 'b=e3']);
  });

  it('a read-only load that read stale records before the leader replaced them reads again: no later write without the earlier one', async () => {
    const store = backend();
    const a = store();
    const stale = a.fenced(await a.claimEpoch(0));
    await stale.append([sets(2, 'old', 'a')]);
    const b = store();
    const leader = b.fenced(await b.claimEpoch(0)); // seal 3
    await compact(leader, 1, 3, { a: 'old' });
    expect(await outcome(stale.append(batch('x', 3, 3)))).toBe('fenced'); // 4 and 5 past the snapshot
    // A reader's first log read returns the stale 4 and 5 (skipped); its second waits ...
    const held = heldRead(store(), 2);
    const reader = createEngine({ storage: held.storage, persistence: { readOnly: true } });
    await held.reached;
    // ... while the leader replaces them (4) and writes on (5, 6).
    await leader.append([sets(4, 'new', 'w1')]);
    await leader.append([sets(5, 'new', 'w2'), sets(6, 'new', 'w3')]);
    held.release();
    await reader.ready;
    expect(await reader.call(['MGET', 'a', 'x4', 'x5', 'w1', 'w2', 'w3'])).toEqual(['old', null, null, 'new', 'new', 'new']);
    reader.close();
    // Replaced by fewer records, nothing past them: what it read is an earlier state, whole.
    const again = heldRead(store(), 2);
    const a2 = store();
    const stale2 = a2.fenced(await a2.claimEpoch(0)); // fences the leader: a new one follows
    const c = store();
    const next = c.fenced(await c.claimEpoch(0));
    await compact(next, 2, 8, { a: 'old', w1: 'new', w2: 'new', w3: 'new' });
    expect(await outcome(stale2.append(batch('y', 7, 4)))).toBe('fenced'); // 9 and 10 past it
    const reader2 = createEngine({ storage: again.storage, persistence: { readOnly: true } });
    await again.reached;
    await next.append([sets(9, 'new', 'w4')]);
    again.release();
    await reader2.ready;
    expect(await reader2.call(['MGET', 'w3', 'y9', 'y10', 'w4'])).toEqual(['new', null, null, null]);
    reader2.close();
    expect((await loaded(store)).data).toEqual(['a=old', 'w1=new', 'w2=new', 'w3=new', 'w4=new']);
  });

  it('a truncated load empties the damaged tail in place: the stale writer collides with it', async () => {
    for (const damage of ['unreadable', 'gap'] as const) {
      const store = backend();
      const a = store();
      const stale = a.fenced(await a.claimEpoch(0));
      await stale.append([sets(2, 'old', 'a')]);
      // A damaged tail: an unreadable record 3, or record 4 with 3 missing.
      if (damage === 'unreadable') await stale.append([{ seq: 3, format: FORMAT_VERSION, count: 1, data: '*9\r\ngarbage' }]);
      else await stale.append([sets(4, 'old', 'lost')]);
      const next = await open(store(), { persistence: { loadTruncated: true } });
      expect(next.persistence!.stats.loadWarnings).toEqual([expect.stringMatching(/removed the log from record 3 on/)]);
      // Emptied, not deleted: every seq up to the seal is a seal of the new epoch.
      expect((await logOf(store, 2)).map(([seq, epoch, count]) => [seq, epoch, count])).toEqual(
        damage === 'unreadable' ? [[3, 2, 0], [4, 2, 0]] : [[3, 2, 0], [4, 2, 0], [5, 2, 0]],
      );
      // The stale writer's next records (3 on) collide with the emptied tail.
      expect(await outcome(stale.append(batch('late', 3, 4)))).toBe('fenced');
      expect(await next.call(['SET', 'b', 'new'])).toBe('OK');
      next.close();
      await next.persistence!.close();
      expect(await loaded(store)).toEqual({ data: ['a=old', 'b=new'], warnings: [] });
    }
  });

  it('a stale engine whose append failed (QuotaExceeded) retries after the claim: refused, never acknowledged or loaded', async () => {
    const store = backend();
    let full = false;
    const faulty = faultyStorage(store(), {
      before(op) {
        if (full && op === 'append') throw quotaExceeded();
      },
    });
    const batches: number[] = [];
    const stale = await open(intercept(faulty, { append: (inner, r, d) => (batches.push(r.length), inner.append(r, d)) }));
    expect(await stale.call(['SET', 'a', 'old'])).toBe('OK');
    expect(await stale.call(['SET', 't', 'old', 'PX', '20'])).toBe('OK');
    full = true;
    await expect(stale.call(['SET', 'b', 'old'])).rejects.toThrow(/^MISCONF/);
    const newer = await open(store());
    full = false;
    // The retry (every second) collides with the newer engine's seal; by then t expired
    // (its DEL is a second record queued behind b's).
    let fenced = false;
    stale.persistence!.onFenced(() => (fenced = true));
    for (let i = 0; i < 40 && !fenced; i++) await sleep(50);
    expect(fenced).toBe(true);
    expect(batches.at(-1)).toBe(2);
    await expect(stale.call(['SET', 'c', 'old'])).rejects.toThrow(/lost the store's leadership/);
    expect(await newer.call(['SET', 'd', 'new'])).toBe('OK');
    stale.close();
    newer.close();
    await newer.persistence!.close();
    expect((await loaded(store)).data).toEqual(['a=old', 'd=new']);
  });

  // A write whose append is in flight when the same engine's snapshot commits is in that
  // snapshot: durable, so acknowledged even though the append then meets the newer claim
  // (log.ts acknowledges a record by its commit or by a snapshot covering it).
  it('a write in flight that its own engine snapshot covered is acknowledged, and the newer engine has it', async () => {
    const store = backend();
    const gate: { hold: Promise<void> | null } = { hold: null };
    const stale = await open(heldAppends(store(), gate));
    expect(await stale.call(['SET', 'a', 'old'])).toBe('OK');
    let release!: () => void;
    gate.hold = new Promise<void>((resolve) => (release = resolve));
    // Its append is cut and in flight (held) ...
    const reply = outcome(stale.call(['SET', 'y', 'old']));
    await sleep(5);
    // ... when a compaction (automatic ones start from a timer) snapshots the data, y in it.
    await stale.persistence!.startSnapshot('rewrite');
    const newer = await open(store());
    release();
    expect(await reply).toBe('ok');
    expect(await newer.call(['GET', 'y'])).toBe('old');
    // The stale engine's later writes are refused.
    await expect(stale.call(['SET', 'z', 'old'])).rejects.toThrow(/lost the store's leadership/);
    stale.close();
    newer.close();
    await newer.persistence!.close();
  });

  it('engines, seeded: three engines opened in turn while the older ones write, the newest compacting; a reload holds exactly what was acknowledged', async () => {
    for (let seed = 1; seed <= 4; seed++) {
      const r = rng(seed);
      const store = backend();
      const engines = [await open(store())];
      const writes: Array<Promise<[string, string]>> = [];
      let opening: Promise<unknown> | null = null;
      for (let round = 0; round < 40; round++) {
        for (const [n, engine] of engines.entries()) {
          if (r() < 0.7) {
            const member = `${n}:${round}`;
            writes.push(outcome(engine.call(['SADD', 'set', member])).then((result) => [member, result]));
          }
        }
        // A new engine at rounds 10 and 20 (it loads while the older ones go on writing).
        if ((round === 10 || round === 20) && opening === null) {
          opening = open(store()).then((engine) => {
            engines.push(engine);
            opening = null;
          });
        }
        // The newest of the three compacts now and then (nothing newer ever fences it).
        const newest = engines[2];
        if (newest !== undefined && r() < 0.15 && !newest.persistence!.snapshotRunning()) void newest.persistence!.startSnapshot('rewrite');
        if (r() < 0.5) await sleep(0);
        else await Promise.resolve();
      }
      await opening;
      const results = await Promise.all(writes);
      for (const [, result] of results) expect(['ok', 'fenced']).toContain(result);
      const acked = results.filter(([, result]) => result === 'ok').map(([member]) => member).sort();
      expect(results.some(([member, result]) => member.startsWith('0:') && result === 'fenced'), `seed ${seed}`).toBe(true);
      for (const engine of engines) {
        engine.close();
        await engine.persistence!.close();
      }
      const reader = await open(store());
      expect(((await reader.call(['SMEMBERS', 'set'])) as string[]).sort(), `seed ${seed}`).toEqual(acked);
      reader.close();
      await reader.persistence!.close();
    }
  });

  // Fenced while effects waited in its buffer (written while the refused append was in
  // flight): the fence refuses them too, flush() rejects at once and close() settles.
  it('a fenced engine whose buffer held effects: every waiter is refused, flush and close settle', async () => {
    const store = backend();
    const gate: { hold: Promise<void> | null } = { hold: null };
    const stale = await open(heldAppends(store(), gate));
    let release!: () => void;
    gate.hold = new Promise<void>((resolve) => (release = resolve));
    const first = outcome(stale.call(['SET', 'a', 'old'])); // in flight (held)
    await sleep(5);
    const second = outcome(stale.call(['SET', 'b', 'old'])); // in the buffer behind it
    const newer = await open(store());
    release();
    expect([await first, await second]).toEqual(['fenced', 'fenced']);
    await expect(stale.persistence!.flush()).rejects.toThrow(/lost the store's leadership/);
    stale.close();
    const closed = await Promise.race([stale.persistence!.close().then(() => 'closed'), sleep(1000).then(() => 'still pending')]);
    newer.close();
    await newer.persistence!.close();
    expect(closed).toBe('closed');
  });

  it('engines: a stale engine flushing after the newer one compacted is refused, and both reloads agree', async () => {
    const store = backend();
    const stale = await open(store(), { persistence: { appendfsync: 'everysec' } });
    expect(await stale.call(['SET', 'a', 'old'])).toBe('OK');
    await stale.persistence!.flush();
    // Written, not yet appended (everysec): refused later, so never loaded.
    expect(await stale.call(['SET', 'b', 'old'])).toBe('OK');
    const newer = await open(store());
    expect(await newer.call(['SET', 'c', 'new'])).toBe('OK');
    expect(await newer.call(['BGREWRITEAOF'])).toMatch(/started/);
    while (newer.persistence!.snapshotRunning()) await sleep(5);
    await expect(stale.persistence!.flush()).rejects.toThrow(/lost the store's leadership/);
    expect(await newer.call(['SET', 'a', 'new'])).toBe('OK');
    stale.close();
    newer.close();
    await newer.persistence!.close();
    expect((await loaded(store)).data).toEqual(['a=new', 'c=new']);
    expect((await loaded(store)).data).toEqual(['a=new', 'c=new']);
  });
});

/** Delete the IndexedDB database of store `name` (the engines' connections step aside). */
function deleteStore(name: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(databaseName(name));
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
}

describe('fencing races: the database deleted under a leader (IndexedDB)', () => {
  it('recreated and claimed by a newer engine first: the old one is refused, and nothing of it lands', async () => {
    const name = `fencing-races-deleted-${++stores}`;
    const old = await open(indexedDBStorage(name));
    for (let i = 0; i < 8; i++) expect(await old.call(['SET', `k${i}`, 'old'])).toBe('OK');
    await deleteStore(name);
    // A tab that followed the old leader opens the new store: its claim is above the old epoch.
    const newer = await open(indexedDBStorage(name), { persistence: { epochSeen: old.persistence!.epoch } });
    expect(await newer.call(['SET', 'x', 'new'])).toBe('OK');
    // The old engine's next append (its seq far past the new log's end) must not land.
    await expect(old.call(['SET', 'late', 'old'])).rejects.toThrow(/lost the store's leadership/);
    expect(await newer.call(['SET', 'y', 'new'])).toBe('OK');
    expect((await logOf(() => indexedDBStorage(name))).map(([seq]) => seq)).toEqual([1, 2, 3]);
    old.close();
    newer.close();
    await newer.persistence!.close();
    expect((await loaded(() => indexedDBStorage(name))).data).toEqual(['x=new', 'y=new']);
  });

  it('recreated by a read-only engine (no claim): the old leader rewrites it whole instead of appending past nothing', async () => {
    const name = `fencing-races-deleted-${++stores}`;
    const old = await open(indexedDBStorage(name));
    for (let i = 0; i < 4; i++) expect(await old.call(['SET', `k${i}`, 'old'])).toBe('OK');
    await deleteStore(name);
    const reader = await open(indexedDBStorage(name), { persistence: { readOnly: true } });
    expect(await reader.call(['DBSIZE'])).toBe(0);
    reader.close();
    await reader.persistence!.close();
    expect(await old.call(['SET', 'after', 'old'])).toBe('OK');
    old.close();
    await old.persistence!.close();
    expect((await loaded(() => indexedDBStorage(name))).data).toEqual(['after=old', 'k0=old', 'k1=old', 'k2=old', 'k3=old']);
  });

  it('deleted while a compaction writes its chunks: the manifest never names chunks of the deleted database', async () => {
    const name = `fencing-races-deleted-${++stores}`;
    let deleted: Promise<void> | null = null;
    const storage = intercept(indexedDBStorage(name), {
      writeChunks: async (store, chunks) => {
        await store.writeChunks(chunks);
        if (chunks[0]!.index === 1) await (deleted ??= deleteStore(name));
      },
    });
    const engine = await open(storage, { persistence: { chunkBytes: 64 } });
    for (let i = 0; i < 100; i++) expect(await engine.call(['SET', `k${i}`, 'x'.repeat(20)])).toBe('OK');
    // Chunk 0 went to the deleted database, the rest to the new one: not committed.
    await expect(engine.persistence!.startSnapshot('rewrite')).rejects.toThrow(/was deleted by another context/);
    expect(deleted).not.toBeNull();
    // The next write finds the store lost: a snapshot written whole rebuilds it first.
    expect(await engine.call(['SET', 'after', '1'])).toBe('OK');
    engine.close();
    await engine.persistence!.close();
    const again = await open(indexedDBStorage(name));
    expect(await again.call(['DBSIZE'])).toBe(101);
    again.close();
  });
});
