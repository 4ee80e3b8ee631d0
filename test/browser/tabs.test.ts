/**
 * Tab coordination inside one page, in real Chromium (Web Locks, BroadcastChannel): the
 * multi-page scenarios are in test/e2e/tabs.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { createClient } from '../../src/index.js';

describe('tabs in one page', () => {
  it('two workers of one store: one leads, the other follows, both see one keyspace', async () => {
    const name = `tabs-two-${Date.now()}`;
    const a = createClient({ name });
    const b = createClient({ name });
    expect(await a.set('k', 'from a')).toBe('OK');
    expect(await b.get('k')).toBe('from a');
    const roles = [(await a.sendCommand(['ROLE'])) as unknown[], (await b.sendCommand(['ROLE'])) as unknown[]];
    expect(roles.map((r) => r[0]).sort()).toEqual(['master', 'slave']);
    await a.quit();
    // The leader's worker ended: the follower takes over and keeps the data.
    await vi.waitFor(async () => expect(((await b.sendCommand(['ROLE'])) as unknown[])[0]).toBe('master'), { timeout: 10_000 });
    expect(await b.get('k')).toBe('from a');
    await b.quit();
  });

  it('a pagehide without unload: the tab hands its lead over, takes it back, and keeps its data and subscriptions', async () => {
    const redis = createClient({ name: `tabs-resign-${Date.now()}` });
    await redis.set('k', 'v');
    const got: string[] = [];
    await redis.subscribe('c', (message) => got.push(message));
    const [, epoch] = (await redis.sendCommand(['ROLE'])) as [string, number];
    dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
    await vi.waitFor(async () => expect(((await redis.sendCommand(['ROLE'])) as [string, number])[1]).toBeGreaterThan(epoch), { timeout: 10_000 });
    expect(await redis.get('k')).toBe('v');
    expect(await redis.publish('c', 'after')).toBe(1);
    await vi.waitFor(() => expect(got).toEqual(['after']));
    await redis.quit();
  });
});
