import { describe, expect, it } from 'vitest';
import { ReplyError } from '../../../src/index.js';
import { T0, errorOf, setup } from './string.support.js';

describe('INCR, DECR, INCRBY, DECRBY', () => {
  it('INCR against non existing key, against key created by incr itself, DECR', () => {
    const { r } = setup();
    expect(r('INCR', 'novar')).toBe(1);
    expect(r('GET', 'novar')).toBe('1');
    expect(r('INCR', 'novar')).toBe(2);
    expect(r('DECR', 'novar')).toBe(1);
    expect(r('DECR', 'other')).toBe(-1);
    expect(r('INCRBY', 'novar', '100')).toBe(101);
    expect(r('DECRBY', 'novar', '1000')).toBe(-899);
  });

  it('INCR over 32bit value and past 2^53 (bigint replies)', () => {
    const { r } = setup();
    r('SET', 'n', '17179869184');
    expect(r('INCR', 'n')).toBe(17179869185);
    expect(r('INCRBY', 'n', '17179869184')).toBe(34359738369);
    r('SET', 'big', '9007199254740991');
    expect(r('INCR', 'big')).toBe(9007199254740992n);
    expect(r('INCRBY', 'big', '9223372036854775807')).toBeInstanceOf(ReplyError);
    expect(r('DECRBY', 'big', '9007199254740992')).toBe(0);
  });

  it('INCR fails against key with spaces, leading +, leading zeros, a float', () => {
    const { r } = setup();
    for (const value of [' 11', '11 ', ' 11 ', '+1', '01', '1.5', '', '9223372036854775808']) {
      r('SET', 'k', value);
      expect(errorOf(r('INCR', 'k'))).toBe('ERR value is not an integer or out of range');
    }
    expect(errorOf(r('INCRBY', 'k', 'x'))).toBe('ERR value is not an integer or out of range');
  });

  it('INCR and DECR overflow at the int64 limits', () => {
    const { r } = setup();
    r('SET', 'k', '9223372036854775807');
    expect(errorOf(r('INCR', 'k'))).toBe('ERR increment or decrement would overflow');
    r('SET', 'k', '-9223372036854775808');
    expect(errorOf(r('DECR', 'k'))).toBe('ERR increment or decrement would overflow');
    expect(r('INCRBY', 'k', '9223372036854775807')).toBe(-1);
  });

  it('DECRBY negation overflow', () => {
    const { r, putList } = setup();
    r('SET', 'x', '0');
    expect(errorOf(r('DECRBY', 'x', '-9223372036854775808'))).toBe('ERR decrement would overflow');
    putList('L');
    expect(errorOf(r('DECRBY', 'L', '-9223372036854775808'))).toBe('ERR decrement would overflow');
    expect(r('DECRBY', 'x', '-9223372036854775807')).toBe(9223372036854775807n);
  });

  it('INCR fails against a key holding a list', () => {
    const { r, putList } = setup();
    putList('L');
    expect(errorOf(r('INCR', 'L'))).toMatch(/^WRONGTYPE/);
    expect(errorOf(r('DECRBY', 'L', '1'))).toMatch(/^WRONGTYPE/);
  });

  it('INCR keeps the TTL, publishes incrby, is logged as is; incr operation should update encoding from raw to int', () => {
    const { r, entry, effects, events, notifyAll } = setup();
    notifyAll();
    r('SET', 'k', '1', 'EX', '100');
    r('APPEND', 'k', '0');
    expect(entry('k')!.encoding).toBe('raw');
    expect(r('INCR', 'k')).toBe(11);
    expect(entry('k')!.encoding).toBeUndefined();
    expect(entry('k')!.expireAt).toBe(T0 + 100_000);
    expect(effects.at(-1)).toEqual(['INCR', 'k']);
    expect(events.at(-1)).toBe('incrby k');
  });
});

