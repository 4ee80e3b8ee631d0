import { describe, expect, it } from 'vitest';
import { errorOf, setup, T0 } from './string.support.js';

/** Sorted copy of an array reply, for replies whose order is unspecified. */
const sorted = (reply: unknown): string[] => [...(reply as string[])].sort();

describe('keys: DEL, UNLINK, EXISTS, TYPE, TOUCH', () => {
  it('DEL against a single item', () => {
    const { r } = setup();
    r('SET', 'x', 'foo');
    expect(r('GET', 'x')).toBe('foo');
    expect(r('DEL', 'x')).toBe(1);
    expect(r('GET', 'x')).toBe(null);
  });

  it('Vararg DEL counts only keys that existed, each once', () => {
    const { r, effects } = setup();
    r('MSET', 'foo1', 'a', 'foo2', 'b', 'foo3', 'c');
    effects.length = 0;
    expect(r('DEL', 'foo1', 'foo2', 'foo3', 'foo4', 'foo1')).toBe(3);
    expect(r('MGET', 'foo1', 'foo2', 'foo3')).toEqual([null, null, null]);
    // Logged as given, like Redis.
    expect(effects).toEqual([['DEL', 'foo1', 'foo2', 'foo3', 'foo4', 'foo1']]);
  });

  it('DEL of only missing keys changes nothing and logs nothing', () => {
    const { r, effects, engine } = setup();
    const dirty = engine.stats.dirty;
    expect(r('DEL', 'nope', 'nada')).toBe(0);
    expect(effects).toEqual([]);
    expect(engine.stats.dirty).toBe(dirty);
  });

  it('UNLINK can reclaim memory like DEL and publishes del', () => {
    const { r, events, notifyAll, engine } = setup();
    notifyAll();
    r('SET', 'a', '1');
    r('SET', 'b', '2');
    events.length = 0;
    expect(r('UNLINK', 'a', 'b', 'c')).toBe(2);
    expect(engine.db.map.size).toBe(0);
    expect(events).toEqual(['del a', 'del b']);
  });

  it('DEL of an expired key expires it instead of deleting it', () => {
    const { r, advance, effects, events, notifyAll } = setup();
    notifyAll();
    r('SET', 'k', 'v', 'PX', '10');
    advance(11);
    effects.length = 0;
    events.length = 0;
    expect(r('DEL', 'k')).toBe(0);
    expect(effects).toEqual([['del', 'k']]);
    expect(events).toEqual(['expired k']);
  });

  it('EXISTS counts a key named twice twice', () => {
    const { r } = setup();
    r('SET', 'newkey', 'test');
    expect(r('EXISTS', 'newkey')).toBe(1);
    expect(r('EXISTS', 'newkey', 'newkey', 'nokey', 'newkey')).toBe(3);
    r('DEL', 'newkey');
    expect(r('EXISTS', 'newkey')).toBe(0);
  });

  it('Zero length value in key. SET/GET/EXISTS', () => {
    const { r } = setup();
    r('SET', 'emptykey', '');
    expect(r('GET', 'emptykey')).toBe('');
    expect(r('EXISTS', 'emptykey')).toBe(1);
    r('DEL', 'emptykey');
    expect(r('EXISTS', 'emptykey')).toBe(0);
  });

  it('EXISTS and TYPE do not touch the key; TOUCH does', () => {
    const { r, advance, entry } = setup();
    r('SET', 'k', 'v');
    advance(5000);
    r('EXISTS', 'k');
    r('TYPE', 'k');
    expect(r('OBJECT', 'IDLETIME', 'k')).toBe(5);
    expect(entry('k')!.access).toBe(T0);
    expect(r('TOUCH', 'k', 'nokey', 'k')).toBe(2);
    expect(r('OBJECT', 'IDLETIME', 'k')).toBe(0);
  });

  it('EXISTS, TYPE and TOUCH count keyspace hits and misses', () => {
    const { r, engine } = setup();
    r('SET', 'k', 'v');
    const { keyspaceHits, keyspaceMisses } = engine.stats;
    r('EXISTS', 'k', 'x');
    r('TYPE', 'y');
    r('TOUCH', 'k');
    expect(engine.stats.keyspaceHits - keyspaceHits).toBe(2);
    expect(engine.stats.keyspaceMisses - keyspaceMisses).toBe(2);
  });

  it('TYPE of a string, of a missing key, of another type', () => {
    const { r, putList } = setup();
    r('SET', 's', 'x');
    putList('l');
    expect(r('TYPE', 's')).toBe('string');
    expect(r('TYPE', 'nokey')).toBe('none');
    expect(r('TYPE', 'l')).toBe('list');
  });

  it('read-only commands log nothing', () => {
    const { r, effects } = setup();
    r('SET', 'k', 'v');
    effects.length = 0;
    r('EXISTS', 'k');
    r('TYPE', 'k');
    r('TOUCH', 'k');
    r('KEYS', '*');
    r('SCAN', '0');
    r('RANDOMKEY');
    r('OBJECT', 'ENCODING', 'k');
    expect(effects).toEqual([]);
  });
});

