import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/index.js';
import type { KeyspaceEvent } from '../../../src/engine/engine.js';
import { errorOf, setup, T0 } from './string.support.js';

describe('expire: EXPIRE family', () => {
  it('EXPIRE - set timeouts multiple times', () => {
    const { r } = setup();
    r('SET', 'x', 'foobar');
    expect(r('EXPIRE', 'x', '5')).toBe(1);
    expect(r('TTL', 'x')).toBe(5);
    expect(r('EXPIRE', 'x', '10')).toBe(1);
    expect(r('TTL', 'x')).toBe(10);
    expect(r('EXPIRE', 'x', '2')).toBe(1);
    expect(r('TTL', 'x')).toBe(2);
  });

  it('EXPIRE - After the deadline the key should no longer be here', () => {
    const { r, advance } = setup();
    r('SET', 'x', 'foobar');
    r('EXPIRE', 'x', '2');
    advance(2000);
    expect(r('GET', 'x')).toBe('foobar');
    advance(1);
    expect(r('GET', 'x')).toBe(null);
    expect(r('EXISTS', 'x')).toBe(0);
  });

  it('EXPIRE - write on expire should work', () => {
    const { r } = setup();
    r('SET', 'x', 'foo');
    r('EXPIRE', 'x', '100');
    r('APPEND', 'x', 'bar');
    expect(r('GET', 'x')).toBe('foobar');
    expect(r('TTL', 'x')).toBe(100);
  });

  it('EXPIREAT - Check for EXPIRE alike behavior', () => {
    const { r } = setup();
    r('SET', 'x', 'foo');
    expect(r('EXPIREAT', 'x', String(T0 / 1000 + 15))).toBe(1);
    expect(r('TTL', 'x')).toBe(15);
    expect(r('PEXPIREAT', 'x', String(T0 + 1500))).toBe(1);
    expect(r('PTTL', 'x')).toBe(1500);
  });

  it('PEXPIRE/PEXPIREAT can set sub-second expires', () => {
    const { r, advance } = setup();
    r('SET', 'x', 'somevalue');
    r('PEXPIRE', 'x', '100');
    advance(100);
    expect(r('GET', 'x')).toBe('somevalue');
    advance(1);
    expect(r('GET', 'x')).toBe(null);
  });

  it('PERSIST can undo an EXPIRE', () => {
    const { r, engine } = setup();
    r('SET', 'x', 'foo');
    r('EXPIRE', 'x', '50');
    expect(r('TTL', 'x')).toBe(50);
    expect(r('PERSIST', 'x')).toBe(1);
    expect(r('TTL', 'x')).toBe(-1);
    expect(engine.db.volatileCount).toBe(0);
  });

  it('PERSIST returns 0 against non existing or non volatile keys', () => {
    const { r, effects } = setup();
    r('SET', 'x', 'foo');
    effects.length = 0;
    expect(r('PERSIST', 'foo')).toBe(0);
    expect(r('PERSIST', 'x')).toBe(0);
    expect(effects).toEqual([]);
  });

  it('EXPIRE with empty string, float or spaced TTL should report an error', () => {
    const { r } = setup();
    r('SET', 'foo', 'bar');
    for (const bad of ['', '1.5', ' 5', '5 ', '0x10', '+5']) {
      expect(errorOf(r('EXPIRE', 'foo', bad)), bad).toMatch(/^ERR value is not an integer or out of range/);
    }
  });

  it('EXPIRE with big integer overflow when basetime is added', () => {
    const { r } = setup();
    r('SET', 'foo', 'bar');
    expect(errorOf(r('EXPIRE', 'foo', '9223370399119966'))).toBe("ERR invalid expire time in 'expire' command");
    expect(errorOf(r('EXPIRE', 'foo', '9223372036854776'))).toBe("ERR invalid expire time in 'expire' command");
    expect(errorOf(r('PEXPIRE', 'foo', '9223372036854770000'))).toBe("ERR invalid expire time in 'pexpire' command");
    expect(errorOf(r('EXPIREAT', 'foo', '9223372036854776'))).toBe("ERR invalid expire time in 'expireat' command");
    expect(errorOf(r('expire', 'foo', '-9223372036854776'))).toBe("ERR invalid expire time in 'expire' command");
    expect(r('TTL', 'foo')).toBe(-1);
  });

  it('EXPIRE with big negative integer deletes the key', () => {
    const { r } = setup();
    r('SET', 'foo', 'bar');
    expect(r('EXPIRE', 'foo', '-9223372036854775')).toBe(1);
    expect(r('EXISTS', 'foo')).toBe(0);
  });

  it('PEXPIREAT with big integer works', () => {
    const { r } = setup();
    r('SET', 'foo', 'bar');
    expect(r('PEXPIREAT', 'foo', '9223372036854770000')).toBe(1);
    expect(r('EXPIREAT', 'foo', '9223372036854775')).toBe(1);
    expect(r('EXPIRETIME', 'foo')).toBe(9223372036854775n);
  });

  it('PEXPIREAT with big negative integer works', () => {
    const { r } = setup();
    r('SET', 'foo', 'bar');
    expect(r('PEXPIREAT', 'foo', '-9223372036854770000')).toBe(1);
    expect(r('TTL', 'foo')).toBe(-2);
  });

  it('EXPIRE with negative expiry deletes the key, logs DEL and publishes del', () => {
    const { r, effects, events, notifyAll } = setup();
    notifyAll();
    r('SET', 'foo', 'bar', 'EX', '100');
    effects.length = 0;
    events.length = 0;
    expect(r('EXPIRE', 'foo', '-10', 'LT')).toBe(1);
    expect(r('TTL', 'foo')).toBe(-2);
    expect(effects).toEqual([['del', 'foo']]);
    expect(events).toEqual(['del foo']);
  });

  it('EXPIRE with negative expiry on a non-volatile key, and an absolute time of now', () => {
    const { r } = setup();
    r('SET', 'foo', 'bar');
    expect(r('EXPIRE', 'foo', '-10', 'LT')).toBe(1);
    expect(r('TTL', 'foo')).toBe(-2);
    r('SET', 'foo', 'bar');
    // A deadline equal to now is already past (redis: checkAlreadyExpired).
    expect(r('PEXPIREAT', 'foo', String(T0))).toBe(1);
    expect(r('EXISTS', 'foo')).toBe(0);
  });

  it('deletions by expiry are logged as UNLINK under lazyfree-lazy-expire', () => {
    const { r, effects, advance, engine } = setup();
    r('CONFIG', 'SET', 'lazyfree-lazy-expire', 'yes');
    r('SET', 'foo', 'bar');
    r('SET', 'lazy', 'bar', 'PX', '10');
    r('SET', 'active', 'bar', 'PX', '10');
    effects.length = 0;
    r('EXPIRE', 'foo', '0');
    advance(20);
    r('GET', 'lazy');
    engine.runActiveExpire();
    expect(effects).toEqual([['unlink', 'foo'], ['unlink', 'lazy'], ['unlink', 'active']]);
  });

  it('EXPIRE with non-existed key', () => {
    const { r, effects } = setup();
    expect(r('EXPIRE', 'none', '100', 'NX')).toBe(0);
    expect(r('EXPIRE', 'none', '100', 'XX')).toBe(0);
    expect(r('EXPIRE', 'none', '100', 'GT')).toBe(0);
    expect(r('EXPIRE', 'none', '100', 'LT')).toBe(0);
    expect(r('EXPIRE', 'none', '-100')).toBe(0);
    expect(effects).toEqual([]);
  });

  it('EXPIRE relative and absolute propagation as PEXPIREAT with the absolute time', () => {
    const { r, effects, events, notifyAll } = setup();
    notifyAll();
    r('SET', 'foo', 'bar');
    effects.length = 0;
    events.length = 0;
    r('EXPIRE', 'foo', '100');
    r('PEXPIRE', 'foo', '2500', 'gt');
    r('EXPIREAT', 'foo', String(T0 / 1000 + 200), 'XX', 'GT');
    r('PEXPIREAT', 'foo', String(T0 + 300_000));
    r('PERSIST', 'foo');
    expect(effects).toEqual([
      ['pexpireat', 'foo', String(T0 + 100_000)],
      ['pexpireat', 'foo', String(T0 + 200_000), 'XX', 'GT'],
      ['PEXPIREAT', 'foo', String(T0 + 300_000)],
      ['PERSIST', 'foo'],
    ]);
    expect(events).toEqual(['expire foo', 'expire foo', 'expire foo', 'persist foo']);
  });
});

