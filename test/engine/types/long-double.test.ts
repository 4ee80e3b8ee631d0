import { describe, expect, it } from 'vitest';
import {
  LONG_DOUBLE_ZERO,
  addLongDouble,
  bitLength,
  formatLongDouble,
  isFiniteLongDouble,
  parseLongDouble,
  type LongDouble,
} from '../../../src/engine/types/long-double.js';

/** INCRBYFLOAT's arithmetic: parse both, add, print; null when an operand is rejected. */
function incrbyfloat(a: string, b: string): string | null {
  const x = parseLongDouble(a);
  const y = parseLongDouble(b);
  if (x === null || y === null) return null;
  return formatLongDouble(addLongDouble(x, y));
}

const parsed = (s: string): LongDouble => {
  const v = parseLongDouble(s);
  expect(v, s).not.toBeNull();
  return v!;
};

// Expected strings are what Redis 7.0.15 on x86-64 answers for INCRBYFLOAT.
describe('long double (x87 80-bit) as Redis uses it', () => {
  it('decimal sums that doubles get wrong', () => {
    expect(incrbyfloat('0.1', '0.2')).toBe('0.3');
    expect(incrbyfloat('1', '-0.99999999999999999')).toBe('0.00000000000000001');
    expect(incrbyfloat('0.5', '0.25')).toBe('0.75');
    expect(incrbyfloat('9223372036854775807', '0.5')).toBe('9223372036854775807.5');
    expect(incrbyfloat('3.0', '0')).toBe('3');
  });

  it('large magnitudes print every integer digit of the binary value', () => {
    expect(incrbyfloat('0', '1e20')).toBe('100000000000000000000');
    expect(incrbyfloat('0', '123456789012345678901234567890')).toBe('123456789012345678899921813504');
    expect(incrbyfloat('0', '1.5e300')).toBe(
      '1500000000000000000049800109861472166362379239118673928551219718248973529929812708792854310575830930686530644566050229406926646739311017606984258288377434143937602778196710661234655944195770838513268846826150205418632995547271874827072936230594920013241190363994471886080567336615911694509046614720512',
    );
    expect(incrbyfloat('1e308', '1e308')).toBe(
      '199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096',
    );
    expect(incrbyfloat('-1e4932', '0')!.startsWith('-10000000000000000000060189493879638913238377742545331147737850413525330194866087')).toBe(true);
  });

  it('rounds sums to a 64-bit significand, ties to even', () => {
    expect(incrbyfloat('18446744073709551616', '1')).toBe('18446744073709551616');
    expect(incrbyfloat('18446744073709551616', '3')).toBe('18446744073709551620');
    expect(incrbyfloat('18446744073709551616', '-1')).toBe('18446744073709551615');
    expect(incrbyfloat('36893488147419103232', '-1')).toBe('36893488147419103232');
    expect(incrbyfloat('1e30', '1e-30')).toBe('1000000000000000000024696061952');
    expect(incrbyfloat('1e30', '-1e-30')).toBe('1000000000000000000024696061952');
  });

  it('prints 17 fractional digits rounded half to even, without trailing zeros or -0', () => {
    expect(incrbyfloat('0', '0.000003814697265625')).toBe('0.00000381469726562');
    expect(incrbyfloat('0', '0.000011444091796875')).toBe('0.00001144409179688');
    expect(incrbyfloat('0', '5e-20')).toBe('0');
    expect(incrbyfloat('0', '-5e-20')).toBe('0');
    expect(incrbyfloat('-0', '0')).toBe('0');
    expect(incrbyfloat('0', '-0')).toBe('0');
    expect(incrbyfloat('-1.5', '0')).toBe('-1.5');
  });

  it('accepts strtold syntax: signs, dots, exponents, hex floats, leading zeros', () => {
    expect(incrbyfloat('0', '+.5')).toBe('0.5');
    expect(incrbyfloat('0', '5.')).toBe('5');
    expect(incrbyfloat('0', '1.e5')).toBe('100000');
    expect(incrbyfloat('0', '1E+2')).toBe('100');
    expect(incrbyfloat('0', '00012')).toBe('12');
    expect(incrbyfloat('0', '0.0000000000000000000000000000000000000001e40')).toBe('1');
    expect(incrbyfloat('0', '0e999999999999999999')).toBe('0');
    expect(incrbyfloat('0', '0x1p3')).toBe('8');
    expect(incrbyfloat('0', '0X1P3')).toBe('8');
    expect(incrbyfloat('0', '0x1.8')).toBe('1.5');
    expect(incrbyfloat('0', '0x.8p1')).toBe('1');
    expect(incrbyfloat('0', '0x1.P1')).toBe('2');
  });

  it('rejects what string2ld rejects', () => {
    for (const s of ['', ' 1', '1 ', '\t1', '.', '1e', '1e+', '0x', '0x.p1', '--1', '+-1', '1,5', '1d', '1f', '1L', '1_0', 'nan', 'NaN',
      'nan(1)', 'infinit', '1.2.3', '１', '\x001', '1\x00', '1\x00ab', 'abc', '0'.repeat(5119) + '1']) {
      expect(parseLongDouble(s), JSON.stringify(s)).toBeNull();
    }
    expect(formatLongDouble(parsed('0'.repeat(5118) + '1'))).toBe('1');
  });

  it('range limits: overflow and underflow to zero are rejected, subnormals accepted', () => {
    expect(parseLongDouble('1.18973149535723176502e+4932')).not.toBeNull();
    expect(parseLongDouble('1.1897314953572317651e+4932')).toBeNull();
    expect(parseLongDouble('1.2e4932')).toBeNull();
    expect(parseLongDouble('1e5000')).toBeNull();
    expect(parseLongDouble('1e99999999999999999999')).toBeNull();
    expect(parseLongDouble('3.6e-4951')).not.toBeNull();
    expect(parseLongDouble('1e-4951')).toBeNull();
    expect(parseLongDouble('1e-4952')).toBeNull();
    expect(parseLongDouble('1e-99999999999999')).toBeNull();
    expect(parseLongDouble('0x1p16383')).not.toBeNull();
    expect(parseLongDouble('0x1p16384')).toBeNull();
    expect(parseLongDouble('0x1p-16445')).not.toBeNull();
    expect(parseLongDouble('0x1p-16446')).toBeNull();
    expect(parseLongDouble('0x1.8p-16446')).not.toBeNull();
    expect(incrbyfloat('0', '3.6e-4951')).toBe('0');
  });

  it('infinities parse; sums past the range or inf - inf are not finite', () => {
    for (const s of ['inf', 'INF', '+inf', '-inf', 'infinity', '-Infinity']) expect(parsed(s).kind, s).toBe('inf');
    expect(formatLongDouble(parsed('-inf'))).toBe('-inf');
    expect(isFiniteLongDouble(addLongDouble(parsed('inf'), parsed('1')))).toBe(false);
    expect(addLongDouble(parsed('inf'), parsed('-inf')).kind).toBe('nan');
    expect(isFiniteLongDouble(addLongDouble(parsed('1e4932'), parsed('1e4932')))).toBe(false);
    expect(isFiniteLongDouble(addLongDouble(parsed('1e4932'), parsed('-1e4932')))).toBe(true);
  });

  it('zero handling and bit lengths', () => {
    expect(formatLongDouble(LONG_DOUBLE_ZERO)).toBe('0');
    expect(formatLongDouble(addLongDouble(parsed('-0'), parsed('-0')))).toBe('0');
    expect(formatLongDouble(addLongDouble(parsed('2.5'), parsed('-2.5')))).toBe('0');
    expect([0n, 1n, 2n, 255n, 256n, (1n << 64n) - 1n, 1n << 64n].map(bitLength)).toEqual([0, 1, 2, 8, 9, 64, 65]);
  });

  it('is its own inverse on what it prints (the stored text parses back to the same value)', () => {
    for (const s of ['0.3', '1.25', '-7.125', '100000000000000000000', '0.00000000000000001']) {
      expect(formatLongDouble(parsed(formatLongDouble(parsed(s))))).toBe(formatLongDouble(parsed(s)));
    }
  });
});
