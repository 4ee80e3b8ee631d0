import { describe, expect, it } from 'vitest';
import { T0, errorOf, setup } from './string.support.js';

describe('GET and SET', () => {
  it('SET and GET an item, an empty item, a binary item', () => {
    const { r, conn } = setup();
    expect(r('SET', 'x', 'foobar')).toBe('OK');
    expect(r('GET', 'x')).toBe('foobar');
    expect(r('SET', 'x', '')).toBe('OK');
    expect(r('GET', 'x')).toBe('');
    conn.callSync(['SET', 'b', new Uint8Array([0, 255, 10, 13])]);
    expect(conn.callRawSync(['GET', 'b'])).toBe('\x00\xff\n\r');
    expect(r('GET', 'missing')).toBeNull();
  });

  it('Extended SET can detect syntax errors', () => {
    const { r } = setup();
    for (const argv of [['NX', 'XX'], ['XX', 'NX'], ['EX', '10', 'PX', '100'], ['KEEPTTL', 'EX', '1'], ['PX', '1', 'KEEPTTL'], ['EX'], ['foo'], ['PERSIST'], ['EXAT', '1', 'PXAT', '1']]) {
      expect(errorOf(r('SET', 'k', 'v', ...argv))).toBe('ERR syntax error');
    }
    // Repeating an option is allowed; the last expiry wins.
    expect(r('SET', 'k', 'v', 'NX', 'NX')).toBe('OK');
    expect(r('SET', 'k', 'v', 'get', 'GET')).toBe('v');
  });

  it('Extended SET NX option', () => {
    const { r } = setup();
    expect(r('SET', 'foo', '1', 'NX')).toBe('OK');
    expect(r('SET', 'foo', '2', 'nx')).toBeNull();
    expect(r('GET', 'foo')).toBe('1');
  });

  it('Extended SET XX option', () => {
    const { r } = setup();
    expect(r('SET', 'foo', '1', 'XX')).toBeNull();
    expect(r('GET', 'foo')).toBeNull();
    r('SET', 'foo', 'bar');
    expect(r('SET', 'foo', '2', 'XX')).toBe('OK');
    expect(r('GET', 'foo')).toBe('2');
  });

  it('Extended SET GET option, with XX and NX, with and without a previous value', () => {
    const { r } = setup();
    expect(r('SET', 'foo', 'bar', 'GET')).toBeNull();
    expect(r('SET', 'foo', 'bar2', 'GET')).toBe('bar');
    expect(r('SET', 'foo', 'bar3', 'GET', 'XX')).toBe('bar2');
    expect(r('SET', 'nx', 'v', 'GET', 'XX')).toBeNull();
    expect(r('GET', 'nx')).toBeNull();
    expect(r('SET', 'foo', 'bar4', 'GET', 'NX')).toBe('bar3');
    expect(r('GET', 'foo')).toBe('bar3');
    expect(r('SET', 'new', 'v', 'NX', 'GET')).toBeNull();
    expect(r('GET', 'new')).toBe('v');
  });

  it('Extended SET GET with incorrect type should result in wrong type error', () => {
    const { r, putList } = setup();
    putList('L');
    expect(errorOf(r('SET', 'L', 'v', 'GET'))).toMatch(/^WRONGTYPE/);
    expect(errorOf(r('SET', 'L', 'v', 'GET', 'NX'))).toMatch(/^WRONGTYPE/);
    // The expiry is validated first.
    expect(errorOf(r('SET', 'L', 'v', 'EX', '0', 'GET'))).toBe("ERR invalid expire time in 'set' command");
    // Without GET, SET overwrites any type.
    expect(r('SET', 'L', 'v')).toBe('OK');
    expect(r('GET', 'L')).toBe('v');
  });

  it('Extended SET EX, PX, EXAT, PXAT options', () => {
    const { r, entry } = setup();
    r('SET', 'a', 'v', 'EX', '10');
    expect(entry('a')!.expireAt).toBe(T0 + 10_000);
    r('SET', 'b', 'v', 'px', '1500');
    expect(entry('b')!.expireAt).toBe(T0 + 1500);
    r('SET', 'c', 'v', 'EXAT', '1800000000');
    expect(entry('c')!.expireAt).toBe(1_800_000_000_000);
    r('SET', 'd', 'v', 'PXAT', '1800000000123');
    expect(entry('d')!.expireAt).toBe(1_800_000_000_123);
    r('SET', 'd', 'w');
    expect(entry('d')!.expireAt).toBe(0);
  });

  it('Extended SET invalid expire times', () => {
    const { r } = setup();
    for (const [opt, value] of [['EX', '0'], ['EX', '-1'], ['PX', '0'], ['EXAT', '0'], ['PXAT', '-5'], ['EX', '9223372036854776'],
      ['EX', '9223372036854775'], ['PX', '9223372036854775807'], ['EXAT', '9223372036854776']] as const) {
      expect(errorOf(r('SET', 'k', 'v', opt, value))).toBe("ERR invalid expire time in 'set' command");
    }
    expect(errorOf(r('SET', 'k', 'v', 'EX', '1.5'))).toBe('ERR value is not an integer or out of range');
    expect(errorOf(r('SET', 'k', 'v', 'EX', '9223372036854775808'))).toBe('ERR value is not an integer or out of range');
    expect(r('GET', 'k')).toBeNull();
    expect(r('SET', 'k', 'v', 'EXAT', '9223372036854775')).toBe('OK');
    expect(r('SET', 'k', 'v', 'PXAT', '9223372036854775807')).toBe('OK');
  });

  it('Extended SET KEEPTTL keeps the deadline; plain SET drops it', () => {
    const { r, entry } = setup();
    r('SET', 'k', 'v', 'EX', '100');
    r('SET', 'k', 'w', 'KEEPTTL');
    expect(entry('k')!.expireAt).toBe(T0 + 100_000);
    expect(r('GET', 'k')).toBe('w');
    r('SET', 'k', 'x');
    expect(entry('k')!.expireAt).toBe(0);
    r('SET', 'n', 'v', 'KEEPTTL');
    expect(entry('n')!.expireAt).toBe(0);
  });

  it('SET with an EXAT already past stores the key, which is then gone', () => {
    const { r, effects, events, notifyAll } = setup();
    notifyAll();
    expect(r('SET', 'k', 'v', 'PXAT', '1')).toBe('OK');
    expect(effects.at(-1)).toEqual(['set', 'k', 'v', 'PXAT', '1']);
    expect(r('GET', 'k')).toBeNull();
    expect(effects.at(-1)).toEqual(['del', 'k']);
    expect(events).toEqual(['new k', 'set k', 'expire k', 'expired k']);
  });

  it('SET with a TTL is logged with an absolute PXAT, without NX/XX/GET', () => {
    const { r, effects } = setup();
    r('SET', 'a', 'v', 'EX', '10', 'NX', 'GET');
    r('SETEX', 'b', '5', 'v');
    r('PSETEX', 'c', '500', 'v');
    r('SET', 'd', 'v', 'EXAT', '1800000000');
    r('SET', 'e', 'v', 'PXAT', '9223372036854775807', 'GET');
    expect(effects).toEqual([
      ['set', 'a', 'v', 'PXAT', String(T0 + 10_000)],
      ['set', 'b', 'v', 'PXAT', String(T0 + 5000)],
      ['set', 'c', 'v', 'PXAT', String(T0 + 500)],
      ['set', 'd', 'v', 'PXAT', '1800000000000'],
      ['set', 'e', 'v', 'PXAT', '9223372036854775807'],
    ]);
  });

  it('SET GET is logged without its GET arguments; an aborted SET logs nothing', () => {
    const { r, effects, engine } = setup();
    r('SET', 'k', 'v', 'GET', 'KEEPTTL', 'get');
    const dirty = engine.stats.dirty;
    r('SET', 'k', 'w', 'NX');
    r('SET', 'x', 'w', 'XX', 'GET');
    expect(engine.stats.dirty).toBe(dirty);
    expect(effects).toEqual([['SET', 'k', 'v', 'KEEPTTL']]);
  });

  it('SET publishes new, set and expire', () => {
    const { r, events, notifyAll } = setup();
    notifyAll();
    r('SET', 'k', 'v', 'EX', '10');
    r('SET', 'k', 'w');
    expect(events).toEqual(['new k', 'set k', 'expire k', 'set k']);
  });

  it('SET invalidates WATCH; an aborted SET NX does not', () => {
    const { r, conn, engine } = setup();
    r('SET', 'k', 'v');
    const other = engine.connect();
    conn.callSync(['WATCH', 'k']);
    other.callSync(['SET', 'k', 'x', 'NX']);
    conn.callSync(['MULTI']);
    conn.callSync(['GET', 'k']);
    expect(conn.callSync(['EXEC'])).toEqual(['v']);
    conn.callSync(['WATCH', 'k']);
    other.callSync(['SET', 'k', 'x']);
    conn.callSync(['MULTI']);
    conn.callSync(['GET', 'k']);
    expect(conn.callSync(['EXEC'])).toBeNull();
  });
});

