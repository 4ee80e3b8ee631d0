/**
 * Deadlines on replay. Redis loads with expiry off (keyIsExpired and checkAlreadyExpired
 * return "not expired" while `server.loading`; an AOF's RDB preamble keeps expired keys too):
 * a key given a deadline that has passed by load time still exists while the rest of the log
 * is replayed, so a later PERSIST, a later EXPIRE with a new deadline or a later write
 * applies to it as it did when it ran. Only after the load are keys still past their
 * deadline expired.
 *
 * Here the replay deletes a key at once when its deadline has passed (expire.ts "a deadline
 * already past deletes the key at once", lazy expiry on lookups, recovery.ts's snapshot
 * loader dropping keys past their deadline): a key whose deadline was removed or pushed back
 * after it was set is lost at the next load once the first deadline has passed, and a
 * collection loses what it held before. Known bugs, marked `it.fails` until fixed (an
 * engine-wide "loading" mode: no lazy/active expiry and no already-past deletion while
 * recovery replays, then the keys still expired are expired).
 */
import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../src/persistence/storage.js';
import { open, reopen } from './support.js';

describe('a deadline removed or pushed back after it was set survives a reload past it', () => {
  it.fails('known bug: SET PX then PEXPIRE later (a sliding session), from the log', async () => {
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

  it.fails('known bug: PEXPIRE then PERSIST, and a list written on in between, from the log', async () => {
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

  it.fails('known bug: a snapshot holds the first deadline, the log after it the new one', async () => {
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

describe('a key still past its deadline once the whole log is replayed is gone', () => {
  // Today the replayed SET PXAT deletes `counter` at once and each INCR after it creates a
  // new one without a deadline: a counter that should have expired comes back, for good.
  it.fails('known bug: SET EX then INCR (a rate-limit counter) comes back without a deadline', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const engine = await open(memoryStorage(), { clock });
    await engine.call(['SET', 'counter', '0', 'PX', '1000']);
    await engine.call(['INCR', 'counter']);
    await engine.call(['INCR', 'counter']);
    now += 10_000;
    const again = await reopen(engine, { clock });
    // Today: '2', PTTL -1.
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
