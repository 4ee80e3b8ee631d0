/**
 * Deadlines on replay. Redis loads with expiry off (keyIsExpired and checkAlreadyExpired
 * return "not expired" while `server.loading`; an AOF's RDB preamble keeps expired keys too):
 * a key given a deadline that has passed by load time still exists while the rest of the log
 * is replayed, so a later PERSIST, a later EXPIRE with a new deadline or a later write
 * applies to it as it did when it ran. Only after the load are keys still past their
 * deadline expired. Here the same holds through Keyspace.loading and Engine.finishLoading.
 */
import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../src/persistence/storage.js';
import { open, reopen } from './support.js';

describe('a deadline removed or pushed back after it was set survives a reload past it', () => {
  it('SET PX then PEXPIRE later (a sliding session), from the log', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const engine = await open(memoryStorage(), { clock });
    await engine.call(['SET', 'session', 'v', 'PX', '1000']);
    now += 500;
    await engine.call(['PEXPIRE', 'session', '3600000']);
    now += 10_000;
    const again = await reopen(engine, { clock });
    expect(await again.call(['GET', 'session'])).toBe('v');
    again.close();
  });

  it('PEXPIRE then PERSIST, and a list written on in between, from the log', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const engine = await open(memoryStorage(), { clock });
    await engine.call(['SET', 'k', 'v', 'PX', '100']);
    await engine.call(['PERSIST', 'k']);
    await engine.call(['RPUSH', 'list', 'a']);
    await engine.call(['PEXPIRE', 'list', '100']);
    await engine.call(['RPUSH', 'list', 'b']);
    await engine.call(['PERSIST', 'list']);
    now += 10_000;
    const again = await reopen(engine, { clock });
    expect([await again.call(['GET', 'k']), await again.call(['LRANGE', 'list', '0', '-1'])]).toEqual(['v', ['a', 'b']]);
    again.close();
  });

  it('a snapshot holds the first deadline, the log after it the new one', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const engine = await open(memoryStorage(), { clock });
    await engine.call(['SET', 'session', 'v', 'PX', '1000']);
    await engine.call(['SAVE']);
    now += 500;
    await engine.call(['PEXPIRE', 'session', '3600000']);
    now += 10_000;
    const again = await reopen(engine, { clock });
    expect(await again.call(['GET', 'session'])).toBe('v');
    again.close();
  });
});

describe('a deadline moved after a bucketed snapshot (strings built lazily)', () => {
  it('keys past their deadline at load stay gone, unless the log moved or removed it', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const storage = memoryStorage();
    const engine = await open(storage, { clock, persistence: { bucketKeys: 8 } });
    for (let i = 0; i < 100; i++) await engine.call(['SET', `k${i}`, `v${i}`, 'PX', String(1000 + i)]);
    await engine.call(['SAVE']);
    now += 500;
    await engine.call(['PERSIST', 'k3']);
    await engine.call(['PEXPIRE', 'k4', '3600000']);
    await engine.call(['APPEND', 'k5', '!']);
    now += 10_000;
    const again = await reopen(engine, { clock, persistence: { bucketKeys: 8 } });
    expect(again.db.building).toBe(true);
    expect(await again.call(['MGET', 'k2', 'k3', 'k4', 'k5', 'k6'])).toEqual([null, 'v3', 'v4', null, null]);
    expect(await again.call(['PTTL', 'k3'])).toBe(-1);
    expect(await again.call(['DBSIZE'])).toBe(2);
    expect(String(await again.call(['INFO', 'persistence']))).toMatch(/rdb_last_load_keys_expired:98\r\n/);
    again.close();
  });
});

describe('a key still past its deadline once the whole log is replayed is gone', () => {
  // Replayed with expiry on, the SET PXAT deleted `counter` at once and each INCR after it
  // created a new one without a deadline: a counter that should have expired came back.
  it('SET EX then INCR (a rate-limit counter): gone, not back without a deadline', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const engine = await open(memoryStorage(), { clock });
    await engine.call(['SET', 'counter', '0', 'PX', '1000']);
    await engine.call(['INCR', 'counter']);
    await engine.call(['INCR', 'counter']);
    now += 10_000;
    const again = await reopen(engine, { clock });
    expect([await again.call(['GET', 'counter']), await again.call(['PTTL', 'counter'])]).toEqual([null, -2]);
    again.close();
  });

  it('SET EX alone: gone after a reload past its deadline', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const engine = await open(memoryStorage(), { clock });
    await engine.call(['SET', 'k', 'v', 'PX', '1000']);
    await engine.call(['HSET', 'h', 'f', '1']);
    await engine.call(['PEXPIRE', 'h', '1000']);
    now += 10_000;
    const again = await reopen(engine, { clock });
    expect([await again.call(['EXISTS', 'k']), await again.call(['EXISTS', 'h'])]).toEqual([0, 0]);
    again.close();
  });
});