describe('SETNX, SETEX, PSETEX, GETSET', () => {
  it('SETNX target key missing, target key exists', () => {
    const { r } = setup();
    expect(r('SETNX', 'k', 'a')).toBe(1);
    expect(r('SETNX', 'k', 'b')).toBe(0);
    expect(r('GET', 'k')).toBe('a');
  });

  it('SETNX against not-expired and expired volatile keys', () => {
    const { r, advance } = setup();
    r('SET', 'k', 'a', 'PX', '100');
    expect(r('SETNX', 'k', 'b')).toBe(0);
    advance(101);
    expect(r('SETNX', 'k', 'c')).toBe(1);
    expect(r('GET', 'k')).toBe('c');
  });

  it('SETEX and PSETEX set value and TTL; bad TTLs name the command', () => {
    const { r, entry } = setup();
    expect(r('SETEX', 'k', '10', 'v')).toBe('OK');
    expect(entry('k')!.expireAt).toBe(T0 + 10_000);
    expect(r('PSETEX', 'k', '10', 'w')).toBe('OK');
    expect(entry('k')!.expireAt).toBe(T0 + 10);
    expect(errorOf(r('SETEX', 'k', '0', 'v'))).toBe("ERR invalid expire time in 'setex' command");
    expect(errorOf(r('PSETEX', 'k', '-1', 'v'))).toBe("ERR invalid expire time in 'psetex' command");
    expect(errorOf(r('SETEX', 'k', 'x', 'v'))).toBe('ERR value is not an integer or out of range');
    expect(errorOf(r('SETEX', 'k', '10'))).toBe("ERR wrong number of arguments for 'setex' command");
  });

  it('GETSET (set new value), (replace old value); logged as SET; drops the TTL', () => {
    const { r, effects, entry, putList } = setup();
    expect(r('GETSET', 'k', 'a')).toBeNull();
    r('SET', 'k', 'a', 'EX', '100');
    expect(r('GETSET', 'k', 'b')).toBe('a');
    expect(entry('k')!.expireAt).toBe(0);
    expect(effects.at(-1)).toEqual(['set', 'k', 'b']);
    putList('L');
    expect(errorOf(r('GETSET', 'L', 'x'))).toMatch(/^WRONGTYPE/);
  });
});

