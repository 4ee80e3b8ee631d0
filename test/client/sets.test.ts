import { expect, it } from 'vitest';
import { describeBackends } from './support.js';

describeBackends('set methods', (h) => {
  it('sAdd and sRem take one member or several', async () => {
    const { client } = h();
    expect(await client.sAdd('s', 'a')).toBe(1);
    expect(h().lastSent()).toEqual(['SADD', 's', 'a']);
    expect(await client.sAdd('s', ['a', 'b', 'c'])).toBe(2);
    expect(await client.sRem('s', ['a', 'zz'])).toBe(1);
    expect(h().lastSent()).toEqual(['SREM', 's', 'a', 'zz']);
    expect(await client.sCard('s')).toBe(2);
  });

  it('sMembers, sIsMember and smIsMember', async () => {
    const { client } = h();
    await client.sAdd('s', ['3', '1', '2']);
    expect(await client.sMembers('s')).toEqual(['1', '2', '3']);
    expect(await client.sIsMember('s', '2')).toBe(true);
    expect(await client.sIsMember('s', '9')).toBe(false);
    expect(await client.smIsMember('s', ['1', '9'])).toEqual([true, false]);
    expect(await client.sMembers('missing')).toEqual([]);
    await client.set('str', 'v');
    await expect(client.sMembers('str')).rejects.toThrow(/^WRONGTYPE/);
  });

  it('sPop, sPopCount, sRandMember, sRandMemberCount', async () => {
    const { client } = h();
    expect(await client.sPop('missing')).toBeNull();
    expect(await client.sRandMember('missing')).toBeNull();
    await client.sAdd('s', ['a', 'b', 'c', 'd']);
    expect(['a', 'b', 'c', 'd']).toContain(await client.sRandMember('s'));
    expect(await client.sRandMemberCount('s', -7)).toHaveLength(7);
    const popped = await client.sPopCount('s', 2);
    expect(h().lastSent()).toEqual(['SPOP', 's', '2']);
    expect(new Set(popped).size).toBe(2);
    const one = await client.sPop('s');
    expect(one).not.toBeNull();
    expect(await client.sCard('s')).toBe(1);
    expect([...popped, one]).not.toContain((await client.sMembers('s'))[0]);
  });

  it('sMove and the algebra with its STORE forms', async () => {
    const { client } = h();
    await client.sAdd('a', ['1', '2', '3']);
    await client.sAdd('b', ['2', '3', '4']);
    expect(await client.sInter(['a', 'b'])).toEqual(['2', '3']);
    expect(await client.sUnion(['a', 'b'])).toEqual(['1', '2', '3', '4']);
    expect(await client.sDiff(['a', 'b'])).toEqual(['1']);
    expect(await client.sInterStore('i', ['a', 'b'])).toBe(2);
    expect(await client.sUnionStore('u', ['a', 'b'])).toBe(4);
    expect(await client.sDiffStore('d', 'a')).toBe(3);
    expect(await client.sInterCard(['a', 'b'])).toBe(2);
    expect(h().lastSent()).toEqual(['SINTERCARD', '2', 'a', 'b']);
    expect(await client.sInterCard(['a', 'b'], { LIMIT: 1 })).toBe(1);
    expect(h().lastSent()).toEqual(['SINTERCARD', '2', 'a', 'b', 'LIMIT', '1']);
    expect(await client.sMove('a', 'b', '1')).toBe(true);
    expect(await client.sMove('a', 'b', '1')).toBe(false);
    expect(await client.sIsMember('b', '1')).toBe(true);
  });

  it('sScan and sScanIterator walk every member', async () => {
    const { client } = h();
    await client.sAdd('s', Array.from({ length: 700 }, (_, i) => `m${i}`));
    const step = await client.sScan('s', 0, { COUNT: 10 });
    expect(typeof step.cursor).toBe('number');
    expect(h().lastSent()).toEqual(['SSCAN', 's', '0', 'COUNT', '10']);
    const seen = new Set<string>();
    for await (const member of client.sScanIterator('s', { MATCH: 'm1*', COUNT: 30 })) seen.add(member);
    expect(seen).toEqual(new Set(Array.from({ length: 700 }, (_, i) => `m${i}`).filter((m) => m.startsWith('m1'))));
  });

  it('multi() queues set and hash methods', async () => {
    const { client } = h();
    const replies = await client.multi().sAdd('s', ['x', 'y']).sCard('s').hSet('h', { f: 'v' }).hGetAll('h').exec();
    expect(replies).toEqual([2, 2, 1, { f: 'v' }]);
  });
});
