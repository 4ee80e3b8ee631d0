import { describe, expect, it } from 'vitest';
import type { HashEntry } from '../../../src/engine/keyspace.js';
import { typeOps } from '../../../src/engine/type-ops.js';
import { toUint8Array } from '../../../src/engine/bytes.js';
import { errorOf, setup } from './string.support.js';

const fill = (key: string, count: number, prefix = 'f') => {
  const argv = ['HSET', key];
  for (let i = 0; i < count; i++) argv.push(`${prefix}${i}`, `v${i}`);
  return argv;
};

describe('hash commands', () => {
  it('HSET/HGET basics, HSET counts new fields only', () => {
    const { r } = setup();
    expect(r('HSET', 'h', 'a', '1', 'b', '2')).toBe(2);
    expect(r('HSET', 'h', 'a', '3', 'c', '4')).toBe(1);
    expect(r('HGET', 'h', 'a')).toBe('3');
    expect(r('HGET', 'h', 'missing')).toBeNull();
    expect(r('HGET', 'nokey', 'a')).toBeNull();
    expect(r('HMSET', 'h', 'd', '5')).toBe('OK');
    expect(r('HLEN', 'h')).toBe(4);
    expect(r('TYPE', 'h')).toBe('hash');
  });

  it('HSET with an odd number of arguments is an arity error', () => {
    const { r } = setup();
    expect(errorOf(r('HSET', 'h', 'a', '1', 'b'))).toBe("ERR wrong number of arguments for 'hset' command");
    expect(errorOf(r('HMSET', 'h', 'a', '1', 'b'))).toBe("ERR wrong number of arguments for 'hmset' command");
    expect(r('EXISTS', 'h')).toBe(0);
  });

  it('fields named like Object.prototype members are ordinary fields', () => {
    const { r } = setup();
    r('HSET', 'h', '__proto__', 'p', 'constructor', 'c', 'hasOwnProperty', 'x');
    expect(r('HGETALL', 'h')).toEqual(['__proto__', 'p', 'constructor', 'c', 'hasOwnProperty', 'x']);
    expect(r('HEXISTS', 'h', 'toString')).toBe(0);
    expect(r('HGET', '__proto__', 'a')).toBeNull();
  });

  it('WRONGTYPE against a string for every hash command', () => {
    const { r } = setup();
    r('SET', 's', 'v');
    for (const argv of [['HSET', 's', 'a', '1'], ['HSETNX', 's', 'a', '1'], ['HGET', 's', 'a'], ['HMGET', 's', 'a'], ['HDEL', 's', 'a'], ['HLEN', 's'],
      ['HSTRLEN', 's', 'a'], ['HEXISTS', 's', 'a'], ['HKEYS', 's'], ['HVALS', 's'], ['HGETALL', 's'], ['HINCRBY', 's', 'a', '1'],
      ['HINCRBYFLOAT', 's', 'a', '1'], ['HRANDFIELD', 's'], ['HRANDFIELD', 's', '2'], ['HSCAN', 's', '0']]) {
      expect(errorOf(r(...argv)), argv.join(' ')).toMatch(/^WRONGTYPE/);
    }
  });

  it('HDEL of the last field deletes the key, with hdel then del events', () => {
    const { r, events, notifyAll } = setup();
    notifyAll();
    r('HSET', 'h', 'a', '1', 'b', '2');
    expect(r('HDEL', 'h', 'a', 'x')).toBe(1);
    expect(r('HDEL', 'h', 'b', 'a')).toBe(1);
    expect(r('EXISTS', 'h')).toBe(0);
    expect(r('HDEL', 'h', 'b')).toBe(0);
    expect(events).toEqual(['new h', 'hset h', 'hdel h', 'hdel h', 'del h']);
  });

  it('keyspace events: hset, hincrby, hincrbyfloat; none for a no-op', () => {
    const { r, events, notifyAll } = setup();
    notifyAll();
    r('HSETNX', 'h', 'a', '1');
    r('HSETNX', 'h', 'a', '2');
    r('HINCRBY', 'h', 'n', '2');
    r('HINCRBYFLOAT', 'h', 'f', '0.5');
    r('HDEL', 'h', 'missing');
    expect(events).toEqual(['new h', 'hset h', 'hincrby h', 'hincrbyfloat h']);
  });

  it('HINCRBYFLOAT is logged as HSET of its result; the rest as sent', () => {
    const { r, effects } = setup();
    r('HSET', 'h', 'f', '10.5');
    r('HINCRBYFLOAT', 'h', 'f', '0.1');
    r('HINCRBY', 'h', 'n', '3');
    r('HGET', 'h', 'f');
    expect(effects).toEqual([['HSET', 'h', 'f', '10.5'], ['hset', 'h', 'f', '10.6'], ['HINCRBY', 'h', 'n', '3']]);
  });

  it('HINCRBY overflow and non-integer values leave the hash unchanged', () => {
    const { r } = setup();
    r('HSET', 'h', 'big', '9223372036854775807', 's', 'x');
    expect(errorOf(r('HINCRBY', 'h', 'big', '1'))).toBe('ERR increment or decrement would overflow');
    expect(errorOf(r('HINCRBY', 'h', 's', '1'))).toBe('ERR hash value is not an integer');
    expect(errorOf(r('HINCRBYFLOAT', 'h', 's', '1'))).toBe('ERR hash value is not a float');
    expect(errorOf(r('HINCRBYFLOAT', 'h', 'big', 'inf'))).toBe('ERR value is NaN or Infinity');
    expect(r('HINCRBY', 'h', 'big', '-9223372036854775807')).toBe(0);
    expect(r('HINCRBY', 'h', 'n', '9007199254740993')).toBe(9007199254740993n);
    expect(r('HGETALL', 'h')).toEqual(['big', '0', 's', 'x', 'n', '9007199254740993']);
  });

  it('OBJECT ENCODING follows hash-max-listpack-entries and -value, one way', () => {
    const { r, engine } = setup();
    r(...fill('h', 512));
    expect(r('OBJECT', 'ENCODING', 'h')).toBe('listpack');
    r('HSET', 'h', 'extra', 'v');
    expect(r('OBJECT', 'ENCODING', 'h')).toBe('hashtable');
    r('HDEL', 'h', 'extra', 'f0', 'f1');
    expect(r('OBJECT', 'ENCODING', 'h')).toBe('hashtable');
    r('HSET', 'v', 'f', 'x'.repeat(65));
    expect(r('OBJECT', 'ENCODING', 'v')).toBe('hashtable');
    r('CONFIG', 'SET', 'hash-max-listpack-entries', '1');
    r('HSET', 'small', 'a', '1');
    expect(r('OBJECT', 'ENCODING', 'small')).toBe('listpack');
    r('HINCRBY', 'small', 'b', '1');
    expect(r('OBJECT', 'ENCODING', 'small')).toBe('hashtable');
    expect((engine.db.peek('small') as HashEntry).encoding).toBe('hashtable');
  });

  it('COPY gives an independent hash with the same encoding', () => {
    const { r } = setup();
    r('HSET', 'h', 'a', '1', 'b', 'x'.repeat(100));
    expect(r('COPY', 'h', 'c')).toBe(1);
    r('HSET', 'c', 'a', 'changed');
    expect(r('HGET', 'h', 'a')).toBe('1');
    expect(r('OBJECT', 'ENCODING', 'c')).toBe('hashtable');
  });

  it('HRANDFIELD: count cases, WITHVALUES pairs, repetition with negative counts', () => {
    const { r } = setup();
    r(...fill('h', 5));
    expect(r('HRANDFIELD', 'h', '0')).toEqual([]);
    expect(r('HRANDFIELD', 'h', '10')).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
    const three = r('HRANDFIELD', 'h', '3') as string[];
    expect(new Set(three).size).toBe(3);
    const repeated = r('HRANDFIELD', 'h', '-20', 'WITHVALUES') as string[];
    expect(repeated).toHaveLength(40);
    for (let i = 0; i < repeated.length; i += 2) expect(repeated[i + 1]).toBe(`v${repeated[i]!.slice(1)}`);
    expect(errorOf(r('HRANDFIELD', 'h', '-9223372036854775808'))).toMatch(/^ERR value is out of range, value must between/);
    expect(errorOf(r('HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'))).toBe('ERR value is out of range');
    expect(errorOf(r('HRANDFIELD', 'h', '-100000000'))).toMatch(/^ERR reply too large/);
  });

  it('HRANDFIELD on a big hash: distinct fields, every field reachable', () => {
    const { r } = setup();
    r(...fill('h', 1000));
    for (const count of ['10', '400', '999']) {
      const fields = r('HRANDFIELD', 'h', count) as string[];
      expect(fields).toHaveLength(Number(count));
      expect(new Set(fields).size).toBe(Number(count));
    }
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) for (const f of r('HRANDFIELD', 'h', '-100') as string[]) seen.add(f);
    expect(seen.size).toBeGreaterThan(990);
  });

  it('HSCAN of a listpack hash is whole with cursor 0, MATCH filters pairs by field', () => {
    const { r } = setup();
    r('HSET', 'h', 'foo', '1', 'bar', '2', 'baz', '3');
    expect(r('HSCAN', 'h', '0')).toEqual(['0', ['foo', '1', 'bar', '2', 'baz', '3']]);
    expect(r('HSCAN', 'h', '99', 'MATCH', 'ba*', 'COUNT', '1')).toEqual(['0', ['bar', '2', 'baz', '3']]);
    expect(errorOf(r('HSCAN', 'h', '0', 'TYPE', 'hash'))).toBe('ERR syntax error');
    expect(r('HSCAN', 'nokey', '0', 'BAD')).toEqual(['0', []]);
    expect(errorOf(r('HSCAN', 'h', 'x'))).toBe('ERR invalid cursor');
  });

  it('HSCAN of a big hash returns every field present for the whole scan while it changes', () => {
    const { r } = setup();
    r(...fill('h', 2000));
    const seen = new Map<string, number>();
    let cursor = '0';
    let round = 0;
    do {
      const [next, items] = r('HSCAN', 'h', cursor, 'COUNT', '37') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, (seen.get(items[i]!) ?? 0) + 1);
      cursor = next;
      // Churn between calls: delete some stable-range-excluded fields, add new ones.
      r('HDEL', 'h', `f${1500 + (round % 500)}`, `f${1000 + ((round * 7) % 500)}`);
      r('HSET', 'h', `new${round}`, 'x', `new${round}b`, 'y');
      round++;
    } while (cursor !== '0');
    for (let i = 0; i < 1000; i++) expect(seen.has(`f${i}`), `f${i}`).toBe(true);
    expect(round).toBeGreaterThan(10);
  });

  it('the rewrite (snapshot) form rebuilds the hash, 64 fields per HSET', () => {
    const { r, engine } = setup();
    r(...fill('h', 150));
    r('HSET', 'h', '__proto__', 'é');
    const entry = engine.db.peek('h')!;
    const commands = typeOps(entry).rewrite('h', entry);
    expect(commands.map((argv) => (argv.length - 2) / 2)).toEqual([64, 64, 23]);
    const replay = setup();
    // Rewrites hold byte strings: replay them as bytes.
    for (const argv of commands) replay.conn.callSync(argv.map(toUint8Array));
    expect(replay.r('HGETALL', 'h')).toEqual(r('HGETALL', 'h'));
    expect(replay.r('OBJECT', 'ENCODING', 'h')).toBe('listpack');
  });
});

