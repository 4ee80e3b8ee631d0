import { expect, it } from 'vitest';
import { describeBackends } from './support.js';

describeBackends('hash methods', (h) => {
  it('hSet takes a field and value, an object, a Map, tuples or a flat list', async () => {
    const { client } = h();
    expect(await client.hSet('h', 'a', '1')).toBe(1);
    expect(h().lastSent()).toEqual(['HSET', 'h', 'a', '1']);
    expect(await client.hSet('h', { b: 2, c: 'x' })).toBe(2);
    expect(h().lastSent()).toEqual(['HSET', 'h', 'b', '2', 'c', 'x']);
    expect(await client.hSet('h', new Map<string | number, string | number>([['d', 4], [5, 'five']]))).toBe(2);
    expect(h().lastSent()).toEqual(['HSET', 'h', 'd', '4', '5', 'five']);
    expect(await client.hSet('h', [['e', 'E'], ['a', 'A']])).toBe(1);
    expect(h().lastSent()).toEqual(['HSET', 'h', 'e', 'E', 'a', 'A']);
    expect(await client.hSet('h', ['f', 'F'])).toBe(1);
    expect(h().lastSent()).toEqual(['HSET', 'h', 'f', 'F']);
    expect(await client.hLen('h')).toBe(7);
  });

  it('hGetAll gives a null-prototype object; a field named __proto__ is an ordinary entry', async () => {
    const { client } = h();
    const fields = JSON.parse('{"__proto__":"p","constructor":"c","é":"ü"}') as Record<string, string>;
    expect(await client.hSet('h', fields)).toBe(3);
    const all = await client.hGetAll('h');
    expect(Object.getPrototypeOf(all)).toBeNull();
    expect(Object.keys(all).sort()).toEqual(['__proto__', 'constructor', 'é']);
    expect(all['__proto__']).toBe('p');
    expect(all['é']).toBe('ü');
    expect(await client.hGetAll('missing')).toEqual({});
  });

  it('hGet, hmGet, hExists, hStrLen, hKeys, hVals, hDel', async () => {
    const { client } = h();
    await client.hSet('h', { a: '1', b: 'two' });
    expect(await client.hGet('h', 'a')).toBe('1');
    expect(await client.hGet('h', 'zz')).toBeNull();
    expect(await client.hmGet('h', ['a', 'zz', 'b'])).toEqual(['1', null, 'two']);
    expect(await client.hExists('h', 'b')).toBe(true);
    expect(await client.hExists('h', 'zz')).toBe(false);
    expect(await client.hStrLen('h', 'b')).toBe(3);
    expect(await client.hKeys('h')).toEqual(['a', 'b']);
    expect(await client.hVals('h')).toEqual(['1', 'two']);
    expect(await client.hDel('h', ['a', 'zz'])).toBe(1);
    expect(h().lastSent()).toEqual(['HDEL', 'h', 'a', 'zz']);
    expect(await client.hDel('h', 'b')).toBe(1);
    expect(await client.exists('h')).toBe(0);
  });

  it('hSetNX, hmSet, hIncrBy, hIncrByFloat', async () => {
    const { client } = h();
    expect(await client.hSetNX('h', 'a', 1)).toBe(true);
    expect(await client.hSetNX('h', 'a', 2)).toBe(false);
    expect(await client.hmSet('h', { b: '10.5' })).toBe('OK');
    expect(await client.hIncrBy('h', 'a', 41)).toBe(42);
    expect(await client.hIncrByFloat('h', 'b', 0.1)).toBe('10.6');
    await expect(client.hIncrBy('h', 'b', 1)).rejects.toThrow('ERR hash value is not an integer');
    await client.set('s', 'v');
    await expect(client.hGet('s', 'a')).rejects.toThrow(/^WRONGTYPE/);
  });

  it('hRandField, hRandFieldCount and hRandFieldCountWithValues', async () => {
    const { client } = h();
    expect(await client.hRandField('missing')).toBeNull();
    await client.hSet('h', { a: '1', b: '2', c: '3' });
    expect(['a', 'b', 'c']).toContain(await client.hRandField('h'));
    expect((await client.hRandFieldCount('h', 5)).sort()).toEqual(['a', 'b', 'c']);
    expect(await client.hRandFieldCount('h', -6)).toHaveLength(6);
    const withValues = await client.hRandFieldCountWithValues('h', 2);
    expect(h().lastSent()).toEqual(['HRANDFIELD', 'h', '2', 'WITHVALUES']);
    expect(Object.keys(withValues)).toHaveLength(2);
    for (const [field, value] of Object.entries(withValues)) expect(value).toBe({ a: '1', b: '2', c: '3' }[field]);
  });

  it('hScan and hScanIterator walk every pair', async () => {
    const { client } = h();
    const fields = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]));
    await client.hSet('h', fields);
    const step = await client.hScan('h', 0, { COUNT: 100, MATCH: 'f*' });
    expect(typeof step.cursor).toBe('number');
    expect(step.tuples[0]).toEqual({ field: expect.any(String), value: expect.any(String) });
    expect(h().lastSent()).toEqual(['HSCAN', 'h', '0', 'MATCH', 'f*', 'COUNT', '100']);
    const seen = new Map<string, string>();
    for await (const { field, value } of client.hScanIterator('h', { COUNT: 50 })) seen.set(field, value);
    expect(seen.size).toBe(600);
    expect(seen.get('f599')).toBe('v599');
  });
});
