import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/index.js';
import { typeOps } from '../../../src/engine/type-ops.js';
import { errorOf, setup } from './string.support.js';

/** A zset from score/member pairs. */
function withZset(pairs: (string | number)[]) {
  const s = setup();
  s.r('ZADD', 'z', ...pairs.map(String));
  return s;
}

describe('ZADD', () => {
  it('ZSET basic ZADD and score update', () => {
    const { r } = setup();
    expect(r('ZADD', 'ztmp', '10', 'x')).toBe(1);
    expect(r('ZADD', 'ztmp', '20', 'y')).toBe(1);
    expect(r('ZADD', 'ztmp', '30', 'z')).toBe(1);
    expect(r('ZRANGE', 'ztmp', '0', '-1')).toEqual(['x', 'y', 'z']);
    expect(r('ZADD', 'ztmp', '1', 'y')).toBe(0);
    expect(r('ZRANGE', 'ztmp', '0', '-1')).toEqual(['y', 'x', 'z']);
  });

  it('ZADD XX option without key', () => {
    const { r } = setup();
    expect(r('ZADD', 'ztmp', 'XX', '10', 'x')).toBe(0);
    expect(r('TYPE', 'ztmp')).toBe('none');
  });

  it('ZADD XX existing key, and XX returns the number of elements actually added', () => {
    const { r } = withZset([10, 'x']);
    expect(r('ZADD', 'z', 'XX', '20', 'y')).toBe(0);
    expect(r('ZADD', 'z', 'XX', '5', 'x', '30', 'z')).toBe(0);
    expect(r('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toEqual(['x', '5']);
  });

  it('ZADD NX only add new elements without updating old ones', () => {
    const { r } = withZset([10, 'x', 20, 'y']);
    expect(r('ZADD', 'z', 'NX', '11', 'x', '21', 'y', '100', 'a', '200', 'b')).toBe(2);
    expect(r('ZSCORE', 'z', 'x')).toBe('10');
    expect(r('ZSCORE', 'z', 'a')).toBe('100');
  });

  it('ZADD GT updates existing elements when new scores are greater; LT when lower', () => {
    const { r } = withZset([10, 'foo', 20, 'bar']);
    expect(r('ZADD', 'z', 'GT', 'CH', '5', 'foo', '30', 'bar', '1', 'new')).toBe(2);
    expect(r('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toEqual(['new', '1', 'foo', '10', 'bar', '30']);
    expect(r('ZADD', 'z', 'LT', 'CH', '5', 'foo', '40', 'bar')).toBe(1);
    expect(r('ZSCORE', 'z', 'foo')).toBe('5');
    expect(r('ZSCORE', 'z', 'bar')).toBe('30');
  });

  it('ZADD XX and NX, GT and LT, NX with GT or LT are not compatible', () => {
    const { r } = setup();
    expect(errorOf(r('ZADD', 'z', 'XX', 'NX', '10', 'x'))).toBe('ERR XX and NX options at the same time are not compatible');
    for (const flags of [['GT', 'LT'], ['NX', 'GT'], ['LT', 'NX']]) {
      expect(errorOf(r('ZADD', 'z', ...flags, '10', 'x'))).toBe('ERR GT, LT, and/or NX options at the same time are not compatible');
    }
    expect(r('EXISTS', 'z')).toBe(0);
  });

  it('ZADD INCR works like ZINCRBY, with a single score-element pair only', () => {
    const { r } = withZset([10, 'x', 20, 'y']);
    expect(r('ZADD', 'z', 'INCR', '15', 'x')).toBe('25');
    expect(errorOf(r('ZADD', 'z', 'INCR', '1', 'x', '2', 'y'))).toBe('ERR INCR option supports a single increment-element pair');
  });

  it('ZADD INCR LT/GT replies with nil if score not updated', () => {
    const { r } = withZset([28, 'x']);
    expect(r('ZADD', 'z', 'LT', 'INCR', '1', 'x')).toBeNull();
    expect(r('ZSCORE', 'z', 'x')).toBe('28');
    expect(r('ZADD', 'z', 'GT', 'INCR', '-1', 'x')).toBeNull();
    expect(r('ZADD', 'z', 'GT', 'INCR', '2', 'x')).toBe('30');
  });

  it('ZADD CH option changes return value to all changed elements', () => {
    const { r } = withZset([10, 'x', 20, 'y', 30, 'z']);
    expect(r('ZADD', 'z', '11', 'x', '21', 'y', '30', 'z')).toBe(0);
    expect(r('ZADD', 'z', 'CH', '12', 'x', '22', 'y', '30', 'z')).toBe(2);
  });

  it('ZINCRBY calls leading to NaN result in error', () => {
    const { r } = setup();
    r('ZINCRBY', 'myzset', '+inf', 'abc');
    expect(errorOf(r('ZINCRBY', 'myzset', '-inf', 'abc'))).toBe('ERR resulting score is not a number (NaN)');
    expect(r('ZSCORE', 'myzset', 'abc')).toBe('inf');
  });

  it('ZADD - Variadic version will raise error on missing arg; scores are validated first', () => {
    const { r } = setup();
    expect(errorOf(r('ZADD', 'z', '10', 'a', '20', 'b', '30'))).toBe('ERR syntax error');
    expect(errorOf(r('ZADD', 'z', '10', 'a', 'x', 'b'))).toBe('ERR value is not a valid float');
    expect(r('EXISTS', 'z')).toBe(0);
    expect(errorOf(r('ZADD', 'z', 'nan', 'a'))).toBe('ERR value is not a valid float');
  });

  it('ZINCRBY does not work variadic even if shares ZADD implementation', () => {
    const { r } = setup();
    expect(errorOf(r('ZINCRBY', 'z', '10', 'a', '20', 'b'))).toMatch(/^ERR wrong number of arguments/);
  });

  it('ZADD against a key of another type is WRONGTYPE', () => {
    const { r } = setup();
    r('SET', 's', 'v');
    expect(errorOf(r('ZADD', 's', '1', 'a'))).toMatch(/^WRONGTYPE/);
    expect(errorOf(r('ZSCORE', 's', 'a'))).toMatch(/^WRONGTYPE/);
    expect(errorOf(r('ZRANGE', 's', '0', '1'))).toMatch(/^WRONGTYPE/);
  });
});

describe('scores', () => {
  it('scores print as Redis 7.0 prints doubles (%.17g)', () => {
    const { r } = setup();
    const cases: [string, string][] = [
      ['0.1', '0.10000000000000001'], ['1e20', '1e+20'], ['1.5e-7', '1.4999999999999999e-07'], ['3.0', '3'], ['1e16', '10000000000000000'],
      ['1e17', '1e+17'], ['123456789012345678', '1.2345678901234568e+17'], ['-1e-5', '-1.0000000000000001e-05'], ['1e-4', '0.0001'],
      ['inf', 'inf'], ['-Infinity', '-inf'], ['0x10', '16'], ['5e-324', '4.9406564584124654e-324'],
    ];
    for (const [input, printed] of cases) {
      r('ZADD', 'z', input, 'm');
      expect(r('ZSCORE', 'z', 'm'), input).toBe(printed);
    }
  });

  it('a listpack keeps -0 as 0, a skiplist keeps -0', () => {
    const { r } = setup();
    r('ZADD', 'small', '-0', 'm');
    expect(r('ZSCORE', 'small', 'm')).toBe('0');
    r('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    r('ZADD', 'big', '-0', 'm');
    expect(r('OBJECT', 'ENCODING', 'big')).toBe('skiplist');
    expect(r('ZSCORE', 'big', 'm')).toBe('-0');
  });

  it('ZADD INCR of -0 on a new member replies -0 though a listpack stores 0', () => {
    const { r } = setup();
    expect(r('ZADD', 'z', 'INCR', 'NX', '-0.0', 'd')).toBe('-0');
    expect(r('ZSCORE', 'z', 'd')).toBe('0');
    expect(r('ZINCRBY', 'z', '-0', 'd')).toBe('0');
  });

  it('ZSCAN of a listpack prints whole scores within ±2^62 as the integers it stores', () => {
    const { r } = setup();
    r('ZADD', 'z', '123456789012345678', 'a', '4611686018427388928', 'b', '2.5', 'c', '-1e17', 'd');
    expect(r('ZSCAN', 'z', '0')).toEqual(['0', ['d', '-100000000000000000', 'c', '2.5', 'a', '123456789012345680', 'b', '4.6116860184273889e+18']]);
    expect(r('ZRANGE', 'z', '0', '0', 'WITHSCORES')).toEqual(['d', '-1e+17']);
  });

  it('ZRANGEBYSCORE with non-value min or max', () => {
    const { r } = setup();
    for (const [min, max] of [['str', '1'], ['1', 'str'], ['1', 'NaN'], ['(nan', '1'], ['1 ', '2']]) {
      expect(errorOf(r('ZRANGEBYSCORE', 'fooz', min, max))).toBe('ERR min or max is not a float');
    }
    // strtod skips leading spaces and an empty bound reads as 0.
    r('ZADD', 'z', '0', 'zero', '2', 'two');
    expect(r('ZRANGEBYSCORE', 'z', ' 2', '+inf')).toEqual(['two']);
    expect(r('ZRANGEBYSCORE', 'z', '', '(2')).toEqual(['zero']);
  });

  it('ZRANGEBYLEX with invalid lex range specifiers', () => {
    const { r } = setup();
    for (const [min, max] of [['foo', 'bar'], ['[foo', 'bar'], ['foo', '[bar'], ['+x', '[bar'], ['-x', '+y']]) {
      expect(errorOf(r('ZRANGEBYLEX', 'fooz', min, max))).toBe('ERR min or max not valid string range item');
    }
  });
});

describe('ZCARD, ZREM, ZRANK, ZSCORE, ZMSCORE', () => {
  it('ZCARD basics and ZREM removes key after last element is removed', () => {
    const { r } = withZset([10, 'x', 20, 'y']);
    expect(r('ZCARD', 'z')).toBe(2);
    expect(r('ZCARD', 'nokey')).toBe(0);
    expect(r('ZREM', 'z', 'z', 'x', 'x')).toBe(1);
    expect(r('ZREM', 'z', 'y')).toBe(1);
    expect(r('EXISTS', 'z')).toBe(0);
  });

  it('ZRANK/ZREVRANK basics, after deletion, and WITHSCORE refused as in 7.0', () => {
    const { r } = withZset([10, 'x', 20, 'y', 30, 'z']);
    expect([r('ZRANK', 'z', 'x'), r('ZRANK', 'z', 'y'), r('ZRANK', 'z', 'z'), r('ZRANK', 'z', 'foo')]).toEqual([0, 1, 2, null]);
    expect([r('ZREVRANK', 'z', 'x'), r('ZREVRANK', 'z', 'z')]).toEqual([2, 0]);
    r('ZREM', 'z', 'y');
    expect(r('ZRANK', 'z', 'z')).toBe(1);
    expect(errorOf(r('ZRANK', 'z', 'x', 'WITHSCORE'))).toMatch(/^ERR wrong number of arguments for 'zrank'/);
  });

  it('ZMSCORE retrieve, with missing members and a missing key', () => {
    const { r } = withZset([10, 'x', 20, 'y']);
    expect(r('ZMSCORE', 'z', 'x', 'nope', 'y')).toEqual(['10', null, '20']);
    expect(r('ZMSCORE', 'nokey', 'x', 'y')).toEqual([null, null]);
  });
});

describe('ranges', () => {
  const base = [1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e'];

  it('ZRANGE basics and ZREVRANGE basics', () => {
    const { r } = withZset(base);
    expect(r('ZRANGE', 'z', '0', '-1')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(r('ZRANGE', 'z', '1', '-2')).toEqual(['b', 'c', 'd']);
    expect(r('ZRANGE', 'z', '-10', '1')).toEqual(['a', 'b']);
    expect(r('ZRANGE', 'z', '3', '1')).toEqual([]);
    expect(r('ZRANGE', 'z', '0', '0', 'WITHSCORES')).toEqual(['a', '1']);
    expect(r('ZREVRANGE', 'z', '0', '1', 'WITHSCORES')).toEqual(['e', '5', 'd', '4']);
    expect(r('ZRANGE', 'z', '0', '1', 'REV')).toEqual(['e', 'd']);
  });

  it('ZRANGEBYSCORE/ZREVRANGEBYSCORE/ZCOUNT basics, exclusive bounds and LIMIT', () => {
    const { r } = withZset(base);
    expect(r('ZRANGEBYSCORE', 'z', '(1', '4')).toEqual(['b', 'c', 'd']);
    expect(r('ZREVRANGEBYSCORE', 'z', '4', '(1')).toEqual(['d', 'c', 'b']);
    expect(r('ZCOUNT', 'z', '-inf', '(3')).toBe(2);
    expect(r('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '1', '2')).toEqual(['b', 'c']);
    expect(r('ZREVRANGEBYSCORE', 'z', '+inf', '-inf', 'LIMIT', '1', '2', 'WITHSCORES')).toEqual(['d', '4', 'c', '3']);
    expect(r('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '-1', '2')).toEqual([]);
    expect(r('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '3', '-1')).toEqual(['d', 'e']);
    expect(r('ZRANGE', 'z', '(4', '+inf', 'BYSCORE')).toEqual(['e']);
    expect(errorOf(r('ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1'))).toBe('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  });

  it('ZRANGEBYLEX/ZREVRANGEBYLEX/ZLEXCOUNT basics', () => {
    const { r } = setup();
    r('ZADD', 'l', '0', 'alpha', '0', 'bar', '0', 'cool', '0', 'down', '0', 'elephant', '0', 'foo', '0', 'great', '0', 'hill', '0', 'omega');
    expect(r('ZRANGEBYLEX', 'l', '-', '[cool')).toEqual(['alpha', 'bar', 'cool']);
    expect(r('ZRANGEBYLEX', 'l', '[bar', '(down')).toEqual(['bar', 'cool']);
    expect(r('ZRANGEBYLEX', 'l', '(great', '+')).toEqual(['hill', 'omega']);
    expect(r('ZREVRANGEBYLEX', 'l', '[cool', '-')).toEqual(['cool', 'bar', 'alpha']);
    expect(r('ZLEXCOUNT', 'l', '[ele', '(hill')).toBe(3);
    expect(r('ZRANGEBYLEX', 'l', '-', '+', 'LIMIT', '2', '3')).toEqual(['cool', 'down', 'elephant']);
    expect(errorOf(r('ZRANGE', 'l', '-', '+', 'BYLEX', 'WITHSCORES'))).toBe('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  });

  it('ZREMRANGEBYSCORE, ZREMRANGEBYRANK and ZREMRANGEBYLEX basics', () => {
    const { r } = withZset(base);
    expect(r('ZREMRANGEBYSCORE', 'z', '(1', '(3')).toBe(1);
    expect(r('ZREMRANGEBYRANK', 'z', '-1', '-1')).toBe(1);
    expect(r('ZRANGE', 'z', '0', '-1')).toEqual(['a', 'c', 'd']);
    expect(r('ZREMRANGEBYLEX', 'z', '-', '+')).toBe(3);
    expect(r('EXISTS', 'z')).toBe(0);
    expect(errorOf(r('ZREMRANGEBYSCORE', 'z', 'x', '1'))).toBe('ERR min or max is not a float');
  });

  it('ZRANGESTORE basic, BYLEX, REV, and an empty range deleting the destination', () => {
    const { r } = withZset(base);
    expect(r('ZRANGESTORE', 'dst', 'z', '0', '-1', 'REV')).toBe(5);
    expect(r('ZRANGE', 'dst', '0', '-1')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(r('ZRANGESTORE', 'dst', 'z', '[b', '[c', 'BYLEX')).toBe(2);
    expect(r('ZRANGESTORE', 'dst', 'z', '4', '+inf', 'BYSCORE', 'LIMIT', '1', '5')).toBe(1);
    expect(r('ZRANGE', 'dst', '0', '-1', 'WITHSCORES')).toEqual(['e', '5']);
    expect(r('ZRANGESTORE', 'dst', 'z', '5', '1')).toBe(0);
    expect(r('EXISTS', 'dst')).toBe(0);
    expect(errorOf(r('ZRANGESTORE', 'dst', 'z', '0', '-1', 'WITHSCORES'))).toBe('ERR syntax error');
  });
});

describe('pops', () => {
  it('ZPOPMIN/ZPOPMAX with the count argument, deleting the emptied key', () => {
    const { r } = withZset([1, 'a', 2, 'b', 3, 'c']);
    expect(r('ZPOPMIN', 'z')).toEqual(['a', '1']);
    expect(r('ZPOPMAX', 'z', '5')).toEqual(['c', '3', 'b', '2']);
    expect(r('EXISTS', 'z')).toBe(0);
    expect(r('ZPOPMIN', 'z')).toEqual([]);
    expect(errorOf(r('ZPOPMIN', 'z', '-1'))).toBe('ERR value is out of range, must be positive');
  });

  it('ZMPOP with illegal argument, with a missing key, and across keys', () => {
    const { r } = withZset([1, 'a', 2, 'b']);
    expect(errorOf(r('ZMPOP', '0', 'z', 'MIN'))).toBe('ERR numkeys should be greater than 0');
    expect(errorOf(r('ZMPOP', '1', 'z', 'MIN', 'COUNT', '0'))).toBe('ERR count should be greater than 0');
    expect(errorOf(r('ZMPOP', '2', 'z', 'MIN'))).toBe('ERR syntax error');
    expect(r('ZMPOP', '1', 'nokey', 'MIN')).toBeNull();
    expect(r('ZMPOP', '2', 'nokey', 'z', 'MAX', 'COUNT', '10')).toEqual(['z', [['b', '2'], ['a', '1']]]);
  });

  it('pops are logged as ZPOPMIN/ZPOPMAX with the count popped', () => {
    const { r, effects } = withZset([1, 'a', 2, 'b', 3, 'c']);
    effects.length = 0;
    r('ZMPOP', '2', 'nokey', 'z', 'MIN', 'COUNT', '2');
    r('ZPOPMAX', 'z');
    expect(effects).toEqual([['ZPOPMIN', 'z', '2'], ['ZPOPMAX', 'z']]);
  });
});

describe('algebra', () => {
  it('ZUNIONSTORE against non-existing key doesn\'t set destination', () => {
    const { r } = setup();
    expect(r('ZUNIONSTORE', 'dst', '1', 'nokey')).toBe(0);
    expect(r('EXISTS', 'dst')).toBe(0);
    expect(r('ZUNION', '1', 'nokey')).toEqual([]);
    expect(r('ZINTERCARD', '1', 'nokey')).toBe(0);
  });

  it('ZUNIONSTORE with weights and AGGREGATE MIN/MAX; ZINTERSTORE; ZDIFFSTORE', () => {
    const { r } = setup();
    r('ZADD', 'a', '1', 'x', '2', 'y');
    r('ZADD', 'b', '10', 'y', '20', 'z');
    expect(r('ZUNIONSTORE', 'u', '2', 'a', 'b', 'WEIGHTS', '2', '3')).toBe(3);
    expect(r('ZRANGE', 'u', '0', '-1', 'WITHSCORES')).toEqual(['x', '2', 'y', '34', 'z', '60']);
    expect(r('ZUNION', '2', 'a', 'b', 'AGGREGATE', 'MIN', 'WITHSCORES')).toEqual(['x', '1', 'y', '2', 'z', '20']);
    expect(r('ZINTER', '2', 'a', 'b', 'AGGREGATE', 'MAX', 'WITHSCORES')).toEqual(['y', '10']);
    expect(r('ZDIFFSTORE', 'd', '2', 'a', 'b')).toBe(1);
    expect(r('ZRANGE', 'd', '0', '-1')).toEqual(['x']);
  });

  it('ZINTERSTORE with +inf/-inf scores and NaN weights counting as 0', () => {
    const { r } = setup();
    r('ZADD', 'a', 'inf', 'x', '-inf', 'y');
    r('ZADD', 'b', '-inf', 'x', '-inf', 'y');
    expect(r('ZINTER', '2', 'a', 'b', 'WITHSCORES')).toEqual(['y', '-inf', 'x', '0']);
    expect(r('ZUNION', '1', 'a', 'WEIGHTS', '0', 'WITHSCORES')).toEqual(['x', '0', 'y', '0']);
  });

  it('sets are inputs with score 1', () => {
    const { r } = setup();
    r('SADD', 's', 'x', 'y');
    r('ZADD', 'a', '5', 'x');
    expect(r('ZUNION', '2', 's', 'a', 'WITHSCORES')).toEqual(['y', '1', 'x', '6']);
    expect(r('ZINTERCARD', '2', 's', 'a')).toBe(1);
  });
});

describe('encodings, ZRANDMEMBER, ZSCAN', () => {
  it('OBJECT ENCODING turns from listpack to skiplist past zset-max-listpack-entries, one way', () => {
    const { r } = setup();
    for (let i = 0; i < 128; i++) r('ZADD', 'z', String(i), `m${i}`);
    expect(r('OBJECT', 'ENCODING', 'z')).toBe('listpack');
    r('ZADD', 'z', '999', 'one-more');
    expect(r('OBJECT', 'ENCODING', 'z')).toBe('skiplist');
    r('ZREMRANGEBYRANK', 'z', '0', '-3');
    expect(r('OBJECT', 'ENCODING', 'z')).toBe('skiplist');
  });

  it('ZRANDMEMBER with <count>: distinct for a positive count, repeats for a negative one', () => {
    const { r } = withZset([1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e']);
    const distinct = r('ZRANDMEMBER', 'z', '3') as string[];
    expect(new Set(distinct).size).toBe(3);
    const repeated = r('ZRANDMEMBER', 'z', '-20', 'WITHSCORES') as string[];
    expect(repeated).toHaveLength(40);
    for (let i = 0; i < repeated.length; i += 2) expect(r('ZSCORE', 'z', repeated[i]!)).toBe(repeated[i + 1]);
    expect((r('ZRANDMEMBER', 'z', '10') as string[]).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    // Past 16M repeated elements the reply is refused rather than built.
    expect(errorOf(r('ZRANDMEMBER', 'z', '-100000000'))).toMatch(/^ERR reply too large/);
  });

  it('ZSCAN of a skiplist returns every member present for the whole scan', () => {
    const { r } = setup();
    for (let i = 0; i < 500; i++) r('ZADD', 'z', String(i), `m${i}`);
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const [next, items] = r('ZSCAN', 'z', cursor, 'COUNT', '20') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.add(items[i]!);
      // Churn between calls: remove members >= 400, add new ones.
      r('ZREM', 'z', `m${400 + round}`);
      r('ZADD', 'z', '1', `new${round++}`);
      cursor = next;
    } while (cursor !== '0');
    for (let i = 0; i < 400; i++) expect(seen.has(`m${i}`)).toBe(true);
  });
});

describe('keyspace events', () => {
  it('zadd, zincr, zrem, zremrangeby*, zpop*, store events, and del when emptied', () => {
    const { r, events, notifyAll } = setup();
    notifyAll();
    r('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    r('ZADD', 'z', '1', 'a');
    r('ZINCRBY', 'z', '1', 'a');
    r('ZREM', 'z', 'nope');
    r('ZREM', 'z', 'a');
    r('ZUNIONSTORE', 'u', '1', 'z');
    r('ZREMRANGEBYSCORE', 'z', '-inf', '2');
    r('ZPOPMAX', 'z');
    r('ZINTERSTORE', 'u', '1', 'nokey');
    r('ZRANGESTORE', 'r', 'nokey', '0', '-1');
    expect(events).toEqual([
      'new z', 'zadd z', 'zincr z', 'zrem z', 'new u', 'zunionstore u', 'zremrangebyscore z', 'zpopmax z', 'del z', 'del u',
    ]);
  });
});

describe('type ops', () => {
  it('the rewrite rebuilds the set (scores exact, 64 members per ZADD) and COPY keeps the encoding', () => {
    const { r, engine } = setup();
    r('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    const pairs: string[] = ['inf', 'top', '-inf', 'bottom', '-0', 'negzero', '0.1', 'tenth', '1e-300', 'tiny'];
    for (let i = 0; i < 150; i++) pairs.push(String(i / 3), `m${i}`);
    r('ZADD', 'z', ...pairs);
    const commands = typeOps(engine.db.peek('z')!).rewrite('z', engine.db.peek('z')!);
    expect(commands.every((argv) => argv[0] === 'ZADD' && argv.length <= 2 + 2 * 64)).toBe(true);
    const other = createEngine().connect();
    other.callSync(['CONFIG', 'SET', 'zset-max-listpack-entries', '0']);
    for (const argv of commands) other.callSync(argv);
    expect(other.callSync(['ZRANGE', 'z', '0', '-1', 'WITHSCORES'])).toEqual(r('ZRANGE', 'z', '0', '-1', 'WITHSCORES'));
    r('COPY', 'z', 'c');
    expect(r('OBJECT', 'ENCODING', 'c')).toBe('skiplist');
    expect(r('ZSCORE', 'c', 'negzero')).toBe('-0');
    r('ZADD', 'c', '5', 'top');
    expect(r('ZSCORE', 'z', 'top')).toBe('inf');
  });
});

describe('dirty count', () => {
  it('counts members changed, as server.dirty does in Redis (INFO rdb_changes_since_last_save)', () => {
    const { r, engine } = setup();
    const delta = (...argv: string[]) => {
      const before = engine.stats.dirty;
      r(...argv);
      return engine.stats.dirty - before;
    };
    expect(delta('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd')).toBe(4);
    expect(delta('ZADD', 'z', 'CH', '1', 'a', '5', 'b', '9', 'e')).toBe(2);
    expect(delta('ZPOPMIN', 'z', '2')).toBe(2);
    expect(delta('ZREM', 'z', 'd', 'nope')).toBe(1);
    expect(delta('ZUNIONSTORE', 'u', '1', 'z')).toBe(1);
    expect(delta('ZREMRANGEBYRANK', 'z', '0', '-1')).toBe(2);
  });
});

describe('MULTI', () => {
  it('WATCH is invalidated by changes only, as Redis signals only real modifications', () => {
    const { r, engine } = setup();
    const other = engine.connect();
    const write = (...argv: string[]) => other.callSync(argv);
    r('ZADD', 'z', '1', 'a');
    const watched = (change: () => unknown): unknown => {
      r('WATCH', 'z', 'dst');
      change();
      r('MULTI');
      r('PING');
      return r('EXEC');
    };
    // No-ops: nothing added, updated, removed or stored.
    expect(watched(() => write('ZADD', 'z', 'XX', '1', 'nope'))).toEqual(['PONG']);
    expect(watched(() => write('ZADD', 'z', '1', 'a'))).toEqual(['PONG']);
    expect(watched(() => write('ZREM', 'z', 'nope'))).toEqual(['PONG']);
    expect(watched(() => write('ZREMRANGEBYSCORE', 'z', '5', '10'))).toEqual(['PONG']);
    expect(watched(() => write('ZUNIONSTORE', 'dst', '1', 'nokey'))).toEqual(['PONG']);
    // ZINCRBY by 0 leaves the score as it was: not a change in Redis either.
    expect(watched(() => write('ZINCRBY', 'z', '0', 'a'))).toEqual(['PONG']);
    // Real changes.
    expect(watched(() => write('ZADD', 'z', '2', 'a'))).toBeNull();
    expect(watched(() => write('ZUNIONSTORE', 'dst', '1', 'z'))).toBeNull();
    expect(watched(() => write('ZPOPMIN', 'z'))).toBeNull();
  });

  it('sorted-set commands queue and run atomically in a transaction', () => {
    const { r } = setup();
    r('MULTI');
    r('ZADD', 'z', '1', 'a');
    r('ZINCRBY', 'z', '2', 'a');
    r('ZRANGE', 'z', '0', '-1', 'WITHSCORES');
    expect(r('EXEC')).toEqual([1, '3', ['a', '3']]);
  });
});
