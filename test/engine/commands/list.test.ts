import { describe, expect, it } from 'vitest';
import { asciiArray } from '../../../src/engine/reply.js';
import { errorOf, setup } from './string.support.js';

describe('list commands', () => {
  it('LPUSH, RPUSH and LRANGE basics', () => {
    const { r } = setup();
    expect(r('RPUSH', 'l', 'a', 'b')).toBe(2);
    expect(r('LPUSH', 'l', 'x', 'y')).toBe(4);
    expect(r('LRANGE', 'l', '0', '-1')).toEqual(['y', 'x', 'a', 'b']);
    expect(r('TYPE', 'l')).toBe('list');
    expect(r('OBJECT', 'ENCODING', 'l')).toBe('quicklist');
  });

  it('LPUSHX and RPUSHX against a missing key create nothing', () => {
    const { r, events, notifyAll } = setup();
    notifyAll();
    expect(r('LPUSHX', 'l', 'a')).toBe(0);
    expect(r('RPUSHX', 'l', 'a')).toBe(0);
    expect(r('EXISTS', 'l')).toBe(0);
    expect(events).toEqual([]);
  });

  it('keys named like Object.prototype members are ordinary lists', () => {
    const { r } = setup();
    r('RPUSH', '__proto__', 'a');
    r('RPUSH', 'constructor', 'b');
    expect(r('LRANGE', '__proto__', '0', '-1')).toEqual(['a']);
    expect(r('LPOP', 'constructor')).toBe('b');
  });

  it('WRONGTYPE against a string key', () => {
    const { r } = setup();
    r('SET', 's', 'v');
    for (const argv of [['LPUSH', 's', 'a'], ['LPOP', 's'], ['LRANGE', 's', '0', '1'], ['LPOS', 's', 'a'], ['LMOVE', 's', 'd', 'LEFT', 'LEFT'], ['LMPOP', '1', 's', 'LEFT'], ['BLPOP', 's', '0']]) {
      expect(errorOf(r(...argv))).toMatch(/^WRONGTYPE/);
    }
  });

  it('keyspace events: new, lpush/rpush, lpop/rpop then del when emptied', () => {
    const { r, events, notifyAll } = setup();
    notifyAll();
    r('RPUSH', 'l', 'a', 'b');
    r('LPUSH', 'l', 'z');
    r('LPOP', 'l');
    r('RPOP', 'l', '5');
    expect(events).toEqual(['new l', 'rpush l', 'lpush l', 'lpop l', 'rpop l', 'del l']);
  });

  it('keyspace events: linsert, lset, lrem, ltrim (even when nothing is trimmed)', () => {
    const { r, events, notifyAll } = setup();
    r('RPUSH', 'l', 'a', 'b', 'a');
    notifyAll();
    r('LINSERT', 'l', 'BEFORE', 'b', 'x');
    r('LINSERT', 'l', 'BEFORE', 'nope', 'x');
    r('LSET', 'l', '0', 'A');
    r('LREM', 'l', '0', 'a');
    r('LREM', 'l', '0', 'nope');
    r('LTRIM', 'l', '0', '-1');
    r('LTRIM', 'l', '5', '1');
    expect(events).toEqual(['linsert l', 'lset l', 'lrem l', 'ltrim l', 'ltrim l', 'del l']);
  });

  it('LMOVE events: push on the destination first, then the pop on the source', () => {
    const { r, events, notifyAll } = setup();
    r('RPUSH', 'src', 'a');
    notifyAll();
    expect(r('LMOVE', 'src', 'dst', 'LEFT', 'RIGHT')).toBe('a');
    expect(events).toEqual(['new dst', 'rpush dst', 'lpop src', 'del src']);
  });

  it('LMOVE onto the same list rotates it', () => {
    const { r } = setup();
    r('RPUSH', 'l', '1', '2', '3');
    expect(r('LMOVE', 'l', 'l', 'LEFT', 'RIGHT')).toBe('1');
    expect(r('RPOPLPUSH', 'l', 'l')).toBe('1');
    expect(r('LRANGE', 'l', '0', '-1')).toEqual(['1', '2', '3']);
  });

  it('effects: LMPOP is logged as LPOP/RPOP with the count popped; a no-op LTRIM is not logged', () => {
    const { r, effects } = setup();
    r('RPUSH', 'l', 'a', 'b', 'c');
    r('LMPOP', '2', 'missing', 'l', 'RIGHT', 'COUNT', '10');
    r('RPUSH', 'l', 'a');
    r('LTRIM', 'l', '0', '-1');
    r('LTRIM', 'l', '1', '1');
    expect(effects).toEqual([['RPUSH', 'l', 'a', 'b', 'c'], ['rpop', 'l', '3'], ['RPUSH', 'l', 'a'], ['LTRIM', 'l', '1', '1']]);
  });

  it('LPOS with RANK, COUNT and MAXLEN', () => {
    const { r } = setup();
    r('RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'a');
    expect(r('LPOS', 'l', 'a')).toBe(0);
    expect(r('LPOS', 'l', 'a', 'RANK', '2')).toBe(3);
    expect(r('LPOS', 'l', 'a', 'RANK', '-1')).toBe(5);
    expect(r('LPOS', 'l', 'a', 'COUNT', '0')).toEqual([0, 3, 5]);
    expect(r('LPOS', 'l', 'a', 'RANK', '-1', 'COUNT', '2')).toEqual([5, 3]);
    expect(r('LPOS', 'l', 'a', 'COUNT', '0', 'MAXLEN', '4')).toEqual([0, 3]);
    expect(r('LPOS', 'l', 'zz')).toBeNull();
    expect(r('LPOS', 'l', 'zz', 'COUNT', '1')).toEqual([]);
    expect(errorOf(r('LPOS', 'l', 'a', 'RANK', '0'))).toMatch(/^ERR RANK can't be zero/);
    expect(errorOf(r('LPOS', 'l', 'a', 'COUNT', '-1'))).toBe("ERR COUNT can't be negative");
    expect(errorOf(r('LPOS', 'l', 'a', 'MAXLEN', '-1'))).toBe("ERR MAXLEN can't be negative");
    expect(errorOf(r('LPOS', 'l', 'a', 'RANK'))).toBe('ERR syntax error');
  });

  it('LINDEX, LSET and LINSERT on large lists reach both ends', () => {
    const { r } = setup();
    const values = Array.from({ length: 1000 }, (_, i) => String(i));
    r('RPUSH', 'l', ...values);
    expect(r('LINDEX', 'l', '999')).toBe('999');
    expect(r('LINDEX', 'l', '-1000')).toBe('0');
    expect(r('LSET', 'l', '500', 'mid')).toBe('OK');
    expect(r('LINSERT', 'l', 'AFTER', 'mid', 'after')).toBe(1001);
    expect(r('LRANGE', 'l', '499', '502')).toEqual(['499', 'mid', 'after', '501']);
    expect(errorOf(r('LSET', 'l', '1001', 'x'))).toBe('ERR index out of range');
    expect(errorOf(r('LSET', 'nokey', '0', 'x'))).toBe('ERR no such key');
  });

  it('COPY gives an independent list; OBJECT ENCODING reports quicklist', () => {
    const { r } = setup();
    r('RPUSH', 'a', '1', '2');
    r('COPY', 'a', 'b');
    r('RPUSH', 'b', '3');
    expect(r('LRANGE', 'a', '0', '-1')).toEqual(['1', '2']);
    expect(r('LRANGE', 'b', '0', '-1')).toEqual(['1', '2', '3']);
    expect(r('OBJECT', 'ENCODING', 'b')).toBe('quicklist');
  });

  it('binary elements keep their bytes', () => {
    const { conn } = setup();
    conn.callSync(['RPUSH', 'l', new Uint8Array([0, 255, 10])]);
    expect(conn.callRawSync(['LPOP', 'l'])).toBe('\x00\xff\n');
  });

  it('LRANGE of an ASCII list is handed out as is, and no range outlives its caller', () => {
    const { conn } = setup();
    conn.callSync(['RPUSH', 'l', 'a', 'b', 'c']);
    const range = conn.callRawSync(['LRANGE', 'l', '0', '-1']);
    expect(asciiArray.last).toBe(range);
    conn.callRawSync(['PING']);
    expect(asciiArray.last).toBeNull();
    // The raw batch path (the worker's) never converts: nothing is left behind.
    expect(conn.callBatchRaw([['LRANGE', 'l', '0', '1']])).toEqual([['a', 'b']]);
    expect(asciiArray.last).toBeNull();
    expect(conn.callBatchRawOrWait([['LRANGE', 'l', '1', '2']])).toEqual([['b', 'c']]);
    expect(asciiArray.last).toBeNull();
    expect(conn.callSync(['LRANGE', 'l', '0', '-1'])).toEqual(['a', 'b', 'c']);
    expect(asciiArray.last).toBeNull();
  });
});