describe('HGETALL of an unchanged hash', () => {
  it('answers from its flat copy until a write, and callers cannot change it', () => {
    const { engine, conn } = setup();
    conn.callSync(['HSET', 'h', 'a', '1', 'b', '2']);
    const first = conn.callSync(['HGETALL', 'h']) as string[];
    expect(first).toEqual(['a', '1', 'b', '2']);
    first[1] = 'changed by the caller';
    expect(conn.callSync(['HGETALL', 'h'])).toEqual(['a', '1', 'b', '2']);
    conn.callSync(['HSET', 'h', 'a', 'x']);
    expect(conn.callSync(['HGETALL', 'h'])).toEqual(['a', 'x', 'b', '2']);
    conn.callSync(['HDEL', 'h', 'b']);
    expect(conn.callSync(['HGETALL', 'h'])).toEqual(['a', 'x']);
    conn.callSync(['HINCRBY', 'h', 'n', '5']);
    expect(conn.callSync(['HGETALL', 'h'])).toEqual(['a', 'x', 'n', '5']);
    conn.callSync(['COPY', 'h', 'h2']);
    conn.callSync(['HSET', 'h2', 'a', 'y']);
    expect(conn.callSync(['HGETALL', 'h'])).toEqual(['a', 'x', 'n', '5']);
    expect(conn.callSync(['HGETALL', 'h2'])).toEqual(['a', 'y', 'n', '5']);
    engine.close();
  });
});