describe('expire: NX XX GT LT', () => {
  const withTtl = () => {
    const s = setup();
    s.r('SET', 'foo', 'bar', 'EX', '100');
    return s;
  };
  const withoutTtl = () => {
    const s = setup();
    s.r('SET', 'foo', 'bar');
    return s;
  };

  it('EXPIRE with NX option on a key with ttl / without ttl', () => {
    let { r } = withTtl();
    expect(r('EXPIRE', 'foo', '200', 'NX')).toBe(0);
    expect(r('TTL', 'foo')).toBe(100);
    ({ r } = withoutTtl());
    expect(r('EXPIRE', 'foo', '200', 'nx')).toBe(1);
    expect(r('TTL', 'foo')).toBe(200);
  });

  it('EXPIRE with XX option on a key with ttl / without ttl', () => {
    let { r } = withTtl();
    expect(r('EXPIRE', 'foo', '200', 'XX')).toBe(1);
    expect(r('TTL', 'foo')).toBe(200);
    ({ r } = withoutTtl());
    expect(r('EXPIRE', 'foo', '200', 'XX')).toBe(0);
    expect(r('TTL', 'foo')).toBe(-1);
  });

  it('EXPIRE with GT option on a key with lower ttl / higher ttl / without ttl', () => {
    let { r } = withTtl();
    expect(r('EXPIRE', 'foo', '200', 'GT')).toBe(1);
    expect(r('TTL', 'foo')).toBe(200);
    expect(r('EXPIRE', 'foo', '200', 'GT')).toBe(0);
    expect(r('EXPIRE', 'foo', '50', 'GT')).toBe(0);
    ({ r } = withoutTtl());
    expect(r('EXPIRE', 'foo', '200', 'GT')).toBe(0);
    expect(r('TTL', 'foo')).toBe(-1);
  });

  it('EXPIRE with LT option on a key with higher ttl / lower ttl / without ttl', () => {
    let { r } = withTtl();
    expect(r('EXPIRE', 'foo', '50', 'LT')).toBe(1);
    expect(r('TTL', 'foo')).toBe(50);
    expect(r('EXPIRE', 'foo', '50', 'LT')).toBe(0);
    expect(r('EXPIRE', 'foo', '200', 'LT')).toBe(0);
    ({ r } = withoutTtl());
    expect(r('EXPIRE', 'foo', '200', 'LT')).toBe(1);
    expect(r('TTL', 'foo')).toBe(200);
  });

  it('EXPIRE with LT and XX option on a key with ttl / without ttl', () => {
    let { r } = withTtl();
    expect(r('EXPIRE', 'foo', '50', 'LT', 'XX')).toBe(1);
    expect(r('TTL', 'foo')).toBe(50);
    ({ r } = withoutTtl());
    expect(r('EXPIRE', 'foo', '50', 'XX', 'LT')).toBe(0);
    expect(r('TTL', 'foo')).toBe(-1);
  });

  it('EXPIRE with conflicting options: LT GT, NX GT, NX LT, NX XX', () => {
    const { r } = withTtl();
    expect(errorOf(r('EXPIRE', 'foo', '200', 'LT', 'GT'))).toBe('ERR GT and LT options at the same time are not compatible');
    const nx = 'ERR NX and XX, GT or LT options at the same time are not compatible';
    expect(errorOf(r('EXPIRE', 'foo', '200', 'NX', 'GT'))).toBe(nx);
    expect(errorOf(r('EXPIRE', 'foo', '200', 'NX', 'LT'))).toBe(nx);
    expect(errorOf(r('EXPIRE', 'foo', '200', 'NX', 'XX'))).toBe(nx);
    // NX conflicts are reported before GT/LT ones, and options before the number.
    expect(errorOf(r('EXPIRE', 'foo', 'abc', 'LT', 'GT', 'NX'))).toBe(nx);
  });

  it('EXPIRE with unsupported options', () => {
    const { r } = withTtl();
    expect(errorOf(r('EXPIRE', 'foo', '200', 'AB'))).toBe('ERR Unsupported option AB');
    expect(errorOf(r('EXPIRE', 'foo', '200', 'XX', 'AB'))).toBe('ERR Unsupported option AB');
    expect(errorOf(r('EXPIRE', 'foo', '200', ''))).toBe('ERR Unsupported option ');
    expect(errorOf(r('EXPIRE', 'nokey', 'abc', 'AB'))).toBe('ERR Unsupported option AB');
  });
});

