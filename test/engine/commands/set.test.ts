import { describe, expect, it } from 'vitest';
import { typeOps } from '../../../src/engine/type-ops.js';
import { toUint8Array } from '../../../src/engine/bytes.js';
import { errorOf, setup } from './string.support.js';

const members = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('set commands', () => {
  it('SADD, SREM, SCARD, SISMEMBER, SMISMEMBER basics', () => {
    const { r } = setup();
    expect(r('SADD', 's', 'a', 'b', 'a')).toBe(2);
    expect(r('SADD', 's', 'b', 'c')).toBe(1);
    expect(r('SCARD', 's')).toBe(3);
    expect(r('SISMEMBER', 's', 'a')).toBe(1);
    expect(r('SISMEMBER', 's', 'z')).toBe(0);
    expect(r('SMISMEMBER', 's', 'a', 'z', 'c')).toEqual([1, 0, 1]);
    expect(r('SMISMEMBER', 'nokey', 'a')).toEqual([0]);
    expect(r('SREM', 's', 'a', 'z')).toBe(1);
    expect(r('TYPE', 's')).toBe('set');
  });

  it('SMEMBERS of an intset lists integers ascending; of a hashtable in insertion order', () => {
    const { r } = setup();
    r('SADD', 'i', '10', '-2', '9223372036854775807', '3', '-9223372036854775808', '0');
    expect(r('SMEMBERS', 'i')).toEqual(['-9223372036854775808', '-2', '0', '3', '10', '9223372036854775807']);
    r('SADD', 'h', 'b', 'a', '1');
    expect(r('SMEMBERS', 'h')).toEqual(['b', 'a', '1']);
  });

  it('WRONGTYPE against a string for every set command', () => {
    const { r } = setup();
    r('SET', 'str', 'v');
    r('SADD', 's', 'a');
    for (const argv of [['SADD', 'str', 'a'], ['SREM', 'str', 'a'], ['SMEMBERS', 'str'], ['SISMEMBER', 'str', 'a'], ['SMISMEMBER', 'str', 'a'],
      ['SCARD', 'str'], ['SPOP', 'str'], ['SPOP', 'str', '0'], ['SRANDMEMBER', 'str'], ['SRANDMEMBER', 'str', '0'], ['SMOVE', 's', 'str', 'a'],
      ['SMOVE', 'str', 's', 'a'], ['SINTER', 's', 'str'], ['SUNION', 'nokey', 'str'], ['SDIFF', 's', 'str'], ['SINTERSTORE', 'd', 'nokey', 'str'],
      ['SINTERCARD', '2', 'nokey', 'str'], ['SSCAN', 'str', '0']]) {
      expect(errorOf(r(...argv)), argv.join(' ')).toMatch(/^WRONGTYPE/);
    }
    expect(r('SMOVE', 'nokey', 'str', 'a')).toBe(0);
  });

  it('SREM of the last member deletes the key, with srem then del events', () => {
    const { r, events, notifyAll } = setup();
    notifyAll();
    r('SADD', 's', 'a', 'b');
    r('SADD', 's', 'a');
    expect(r('SREM', 's', 'a', 'b', 'c')).toBe(2);
    expect(r('EXISTS', 's')).toBe(0);
    expect(events).toEqual(['new s', 'sadd s', 'srem s', 'del s']);
  });

  it('SPOP is logged as SREM; SPOP of the whole set as DEL', () => {
    const { r, effects, events, notifyAll } = setup();
    notifyAll();
    r('SADD', 's', 'a');
    const one = r('SPOP', 's');
    expect(one).toBe('a');
    expect(r('EXISTS', 's')).toBe(0);
    r('SADD', 't', 'a', 'b', 'c');
    const all = r('SPOP', 't', '5') as string[];
    expect([...all].sort()).toEqual(['a', 'b', 'c']);
    expect(effects).toEqual([['SADD', 's', 'a'], ['srem', 's', 'a'], ['SADD', 't', 'a', 'b', 'c'], ['del', 't']]);
    expect(events).toEqual(['new s', 'sadd s', 'spop s', 'del s', 'new t', 'sadd t', 'spop t', 'del t']);
  });

  it('SPOP with a count pops distinct members, logged as one SREM per member inside MULTI/EXEC', () => {
    const { r, effects } = setup();
    r('SADD', 's', ...members('m', 3000));
    effects.length = 0;
    const popped = r('SPOP', 's', '2500') as string[];
    expect(new Set(popped).size).toBe(2500);
    expect(r('SCARD', 's')).toBe(500);
    for (const m of popped.slice(0, 50)) expect(r('SISMEMBER', 's', m)).toBe(0);
    expect(effects[0]).toEqual(['multi']);
    expect(effects[effects.length - 1]).toEqual(['exec']);
    const logged = effects.slice(1, -1).map((argv) => {
      expect(argv.slice(0, 2)).toEqual(['srem', 's']);
      expect(argv).toHaveLength(3);
      return argv[2]!;
    });
    expect(logged.sort()).toEqual([...popped].sort());
    expect(r('SPOP', 's', '0')).toEqual([]);
    expect(errorOf(r('SPOP', 's', '-1'))).toBe('ERR value is out of range, must be positive');
  });

  it('SRANDMEMBER: count cases on small and big sets', () => {
    const { r } = setup();
    r('SADD', 's', '3', '1', '2');
    expect(r('SRANDMEMBER', 's', '3')).toEqual(['1', '2', '3']);
    expect(r('SRANDMEMBER', 's', '-7')).toHaveLength(7);
    expect(r('SRANDMEMBER', 's', '0')).toEqual([]);
    expect(r('SRANDMEMBER', 'nokey')).toBeNull();
    r('SADD', 'big', ...members('m', 2000));
    for (const count of ['5', '700', '1999']) {
      const picked = r('SRANDMEMBER', 'big', count) as string[];
      expect(new Set(picked).size).toBe(Number(count));
    }
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(r('SRANDMEMBER', 'big') as string);
    expect(seen.size).toBeGreaterThan(250);
  });

  it('SMOVE: srem/del on the source, new/sadd on the destination', () => {
    const { r, events, notifyAll } = setup();
    r('SADD', 'src', 'a');
    r('SADD', 'dst', 'a');
    notifyAll();
    expect(r('SMOVE', 'src', 'dst', 'a')).toBe(1);
    expect(events).toEqual(['srem src', 'del src']);
    r('SADD', 'src', 'x');
    events.length = 0;
    expect(r('SMOVE', 'src', 'fresh', 'x')).toBe(1);
    expect(events).toEqual(['srem src', 'del src', 'new fresh', 'sadd fresh']);
    expect(r('SMOVE', 'fresh', 'fresh', 'x')).toBe(1);
    expect(r('SMOVE', 'fresh', 'fresh', 'y')).toBe(0);
  });

  it('STORE forms: replace the destination (dropping its TTL), delete it on an empty result', () => {
    const { r, events, notifyAll } = setup();
    r('SADD', 'a', '1', '2', '3');
    r('SADD', 'b', '2', '3', '4');
    r('SET', 'd', 'v', 'EX', '100');
    notifyAll();
    expect(r('SINTERSTORE', 'd', 'a', 'b')).toBe(2);
    expect(r('TTL', 'd')).toBe(-1);
    expect(r('SMEMBERS', 'd')).toEqual(['2', '3']);
    expect(r('SUNIONSTORE', 'u', 'a', 'b')).toBe(4);
    expect(r('SDIFFSTORE', 'd', 'a', 'a')).toBe(0);
    expect(r('EXISTS', 'd')).toBe(0);
    expect(r('SDIFFSTORE', 'd', 'a', 'a')).toBe(0);
    expect(events).toEqual(['sinterstore d', 'new u', 'sunionstore u', 'del d']);
  });

  it('SINTER walks the smallest set; SINTERCARD stops at LIMIT', () => {
    const { r } = setup();
    r('SADD', 'big', ...members('m', 1000));
    r('SADD', 'small', 'm5', 'm1', 'zz');
    expect(r('SINTER', 'big', 'small')).toEqual(['m5', 'm1']);
    expect(r('SINTER', 'big', 'small', 'nokey')).toEqual([]);
    expect(r('SINTERCARD', '2', 'big', 'small')).toBe(2);
    expect(r('SINTERCARD', '2', 'big', 'small', 'LIMIT', '1')).toBe(1);
    expect(errorOf(r('SINTERCARD', '0', 'big'))).toBe('ERR numkeys should be greater than 0');
    expect(errorOf(r('SINTERCARD', '3', 'big'))).toBe("ERR Number of keys can't be greater than number of args");
    expect(errorOf(r('SINTERCARD', '1', 'big', 'LIMIT', '-1'))).toBe("ERR LIMIT can't be negative");
  });

  it('OBJECT ENCODING: intset until a non-integer or set-max-intset-entries, one way', () => {
    const { r } = setup();
    r('SADD', 's', ...Array.from({ length: 512 }, (_, i) => String(i)));
    expect(r('OBJECT', 'ENCODING', 's')).toBe('intset');
    r('SADD', 's', '512');
    expect(r('OBJECT', 'ENCODING', 's')).toBe('hashtable');
    r('SREM', 's', '512', '511');
    expect(r('OBJECT', 'ENCODING', 's')).toBe('hashtable');
    r('SADD', 'x', '1', '01');
    expect(r('OBJECT', 'ENCODING', 'x')).toBe('hashtable');
    r('COPY', 's', 'c');
    expect(r('OBJECT', 'ENCODING', 'c')).toBe('hashtable');
    r('SADD', 'c', 'new');
    expect(r('SISMEMBER', 's', 'new')).toBe(0);
  });

  it('SSCAN of an intset is whole and ascending; of a big set complete under churn', () => {
    const { r } = setup();
    r('SADD', 'i', '5', '-1', '3');
    expect(r('SSCAN', 'i', '0', 'COUNT', '1')).toEqual(['0', ['-1', '3', '5']]);
    r('SADD', 'big', ...members('m', 3000));
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const [next, items] = r('SSCAN', 'big', cursor, 'COUNT', '50') as [string, string[]];
      for (const m of items) seen.add(m);
      cursor = next;
      r('SREM', 'big', `m${2000 + round}`, `m${2999 - round}`);
      r('SADD', 'big', `added${round}`);
      round++;
    } while (cursor !== '0');
    for (let i = 0; i < 2000; i++) expect(seen.has(`m${i}`), `m${i}`).toBe(true);
    expect(round).toBeGreaterThan(10);
  });

  it('SPOP and SREM keep the SSCAN index current', () => {
    const { r } = setup();
    r('SADD', 's', ...members('m', 500));
    r('SSCAN', 's', '0');
    r('SPOP', 's', '100');
    r('SREM', 's', 'm1', 'm2');
    r('SADD', 's', 'late');
    const seen: string[] = [];
    let cursor = '0';
    do {
      const [next, items] = r('SSCAN', 's', cursor) as [string, string[]];
      seen.push(...items);
      cursor = next;
    } while (cursor !== '0');
    expect(seen.sort()).toEqual((r('SMEMBERS', 's') as string[]).sort());
  });

  it('the rewrite (snapshot) form rebuilds the set, 64 members per SADD', () => {
    const { r, engine } = setup();
    r('SADD', 's', ...members('m', 130));
    const entry = engine.db.peek('s')!;
    const commands = typeOps(entry).rewrite('s', entry);
    expect(commands.map((argv) => argv.length - 2)).toEqual([64, 64, 2]);
    const replay = setup();
    // Rewrites hold byte strings: replay them as bytes.
    for (const argv of commands) replay.conn.callSync(argv.map(toUint8Array));
    expect(replay.r('SMEMBERS', 's')).toEqual(r('SMEMBERS', 's'));
    expect(replay.r('OBJECT', 'ENCODING', 's')).toBe('hashtable');
  });

  it('SPOP of most of a set derives the encoding afresh from what remains', () => {
    const { r } = setup();
    r('SADD', 's', '1', '2', '3', '4', '5', '6', '7', 'x');
    r('SREM', 's', 'x');
    // 7 → 6: one popped against six remaining keeps the set (redis CASE 2).
    r('SPOP', 's', '1');
    expect(r('OBJECT', 'ENCODING', 's')).toBe('hashtable');
    // 6 → 1: five popped ≥ 5 × one remaining rebuilds it (CASE 3).
    r('SPOP', 's', '5');
    expect(r('OBJECT', 'ENCODING', 's')).toBe('intset');
  });
});