describe('INCRBYFLOAT', () => {
  it('INCRBYFLOAT against non existing key and a key set with SET', () => {
    const { r } = setup();
    expect(r('INCRBYFLOAT', 'novar', '1')).toBe('1');
    expect(r('INCRBYFLOAT', 'novar', '0.25')).toBe('1.25');
    r('SET', 'x', '1.5');
    expect(r('INCRBYFLOAT', 'x', '1.5')).toBe('3');
    expect(r('INCRBYFLOAT', 'x', '-1.1')).toBe('1.9');
    r('SET', 'x', '0.1');
    expect(r('INCRBYFLOAT', 'x', '0.2')).toBe('0.3');
    expect(r('INCRBYFLOAT', 'x', '-0.3')).toBe('0');
  });

  it('INCRBYFLOAT over 32bit value and with exponents', () => {
    const { r } = setup();
    r('SET', 'n', '17179869184');
    expect(r('INCRBYFLOAT', 'n', '1.5')).toBe('17179869185.5');
    expect(r('INCRBYFLOAT', 'n', '17179869184')).toBe('34359738369.5');
    expect(r('INCRBYFLOAT', 'e', '1e20')).toBe('100000000000000000000');
    expect(r('INCRBYFLOAT', 't', '5e-20')).toBe('0');
  });

  it('INCRBYFLOAT fails against key with spaces, a key holding a list, bad increments', () => {
    const { r, putList } = setup();
    for (const value of [' 11', '11 ', ' 11 ', 'abc', '1e', 'nan']) {
      r('SET', 'k', value);
      expect(errorOf(r('INCRBYFLOAT', 'k', '1'))).toBe('ERR value is not a valid float');
    }
    r('SET', 'k', '1');
    expect(errorOf(r('INCRBYFLOAT', 'k', 'x'))).toBe('ERR value is not a valid float');
    putList('L');
    expect(errorOf(r('INCRBYFLOAT', 'L', '1'))).toMatch(/^WRONGTYPE/);
  });

  it('INCRBYFLOAT does not allow NaN or Infinity', () => {
    const { r } = setup();
    r('SET', 'k', '0');
    expect(errorOf(r('INCRBYFLOAT', 'k', '+inf'))).toBe('ERR increment would produce NaN or Infinity');
    r('SET', 'k', '1e4932');
    expect(errorOf(r('INCRBYFLOAT', 'k', '1e4932'))).toBe('ERR increment would produce NaN or Infinity');
    expect(r('GET', 'k')).toBe('1e4932');
  });

  it('string to double with null terminator', () => {
    const { conn } = setup();
    conn.callSync(['SET', 'k', '1']);
    conn.callSync(['SETRANGE', 'k', '2', '2']);
    expect(errorOf(conn.callSync(['INCRBYFLOAT', 'k', '1']))).toBe('ERR value is not a valid float');
  });

  it('No negative zero', () => {
    const { r } = setup();
    r('INCRBYFLOAT', 'k', '1.5');
    expect(r('INCRBYFLOAT', 'k', '-1.5')).toBe('0');
    expect(r('INCRBYFLOAT', 'm', '-1e-30')).toBe('0');
  });

  it('INCRBYFLOAT is logged as SET KEEPTTL, keeps the TTL, stores embstr', () => {
    const { r, effects, entry, events, notifyAll } = setup();
    notifyAll();
    r('SET', 'k', '10', 'EX', '100');
    expect(r('INCRBYFLOAT', 'k', '5')).toBe('15');
    expect(effects.at(-1)).toEqual(['set', 'k', '15', 'KEEPTTL']);
    expect(entry('k')!.expireAt).toBe(T0 + 100_000);
    expect(entry('k')!.encoding).toBe('embstr');
    expect(events.at(-1)).toBe('incrbyfloat k');
    r('INCRBYFLOAT', 'big', '1.5e300');
    expect(entry('big')!.encoding).toBe('raw');
  });
});

describe('LCS', () => {
  const rna1 = 'CACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTTCGTCCGGGTGTG';
  const rna2 = 'ATTAAAGGTTTATACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT';
  const rnalcs = 'ACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT';

  it('LCS basic, LCS len', () => {
    const { r } = setup();
    r('MSET', 'virus1', rna1, 'virus2', rna2);
    expect(r('LCS', 'virus1', 'virus2')).toBe(rnalcs);
    expect(r('LCS', 'virus1', 'virus2', 'LEN')).toBe(rnalcs.length);
  });

  it('LCS indexes, with match len, with minimum match len', () => {
    const { r } = setup();
    r('MSET', 'virus1', rna1, 'virus2', rna2);
    expect(r('LCS', 'virus1', 'virus2', 'IDX')).toEqual([
      'matches', [[[238, 238], [239, 239]], [[236, 236], [238, 238]], [[229, 230], [236, 237]], [[224, 224], [235, 235]], [[1, 222], [13, 234]]], 'len', 227,
    ]);
    expect(r('LCS', 'virus1', 'virus2', 'IDX', 'WITHMATCHLEN')).toEqual([
      'matches', [[[238, 238], [239, 239], 1], [[236, 236], [238, 238], 1], [[229, 230], [236, 237], 2], [[224, 224], [235, 235], 1], [[1, 222], [13, 234], 222]], 'len', 227,
    ]);
    expect(r('LCS', 'virus1', 'virus2', 'IDX', 'WITHMATCHLEN', 'MINMATCHLEN', '5')).toEqual(['matches', [[[1, 222], [13, 234], 222]], 'len', 227]);
  });

  it('LCS option and type errors', () => {
    const { r, putList } = setup();
    r('SET', 'a', 'x');
    putList('L');
    expect(errorOf(r('LCS', 'a', 'L', 'BAD'))).toBe('ERR The specified keys must contain string values');
    expect(errorOf(r('LCS', 'a', 'b', 'BAD'))).toBe('ERR syntax error');
    expect(errorOf(r('LCS', 'a', 'b', 'MINMATCHLEN'))).toBe('ERR syntax error');
    expect(errorOf(r('LCS', 'a', 'b', 'MINMATCHLEN', 'x'))).toBe('ERR value is not an integer or out of range');
    expect(errorOf(r('LCS', 'a', 'b', 'LEN', 'IDX'))).toBe('ERR If you want both the length and indexes, please just use IDX.');
    expect(r('LCS', 'a', 'missing', 'IDX')).toEqual(['matches', [], 'len', 0]);
    r('CONFIG', 'SET', 'proto-max-bulk-len', '1mb');
    r('MSET', 'a', 'x'.repeat(600), 'b', 'y'.repeat(600));
    expect(errorOf(r('LCS', 'a', 'b'))).toBe('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
  });
});