describe('GETEX and GETDEL', () => {
  it('GETEX EX, PX, EXAT, PXAT options are logged as PEXPIREAT', () => {
    const { r, entry, effects } = setup();
    r('SET', 'k', 'v');
    expect(r('GETEX', 'k', 'EX', '10')).toBe('v');
    expect(entry('k')!.expireAt).toBe(T0 + 10_000);
    expect(r('GETEX', 'k', 'px', '500')).toBe('v');
    expect(entry('k')!.expireAt).toBe(T0 + 500);
    expect(r('GETEX', 'k', 'EXAT', '1800000000')).toBe('v');
    expect(r('GETEX', 'k', 'PXAT', '1800000000001')).toBe('v');
    expect(entry('k')!.expireAt).toBe(1_800_000_000_001);
    expect(effects.slice(1)).toEqual([
      ['pexpireat', 'k', String(T0 + 10_000)],
      ['pexpireat', 'k', String(T0 + 500)],
      ['pexpireat', 'k', '1800000000000'],
      ['pexpireat', 'k', '1800000000001'],
    ]);
  });

  it('GETEX PERSIST option removes a TTL, logged as PERSIST only when there was one', () => {
    const { r, entry, effects, engine } = setup();
    r('SET', 'k', 'v', 'EX', '10');
    expect(r('GETEX', 'k', 'PERSIST')).toBe('v');
    expect(entry('k')!.expireAt).toBe(0);
    expect(effects.at(-1)).toEqual(['persist', 'k']);
    const dirty = engine.stats.dirty;
    expect(r('GETEX', 'k', 'persist', 'PERSIST')).toBe('v');
    expect(r('GETEX', 'k')).toBe('v');
    expect(engine.stats.dirty).toBe(dirty);
    expect(effects).toHaveLength(2);
  });

  it('GETEX with a past EXAT/PXAT deletes the key, logged as DEL', () => {
    const { r, effects, events, notifyAll } = setup();
    r('SET', 'k', 'v');
    notifyAll();
    expect(r('GETEX', 'k', 'PXAT', String(T0))).toBe('v');
    expect(r('GET', 'k')).toBeNull();
    expect(effects.at(-1)).toEqual(['del', 'k']);
    expect(events).toEqual(['del k']);
  });

  it('GETEX syntax errors, then key lookup, then expire validation', () => {
    const { r, putList } = setup();
    putList('L');
    r('SET', 'k', 'v');
    for (const argv of [['PERSIST', 'EX', '10'], ['EX', '10', 'PERSIST'], ['KEEPTTL'], ['NX'], ['GET'], ['EX'], ['EX', '1', 'PX', '1']]) {
      expect(errorOf(r('GETEX', 'k', ...argv))).toBe('ERR syntax error');
      expect(errorOf(r('GETEX', 'missing', ...argv))).toBe('ERR syntax error');
    }
    expect(r('GETEX', 'missing', 'EX', '-5')).toBeNull();
    expect(r('GETEX', 'missing', 'EX', 'abc')).toBeNull();
    expect(errorOf(r('GETEX', 'L', 'EX', '-5'))).toMatch(/^WRONGTYPE/);
    expect(errorOf(r('GETEX', 'k', 'EX', '-5'))).toBe("ERR invalid expire time in 'getex' command");
    expect(errorOf(r('GETEX', 'k', 'EX', 'abc'))).toBe('ERR value is not an integer or out of range');
    expect(errorOf(r('GETEX'))).toBe("ERR wrong number of arguments for 'getex' command");
  });

  it('GETDEL command: logged as DEL, publishes del', () => {
    const { r, effects, events, notifyAll, putList } = setup();
    notifyAll();
    r('SET', 'k', 'v');
    expect(r('GETDEL', 'k')).toBe('v');
    expect(r('GETDEL', 'k')).toBeNull();
    expect(effects).toEqual([['SET', 'k', 'v'], ['del', 'k']]);
    expect(events).toEqual(['new k', 'set k', 'del k']);
    putList('L');
    expect(errorOf(r('GETDEL', 'L'))).toMatch(/^WRONGTYPE/);
  });
});

