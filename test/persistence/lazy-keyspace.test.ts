/**
 * A keyspace that serves before it has built every key (engine/pending-load.ts): commands on
 * a partly built keyspace must answer exactly as on one loaded whole. Engine level, with no
 * store and no background task: the test decides when buckets are built.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine, type KeyspaceEvent } from '../../src/engine/engine.js';
import { keyBucket, PendingLoad, POINT_TAKES, type PendingStrings } from '../../src/engine/pending-load.js';
import type { Connection } from '../../src/engine/connection.js';
import { pick, rng, type Rand } from '../support/random.js';
import { dump } from './support.js';

const T0 = 1_800_000_000_000;
type Loaded = [key: string, value: string, deadline: number];

/** One command on a connection of its own (error replies returned, not thrown). */
function sync(engine: Engine, argv: string[]): unknown {
  const conn = engine.connect();
  try {
    return conn.callSync(argv);
  } finally {
    conn.close();
  }
}

function stringsOf(entries: readonly Loaded[]): PendingStrings {
  return {
    keys: entries.map((e) => e[0]).join(''),
    values: entries.map((e) => e[1]).join(''),
    lengths: Uint32Array.from(entries.flatMap(([k, v]) => [k.length, v.length])),
    deadlines: entries.some((e) => e[2] !== 0) ? Float64Array.from(entries.map((e) => e[2])) : null,
  };
}

interface Pair {
  engine: Engine;
  pending: PendingLoad | null;
  events: KeyspaceEvent[];
}

/**
 * An engine holding `entries` as a snapshot load would: `lazy` unbuilt in `buckets`
 * buckets (each bucket in two parts, as a bucket spanning chunks), else built whole.
 */
