import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { Keyspace, type Entry } from '../../src/engine/keyspace.js';
import { lfuDecay, lfuInit, lfuTouch, LFU_INIT_VAL } from '../../src/engine/lfu.js';
import { rng } from '../support/random.js';

/** Seeded generator so a failing random sequence reproduces. */

const T0 = 1_700_000_000_000;

function keyspace() {
  let now = T0;
  const expired: string[] = [];
  const db = new Keyspace({ now: () => now, accessNow: () => now, onExpired: (key) => expired.push(key) });
  const put = (key: string, expireAt = 0): void => db.set(key, { type: 'string', value: key, expireAt, access: 0, slot: 0 });
  return { db, put, expired, advance: (ms: number) => (now += ms) };
}

/** The slot index must list every key exactly once, each entry knowing its slot. */
function checkSlots(db: Keyspace): void {
  expect(db.slotCount).toBe(db.map.size);
  const seen = new Set<string>();
  for (let slot = 0; slot < db.slotCount; slot++) {
    const key = db.keyAtSlot(slot)!;
    expect(seen.has(key)).toBe(false);
    seen.add(key);
    expect(db.map.get(key)!.slot).toBe(slot);
  }
}

describe('Keyspace', () => {
  it('keeps a dense slot index through inserts, overwrites and deletes', () => {
    const { db, put } = keyspace();
    const r = rng(1);
    for (let i = 0; i < 2000; i++) {
      const key = `k${Math.floor(r() * 300)}`;
      if (r() < 0.4) db.delete(key);
      else put(key);
    }
    checkSlots(db);
  });

  it('__proto__, constructor, hasOwnProperty and the empty key are ordinary keys', () => {
    const { db, put } = keyspace();
    for (const key of ['__proto__', 'constructor', 'hasOwnProperty', '', 'toString', 'valueOf']) {
      expect(db.lookup(key)).toBeUndefined();
      put(key);
      expect(db.lookup(key)?.type).toBe('string');
    }
    expect(db.size).toBe(6);
    checkSlots(db);
    expect(db.delete('__proto__')).toBe(true);
    expect(db.delete('__proto__')).toBe(false);
    expect(db.size).toBe(5);
  });

  it('lookup expires lazily and reports it; peek does not touch the access time', () => {
    const { db, put, expired, advance } = keyspace();
    put('v', T0 + 100);
    put('p');
    advance(50);
    expect(db.peek('p')!.access).toBe(T0);
    expect(db.lookup('p')!.access).toBe(T0 + 50);
    advance(50);
    expect(db.lookup('v')).toBeDefined();
    advance(1);
    expect(db.isLogicallyExpired('v')).toBe(true);
    expect(db.lookup('v')).toBeUndefined();
    expect(expired).toEqual(['v']);
    expect(db.volatileCount).toBe(0);
  });

  it('randomKey draws from every live key and skips expired ones', () => {
    const { db, put, advance } = keyspace();
    for (let i = 0; i < 10; i++) put(`k${i}`, i < 5 ? T0 + 10 : 0);
    advance(20);
    const r = rng(3);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) seen.add(db.randomKey(r)!);
    expect([...seen].sort()).toEqual(['k5', 'k6', 'k7', 'k8', 'k9']);
    expect(db.size).toBe(5);
  });

  it('expireDue removes due keys in deadline order, at most `limit` at a time', () => {
    const { db, put, expired, advance } = keyspace();
    put('c', T0 + 30);
    put('a', T0 + 10);
    put('b', T0 + 20);
    put('z');
    advance(100);
    expect(db.expireDue(2)).toBe(2);
    expect(expired).toEqual(['a', 'b']);
    expect(db.expireDue(10)).toBe(1);
    expect(db.nextDeadline()).toBeUndefined();
    checkSlots(db);
  });

  it('a deadline pushed back expires at its last value, one heap pair per refresh at most', () => {
    const { db, put, expired, advance } = keyspace();
    put('a', T0 + 10);
    put('b', T0 + 25);
    const heap = (db as unknown as { heap: { size: number } }).heap;
    for (let ms = 11; ms <= 30; ms++) db.setExpire('a', db.map.get('a')!, T0 + ms);
    expect(heap.size).toBe(2);
    advance(15);
    expect(db.expireDue(10)).toBe(0);
    expect(db.nextDeadline()).toBe(T0 + 25);
    advance(11);
    expect(db.expireDue(10)).toBe(1);
    expect(expired).toEqual(['b']);
    expect(db.nextDeadline()).toBe(T0 + 30);
    // Cleared, then set earlier than any pair it had: pushed again.
    db.setExpire('a', db.map.get('a')!, 0);
    expect(db.nextDeadline()).toBeUndefined();
    db.setExpire('a', db.map.get('a')!, T0 + 28);
    expect(db.nextDeadline()).toBe(T0 + 28);
    advance(5);
    expect(db.expireDue(10)).toBe(1);
    expect(expired).toEqual(['b', 'a']);
    checkSlots(db);
  });

  it('deadlines rewritten many times leave a bounded heap that still expires each key once, in order', () => {
    const { db, put, expired, advance } = keyspace();
    for (let i = 0; i < 50; i++) put(`p${i}`);
    for (let i = 0; i < 10; i++) put(`v${i}`, T0 + 1_000);
    for (let round = 0; round < 2_000; round++) {
      for (let i = 0; i < 10; i++) {
        const key = `v${i}`;
        // Moving deadlines and repeats of the same one: both leave pairs behind.
        db.setExpire(key, db.map.get(key)!, T0 + 1_000 + (round % 7 === 0 ? 0 : i + 10));
      }
    }
    expect((db as unknown as { heap: { size: number } }).heap.size).toBeLessThanOrEqual(2 * 10 + 1024);
    advance(2_000);
    expect(db.expireDue(100)).toBe(10);
    expect(expired).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9']);
    expect(db.map.size).toBe(50);
    checkSlots(db);
  });

  it('a deadline cleared by an overwrite and given back later needs no new heap pair (SET then EXPIRE)', () => {
    const { db, put, expired, advance } = keyspace();
    put('a', T0 + 10);
    const heap = (db as unknown as { heap: { size: number } }).heap;
    for (let round = 0; round < 100; round++) {
      db.overwriteString('a', db.map.get('a') as Extract<Entry, { type: 'string' }>, 'v', 0, undefined);
      db.setExpire('a', db.map.get('a')!, T0 + 10 + round);
    }
    expect(heap.size).toBe(1);
    // Given back earlier than the pair it kept: pushed.
    db.setExpire('a', db.map.get('a')!, 0);
    db.setExpire('a', db.map.get('a')!, T0 + 5);
    expect(heap.size).toBe(2);
    expect(db.nextDeadline()).toBe(T0 + 5);
    advance(6);
    expect(db.expireDue(10)).toBe(1);
    expect(expired).toEqual(['a']);
    expect(db.nextDeadline()).toBeUndefined();
  });

  it('every key expires when its last deadline passes, whatever cleared, moved or deleted it before (seeded)', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const r = rng(seed);
      const { db, put, expired, advance } = keyspace();
      let now = T0;
      /** The model: key → deadline (0 = none). */
      const model = new Map<string, number>();
      for (let step = 0; step < 4_000; step++) {
        const key = `k${Math.floor(r() * 40)}`;
        const when = r() < 0.4 ? 0 : now + 1 + Math.floor(r() * 50);
        const op = r();
        const entry = db.get(key);
        if (op < 0.3) {
          put(key, when);
          model.set(key, when);
        } else if (op < 0.55) {
          if (entry?.type !== 'string') continue;
          db.overwriteString(key, entry, 'v', when, undefined);
          model.set(key, when);
        } else if (op < 0.8) {
          if (entry === undefined) continue;
          db.setExpire(key, entry, when);
          model.set(key, when);
        } else if (op < 0.85) {
          db.delete(key);
          model.delete(key);
        } else if (op < 0.95) {
          const ms = Math.floor(r() * 20);
          advance(ms);
          now += ms;
          expired.length = 0;
          db.expireDue(1_000);
          const due = [...model].filter(([, d]) => d !== 0 && d < now).map(([k]) => k);
          expect(expired.sort()).toEqual(due.sort());
          for (const k of due) model.delete(k);
          const next = Math.min(...[...model.values()].filter((d) => d !== 0));
          expect(db.nextDeadline()).toBe(next === Infinity ? undefined : next);
        }
      }
    }
  });
});