describe('MGET, MSET, MSETNX', () => {
  it('MGET against existing, missing and non-string keys', () => {
    const { r, putList } = setup();
    r('MSET', 'a', '1', 'b', '2');
    putList('L');
    expect(r('MGET', 'a', 'missing', 'L', 'b')).toEqual(['1', null, null, '2']);
  });

  it('MSET base case; MSET/MSETNX wrong number of args', () => {
    const { r, events, notifyAll, engine } = setup();
    notifyAll();
    expect(r('MSET', 'a', '1', 'b', '2', 'a', '3')).toBe('OK');
    expect(r('MGET', 'a', 'b')).toEqual(['3', '2']);
    expect(events).toEqual(['new a', 'set a', 'new b', 'set b', 'set a']);
    expect(engine.stats.dirty).toBe(3);
    expect(errorOf(r('MSET', 'a', '1', 'b'))).toBe("ERR wrong number of arguments for 'mset' command");
    expect(errorOf(r('MSETNX', 'a', '1', 'b'))).toBe("ERR wrong number of arguments for 'msetnx' command");
  });

  it('MSETNX with already existing and not existing keys, the same key twice', () => {
    const { r, effects } = setup();
    r('SET', 'x', '1');
    expect(r('MSETNX', 'x1', 'a', 'x', 'b')).toBe(0);
    expect(r('GET', 'x1')).toBeNull();
    expect(r('MSETNX', 'y1', 'a', 'y2', 'b')).toBe(1);
    expect(r('MGET', 'y1', 'y2')).toEqual(['a', 'b']);
    expect(r('MSETNX', 'z', 'a', 'z', 'b')).toBe(1);
    expect(r('GET', 'z')).toBe('b');
    expect(r('MSETNX', 'x', 'a', 'x', 'b')).toBe(0);
    expect(effects.map((e) => e[0])).toEqual(['SET', 'MSETNX', 'MSETNX']);
  });
});

