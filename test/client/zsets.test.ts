import { expect, it } from 'vitest';
import { describeBackends } from './support.js';

describeBackends('sorted-set methods', (h, backend) => {
  it('zAdd takes one member or several, with NX / XX+GT / CH options', async () => {
    const { client } = h();
    expect(await client.zAdd('z', { score: 1, value: 'a' })).toBe(1);
    expect(h().lastSent()).toEqual(['ZADD', 'z', '1', 'a']);
    expect(await client.zAdd('z', [{ score: 2, value: 'b' }, { score: Infinity, value: 'top' }])).toBe(2);
    expect(h().lastSent()).toEqual(['ZADD', 'z', '2', 'b', '+inf', 'top']);
    expect(await client.zAdd('z', { score: 5, value: 'a' }, { NX: true })).toBe(0);
    expect(await client.zAdd('z', [{ score: 5, value: 'a' }, { score: 0, value: 'b' }], { XX: true, GT: true, CH: true })).toBe(1);
    expect(h().lastSent()).toEqual(['ZADD', 'z', 'XX', 'GT', 'CH', '5', 'a', '0', 'b']);
    expect(await client.zAddIncr('z', { score: 2, value: 'a' })).toBe(7);
    expect(await client.zAddIncr('z', { score: -1, value: 'a' }, { GT: true })).toBeNull();
    expect(await client.zIncrBy('z', 0.5, 'b')).toBe(2.5);
    expect(await client.zCard('z')).toBe(3);
  });

  it('exclusive ZADD options do not type-check together', () => {
    const { client } = h();
    const call = () => {
      // @ts-expect-error NX excludes XX.
      void client.zAdd('z', { score: 1, value: 'a' }, { NX: true, XX: true });
      // @ts-expect-error GT excludes LT.
      void client.zAdd('z', { score: 1, value: 'a' }, { GT: true, LT: true });
      // @ts-expect-error LIMIT needs BY.
      void client.zRange('z', 0, 1, { LIMIT: { offset: 0, count: 1 } });
    };
    expect(call).toBeTypeOf('function');
  });

  it('zScore and zmScore give numbers, infinities and null', async () => {
    const { client } = h();
    await client.zAdd('z', [{ score: 0.1, value: 'a' }, { score: -Infinity, value: 'low' }]);
    expect(await client.zScore('z', 'a')).toBe(0.1);
    expect(await client.zScore('z', 'low')).toBe(-Infinity);
    expect(await client.zScore('z', 'nope')).toBeNull();
    expect(await client.zmScore('z', ['a', 'nope'])).toEqual([0.1, null]);
    await client.set('str', 'v');
    await expect(client.zScore('str', 'a')).rejects.toThrow(/^WRONGTYPE/);
  });

  it('zRange by rank, score and lex; zRangeWithScores; zRangeStore', async () => {
    const { client } = h();
    await client.zAdd('z', [1, 2, 3, 4].map((score) => ({ score, value: `m${score}` })));
    expect(await client.zRange('z', 0, -1)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(await client.zRange('z', '(1', Infinity, { BY: 'SCORE', LIMIT: { offset: 1, count: 1 } })).toEqual(['m3']);
    expect(h().lastSent()).toEqual(['ZRANGE', 'z', '(1', '+inf', 'BYSCORE', 'LIMIT', '1', '1']);
    expect(await client.zRange('z', 0, 1, { REV: true })).toEqual(['m4', 'm3']);
    expect(await client.zRangeWithScores('z', 0, 0)).toEqual([{ value: 'm1', score: 1 }]);
    expect(await client.zRange('z', '[m2', '+', { BY: 'LEX' })).toEqual(['m2', 'm3', 'm4']);
    expect(await client.zRangeByScore('z', 2, 3)).toEqual(['m2', 'm3']);
    expect(await client.zRangeByScoreWithScores('z', -Infinity, 1)).toEqual([{ value: 'm1', score: 1 }]);
    expect(await client.zRevRangeByScore('z', 4, 3)).toEqual(['m4', 'm3']);
    expect(await client.zRevRange('z', 0, 0)).toEqual(['m4']);
    expect(await client.zRangeByLex('z', '-', '(m2')).toEqual(['m1']);
    expect(await client.zRangeStore('dst', 'z', 2, 4, { BY: 'SCORE' })).toBe(3);
    expect(h().lastSent()).toEqual(['ZRANGESTORE', 'dst', 'z', '2', '4', 'BYSCORE']);
    expect(await client.zCount('z', '(1', 3)).toBe(2);
    expect(await client.zLexCount('z', '-', '+')).toBe(4);
    expect(await client.zRank('z', 'm3')).toBe(2);
    expect(await client.zRevRank('z', 'm3')).toBe(1);
    expect(await client.zRank('z', 'nope')).toBeNull();
  });

  it('zPopMin/zPopMax, their count forms, and zmPop', async () => {
    const { client } = h();
    expect(await client.zPopMin('z')).toBeNull();
    await client.zAdd('z', [{ score: 1, value: 'a' }, { score: 2, value: 'b' }, { score: 3, value: 'c' }]);
    expect(await client.zPopMin('z')).toEqual({ value: 'a', score: 1 });
    expect(await client.zPopMaxCount('z', 1)).toEqual([{ value: 'c', score: 3 }]);
    expect(await client.zmPop(['nokey', 'z'], 'MIN', { COUNT: 5 })).toEqual({ key: 'z', elements: [{ value: 'b', score: 2 }] });
    expect(await client.zmPop('z', 'MAX')).toBeNull();
  });

  it('bzPopMin, bzPopMax and bzmPop: served at once, or null on timeout', async () => {
    const { client } = h();
    await client.zAdd('z', [{ score: 1, value: 'a' }, { score: 2, value: 'b' }, { score: 3, value: 'c' }]);
    expect(await client.bzPopMin(['nokey', 'z'], 1)).toEqual({ key: 'z', value: 'a', score: 1 });
    expect(await client.bzPopMax('z', 0)).toEqual({ key: 'z', value: 'c', score: 3 });
    expect(await client.bzmPop(0.5, 'z', 'MIN', { COUNT: 2 })).toEqual({ key: 'z', elements: [{ value: 'b', score: 2 }] });
    expect(h().lastSent()).toEqual(['BZMPOP', '0.5', '1', 'z', 'MIN', 'COUNT', '2']);
    const pending = client.bzPopMin('z', 0.01);
    if (backend.fakeClock) {
      // The engine runs on a fake clock here: move it past the deadline.
      await new Promise((resolve) => setTimeout(resolve, 0));
      h().advance(20);
      h().engine!.blocking.checkTimeouts();
    }
    expect(await pending).toBeNull();
  });

  it('zRem, zRemRangeBy* delete the emptied key', async () => {
    const { client } = h();
    await client.zAdd('z', [1, 2, 3, 4, 5].map((score) => ({ score, value: `m${score}` })));
    expect(await client.zRem('z', ['m1', 'nope'])).toBe(1);
    expect(await client.zRemRangeByRank('z', 0, 0)).toBe(1);
    expect(await client.zRemRangeByScore('z', '(3', Infinity)).toBe(2);
    expect(await client.zRemRangeByLex('z', '-', '+')).toBe(1);
    expect(await client.exists('z')).toBe(0);
  });

  it('zUnion, zInter, zDiff with weights and aggregates, their STORE forms, zInterCard', async () => {
    const { client } = h();
    await client.zAdd('a', [{ score: 1, value: 'x' }, { score: 2, value: 'y' }]);
    await client.zAdd('b', [{ score: 10, value: 'y' }, { score: 20, value: 'z' }]);
    expect(await client.zUnion(['a', 'b'])).toEqual(['x', 'y', 'z']);
    expect(await client.zUnionWithScores(['a', 'b'], { WEIGHTS: [2, 1], AGGREGATE: 'MAX' })).toEqual([
      { value: 'x', score: 2 }, { value: 'y', score: 10 }, { value: 'z', score: 20 },
    ]);
    expect(h().lastSent()).toEqual(['ZUNION', '2', 'a', 'b', 'WEIGHTS', '2', '1', 'AGGREGATE', 'MAX', 'WITHSCORES']);
    expect(await client.zInterWithScores(['a', 'b'])).toEqual([{ value: 'y', score: 12 }]);
    expect(await client.zInter('a')).toEqual(['x', 'y']);
    expect(await client.zDiff(['a', 'b'])).toEqual(['x']);
    expect(await client.zDiffWithScores(['b', 'a'])).toEqual([{ value: 'z', score: 20 }]);
    expect(await client.zUnionStore('u', ['a', 'b'], { AGGREGATE: 'MIN' })).toBe(3);
    expect(await client.zInterStore('i', ['a', 'b'])).toBe(1);
    expect(await client.zDiffStore('d', ['a', 'b'])).toBe(1);
    expect(await client.zInterCard(['a', 'b'])).toBe(1);
    expect(await client.zInterCard(['a', 'a'], { LIMIT: 1 })).toBe(1);
  });

  it('zRandMember and its count forms', async () => {
    const { client } = h();
    expect(await client.zRandMember('z')).toBeNull();
    await client.zAdd('z', [{ score: 1, value: 'a' }, { score: 2, value: 'b' }]);
    expect(['a', 'b']).toContain(await client.zRandMember('z'));
    expect((await client.zRandMemberCount('z', 5)).sort()).toEqual(['a', 'b']);
    const withScores = await client.zRandMemberCountWithScores('z', -4);
    expect(withScores).toHaveLength(4);
    for (const { value, score } of withScores) expect(score).toBe(value === 'a' ? 1 : 2);
  });

  it('zScan and zScanIterator walk every member with its score', async () => {
    const { client } = h();
    const members = Array.from({ length: 300 }, (_, i) => ({ score: i / 4, value: `m${i}` }));
    await client.zAdd('z', members);
    const first = await client.zScan('z', 0, { COUNT: 50 });
    expect(first.members.length).toBeGreaterThan(0);
    const seen = new Map<string, number>();
    for await (const { value, score } of client.zScanIterator('z', { COUNT: 40 })) seen.set(value, score);
    expect(seen.size).toBe(300);
    expect(seen.get('m7')).toBe(1.75);
  });

  it('sorted-set methods inside multi()', async () => {
    const { client } = h();
    const results = await client.multi().zAdd('z', { score: 1, value: 'a' }).zScore('z', 'a').zPopMin('z').exec();
    expect(results).toEqual([1, 1, { value: 'a', score: 1 }]);
  });
});