describe('keys: RENAME and RENAMENX', () => {
  it('RENAME basic usage', () => {
    const { r } = setup();
    r('SET', 'mykey', 'hello');
    expect(r('RENAME', 'mykey', 'mykey1')).toBe('OK');
    expect(r('RENAME', 'mykey1', 'mykey2')).toBe('OK');
    expect(r('GET', 'mykey2')).toBe('hello');
    expect(r('EXISTS', 'mykey')).toBe(0);
    expect(r('EXISTS', 'mykey1')).toBe(0);
  });

  it('RENAME against already existing key', () => {
    const { r } = setup();
    r('SET', 'mykey', 'a');
    r('SET', 'mykey2', 'b');
    expect(r('RENAME', 'mykey2', 'mykey')).toBe('OK');
    expect(r('GET', 'mykey')).toBe('b');
    expect(r('EXISTS', 'mykey2')).toBe(0);
  });

  it('RENAMENX basic usage and against an existing key', () => {
    const { r } = setup();
    r('SET', 'mykey', 'foobar');
    expect(r('RENAMENX', 'mykey', 'mykey2')).toBe(1);
    expect(r('GET', 'mykey2')).toBe('foobar');
    r('SET', 'mykey', 'a');
    expect(r('RENAMENX', 'mykey', 'mykey2')).toBe(0);
    expect(r('GET', 'mykey')).toBe('a');
    expect(r('GET', 'mykey2')).toBe('foobar');
  });

  it('RENAME against non existing source key', () => {
    const { r } = setup();
    expect(errorOf(r('RENAME', 'nokey', 'foobar'))).toMatch(/^ERR no such key/);
    expect(errorOf(r('RENAMENX', 'nokey', 'foobar'))).toMatch(/^ERR no such key/);
  });

  it('RENAME where source and dest key are the same (existing / non existing)', () => {
    const { r, effects } = setup();
    r('SET', 'mykey', 'foo');
    effects.length = 0;
    expect(r('RENAME', 'mykey', 'mykey')).toBe('OK');
    expect(r('RENAMENX', 'mykey', 'mykey')).toBe(0);
    expect(effects).toEqual([]);
    expect(errorOf(r('RENAME', 'mykey2', 'mykey2'))).toMatch(/^ERR no such key/);
    expect(errorOf(r('RENAMENX', 'mykey2', 'mykey2'))).toMatch(/^ERR no such key/);
  });

  it('RENAME with volatile key, should move the TTL as well', () => {
    const { r, engine } = setup();
    r('SET', 'mykey', 'foo');
    r('EXPIRE', 'mykey', '100');
    expect(r('RENAME', 'mykey', 'mykey2')).toBe('OK');
    expect(r('TTL', 'mykey2')).toBe(100);
    expect(engine.db.volatileCount).toBe(1);
  });

  it('RENAME with volatile key, should not inherit TTL of target key', () => {
    const { r, engine } = setup();
    r('SET', 'mykey', 'foo');
    r('SET', 'mykey2', 'bar');
    r('EXPIRE', 'mykey2', '100');
    expect(r('TTL', 'mykey')).toBe(-1);
    expect(r('RENAME', 'mykey', 'mykey2')).toBe('OK');
    expect(r('TTL', 'mykey2')).toBe(-1);
    expect(engine.db.volatileCount).toBe(0);
  });

  it('RENAME publishes rename_from then rename_to, invalidates WATCH on both keys', () => {
    const { r, engine, events, notifyAll } = setup();
    notifyAll();
    r('SET', 'a', '1');
    const watcher = engine.connect();
    watcher.callSync(['WATCH', 'b']);
    events.length = 0;
    r('RENAME', 'a', 'b');
    expect(events).toEqual(['new b', 'rename_from a', 'rename_to b']);
    watcher.callSync(['MULTI']);
    watcher.callSync(['GET', 'b']);
    expect(watcher.callSync(['EXEC'])).toBe(null);
  });

  it('RENAME onto an expired key expires it first', () => {
    const { r, advance, effects } = setup();
    r('SET', 'src', 'x');
    r('SET', 'dst', 'y', 'PX', '5');
    advance(10);
    effects.length = 0;
    expect(r('RENAMENX', 'src', 'dst')).toBe(1);
    expect(effects).toEqual([['del', 'dst'], ['RENAMENX', 'src', 'dst']]);
  });
});