function loaded(entries: readonly Loaded[], clock: () => number, lazy: boolean, buckets = 16): Pair {
  const engine = createEngine({ clock, activeExpire: false });
  const events: KeyspaceEvent[] = [];
  engine.onKeyspaceEvent((e) => events.push(e));
  sync(engine, ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']);
  const now = clock();
  const insert = (s: PendingStrings) => engine.db.loadStrings(s.keys, s.values, s.lengths, s.deadlines, now);
  if (!lazy) {
    insert(stringsOf(entries));
    engine.endTurn();
    return { engine, pending: null, events };
  }
  const pending = new PendingLoad(buckets, now, insert);
  const byBucket = new Map<number, Loaded[]>();
  for (const e of entries) {
    const b = keyBucket(e[0], buckets - 1);
    byBucket.set(b, [...(byBucket.get(b) ?? []), e]);
  }
  for (const [b, list] of byBucket) {
    const half = list.length >> 1;
    if (half > 0) pending.add(b, stringsOf(list.slice(0, half)));
    pending.add(b, stringsOf(list.slice(half)));
  }
  engine.db.loadLazily(pending);
  engine.endTurn();
  return { engine, pending, events };
}

function dataset(r: Rand, n: number): Loaded[] {
  const out: Loaded[] = [];
  for (let i = 0; i < n; i++) {
    const roll = r();
    // Some deadlines passed before the load (dropped), some come during the test.
    const deadline = roll < 0.1 ? T0 - 1000 : roll < 0.3 ? T0 + 1 + Math.floor(r() * 400) : 0;
    out.push([`k${i}`, r() < 0.3 ? String(Math.floor(r() * 100)) : `v${i}`, deadline]);
  }
  out.push(['__proto__', 'proto', 0], ['', 'empty key', 0]);
  return out;
}

describe('lazy keyspace: single operations on a partly built keyspace', () => {
  const entries: Loaded[] = Array.from({ length: 200 }, (_, i) => [`key:${i}`, `value:${i}`, i % 10 === 0 ? T0 + 1000 : 0]);
  entries.push(['gone', 'x', T0 - 1]);

  it('GET takes the key alone, building nothing; DBSIZE builds the rest and counts exactly', () => {
    const { engine, pending } = loaded(entries, () => T0, true);
    expect(engine.db.building).toBe(true);
    const before = pending!.remaining;
    expect(sync(engine, ['GET', 'key:7'])).toBe('value:7');
    expect(sync(engine, ['PTTL', 'key:10'])).toBe(1000);
    expect(pending!.remaining).toBe(before);
    expect(engine.db.loadedSize).toBe(200);
    expect(sync(engine, ['GET', 'gone'])).toBe(null);
    expect(sync(engine, ['GET', 'key:7'])).toBe('value:7');
    expect(engine.db.loadedSize).toBe(200);
    expect(sync(engine, ['DBSIZE'])).toBe(200);
    expect(engine.db.building).toBe(false);
    engine.close();
  });

  it('INFO keyspace and memory count a partly built keyspace exactly and build nothing', () => {
    const { engine, pending } = loaded(entries, () => T0, true);
    const before = pending!.remaining;
    sync(engine, ['GET', 'key:10']);
    // 200 live keys, 20 of them with a deadline still to come ('gone' expired at load).
    expect(sync(engine, ['INFO', 'keyspace'])).toBe('# Keyspace\r\ndb0:keys=200,expires=20,avg_ttl=1000\r\n');
    expect(pending!.remaining).toBe(before);
    sync(engine, ['DEL', 'key:20']);
    expect(sync(engine, ['INFO', 'keyspace'])).toBe('# Keyspace\r\ndb0:keys=199,expires=19,avg_ttl=1000\r\n');
    expect(sync(engine, ['DBSIZE'])).toBe(199);
    expect(sync(engine, ['INFO', 'keyspace'])).toBe('# Keyspace\r\ndb0:keys=199,expires=19,avg_ttl=1000\r\n');
    engine.close();
  });

  it(`a bucket asked for more than ${POINT_TAKES} keys alone is built whole`, () => {
    const { engine, pending } = loaded(entries, () => T0, true, 2);
    const bucket = keyBucket('key:0', 1);
    const same = entries.filter(([key]) => keyBucket(key, 1) === bucket).map(([key]) => key);
    for (let i = 0; i < POINT_TAKES; i++) sync(engine, ['GET', same[i]!]);
    expect(pending!.unbuilt(bucket)).toBe(true);
    expect(sync(engine, ['GET', same[POINT_TAKES]!])).not.toBe(null);
    expect(pending!.unbuilt(bucket)).toBe(false);
    expect(pending!.remaining).toBe(1);
    expect(engine.db.loadedSize).toBe(200);
    engine.close();
  });

  it('a key taken alone and then deleted or rewritten stays so when its bucket is built', () => {
    const { engine, events } = loaded(entries, () => T0, true, 2);
    expect(sync(engine, ['DEL', 'key:1'])).toBe(1);
    expect(sync(engine, ['SET', 'key:2', 'new'])).toBe('OK');
    expect(sync(engine, ['PERSIST', 'key:20'])).toBe(1);
    expect(sync(engine, ['DBSIZE'])).toBe(199);
    expect(sync(engine, ['MGET', 'key:1', 'key:2', 'key:3'])).toEqual([null, 'new', 'value:3']);
    expect(sync(engine, ['TTL', 'key:20'])).toBe(-1);
    expect(events.map((e) => `${e.channel} ${e.message}`)).toEqual([
      '__keyspace@0__:key:1 del',
      '__keyevent@0__:del key:1',
      '__keyspace@0__:key:2 set',
      '__keyevent@0__:set key:2',
      '__keyspace@0__:key:20 persist',
      '__keyevent@0__:persist key:20',
    ]);
    engine.close();
  });

  it('SET, DEL, RENAME and COPY across unbuilt buckets see the loaded values', () => {
    const { engine } = loaded(entries, () => T0, true, 64);
    const c = (...argv: string[]) => sync(engine, argv);
    expect(c('DEL', 'key:1', 'key:2', 'nope')).toBe(2);
    expect(c('SET', 'key:3', 'new')).toBe('OK');
    expect(c('SETNX', 'key:4', 'nx')).toBe(0);
    expect(c('RENAME', 'key:5', 'key:6')).toBe('OK');
    expect(c('COPY', 'key:8', 'key:9')).toBe(0);
    expect(c('COPY', 'key:8', 'fresh')).toBe(1);
    expect(c('RENAME', 'key:10', 'elsewhere')).toBe('OK');
    expect(c('PTTL', 'elsewhere')).toBe(1000);
    expect(c('MGET', 'key:1', 'key:3', 'key:5', 'key:6', 'key:8', 'fresh', 'key:11')).toEqual([null, 'new', null, 'value:5', 'value:8', 'value:8', 'value:11']);
    expect(c('EXISTS', 'key:2', 'key:12', 'key:13')).toBe(2);
    expect(c('DBSIZE')).toBe(200 - 2 - 1 + 1);
    engine.close();
  });

  it('a deadline in an unbuilt bucket expires on time through the active expirer, with its event', () => {
    let now = T0;
    const { engine, events } = loaded(entries, () => now, true, 64);
    expect(engine.db.nextDeadline()).toBe(T0 + 1000);
    now = T0 + 1001;
    expect(engine.runActiveExpire()).toBe(20);
    expect(events.filter((e) => e.channel === '__keyevent@0__:expired').map((e) => e.message).sort()).toEqual(
      entries.filter((e) => e[2] === T0 + 1000).map((e) => e[0]).sort(),
    );
    expect(sync(engine, ['DBSIZE'])).toBe(180);
    engine.close();
  });

  it('building emits no keyspace events and counts no changes', () => {
    const { engine, events } = loaded(entries, () => T0, true);
    const dirty = engine.stats.dirty;
    sync(engine, ['GET', 'key:1']);
    while (engine.db.buildNext());
    expect(events).toEqual([]);
    expect(engine.stats.dirty).toBe(dirty);
    engine.close();
  });

  it('WATCH: building the watched key’s bucket is no change; a write to it is', () => {
    const { engine } = loaded(entries, () => T0, true, 64);
    const a = engine.connect();
    a.callSync(['WATCH', 'key:20', 'key:21']);
    while (engine.db.buildNext());
    a.callSync(['MULTI']);
    a.callSync(['GET', 'key:20']);
    expect(a.callSync(['EXEC'])).toEqual(['value:20']);
    const { engine: e2 } = loaded(entries, () => T0, true, 64);
    const c = e2.connect();
    const d = e2.connect();
    c.callSync(['WATCH', 'key:30']);
    d.callSync(['SET', 'key:30', 'changed']);
    c.callSync(['MULTI']);
    c.callSync(['GET', 'key:30']);
    expect(c.callSync(['EXEC'])).toBe(null);
    // A watched key that was never built and is flushed: FLUSHALL touches it.
    const { engine: e3 } = loaded(entries, () => T0, true, 64);
    const w = e3.connect();
    w.callSync(['WATCH', 'key:40']);
    e3.connect().callSync(['FLUSHALL']);
    w.callSync(['MULTI']);
    w.callSync(['PING']);
    expect(w.callSync(['EXEC'])).toBe(null);
    for (const e of [engine, e2, e3]) e.close();
  });

  it('SCAN returns every key present for the whole scan while buckets build and keys come and go', () => {
    const r = rng(7);
    const { engine } = loaded(entries, () => T0, true, 64);
    const conn = engine.connect();
    const stable = new Set(entries.filter((e) => e[2] === 0).map((e) => e[0]).filter((k) => Number(k.slice(4)) % 2 === 0));
    const seen = new Set<string>();
    let cursor = '0';
    let n = 0;
    do {
      // Between calls: background building, writes to keys outside the stable set.
      if (r() < 0.5) engine.db.buildNext();
      conn.callSync(['SET', `new:${n++}`, 'x']);
      conn.callSync(['DEL', `key:${1 + 2 * Math.floor(r() * 100)}`]);
      const [next, keys] = conn.callSync(['SCAN', cursor, 'COUNT', '7']) as [string, string[]];
      for (const k of keys) seen.add(k);
      cursor = next;
    } while (cursor !== '0');
    for (const k of stable) expect(seen.has(k), k).toBe(true);
    engine.close();
  });
});

/** A random command over a small universe of loaded and new keys. */
function randomCommand(r: Rand, keys: readonly string[]): string[] {
  const k = () => pick(r, keys);
  switch (Math.floor(r() * 24)) {
    case 0: case 1: case 2: return ['GET', k()];
    case 3: return ['SET', k(), `s${Math.floor(r() * 100)}`];
    case 4: return ['SET', k(), 'px', 'PX', String(1 + Math.floor(r() * 300))];
    case 5: return ['DEL', k(), k()];
    case 6: return ['EXISTS', k(), k(), k()];
    case 7: return ['RENAME', k(), k()];
    case 8: return r() < 0.5 ? ['COPY', k(), k()] : ['COPY', k(), k(), 'REPLACE'];
    case 9: return ['PTTL', k()];
    case 10: return ['PERSIST', k()];
    case 11: return ['PEXPIRE', k(), String(1 + Math.floor(r() * 300))];
    case 12: return ['APPEND', k(), 'a'];
    case 13: return ['INCR', k()];
    case 14: return ['GETDEL', k()];
    case 15: return ['MGET', k(), k(), k()];
    case 16: return ['MSET', k(), 'm1', k(), 'm2'];
    case 17: return ['LPUSH', k(), 'x'];
    case 18: return ['TYPE', k()];
    case 19: return ['SETNX', k(), 'nx'];
    case 20: return ['GETEX', k(), 'PERSIST'];
    case 21: return r() < 0.1 ? ['DBSIZE'] : ['STRLEN', k()];
    case 22: return r() < 0.03 ? ['FLUSHALL'] : ['RENAMENX', k(), k()];
    default: return ['OBJECT', 'ENCODING', k()];
  }
}

describe('lazy keyspace: random commands answer as on a keyspace loaded whole (seeded)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}`, async () => {
      const r = rng(seed);
      const entries = dataset(r, 120);
      let now = T0;
      const clock = () => now;
      const lazy = loaded(entries, clock, true, 32);
      const eager = loaded(entries, clock, false);
      const keys = [...entries.map((e) => e[0]), 'n1', 'n2', 'n3', 'n4'];
      const conns: Connection[] = [lazy.engine.connect(), eager.engine.connect()];
      const events = () => [lazy.events.splice(0).map((e) => `${e.channel} ${e.message}`).sort(), eager.events.splice(0).map((e) => `${e.channel} ${e.message}`).sort()];
      for (let step = 0; step < 400; step++) {
        const roll = r();
        if (roll < 0.05) now += Math.floor(r() * 60);
        else if (roll < 0.08) expect(lazy.engine.runActiveExpire(), `step ${step}: active expiry`).toBe(eager.engine.runActiveExpire());
        else if (roll < 0.15) lazy.engine.db.buildNext();
        else if (roll < 0.18) {
          // A transaction WATCHing a key, with a write to a random key in between.
          const key = pick(r, keys);
          const other = randomCommand(r, keys);
          const replies = [lazy, eager].map((p, i) => {
            const c = conns[i]!;
            c.callSync(['WATCH', key]);
            const writer = p.engine.connect();
            writer.callSync(other);
            writer.close();
            c.callSync(['MULTI']);
            c.callSync(['GET', key]);
            return c.callSync(['EXEC']);
          });
          expect(replies[0], `step ${step}: WATCH ${key} around ${other.join(' ')}`).toEqual(replies[1]);
        } else {
          const argv = randomCommand(r, keys);
          const a = sync(lazy.engine, argv);
          const b = sync(eager.engine, argv);
          expect(a, `step ${step}: ${argv.join(' ')}`).toEqual(b);
        }
        const [le, ee] = events();
        expect(le, `step ${step}: events`).toEqual(ee);
      }
      expect(await dump(lazy.engine)).toEqual(await dump(eager.engine));
      expect(sync(lazy.engine, ['DBSIZE'])).toBe(sync(eager.engine, ['DBSIZE']));
      lazy.engine.close();
      eager.engine.close();
    });
  }
});
