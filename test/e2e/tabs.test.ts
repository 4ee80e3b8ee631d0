/**
 * Several tabs of one origin sharing one store, in headless Chromium: pages of one
 * on-disk profile (Web Locks, BroadcastChannel and IndexedDB shared as in a real browser),
 * served by Vite on 127.0.0.1. Each page holds one client (test/e2e/tabs/main.ts).
 * Skipped when Debian's chromium is not installed (CI installs it).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../vite.config.js';

const haveChromium = existsSync(CHROMIUM_PATH);
const root = fileURLToPath(new URL('./tabs', import.meta.url));
const repo = fileURLToPath(new URL('../..', import.meta.url));

let server: ViteDevServer;
let context: BrowserContext;
let profile: string;
let url: string;
let storeCounter = 0;

async function openPage(store: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${url}?store=${store}`);
  await page.waitForFunction(() => window.tabsReady === true);
  return page;
}

async function openPages(n: number, store: string): Promise<Page[]> {
  const pages: Page[] = [];
  // One by one: the first page opened leads.
  for (let i = 0; i < n; i++) {
    const page = await openPage(store);
    await page.evaluate(() => window.redis.ping());
    pages.push(page);
  }
  return pages;
}

const role = (page: Page): Promise<unknown[]> => page.evaluate(() => window.redis.sendCommand(['ROLE']) as Promise<unknown[]>);

async function leaderOf(pages: Page[]): Promise<Page> {
  for (const page of pages) if ((await role(page))[0] === 'master') return page;
  throw new Error('no leader among the pages');
}

describe.skipIf(!haveChromium)('tabs', () => {
  beforeAll(async () => {
    server = await createServer({
      configFile: false,
      root,
      logLevel: 'error',
      // No HMR and no file watching: other work on the tree must not reload the pages mid-test.
      server: { host: '127.0.0.1', port: 0, fs: { allow: [repo] }, hmr: false, watch: { ignored: ['**/*'] } },
      optimizeDeps: { include: ['comlink', 'idb'] },
      worker: { format: 'es' },
    });
    await server.listen();
    const address = server.httpServer!.address() as { port: number };
    url = `http://127.0.0.1:${address.port}/index.html`;
    profile = mkdtempSync(join(tmpdir(), 'idb-redis-tabs-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('one leader; ROLE and INFO replication in every tab', async () => {
    const store = `roles-${storeCounter++}`;
    const pages = await openPages(3, store);
    const roles = await Promise.all(pages.map(role));
    expect(roles.map((r) => r[0])).toEqual(['master', 'slave', 'slave']);
    const [master, epoch, replicas] = roles[0] as [string, number, unknown[]];
    expect(master).toBe('master');
    expect(epoch).toBeGreaterThan(0);
    expect(replicas).toHaveLength(2);
    for (const r of roles.slice(1)) expect(r).toEqual(['slave', expect.any(String), 0, 'connected', epoch]);
    const info = await pages[1]!.evaluate(() => window.redis.info('replication'));
    expect(info).toMatch(/role:slave/);
    expect(info).toMatch(new RegExp(`idb_epoch:${epoch}`));
    for (const page of pages) await page.close();
  });

  it('forwarding: 3 pages interleaved, each reads its own writes', async () => {
    const store = `forward-${storeCounter++}`;
    const pages = await openPages(3, store);
    const mismatches = await Promise.all(
      pages.map((page, tab) =>
        page.evaluate(async (tab) => {
          const bad: string[] = [];
          for (let j = 0; j < 150; j++) {
            await window.redis.set(`k:${tab}`, String(j));
            const got = await window.redis.get(`k:${tab}`);
            if (got !== String(j)) bad.push(`${tab}:${j}:${got}`);
            await window.redis.incr('shared');
          }
          return bad;
        }, tab),
      ),
    );
    expect(mismatches).toEqual([[], [], []]);
    for (const page of pages) expect(await page.evaluate(() => window.redis.get('shared'))).toBe('450');
    // A MULTI … EXEC from a follower runs as one unit.
    const results = await pages[2]!.evaluate(() => window.redis.multi().incr('shared').incr('shared').get('shared').exec());
    expect(results).toEqual([451, 452, '452']);
    for (const page of pages) await page.close();
  });

  it('4 pages × 1,000 INCR on one key → exactly 4,000', async () => {
    const store = `incr-${storeCounter++}`;
    const pages = await openPages(4, store);
    await Promise.all(
      pages.map((page) => page.evaluate(() => Promise.all(Array.from({ length: 1000 }, () => window.redis.incr('counter'))))),
    );
    for (const page of pages) expect(await page.evaluate(() => window.redis.get('counter'))).toBe('4000');
    for (const page of pages) await page.close();
  });

  it('pub/sub across pages: counts, order per publisher, patterns, unsubscribe', async () => {
    const store = `pubsub-${storeCounter++}`;
    // The first page leads; the subscribers and the publisher are followers.
    const [leader, a, b, c] = await openPages(4, store);
    await a!.evaluate(async () => {
      await window.redis.subscribe('chat', (m, ch) => window.received.push(`${ch}:${m}`));
      await window.redis.pSubscribe('chat*', (m, ch) => window.received.push(`p:${ch}:${m}`));
    });
    await b!.evaluate(() => window.redis.subscribe('chat', (m) => window.received.push(m)));
    const counts = await c!.evaluate(async () => {
      const out: number[] = [];
      for (let i = 0; i < 100; i++) out.push(await window.redis.publish('chat', String(i)));
      out.push(await window.redis.publish('chatroom', 'x'));
      return out;
    });
    expect(counts).toEqual([...Array.from({ length: 100 }, () => 3), 1]);
    await b!.waitForFunction(() => window.received.length === 100);
    expect(await b!.evaluate(() => window.received)).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
    await a!.waitForFunction(() => window.received.length === 201);
    const gotA = await a!.evaluate(() => window.received);
    expect(gotA.filter((m) => !m.startsWith('p:'))).toEqual(Array.from({ length: 100 }, (_, i) => `chat:${i}`));
    expect(gotA.filter((m) => m.startsWith('p:'))).toEqual([...Array.from({ length: 100 }, (_, i) => `p:chat:${i}`), 'p:chatroom:x']);
    expect(await c!.evaluate(() => window.redis.pubSubNumSub('chat'))).toEqual({ chat: 2 });
    await b!.evaluate(() => window.redis.unsubscribe('chat'));
    expect(await c!.evaluate(() => window.redis.publish('chat', 'later'))).toBe(2);
    // A closed tab's subscriptions leave with it.
    await a!.close();
    await c!.waitForFunction(async () => (await window.redis.publish('chat', 'gone?')) === 0);
    await b!.close();
    await c!.close();
    await leader!.close();
  });

  it('keyspace events across pages, including expired', async () => {
    const store = `events-${storeCounter++}`;
    const [a, b] = await openPages(2, store);
    await b!.evaluate(async () => {
      await window.redis.configSet('notify-keyspace-events', 'KEA');
      await window.redis.pSubscribe('__key*__:*', (m, ch) => window.received.push(`${ch} ${m}`));
    });
    await a!.evaluate(() => window.redis.set('k', 'v', { PX: 50 }));
    await b!.waitForFunction(() => window.received.includes('__keyevent@0__:expired k'));
    expect(await b!.evaluate(() => window.received)).toEqual([
      '__keyspace@0__:k set', '__keyevent@0__:set k', '__keyspace@0__:k expire', '__keyevent@0__:expire k',
      '__keyspace@0__:k expired', '__keyevent@0__:expired k',
    ]);
    await a!.close();
    await b!.close();
  });

  it('MONITOR and CLIENT LIST span every tab', async () => {
    const store = `monitor-${storeCounter++}`;
    const [a, b, c] = await openPages(3, store);
    await c!.evaluate(async () => {
      await window.redis.monitor((line) => window.received.push(line));
    });
    await a!.evaluate(() => window.redis.set('from-a', '1'));
    await b!.evaluate(() => window.redis.set('from-b', '2'));
    await c!.waitForFunction(() => window.received.length >= 2);
    const lines = await c!.evaluate(() => window.received);
    expect(lines[0]).toMatch(/^\d+\.\d{6} \[0 local:\d+\] "SET" "from-a" "1"$/);
    expect(lines[1]).toMatch(/"SET" "from-b" "2"$/);
    expect(lines[0]!.split(' ')[2]).not.toBe(lines[1]!.split(' ')[2]);
    // One client per session: each page's main session, plus c's monitor session.
    const list = await b!.evaluate(() => window.redis.sendCommand(['CLIENT', 'LIST']) as Promise<string>);
    expect(list.trim().split('\n')).toHaveLength(4);
    expect(list).toMatch(/ flags=O /);
    for (const page of [a, b, c]) await page!.close();
  });

  it('observe(): a page hears changes made in another page, expiry included', async () => {
    const store = `observe-${storeCounter++}`;
    const [a, b] = await openPages(2, store);
    await b!.evaluate(() => window.redis.observe({ pattern: 'cart:*' }, (c) => window.received.push(`${c.key} ${c.event} ${c.type} ${c.value}`)));
    await a!.evaluate(async () => {
      await window.redis.set('cart:1', '3 apples');
      await window.redis.set('cart:2', 'pears', { PX: 50 });
    });
    await b!.waitForFunction(() => window.received.some((line) => line.startsWith('cart:2 expired')));
    const seen = await b!.evaluate(() => window.received);
    expect(seen).toContain('cart:1 set string 3 apples');
    expect(seen.at(-1)).toBe('cart:2 expired none null');
    await a!.close();
    await b!.close();
  });

  it('a lock holder that never answers (another version): commands fail clearly, then work once it leaves', async () => {
    const store = `mute-${storeCounter++}`;
    const mute = await context.newPage();
    await mute.goto(`${url}?store=unused-${storeCounter++}`);
    await mute.evaluate((store) => {
      void navigator.locks.request(`idb-redis:${store}:leader`, () => new Promise(() => undefined));
    }, store);
    const page = await openPage(store);
    const error = await page.evaluate(() => window.redis.get('k').then(() => 'answered', (e: Error) => e.message));
    expect(error).toMatch(/no tab leading this store answers/);
    await mute.close();
    await page.waitForFunction(() => window.redis.get('k').then(() => true, () => false));
    await page.close();
  });

  it('the leader page reloads: it comes back as a follower or leader, and every tab keeps working', async () => {
    const store = `reload-${storeCounter++}`;
    const [a, b] = await openPages(2, store);
    await a!.evaluate(() => window.redis.set('before', '1'));
    const stream = b!.evaluate(async () => {
      let acked = 0;
      let failed = 0;
      for (let i = 0; i < 300; i++) {
        try {
          await window.redis.incr('n');
          acked++;
        } catch {
          failed++;
        }
      }
      return { acked, failed };
    });
    await a!.reload();
    await a!.waitForFunction(() => window.tabsReady === true);
    expect(await a!.evaluate(() => window.redis.get('before'))).toBe('1');
    expect(await a!.evaluate(() => window.redis.incr('after-reload'))).toBe(1);
    const { acked, failed } = await stream;
    const n = Number(await a!.evaluate(() => window.redis.get('n')));
    expect(n).toBeGreaterThanOrEqual(acked);
    expect(n).toBeLessThanOrEqual(acked + failed);
    console.info(`leader reload: ${failed} of 300 INCRs in another page failed`);
    await a!.close();
    await b!.close();
  });

  it('malformed BroadcastChannel messages are counted and ignored', async () => {
    const store = `malformed-${storeCounter++}`;
    const [a, b] = await openPages(2, store);
    const before = await b!.evaluate(() => window.redis.info('replication'));
    await b!.evaluate((store) => {
      const channel = new BroadcastChannel(`idb-redis:${store}`);
      for (const junk of [null, 42, 'x', { v: 99, from: 'x', type: 'who' }, { v: 1, type: 'request' }, { v: 1, from: 'e', type: 'request', to: 'y', id: -1, session: 0, commands: [] }, { v: 1, from: 'e', type: 'nope' }]) {
        channel.postMessage(junk);
      }
      channel.close();
    }, store);
    const dropped = (info: string) => Number(/idb_channel_dropped:(\d+)/.exec(info)![1]);
    await b!.waitForFunction(async () => /idb_channel_dropped:([1-9]\d*)/.test(await window.redis.info('replication')));
    const after = await b!.evaluate(() => window.redis.info('replication'));
    expect(dropped(after) - dropped(before)).toBe(7);
    expect(await a!.evaluate(() => window.redis.incr('still-fine'))).toBe(1);
    await a!.close();
    await b!.close();
  });

  const FAILOVERS = [
    ['closes', 20, (page: Page) => page.close({ runBeforeUnload: false })],
    // The renderer process dies (CDP Page.crash): no unload, the worker dies with it.
    ['crashes', 5, async (page: Page) => {
      const cdp = await context.newCDPSession(page);
      const crashed = new Promise((resolve) => page.once('crash', resolve));
      // Page.crash answers only once the target is gone: do not wait on it.
      cdp.send('Page.crash').catch(() => undefined);
      await crashed;
      await page.close().catch(() => undefined);
    }],
  ] as const;

  for (const [how, rounds, kill] of FAILOVERS) it(`the leader page ${how} mid-stream, ${rounds} times: nothing acknowledged is lost, nothing applied twice`, async () => {
    const store = `failover-${how}-${storeCounter++}`;
    const pages = await openPages(3, store);
    const tags = new Map<Page, string>();
    let nextTag = 0;
    const startStream = async (page: Page): Promise<void> => {
      const tag = `t${nextTag++}`;
      tags.set(page, tag);
      await page.evaluate((tag) => {
        const state = { tag, acked: [] as number[], failed: 0, incrAcked: 0, incrFailed: 0, stop: false, done: Promise.resolve() };
        (window as unknown as { stream: typeof state }).stream = state;
        state.done = (async () => {
          for (let i = 0; !state.stop; i++) {
            try {
              await window.redis.set(`w:${tag}:${i}`, String(i));
              state.acked.push(i);
            } catch {
              state.failed++;
            }
            try {
              await window.redis.incr(`c:${tag}`);
              state.incrAcked++;
            } catch {
              state.incrFailed++;
            }
          }
        })();
      }, tag);
    };
    const acked = (page: Page) => page.evaluate(() => (window as unknown as { stream: { acked: number[] } }).stream.acked.length);
    for (const page of pages) await startStream(page);

    for (let round = 0; round < rounds; round++) {
      const leader = await leaderOf(pages);
      const survivors = pages.filter((p) => p !== leader);
      const progress = await Promise.all(survivors.map(acked));
      await kill(leader);
      pages.splice(pages.indexOf(leader), 1);
      // The survivors keep working: each acknowledges more writes under the new leader.
      await Promise.all(survivors.map((page, i) => page.waitForFunction(
        (n) => (window as unknown as { stream: { acked: number[] } }).stream.acked.length > n + 5,
        progress[i]!,
        { timeout: 20_000 },
      )));
      const replacement = await openPage(store);
      pages.push(replacement);
      await startStream(replacement);
    }

    // Stop every stream; check each one's writes from another page.
    const results = await Promise.all(pages.map((page) => page.evaluate(async () => {
      const s = (window as unknown as { stream: { tag: string; acked: number[]; failed: number; incrAcked: number; incrFailed: number; stop: boolean; done: Promise<void> } }).stream;
      s.stop = true;
      await s.done;
      return { tag: s.tag, acked: s.acked, failed: s.failed, incrAcked: s.incrAcked, incrFailed: s.incrFailed };
    })));
    const checker = pages[0]!;
    const check = await checker.evaluate(async (tags) => {
      const out: Record<string, { values: Array<string | null>; counter: string | null }> = {};
      for (const { tag, acked } of tags) {
        out[tag] = {
          values: acked.length === 0 ? [] : await window.redis.mGet(acked.map((i) => `w:${tag}:${i}`)),
          counter: await window.redis.get(`c:${tag}`),
        };
      }
      return out;
    }, results.map(({ tag, acked }) => ({ tag, acked })));
    console.info(`leader ${how}: in-flight commands failed per surviving stream:`, results.map((r) => r.failed + r.incrFailed).join(', '));
    for (const { tag, acked, incrAcked, incrFailed } of results) {
      expect(check[tag]!.values).toEqual(acked.map(String));
      const counter = Number(check[tag]!.counter ?? 0);
      expect(counter).toBeGreaterThanOrEqual(incrAcked);
      expect(counter).toBeLessThanOrEqual(incrAcked + incrFailed);
    }
    // The streams of pages that were closed: everything they had acknowledged is there too.
    const all = await checker.evaluate(() => window.redis.dbSize());
    expect(all).toBeGreaterThan(0);
    for (const page of pages) await page.close();
  }, 300_000);
});