describe('keys: COPY', () => {
  it('COPY basic usage for string', () => {
    const { r, events, notifyAll } = setup();
    notifyAll();
    r('SET', 'mykey', 'foobar');
    events.length = 0;
    expect(r('COPY', 'mykey', 'mynewkey')).toBe(1);
    expect(r('GET', 'mynewkey')).toBe('foobar');
    expect(events).toEqual(['new mynewkey', 'copy_to mynewkey']);
    // Replacing publishes `new` too: Redis deletes the old key first.
    events.length = 0;
    r('COPY', 'mykey', 'mynewkey', 'REPLACE');
    expect(events).toEqual(['new mynewkey', 'copy_to mynewkey']);
  });

  it('COPY for string does not replace an existing key without REPLACE option', () => {
    const { r } = setup();
    r('SET', 'mykey', 'hello');
    r('SET', 'mynewkey', 'old');
    expect(r('COPY', 'mykey', 'mynewkey')).toBe(0);
    expect(r('GET', 'mynewkey')).toBe('old');
  });

  it('COPY for string can replace an existing key with REPLACE option', () => {
    const { r } = setup();
    r('SET', 'mykey', 'hello');
    r('SET', 'mynewkey', 'old', 'EX', '100');
    expect(r('COPY', 'mykey', 'mynewkey', 'REPLACE')).toBe(1);
    expect(r('GET', 'mynewkey')).toBe('hello');
    expect(r('TTL', 'mynewkey')).toBe(-1);
  });

  it('COPY for string ensures that copied data is independent of copying data', () => {
    const { r } = setup();
    r('SET', 'mykey', 'foobar');
    r('COPY', 'mykey', 'mynewkey');
    r('APPEND', 'mynewkey', 'x');
    expect(r('GET', 'mykey')).toBe('foobar');
    expect(r('GET', 'mynewkey')).toBe('foobarx');
  });

  it('COPY keeps the encoding the source had', () => {
    const { r } = setup();
    r('SET', 'raw', 'ab');
    r('APPEND', 'raw', 'c');
    r('SET', 'int', '12');
    r('COPY', 'raw', 'raw2');
    r('COPY', 'int', 'int2');
    expect(r('OBJECT', 'ENCODING', 'raw2')).toBe('raw');
    expect(r('OBJECT', 'ENCODING', 'int2')).toBe('int');
  });

  it('COPY can copy key expire metadata as well', () => {
    const { r } = setup();
    r('SET', 'mykey', 'foobar', 'EX', '100');
    expect(r('COPY', 'mykey', 'mynewkey', 'REPLACE')).toBe(1);
    expect(r('TTL', 'mynewkey')).toBe(100);
    expect(r('GET', 'mynewkey')).toBe('foobar');
  });

  it('COPY does not create an expire if it does not exist', () => {
    const { r } = setup();
    r('SET', 'mykey', 'foobar');
    r('COPY', 'mykey', 'mynewkey');
    expect(r('TTL', 'mynewkey')).toBe(-1);
  });

  it('COPY of a missing key, same key, DB option and syntax errors', () => {
    const { r } = setup();
    r('SET', 'a', '1');
    expect(r('COPY', 'nokey', 'b')).toBe(0);
    expect(errorOf(r('COPY', 'a', 'a'))).toBe('ERR source and destination objects are the same');
    expect(errorOf(r('COPY', 'nokey', 'nokey'))).toBe('ERR source and destination objects are the same');
    expect(r('COPY', 'a', 'b', 'DB', '0')).toBe(1);
    expect(errorOf(r('COPY', 'a', 'c', 'DB', '1'))).toBe('ERR DB index is out of range');
    expect(errorOf(r('COPY', 'a', 'c', 'db', '-1'))).toBe('ERR DB index is out of range');
    expect(errorOf(r('COPY', 'a', 'c', 'DB', 'x'))).toMatch(/^ERR value is not an integer/);
    expect(errorOf(r('COPY', 'a', 'c', 'DB', '9999999999'))).toMatch(/^ERR value is out of range/);
    expect(errorOf(r('COPY', 'a', 'c', 'DB'))).toBe('ERR syntax error');
    expect(errorOf(r('COPY', 'a', 'c', 'REPLACE', 'foo'))).toBe('ERR syntax error');
    // Options are checked before the same-key rule.
    expect(errorOf(r('COPY', 'a', 'a', 'DB', '3'))).toBe('ERR DB index is out of range');
    expect(r('EXISTS', 'c')).toBe(0);
  });
});