describe('APPEND, STRLEN, GETRANGE, SETRANGE', () => {
  it('APPEND basics, encoding and TTL', () => {
    const { r, entry, events, notifyAll, putList } = setup();
    notifyAll();
    expect(r('APPEND', 'k', '12')).toBe(2);
    expect(entry('k')!.encoding).toBeUndefined();
    r('SET', 'k', '12', 'PX', '100', 'XX');
    expect(r('APPEND', 'k', '34')).toBe(4);
    expect(r('GET', 'k')).toBe('1234');
    expect(entry('k')!.encoding).toBe('raw');
    expect(entry('k')!.expireAt).toBe(T0 + 100);
    expect(r('APPEND', 'k', '')).toBe(4);
    expect(events.filter((e) => e.startsWith('append'))).toEqual(['append k', 'append k', 'append k']);
    putList('L');
    expect(errorOf(r('APPEND', 'L', 'x'))).toMatch(/^WRONGTYPE/);
  });

  it('STRLEN against non-existing key, integer-encoded value, plain string', () => {
    const { r, putList, conn } = setup();
    expect(r('STRLEN', 'missing')).toBe(0);
    r('SET', 'n', '-555');
    expect(r('STRLEN', 'n')).toBe(4);
    conn.callSync(['SET', 's', 'héllo']);
    expect(r('STRLEN', 's')).toBe(6);
    putList('L');
    expect(errorOf(r('STRLEN', 'L'))).toMatch(/^WRONGTYPE/);
  });

  it('GETRANGE against string value, missing key, integer value, wrong type', () => {
    const { r, putList } = setup();
    r('SET', 'mykey', 'Hello World');
    expect(r('GETRANGE', 'mykey', '0', '3')).toBe('Hell');
    expect(r('GETRANGE', 'mykey', '0', '-1')).toBe('Hello World');
    expect(r('GETRANGE', 'mykey', '-4', '-1')).toBe('orld');
    expect(r('GETRANGE', 'mykey', '5', '3')).toBe('');
    expect(r('GETRANGE', 'mykey', '5', '5000')).toBe(' World');
    expect(r('GETRANGE', 'mykey', '-5000', '10000')).toBe('Hello World');
    expect(r('GETRANGE', 'mykey', '-1', '-3')).toBe('');
    expect(r('SUBSTR', 'mykey', '0', '3')).toBe('Hell');
    expect(r('GETRANGE', 'missing', '0', '-1')).toBe('');
    r('SET', 'n', '1234');
    expect(r('GETRANGE', 'n', '1', '2')).toBe('23');
    expect(errorOf(r('GETRANGE', 'n', 'x', '2'))).toBe('ERR value is not an integer or out of range');
    putList('L');
    expect(errorOf(r('GETRANGE', 'L', '0', '1'))).toMatch(/^WRONGTYPE/);
  });

  it('GETRANGE with huge ranges, Github issue #1844', () => {
    const { r } = setup();
    r('SET', 'foo', 'bar');
    expect(r('GETRANGE', 'foo', '0', '4294967297')).toBe('bar');
    expect(r('GETRANGE', 'foo', '-9223372036854775808', '-9223372036854775807')).toBe('b');
    expect(r('GETRANGE', 'foo', '-9223372036854775807', '-9223372036854775808')).toBe('');
    expect(r('GETRANGE', 'foo', '9223372036854775807', '9223372036854775807')).toBe('');
  });

  it('SETRANGE against non-existing key, string and integer values, with zero padding', () => {
    const { r, entry, conn, events, notifyAll } = setup();
    notifyAll();
    expect(r('SETRANGE', 'k', '0', 'foo')).toBe(3);
    expect(entry('k')!.encoding).toBe('raw');
    expect(r('SETRANGE', 'k', '1', 'b')).toBe(3);
    expect(r('GET', 'k')).toBe('fbo');
    expect(r('SETRANGE', 'pad', '3', 'x')).toBe(4);
    expect(conn.callRawSync(['GET', 'pad'])).toBe('\0\0\0x');
    expect(r('SETRANGE', 'k', '5', 'zz')).toBe(7);
    expect(conn.callRawSync(['GET', 'k'])).toBe('fbo\0\0zz');
    r('SET', 'n', '1234');
    expect(r('SETRANGE', 'n', '1', '9')).toBe(4);
    expect(r('INCR', 'n')).toBe(1935);
    expect(events.filter((e) => e.startsWith('setrange'))).toHaveLength(5);
  });

  it('SETRANGE with nothing to set creates and changes nothing', () => {
    const { r, entry, engine } = setup();
    expect(r('SETRANGE', 'missing', '5', '')).toBe(0);
    expect(r('GET', 'missing')).toBeNull();
    r('SET', 'k', 'abc');
    const dirty = engine.stats.dirty;
    expect(r('SETRANGE', 'k', '100', '')).toBe(3);
    expect(r('SETRANGE', 'k', '9223372036854775807', '')).toBe(3);
    expect(entry('k')!.encoding).toBeUndefined();
    expect(engine.stats.dirty).toBe(dirty);
  });

  it('SETRANGE with out of range offset, wrong type, huge offset', () => {
    const { r, putList } = setup();
    r('SET', 'k', 'abc');
    expect(errorOf(r('SETRANGE', 'k', '-1', 'x'))).toBe('ERR offset is out of range');
    expect(errorOf(r('SETRANGE', 'k', 'a', 'x'))).toBe('ERR value is not an integer or out of range');
    expect(errorOf(r('SETRANGE', 'k', '536870912', 'x'))).toBe('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(errorOf(r('SETRANGE', 'k', '9223372036854775807', 'x'))).toBe('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(errorOf(r('SETRANGE', 'nk', '536870912', 'x'))).toBe('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    r('CONFIG', 'SET', 'proto-max-bulk-len', '1mb');
    expect(errorOf(r('APPEND', 'k', 'x'.repeat(1024 * 1024)))).toBe('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    putList('L');
    expect(errorOf(r('SETRANGE', 'L', '0', 'x'))).toMatch(/^WRONGTYPE/);
    expect(errorOf(r('SETRANGE', 'L', '-1', 'x'))).toBe('ERR offset is out of range');
  });
});

describe('string family metadata and effects', () => {
  it('commands that change nothing log nothing and leave dirty alone', () => {
    const { r, effects, engine } = setup();
    r('GET', 'k');
    r('MGET', 'a', 'b');
    r('SETNX', 'k', 'v');
    r('SETNX', 'k', 'w');
    r('GETEX', 'k');
    r('GETDEL', 'missing');
    r('STRLEN', 'k');
    r('GETRANGE', 'k', '0', '-1');
    r('LCS', 'k', 'k');
    r('INCR', 'k');
    r('INCRBYFLOAT', 'k', 'x');
    expect(engine.stats.dirty).toBe(1);
    expect(effects).toEqual([['SETNX', 'k', 'v']]);
  });

  it('GET counts keyspace hits and misses', () => {
    const { r, engine } = setup();
    r('SET', 'k', 'v');
    r('GET', 'k');
    r('GET', 'nope');
    r('MGET', 'k', 'nope');
    r('INCR', 'n');
    expect(engine.stats.keyspaceHits).toBe(2);
    expect(engine.stats.keyspaceMisses).toBe(2);
  });
});