describe('SCAN over the slot index', () => {
  it('every key present for the whole scan is returned, while keys come and go between calls (seeded)', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const r = rng(seed);
      const engine = createEngine({ clock: () => T0, activeExpire: false });
      const conn = engine.connect();
      const call = (...argv: string[]) => conn.callSync(argv);
      const universe = Array.from({ length: 400 }, (_, i) => `key:${i}`);
      for (const key of universe) if (r() < 0.5) call('SET', key, 'v');
      for (let round = 0; round < 5; round++) {
        const atStart = new Set(universe.filter((key) => engine.db.map.has(key)));
        const everDeleted = new Set<string>();
        const returned = new Set<string>();
        let cursor = '0';
        let calls = 0;
        do {
          const count = String(1 + Math.floor(r() * 20));
          const [next, keys] = call('SCAN', cursor, 'COUNT', count) as [string, string[]];
          for (const key of keys) returned.add(key);
          cursor = next;
          // Mutate between calls: add, delete, rename, copy.
          for (let m = Math.floor(r() * 15); m > 0; m--) {
            const key = universe[Math.floor(r() * universe.length)]!;
            const other = universe[Math.floor(r() * universe.length)]!;
            const op = r();
            if (op < 0.35) call('SET', key, 'v');
            else if (op < 0.7) {
              if (call('DEL', key) === 1) everDeleted.add(key);
            } else if (op < 0.85) {
              if (engine.db.map.has(key) && key !== other) everDeleted.add(key);
              call('RENAME', key, other);
            } else call('COPY', key, other, 'REPLACE');
          }
          expect(++calls).toBeLessThan(10_000);
        } while (cursor !== '0');
        for (const key of atStart) {
          if (!everDeleted.has(key)) expect(returned.has(key), `seed ${seed} round ${round}: ${key} missed`).toBe(true);
        }
      }
      engine.close();
    }
  });

  it('a scan over an unchanged keyspace returns each key exactly once', () => {
    const engine = createEngine({ activeExpire: false });
    const conn = engine.connect();
    for (let i = 0; i < 777; i++) conn.callSync(['SET', `k${i}`, 'v']);
    const all: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = conn.callSync(['SCAN', cursor, 'COUNT', '13']) as [string, string[]];
      all.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    expect(all.length).toBe(777);
    expect(new Set(all).size).toBe(777);
  });
});