describe('keys: KEYS, RANDOMKEY', () => {
  it('KEYS with pattern', () => {
    const { r } = setup();
    for (const key of ['key_x', 'key_y', 'key_z', 'foo_a', 'foo_b', 'foo_c']) r('SET', key, 'hello');
    expect(sorted(r('KEYS', 'foo*'))).toEqual(['foo_a', 'foo_b', 'foo_c']);
    expect(sorted(r('KEYS', '*'))).toEqual(['foo_a', 'foo_b', 'foo_c', 'key_x', 'key_y', 'key_z']);
    expect(sorted(r('KEYS', '*_[xz]'))).toEqual(['key_x', 'key_z']);
    expect(r('KEYS', 'nomatch*')).toEqual([]);
  });

  it('KEYS skips expired keys without deleting them', () => {
    const { r, advance, engine, effects } = setup();
    r('SET', 'a', '1');
    r('SET', 'b', '1', 'PX', '10');
    advance(20);
    effects.length = 0;
    expect(r('KEYS', '*')).toEqual(['a']);
    expect(engine.db.map.size).toBe(2);
    expect(effects).toEqual([]);
  });

  it('KEYS * returns the empty key; other patterns never match it', () => {
    const { r } = setup();
    r('SET', '', 'e');
    r('SET', 'a', '1');
    expect(sorted(r('KEYS', '*'))).toEqual(['', 'a']);
    expect(r('KEYS', '**')).toEqual(['a']);
    expect(r('KEYS', '')).toEqual(['']);
  });

  it('KEYS * two times with long key, Github issue #1208', () => {
    const { r } = setup();
    const key = 'dlskeriewrioeuwqoirueioqwrueoqwrueqw';
    r('SET', key, 'test');
    expect(r('KEYS', '*')).toEqual([key]);
    expect(r('KEYS', '*')).toEqual([key]);
  });

  it('Regression for pattern matching long nested loops', () => {
    const { r } = setup();
    r('SET', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '1');
    expect(r('KEYS', 'a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b')).toEqual([]);
  });

  it('RANDOMKEY: nil on an empty keyspace, a live key otherwise, expired keys removed', () => {
    let i = 0;
    const draws = [0.99, 0.0, 0.5];
    const { r, engine, advance } = setup();
    expect(r('RANDOMKEY')).toBe(null);
    Object.assign(engine, { random: () => draws[i++ % draws.length]! });
    r('SET', 'live', '1');
    r('SET', 'dead', '1', 'PX', '1');
    advance(5);
    for (let n = 0; n < 5; n++) expect(r('RANDOMKEY')).toBe('live');
    expect(engine.db.map.has('dead')).toBe(false);
  });

  it('RANDOMKEY against a keyspace of only expired keys answers nil', () => {
    const { r, advance, engine } = setup();
    for (let n = 0; n < 10; n++) r('SET', `k${n}`, 'v', 'PX', '1');
    advance(5);
    expect(r('RANDOMKEY')).toBe(null);
    expect(engine.db.map.size).toBe(0);
  });
});

describe('keys: DBSIZE, FLUSHDB, FLUSHALL', () => {
  it('DBSIZE counts keys, FLUSHDB empties, FLUSHALL SYNC|ASYNC too', () => {
    const { r } = setup();
    r('MSET', 'a', '1', 'b', '2');
    expect(r('DBSIZE')).toBe(2);
    expect(r('FLUSHDB')).toBe('OK');
    expect(r('DBSIZE')).toBe(0);
    r('SET', 'c', '3');
    expect(r('FLUSHALL', 'ASYNC')).toBe('OK');
    expect(r('DBSIZE')).toBe(0);
    expect(errorOf(r('FLUSHALL', 'LAZY'))).toBe('ERR syntax error');
    expect(errorOf(r('FLUSHDB', 'SYNC', 'ASYNC'))).toBe('ERR syntax error');
  });

  it('FLUSHALL aborts a transaction WATCHing an existing key', () => {
    const { r, engine } = setup();
    r('SET', 'x', '1');
    const watcher = engine.connect();
    watcher.callSync(['WATCH', 'x']);
    r('FLUSHALL');
    watcher.callSync(['MULTI']);
    watcher.callSync(['PING']);
    expect(watcher.callSync(['EXEC'])).toBe(null);
  });
});

