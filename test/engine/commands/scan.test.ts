import { describe, expect, it } from 'vitest';
import { errorOf, setup } from './string.support.js';

describe('SCAN', () => {
  /** Every key a full SCAN returns with the given options, and how many calls it took. */
  function fullScan(r: (...argv: string[]) => unknown, ...options: string[]): { keys: string[]; calls: number } {
    const keys: string[] = [];
    let cursor = '0';
    let calls = 0;
    do {
      const [next, batch] = r('SCAN', cursor, ...options) as [string, string[]];
      keys.push(...batch);
      cursor = next;
      calls++;
    } while (cursor !== '0');
    return { keys, calls };
  }

  it('SCAN basic', () => {
    const { r } = setup();
    for (let i = 0; i < 1000; i++) r('SET', `key:${i}`, String(i));
    const { keys } = fullScan(r);
    expect(new Set(keys).size).toBe(1000);
  });

  it('SCAN COUNT is a hint on how much work a call does', () => {
    const { r } = setup();
    for (let i = 0; i < 100; i++) r('SET', `key:${i}`, String(i));
    expect(fullScan(r, 'COUNT', '5').calls).toBe(20);
    expect(fullScan(r, 'COUNT', '1000').calls).toBe(1);
    expect(errorOf(r('SCAN', '0', 'COUNT', '0'))).toBe('ERR syntax error');
    expect(errorOf(r('SCAN', '0', 'COUNT', '-1'))).toBe('ERR syntax error');
    expect(errorOf(r('SCAN', '0', 'COUNT', 'x'))).toMatch(/^ERR value is not an integer/);
  });

  it('SCAN MATCH', () => {
    const { r } = setup();
    for (let i = 0; i < 100; i++) r('SET', `key:${i}`, String(i));
    expect(fullScan(r, 'MATCH', 'key:1?').keys.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `key:1${i}`).sort());
    // The last MATCH wins; "*" means no filter.
    expect(fullScan(r, 'MATCH', 'nope', 'MATCH', '*').keys.length).toBe(100);
  });

  it('SCAN TYPE, including an unknown type and case-insensitive names', () => {
    const { r, putList } = setup();
    for (let i = 0; i < 10; i++) r('SET', `s${i}`, 'x');
    putList('l1');
    putList('l2');
    expect(fullScan(r, 'TYPE', 'list').keys.sort()).toEqual(['l1', 'l2']);
    expect(fullScan(r, 'TYPE', 'STRING').keys.length).toBe(10);
    expect(fullScan(r, 'TYPE', 'foo').keys).toEqual([]);
    expect(fullScan(r, 'TYPE', 'string', 'MATCH', 's1').keys).toEqual(['s1']);
  });

  it('SCAN with expired keys: they are removed, not returned', () => {
    const { r, advance, engine, effects } = setup();
    for (let i = 0; i < 20; i++) r('SET', `k${i}`, 'v', ...(i % 2 ? ['PX', '10'] : []));
    advance(20);
    effects.length = 0;
    const { keys } = fullScan(r, 'COUNT', '3');
    expect(keys.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `k${2 * i}`).sort());
    expect(engine.db.map.size).toBe(10);
    // Lazy expiry during SCAN is logged as bare DELs.
    expect(effects.length).toBe(10);
    expect(effects.every((e) => e[0] === 'del')).toBe(true);
  });

  it('SCAN with an invalid cursor, and the cursors strtoul accepts', () => {
    const { r } = setup();
    r('SET', 'a', '1');
    for (const bad of ['abc', ' 0', '0 ', '-', '+', '1.5', '0x1', '18446744073709551616']) {
      expect(errorOf(r('SCAN', bad)), bad).toBe('ERR invalid cursor');
    }
    for (const good of ['', '+0', '-0', '00', '18446744073709551615', '-1', '-18446744073709551615']) {
      expect(Array.isArray(r('SCAN', good)), good).toBe(true);
    }
    expect(r('SCAN', '')).toEqual(['0', ['a']]);
    // A cursor past the end means keys were deleted: the scan restarts from the top slot.
    expect(r('SCAN', '99')).toEqual(['0', ['a']]);
  });

  it('SCAN option errors', () => {
    const { r } = setup();
    expect(errorOf(r('SCAN', '0', 'MATCH'))).toBe('ERR syntax error');
    expect(errorOf(r('SCAN', '0', 'FOO', 'bar'))).toBe('ERR syntax error');
    expect(errorOf(r('SCAN', 'x', 'FOO'))).toBe('ERR invalid cursor');
    expect(errorOf(r('SCAN'))).toMatch(/^ERR wrong number of arguments for 'scan'/);
  });
});