describe('LFU counter (redis: evict.c)', () => {
  const settings = (logFactor: number, decayTime: number, random: () => number) => ({ logFactor, decayTime, random });

  it('starts at LFU_INIT_VAL stamped with the minute', () => {
    const lfu = lfuInit(T0);
    expect(lfu & 255).toBe(LFU_INIT_VAL);
    expect(lfu >>> 8).toBe(Math.floor(T0 / 60_000) & 65535);
  });

  it('increments with probability 1 / ((counter - 5) * factor + 1), saturating at 255', () => {
    expect(lfuTouch(lfuInit(T0), T0, settings(10, 1, () => 0.999)) & 255).toBe(6);
    // counter 6: p = 1/11
    const six = (lfuInit(T0) & ~255) | 6;
    expect(lfuTouch(six, T0, settings(10, 1, () => 0.08)) & 255).toBe(7);
    expect(lfuTouch(six, T0, settings(10, 1, () => 0.1)) & 255).toBe(6);
    const max = (lfuInit(T0) & ~255) | 255;
    expect(lfuTouch(max, T0, settings(0, 1, () => 0)) & 255).toBe(255);
  });

  it('decays one step per lfu-decay-time minutes, across the 16-bit minute wrap', () => {
    const lfu = (lfuInit(T0) & ~255) | 20;
    expect(lfuDecay(lfu, T0 + 5 * 60_000, 1)).toBe(15);
    expect(lfuDecay(lfu, T0 + 5 * 60_000, 2)).toBe(18);
    expect(lfuDecay(lfu, T0 + 500 * 60_000, 1)).toBe(0);
    expect(lfuDecay(lfu, T0 + 500 * 60_000, 0)).toBe(20);
    // Stamped at minute 65534, read at minute 1 of the next cycle: 2 minutes elapsed.
    const wrapped = (65534 << 8) | 20;
    const minuteOne = (Math.floor(T0 / 60_000 / 65536) + 1) * 65536 * 60_000 + 60_000;
    expect(lfuDecay(wrapped, minuteOne, 1)).toBe(18);
  });

  it('the keyspace only keeps counters while an LFU policy is set', async () => {
    const engine = createEngine({ activeExpire: false });
    await engine.call(['SET', 'k', 'v']);
    await engine.call(['GET', 'k']);
    const entry = (): Entry => engine.db.map.get('k')!;
    expect(entry().lfu).toBeUndefined();
    await engine.call(['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu']);
    await engine.call(['GET', 'k']);
    expect(entry().lfu).toBeDefined();
    await engine.call(['RENAME', 'k', 'k2']);
    expect(engine.db.map.get('k2')!.lfu).toBeDefined();
    engine.close();
  });
});

describe('the engine clocks', () => {
  it('a command reads the system clock only when it needs the time', () => {
    let reads = 0;
    // No active expirer: arming its timer reads the clock too.
    const engine = createEngine({ clock: () => (reads++, 1_700_000_000_000), activeExpire: false });
    const conn = engine.connect();
    conn.callSync(['SET', 'k', 'v']);
    reads = 0;
    conn.callSync(['INCR', 'n']);
    conn.callSync(['STRLEN', 'k']);
    conn.callSync(['SET', 'k', 'w']);
    // An injected clock stamps access times through the snapshot: one read per command.
    expect(reads).toBe(3);
    reads = 0;
    conn.callSync(['SET', 'e', 'v', 'PX', '100']);
    conn.callSync(['GET', 'e']);
    expect(reads).toBe(2);
    engine.close();
  });

  it('with the system clock, access times come from a reading at most 100 ms old', () => {
    const engine = createEngine();
    const conn = engine.connect();
    const before = Date.now();
    conn.callSync(['SET', 'k', 'v']);
    conn.callSync(['GET', 'k']);
    const access = engine.db.peek('k')!.access;
    expect(access).toBeGreaterThanOrEqual(before - 100);
    expect(access).toBeLessThanOrEqual(Date.now());
    expect(conn.callSync(['OBJECT', 'IDLETIME', 'k'])).toBe(0);
    engine.close();
  });
});
