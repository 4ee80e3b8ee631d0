import { expect, it } from 'vitest';
import { describeBackends } from './support.js';

describeBackends('key methods', (h) => {
  it('DEL and UNLINK take one key or several', async () => {
    const { client } = h();
    await client.mSet({ a: '1', b: '2', c: '3' });
    expect(await client.del('a')).toBe(1);
    expect(h().lastSent()).toEqual(['DEL', 'a']);
    expect(await client.del(['a', 'b', 'missing'])).toBe(1);
    expect(h().lastSent()).toEqual(['DEL', 'a', 'b', 'missing']);
    expect(await client.unlink(['c'])).toBe(1);
    expect(h().lastSent()).toEqual(['UNLINK', 'c']);
  });

  it('EXISTS counts repeated keys', async () => {
    const { client } = h();
    await client.set('a', '1');
    expect(await client.exists('a')).toBe(1);
    expect(await client.exists(['a', 'a', 'missing'])).toBe(2);
    expect(h().lastSent()).toEqual(['EXISTS', 'a', 'a', 'missing']);
  });

  it('TOUCH counts existing keys', async () => {
    const { client } = h();
    await client.set('a', '1');
    expect(await client.touch(['a', 'b'])).toBe(1);
    expect(h().lastSent()).toEqual(['TOUCH', 'a', 'b']);
  });

  it('TYPE', async () => {
    const { client } = h();
    await client.set('s', 'v');
    expect(await client.type('s')).toBe('string');
    expect(await client.type('missing')).toBe('none');
  });

  it('RENAME and RENAMENX', async () => {
    const { client } = h();
    await client.set('a', '1');
    expect(await client.rename('a', 'b')).toBe('OK');
    expect(h().lastSent()).toEqual(['RENAME', 'a', 'b']);
    await expect(client.rename('a', 'c')).rejects.toThrow('ERR no such key');
    await client.set('c', '3');
    expect(await client.renameNX('b', 'c')).toBe(false);
    expect(await client.renameNX('b', 'd')).toBe(true);
    expect(h().lastSent()).toEqual(['RENAMENX', 'b', 'd']);
    expect(await client.mGet(['b', 'c', 'd'])).toEqual([null, '3', '1']);
  });

  it('COPY with DB and REPLACE', async () => {
    const { client } = h();
    await client.mSet({ a: '1', b: '2' });
    expect(await client.copy('a', 'b')).toBe(false);
    expect(h().lastSent()).toEqual(['COPY', 'a', 'b']);
    expect(await client.copy('a', 'b', { REPLACE: true })).toBe(true);
    expect(h().lastSent()).toEqual(['COPY', 'a', 'b', 'REPLACE']);
    expect(await client.copy('a', 'c', { DB: 0, REPLACE: true })).toBe(true);
    expect(h().lastSent()).toEqual(['COPY', 'a', 'c', 'DB', '0', 'REPLACE']);
    expect(await client.mGet(['b', 'c'])).toEqual(['1', '1']);
    expect(await client.copy('missing', 'x')).toBe(false);
  });

  it('KEYS with a glob pattern', async () => {
    const { client } = h();
    await client.mSet({ 'user:1': 'a', 'user:2': 'b', other: 'c' });
    expect((await client.keys('user:*')).sort()).toEqual(['user:1', 'user:2']);
    expect(h().lastSent()).toEqual(['KEYS', 'user:*']);
    expect(await client.keys('nothing*')).toEqual([]);
  });

  it('SCAN with MATCH, COUNT and TYPE', async () => {
    const { client } = h();
    await client.mSet(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k:${i}`, String(i)])));
    await client.set('other', 'x');
    const seen = new Set<string>();
    let cursor = 0;
    do {
      const reply = await client.scan(cursor, { MATCH: 'k:*', COUNT: 5, TYPE: 'string' });
      expect(typeof reply.cursor).toBe('number');
      for (const key of reply.keys) seen.add(key);
      cursor = reply.cursor;
    } while (cursor !== 0);
    expect(h().lastSent()).toEqual(['SCAN', expect.any(String), 'MATCH', 'k:*', 'COUNT', '5', 'TYPE', 'string']);
    expect(seen.size).toBe(30);
    expect(seen.has('other')).toBe(false);
    expect((await client.scan(0, { TYPE: 'list' })).keys).toEqual([]);
  });

  it('scanIterator walks every key once', async () => {
    const { client } = h();
    const keys = Array.from({ length: 50 }, (_, i) => `key:${i}`);
    await client.mSet(keys.flatMap((k) => [k, 'v']));
    const seen: string[] = [];
    for await (const key of client.scanIterator({ COUNT: 7 })) seen.push(key);
    expect(new Set(seen)).toEqual(new Set(keys));
  });

  it('RANDOMKEY', async () => {
    const { client } = h();
    expect(await client.randomKey()).toBeNull();
    await client.set('only', '1');
    expect(await client.randomKey()).toBe('only');
    expect(h().lastSent()).toEqual(['RANDOMKEY']);
  });

  it('OBJECT ENCODING, IDLETIME, REFCOUNT', async () => {
    const { client } = h();
    await client.mSet({ int: '12345', short: 'abc', long: 'x'.repeat(50) });
    expect(await client.objectEncoding('int')).toBe('int');
    expect(await client.objectEncoding('short')).toBe('embstr');
    expect(await client.objectEncoding('long')).toBe('raw');
    expect(h().lastSent()).toEqual(['OBJECT', 'ENCODING', 'long']);
    expect(await client.objectEncoding('missing')).toBeNull();
    expect(await client.objectIdleTime('short')).toBe(0);
    expect(h().lastSent()).toEqual(['OBJECT', 'IDLETIME', 'short']);
    expect(await client.objectIdleTime('missing')).toBeNull();
    expect(await client.objectRefCount('long')).toBe(1);
    expect(await client.objectRefCount('missing')).toBeNull();
  });

  it('OBJECT FREQ needs an LFU policy', async () => {
    const { client } = h();
    await client.set('k', 'v');
    await expect(client.objectFreq('k')).rejects.toThrow(/^ERR An LFU maxmemory policy is not selected/);
    expect(h().lastSent()).toEqual(['OBJECT', 'FREQ', 'k']);
    await client.configSet('maxmemory-policy', 'allkeys-lfu');
    try {
      expect(await client.objectFreq('k')).toBeTypeOf('number');
      expect(await client.objectFreq('missing')).toBeNull();
    } finally {
      await client.configSet('maxmemory-policy', 'noeviction');
    }
  });
});

describeBackends('sort methods', (h) => {
  it('sort, sortRo and sortStore with BY, LIMIT, GET, DIRECTION and ALPHA', async () => {
    const { client } = h();
    await client.rPush('ids', ['3', '1', '2']);
    await client.mSet({ 'w_1': '30', 'w_2': '10', 'w_3': '20', 'name_1': 'ann', 'name_3': 'cy' });
    expect(await client.sort('ids')).toEqual(['1', '2', '3']);
    expect(await client.sort('ids', { BY: 'w_*', GET: ['#', 'name_*'] })).toEqual(['2', null, '3', 'cy', '1', 'ann']);
    expect(h().lastSent()).toEqual(['SORT', 'ids', 'BY', 'w_*', 'GET', '#', 'GET', 'name_*']);
    expect(await client.sortRo('ids', { LIMIT: { offset: 0, count: 2 }, DIRECTION: 'DESC', ALPHA: true })).toEqual(['3', '2']);
    expect(h().lastSent()).toEqual(['SORT_RO', 'ids', 'LIMIT', '0', '2', 'DESC', 'ALPHA']);
    expect(await client.sortStore('ids', 'sorted', { DIRECTION: 'DESC' })).toBe(3);
    expect(h().lastSent()).toEqual(['SORT', 'ids', 'DESC', 'STORE', 'sorted']);
    expect(await client.lRange('sorted', 0, -1)).toEqual(['3', '2', '1']);
  });
});
