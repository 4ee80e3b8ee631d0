import { describe, expect, it } from 'vitest';
import { errorOf, setup } from './string.support.js';

describe('OBJECT', () => {
  it('OBJECT ENCODING of strings: int, embstr, raw', () => {
    const { r } = setup();
    const cases: Array<[string, string]> = [
      ['12345', 'int'], ['-9223372036854775808', 'int'], ['9223372036854775808', 'embstr'], ['007', 'embstr'],
      ['+1', 'embstr'], ['x'.repeat(44), 'embstr'], ['x'.repeat(45), 'raw'], ['', 'embstr'],
    ];
    for (const [value, encoding] of cases) {
      r('SET', 'k', value);
      expect(r('OBJECT', 'ENCODING', 'k'), value).toBe(encoding);
    }
    expect(r('OBJECT', 'ENCODING', 'nokey')).toBe(null);
  });

  it('OBJECT REFCOUNT: shared integers 0..9999 answer INT_MAX', () => {
    const { r } = setup();
    const cases: Array<[string, number]> = [['0', 2147483647], ['9999', 2147483647], ['10000', 1], ['-1', 1], ['abc', 1]];
    for (const [value, refcount] of cases) {
      r('SET', 'k', value);
      expect(r('OBJECT', 'REFCOUNT', 'k'), value).toBe(refcount);
    }
    // With maxmemory under an LRU/LFU policy each key needs its own clock: nothing is shared.
    r('SET', 'k', '5');
    r('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    expect(r('OBJECT', 'REFCOUNT', 'k')).toBe(2147483647);
    r('CONFIG', 'SET', 'maxmemory', '1gb');
    expect(r('OBJECT', 'REFCOUNT', 'k')).toBe(1);
    expect(r('OBJECT', 'REFCOUNT', 'nokey')).toBe(null);
  });

  it('OBJECT IDLETIME in whole seconds, an error under LFU', () => {
    const { r, advance } = setup();
    r('SET', 'k', 'v');
    advance(2500);
    expect(r('OBJECT', 'IDLETIME', 'k')).toBe(2);
    r('GET', 'k');
    expect(r('OBJECT', 'IDLETIME', 'k')).toBe(0);
    r('CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu');
    expect(errorOf(r('OBJECT', 'IDLETIME', 'k'))).toMatch(/^ERR An LFU maxmemory policy is selected, idle time not tracked/);
    // The key is looked up first: a missing key answers nil whatever the policy.
    expect(r('OBJECT', 'IDLETIME', 'nokey')).toBe(null);
  });

  it('OBJECT FREQ: an error unless LFU, new keys start at 5, reads raise it, time decays it', () => {
    const { r, advance, engine } = setup();
    r('SET', 'k', 'v');
    expect(errorOf(r('OBJECT', 'FREQ', 'k'))).toMatch(/^ERR An LFU maxmemory policy is not selected, access frequency not tracked/);
    r('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    r('SET', 'hot', 'v');
    expect(r('OBJECT', 'FREQ', 'hot')).toBe(5);
    // With lfu-log-factor 0 every access counts.
    r('CONFIG', 'SET', 'lfu-log-factor', '0');
    for (let i = 0; i < 100; i++) r('GET', 'hot');
    expect(r('OBJECT', 'FREQ', 'hot')).toBe(105);
    // RENAME moves the source's counter (touched once more by the lookup); COPY starts fresh.
    r('SET', 'other', 'v');
    r('RENAME', 'hot', 'other');
    expect(r('OBJECT', 'FREQ', 'other')).toBe(106);
    r('SET', 'third', 'v');
    r('COPY', 'other', 'third', 'REPLACE');
    expect(r('OBJECT', 'FREQ', 'third')).toBe(5);
    r('SET', 'other', 'x');
    expect(r('OBJECT', 'FREQ', 'other')).toBe(108);
    r('RENAME', 'other', 'hot');
    for (let i = 0; i < 300; i++) r('GET', 'hot');
    expect(r('OBJECT', 'FREQ', 'hot')).toBe(255);
    // Overwriting keeps the key's counter (redis: dbSetValue).
    r('SET', 'hot', 'new');
    expect(r('OBJECT', 'FREQ', 'hot')).toBe(255);
    // One decrement per lfu-decay-time minutes idle.
    r('CONFIG', 'SET', 'lfu-decay-time', '2');
    advance(10 * 60_000);
    expect(r('OBJECT', 'FREQ', 'hot')).toBe(250);
    r('CONFIG', 'SET', 'lfu-decay-time', '0');
    expect(r('OBJECT', 'FREQ', 'hot')).toBe(255);
    // The default log factor makes increments rare once the counter is high.
    r('CONFIG', 'SET', 'lfu-log-factor', '10');
    r('SET', 'warm', 'v');
    for (let i = 0; i < 1000; i++) r('GET', 'warm');
    const freq = r('OBJECT', 'FREQ', 'warm') as number;
    expect(freq).toBeGreaterThan(10);
    expect(freq).toBeLessThan(40);
    r('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    expect(engine.db.lfu).toBe(null);
  });

  it('OBJECT HELP, unknown subcommand, arity', () => {
    const { r } = setup();
    const help = r('OBJECT', 'HELP') as string[];
    expect(help[0]).toBe('OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help.at(-1)).toBe('    Prints this help.');
    expect(errorOf(r('OBJECT', 'FOO', 'k'))).toBe("ERR unknown subcommand 'FOO'. Try OBJECT HELP.");
    expect(errorOf(r('OBJECT'))).toBe("ERR wrong number of arguments for 'object' command");
    expect(errorOf(r('OBJECT', 'ENCODING'))).toBe("ERR wrong number of arguments for 'object|encoding' command");
    expect(errorOf(r('OBJECT', 'HELP', 'x'))).toBe("ERR wrong number of arguments for 'object|help' command");
  });
});
