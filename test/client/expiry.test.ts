import { expect, it } from 'vitest';
import { describeBackends, T0 } from './support.js';

describeBackends('expiry methods', (h, backend) => {
  const now = (): number => (backend.fakeClock ? T0 : Date.now());

  it('EXPIRE returns a boolean; TTL and PTTL', async () => {
    const { client } = h();
    expect(await client.expire('missing', 10)).toBe(false);
    await client.set('k', 'v');
    expect(await client.ttl('k')).toBe(-1);
    expect(await client.ttl('missing')).toBe(-2);
    expect(await client.expire('k', 100)).toBe(true);
    expect(h().lastSent()).toEqual(['EXPIRE', 'k', '100']);
    expect(await client.ttl('k')).toBeGreaterThanOrEqual(99);
    expect(h().lastSent()).toEqual(['TTL', 'k']);
    expect(await client.pTTL('k')).toBeGreaterThan(99_000);
    expect(h().lastSent()).toEqual(['PTTL', 'k']);
  });

  it('EXPIRE with NX, XX, GT, LT', async () => {
    const { client } = h();
    await client.set('k', 'v');
    expect(await client.expire('k', 100, 'XX')).toBe(false);
    expect(h().lastSent()).toEqual(['EXPIRE', 'k', '100', 'XX']);
    expect(await client.expire('k', 100, 'NX')).toBe(true);
    expect(await client.expire('k', 200, 'NX')).toBe(false);
    expect(await client.expire('k', 50, 'GT')).toBe(false);
    expect(await client.expire('k', 200, 'GT')).toBe(true);
    expect(await client.expire('k', 300, 'LT')).toBe(false);
    expect(await client.expire('k', 150, 'LT')).toBe(true);
    await expect(client.sendCommand(['EXPIRE', 'k', '10', 'NX', 'XX'])).rejects.toThrow(
      'ERR NX and XX, GT or LT options at the same time are not compatible',
    );
  });

  it('PEXPIRE with a mode', async () => {
    const { client } = h();
    await client.set('k', 'v');
    expect(await client.pExpire('k', 100_000)).toBe(true);
    expect(h().lastSent()).toEqual(['PEXPIRE', 'k', '100000']);
    expect(await client.pExpire('k', 200_000, 'LT')).toBe(false);
    expect(h().lastSent()).toEqual(['PEXPIRE', 'k', '200000', 'LT']);
  });

  it('EXPIREAT and PEXPIREAT take numbers or Dates', async () => {
    const { client } = h();
    await client.mSet({ a: '1', b: '2', c: '3' });
    const seconds = Math.floor(now() / 1000) + 100;
    expect(await client.expireAt('a', seconds)).toBe(true);
    expect(h().lastSent()).toEqual(['EXPIREAT', 'a', String(seconds)]);
    expect(await client.expireAt('b', new Date(seconds * 1000 + 999))).toBe(true);
    expect(h().lastSent()).toEqual(['EXPIREAT', 'b', String(seconds)]);
    const at = now() + 100_000;
    expect(await client.pExpireAt('c', new Date(at), 'NX')).toBe(true);
    expect(h().lastSent()).toEqual(['PEXPIREAT', 'c', String(at), 'NX']);
    expect(await client.expireTime('a')).toBe(seconds);
    expect(await client.expireTime('b')).toBe(seconds);
    expect(h().lastSent()).toEqual(['EXPIRETIME', 'b']);
    expect(await client.pExpireTime('a')).toBe(seconds * 1000);
    expect(h().lastSent()).toEqual(['PEXPIRETIME', 'a']);
  });

  it('EXPIRETIME of keys without expiry or missing', async () => {
    const { client } = h();
    await client.set('k', 'v');
    expect(await client.expireTime('k')).toBe(-1);
    expect(await client.pExpireTime('missing')).toBe(-2);
  });

  it('an EXPIREAT in the past deletes the key', async () => {
    const { client } = h();
    await client.set('k', 'v');
    expect(await client.expireAt('k', new Date(now() - 10_000))).toBe(true);
    expect(await client.exists('k')).toBe(0);
  });

  it('PERSIST returns a boolean', async () => {
    const { client } = h();
    await client.set('k', 'v', { EX: 100 });
    expect(await client.persist('k')).toBe(true);
    expect(h().lastSent()).toEqual(['PERSIST', 'k']);
    expect(await client.persist('k')).toBe(false);
    expect(await client.ttl('k')).toBe(-1);
  });

  it.runIf(backend.fakeClock)('keys expire as the clock moves', async () => {
    const { client } = h();
    await client.set('k', 'v', { PX: 1500 });
    h().advance(1000);
    expect(await client.pTTL('k')).toBe(500);
    expect(await client.ttl('k')).toBe(1);
    // Redis expires a key once the clock is past its deadline, not at it.
    h().advance(500);
    expect(await client.pTTL('k')).toBe(0);
    expect(await client.get('k')).toBe('v');
    h().advance(1);
    expect(await client.get('k')).toBeNull();
    expect(await client.ttl('k')).toBe(-2);
  });
});