describe('expire: TTL family', () => {
  it('TTL returns time to live in seconds, rounded to the nearest', () => {
    const { r, advance } = setup();
    r('SET', 'x', 'somevalue');
    r('EXPIRE', 'x', '10');
    advance(4600);
    expect(r('TTL', 'x')).toBe(5);
    advance(900);
    expect(r('TTL', 'x')).toBe(5);
    advance(1);
    expect(r('TTL', 'x')).toBe(4);
  });

  it('PTTL returns time to live in milliseconds', () => {
    const { r, advance } = setup();
    r('SET', 'x', 'somevalue');
    r('EXPIRE', 'x', '1');
    advance(250);
    expect(r('PTTL', 'x')).toBe(750);
    advance(750);
    expect(r('PTTL', 'x')).toBe(0);
    expect(r('TTL', 'x')).toBe(0);
  });

  it('TTL / PTTL / EXPIRETIME / PEXPIRETIME return -1 if key has no expire', () => {
    const { r } = setup();
    r('SET', 'x', 'hello');
    for (const cmd of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) expect(r(cmd, 'x'), cmd).toBe(-1);
  });

  it('TTL / PTTL / EXPIRETIME / PEXPIRETIME return -2 if key does not exit', () => {
    const { r } = setup();
    for (const cmd of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) expect(r(cmd, 'x'), cmd).toBe(-2);
  });

  it('EXPIRETIME / PEXPIRETIME return the absolute expiration time', () => {
    const { r } = setup();
    const abs = T0 / 1000 + 100;
    r('SET', 'foo', 'bar', 'EXAT', String(abs));
    expect(r('EXPIRETIME', 'foo')).toBe(abs);
    expect(r('PEXPIRETIME', 'foo')).toBe(abs * 1000);
    r('PEXPIREAT', 'foo', String(abs * 1000 + 499));
    expect(r('EXPIRETIME', 'foo')).toBe(abs);
    r('PEXPIREAT', 'foo', String(abs * 1000 + 500));
    expect(r('EXPIRETIME', 'foo')).toBe(abs + 1);
  });

  it('TTL family does not touch the key', () => {
    const { r, advance } = setup();
    r('SET', 'x', 'v', 'EX', '100');
    advance(3000);
    r('TTL', 'x');
    r('PTTL', 'x');
    r('EXPIRETIME', 'x');
    r('PEXPIRETIME', 'x');
    expect(r('OBJECT', 'IDLETIME', 'x')).toBe(3);
  });
});