describe('keys: keyspace events', () => {
  it('events in the order Redis 7.0 publishes them (checked against redis-server)', () => {
    const { r, events, notifyAll, advance } = setup();
    notifyAll();
    for (const argv of [['SET', 'a', '1'], ['SET', 'b', '2'], ['RENAME', 'a', 'b'], ['RENAMENX', 'b', 'c'], ['COPY', 'c', 'd'],
      ['COPY', 'c', 'd', 'REPLACE'], ['EXPIRE', 'd', '100'], ['PERSIST', 'd'], ['EXPIRE', 'd', '0'], ['DEL', 'c'], ['SET', 'e', '1', 'PX', '1']]) {
      r(...argv);
    }
    advance(5);
    r('GET', 'e');
    expect(events).toEqual([
      'new a', 'set a', 'new b', 'set b', 'new b', 'rename_from a', 'rename_to b', 'new c', 'rename_from b', 'rename_to c',
      'new d', 'copy_to d', 'new d', 'copy_to d', 'expire d', 'persist d', 'del d', 'del c', 'new e', 'set e', 'expire e', 'expired e',
    ]);
  });

  it('keymiss: read lookups publish it, OBJECT and write lookups do not', () => {
    const { r, events } = setup();
    r('CONFIG', 'SET', 'notify-keyspace-events', 'KEm');
    for (const argv of [['OBJECT', 'ENCODING', 'n1'], ['TTL', 'n2'], ['EXISTS', 'n3'], ['TYPE', 'n4'], ['TOUCH', 'n5'], ['COPY', 'n6', 'zz'],
      ['RENAME', 'n7', 'zz'], ['EXPIRE', 'n8', '1'], ['DEL', 'n9'], ['PERSIST', 'n10'], ['PTTL', 'n11'], ['EXPIRETIME', 'n12'],
      ['OBJECT', 'FREQ', 'n13'], ['SCAN', '0', 'TYPE', 'string'], ['RANDOMKEY'], ['KEYS', '*'], ['UNLINK', 'n14'], ['RENAMENX', 'n15', 'x']]) {
      r(...argv);
    }
    expect(events).toEqual(['keymiss n2', 'keymiss n3', 'keymiss n4', 'keymiss n5', 'keymiss n6', 'keymiss n11', 'keymiss n12']);
  });
});

describe('keys: ordinary names', () => {
  it('__proto__, constructor, hasOwnProperty and the empty key are ordinary keys everywhere', () => {
    const { r } = setup();
    const names = ['__proto__', 'constructor', 'hasOwnProperty', '', 'toString'];
    for (const name of names) {
      expect(r('EXISTS', name)).toBe(0);
      expect(r('TYPE', name)).toBe('none');
      expect(r('TTL', name)).toBe(-2);
      expect(r('SET', name, `v${name}`)).toBe('OK');
    }
    expect(r('DBSIZE')).toBe(names.length);
    expect(sorted(r('KEYS', '*'))).toEqual([...names].sort());
    expect(sorted((r('SCAN', '0', 'COUNT', '100') as [string, string[]])[1])).toEqual([...names].sort());
    for (const name of names) {
      expect(r('TYPE', name)).toBe('string');
      expect(r('OBJECT', 'ENCODING', name)).toBe('embstr');
      expect(r('EXPIRE', name, '100')).toBe(1);
      expect(r('TTL', name)).toBe(100);
      expect(r('PERSIST', name)).toBe(1);
      expect(r('COPY', name, `${name}:copy`)).toBe(1);
      expect(r('RENAME', `${name}:copy`, `${name}:moved`)).toBe('OK');
      expect(r('GET', `${name}:moved`)).toBe(`v${name}`);
    }
    expect(r('DEL', ...names)).toBe(names.length);
    expect(r('DBSIZE')).toBe(names.length);
    expect(r('EXISTS', ...names)).toBe(0);
  });
});