describe('expire: active expiry', () => {
  /** An engine on a fake clock without timers; everything it logs and publishes is kept. */
  function manual() {
    let now = T0;
    const engine = createEngine({ clock: () => now, activeExpire: false });
    const effects: string[][] = [];
    const events: KeyspaceEvent[] = [];
    engine.onEffects((batch) => effects.push(...batch));
    engine.onKeyspaceEvent((e) => events.push(e));
    const conn = engine.connect();
    const r = (...argv: string[]) => conn.callSync(argv);
    return { engine, conn, r, effects, events, advance: (ms: number) => (now += ms) };
  }

  it('Redis should actively expire keys incrementally: they leave memory, publish expired, log DEL', () => {
    const { engine, r, effects, events, advance } = manual();
    r('CONFIG', 'SET', 'notify-keyspace-events', 'Ex');
    r('PSETEX', 'key1', '500', 'a');
    r('PSETEX', 'key2', '500', 'a');
    r('PSETEX', 'key3', '1500', 'a');
    r('SET', 'key4', 'a');
    effects.length = 0;
    advance(501);
    expect(engine.runActiveExpire()).toBe(2);
    expect(engine.db.map.size).toBe(2);
    expect(events).toEqual([
      { channel: '__keyevent@0__:expired', message: 'key1' },
      { channel: '__keyevent@0__:expired', message: 'key2' },
    ]);
    expect(effects).toEqual([['del', 'key1'], ['del', 'key2']]);
    advance(1000);
    expect(engine.runActiveExpire()).toBe(1);
    expect([...engine.db.map.keys()]).toEqual(['key4']);
    expect(engine.stats.expiredKeys).toBe(3);
    expect(engine.db.volatileCount).toBe(0);
  });

  it('active expiry skips deadlines that were moved or removed', () => {
    const { engine, r, advance } = manual();
    r('SET', 'a', '1', 'PX', '100');
    r('SET', 'b', '1', 'PX', '100');
    r('PEXPIRE', 'a', '10000');
    r('PERSIST', 'b');
    advance(200);
    expect(engine.runActiveExpire()).toBe(0);
    expect(engine.db.map.size).toBe(2);
    advance(10_000);
    expect(engine.runActiveExpire()).toBe(1);
    expect([...engine.db.map.keys()]).toEqual(['b']);
  });

  it('active expiry aborts a transaction WATCHing the key', () => {
    const { engine, r, advance } = manual();
    r('SET', 'x', 'foo', 'PX', '100');
    const watcher = engine.connect();
    watcher.callSync(['WATCH', 'x']);
    advance(200);
    engine.runActiveExpire();
    expect(engine.db.map.has('x')).toBe(false);
    watcher.callSync(['MULTI']);
    watcher.callSync(['SET', 'x', 'bar']);
    expect(watcher.callSync(['EXEC'])).toBe(null);
    expect(r('GET', 'x')).toBe(null);
  });

  it('EXPIRE should not resurrect keys (issue #1026)', () => {
    const { engine, r, advance } = manual();
    r('SET', 'foo', 'bar');
    r('PEXPIRE', 'foo', '500');
    advance(1000);
    expect(r('EXPIRE', 'foo', '10')).toBe(0);
    expect(r('EXISTS', 'foo')).toBe(0);
    expect(engine.db.map.size).toBe(0);
  });

  it('5 keys in, 5 keys out', () => {
    const { engine, r, advance } = manual();
    r('SET', 'a', 'c');
    r('EXPIRE', 'a', '5');
    r('SET', 't', 'c');
    r('SET', 'e', 'c');
    r('SET', 's', 'c');
    r('SET', 'foo', 'b');
    expect((r('KEYS', '*') as string[]).length).toBe(5);
    advance(6000);
    engine.runActiveExpire();
    expect((r('KEYS', '*') as string[]).sort()).toEqual(['e', 'foo', 's', 't']);
  });

  it('a key with PX 20 leaves memory on real timers, without any read', async () => {
    const engine = createEngine();
    try {
      await engine.call(['SET', 'k', 'v', 'PX', '20']);
      await engine.call(['SET', 'keep', 'v']);
      const deadline = Date.now() + 5000;
      while (engine.db.map.has('k') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(engine.db.map.has('k')).toBe(false);
      expect(engine.db.map.has('keep')).toBe(true);
    } finally {
      engine.close();
    }
  });
});
