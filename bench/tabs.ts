/**
 * Tabs bench: several pages of one origin in headless Chromium (on-disk profile), each with
 * a client of one store (test/e2e/tabs/main.ts), against raw BroadcastChannel between the
 * same pages. Run: `node --import tsx bench/tabs.ts`. Prints medians and ratios.
 *
 * - follower round trip: one awaited GET at a time from a follower page, vs a raw
 *   BroadcastChannel echo between two pages;
 * - pipelined follower throughput: 20,000 SETs issued in one tick from a follower;
 * - pub/sub: 10,000 PUBLISHes from one page (issued in one tick) until a subscriber page
 *   got them all, vs a raw one-way BroadcastChannel flood of as many messages;
 * - failover: from closing the leader page to the first reply a follower gets from the
 *   new leader, on a store of 1,000 keys (recovery time is part of it), split into the
 *   lock hand-off and the new leader's start (epoch + recovery).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../vite.config.js';

const root = join(import.meta.dirname, '..', 'test', 'e2e', 'tabs');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const server = await createServer({
    configFile: false,
    root,
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, fs: { allow: [join(import.meta.dirname, '..')] }, hmr: false, watch: { ignored: ['**/*'] } },
    optimizeDeps: { include: ['comlink', 'idb'] },
    worker: { format: 'es' },
  });
  await server.listen();
  const { port } = server.httpServer!.address() as { port: number };
  const profile = mkdtempSync(join(tmpdir(), 'idb-redis-tabs-bench-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  // tsx keeps function names with a __name helper that evaluated functions bring along.
  await context.addInitScript(() => {
    (globalThis as { __name?: unknown }).__name = (f: unknown) => f;
  });
  let storeNo = 0;
  const open = async (store: string): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/index.html?store=${store}`);
    await page.waitForFunction(() => window.tabsReady === true);
    await page.evaluate(() => window.redis.ping());
    return page;
  };
  try {
    const store = `bench-${storeNo++}`;
    const leader = await open(store);
    const follower = await open(store);
    // The subscriber is a third page, so every message crosses the channel.
    const subscriber = await open(store);
    await leader.evaluate(() => window.redis.set('k', 'v'));

    // Raw BroadcastChannel echo: the leader page answers, the follower page awaits each.
    await leader.evaluate(() => {
      const echo = new BroadcastChannel('bench-echo');
      echo.onmessage = (e) => echo.postMessage(e.data);
    });
    const N = 2000;
    const rawRtt: number[] = [];
    const followerRtt: number[] = [];
    const leaderRtt: number[] = [];
    for (let run = 0; run < 5; run++) {
      rawRtt.push(await follower.evaluate(async (n) => {
        const c = new BroadcastChannel('bench-echo');
        let resolve: () => void = () => undefined;
        c.onmessage = () => resolve();
        const t = performance.now();
        for (let i = 0; i < n; i++) {
          await new Promise<void>((r) => {
            resolve = r;
            c.postMessage(['GET', 'k']);
          });
        }
        const us = ((performance.now() - t) * 1000) / n;
        c.close();
        return us;
      }, N));
      followerRtt.push(await follower.evaluate(async (n) => {
        const t = performance.now();
        for (let i = 0; i < n; i++) await window.redis.get('k');
        return ((performance.now() - t) * 1000) / n;
      }, N));
      leaderRtt.push(await leader.evaluate(async (n) => {
        const t = performance.now();
        for (let i = 0; i < n; i++) await window.redis.get('k');
        return ((performance.now() - t) * 1000) / n;
      }, N));
    }
    const pipelined: number[] = [];
    for (let run = 0; run < 5; run++) {
      pipelined.push(await follower.evaluate(async () => {
        const t = performance.now();
        await Promise.all(Array.from({ length: 20000 }, (_, i) => window.redis.set(`p:${i % 100}`, 'x')));
        return 20000 / ((performance.now() - t) / 1000);
      }));
    }

    // Pub/sub across pages vs a raw one-way flood.
    const M = 10000;
    const rawFlood: number[] = [];
    const pubsub: number[] = [];
    for (let run = 0; run < 5; run++) {
      await subscriber.evaluate((m) => {
        const c = new BroadcastChannel('bench-flood');
        let got = 0;
        (window as unknown as { floodDone: Promise<number> }).floodDone = new Promise((resolve) => {
          c.onmessage = () => {
            if (++got === m) {
              c.close();
              resolve(performance.timeOrigin + performance.now());
            }
          };
        });
      }, M);
      const start = await follower.evaluate((m) => {
        const c = new BroadcastChannel('bench-flood');
        const t = performance.timeOrigin + performance.now();
        for (let i = 0; i < m; i++) c.postMessage(['message', 'bench', String(i)]);
        c.close();
        return t;
      }, M);
      const end = await subscriber.evaluate(() => (window as unknown as { floodDone: Promise<number> }).floodDone);
      rawFlood.push(M / ((end - start) / 1000));

      await subscriber.evaluate(async (m) => {
        let got = 0;
        let resolve: (t: number) => void = () => undefined;
        (window as unknown as { subDone: Promise<number> }).subDone = new Promise((r) => {
          resolve = r;
        });
        await window.redis.subscribe('bench', () => {
          if (++got === m) resolve(performance.timeOrigin + performance.now());
        });
      }, M);
      const pubStart = await follower.evaluate(async (m) => {
        const t = performance.timeOrigin + performance.now();
        await Promise.all(Array.from({ length: m }, (_, i) => window.redis.publish('bench', String(i))));
        return t;
      }, M);
      const pubEnd = await subscriber.evaluate(() => (window as unknown as { subDone: Promise<number> }).subDone);
      pubsub.push(M / ((pubEnd - pubStart) / 1000));
      await subscriber.evaluate(() => window.redis.unsubscribe('bench'));
    }

    // Failover: close the leader, time the first reply from the new one.
    const failover: number[] = [];
    /** Close → the next tab granted the lock; lock grant → store loaded. */
    const handoff: number[] = [];
    const takeover: number[] = [];
    // On a store of its own holding 1,000 keys, so recovery is small next to the hand-off.
    await subscriber.close();
    await leader.close();
    await follower.close();
    const failoverStore = `bench-${storeNo++}`;
    let current = await open(failoverStore);
    let other = await open(failoverStore);
    await current.evaluate(() => window.redis.mSet(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`key:${i}`, 'value']))));
    for (let run = 0; run < 7; run++) {
      const next = await open(failoverStore);
      const before = (await other.evaluate(() => window.redis.sendCommand(['ROLE']) as Promise<unknown[]>))[1];
      const t0 = Date.now();
      const waiting = other.evaluate(async (old) => {
        // Until a ROLE answered by another leader (one in flight at the close fails: retry).
        for (;;) {
          try {
            const role = (await window.redis.sendCommand(['ROLE'])) as unknown[];
            if (role[0] === 'master' || role[1] !== old) return { t: Date.now(), master: role[0] === 'master' };
          } catch {
            // Lost with the old leader.
          }
        }
      }, before);
      await current.close({ runBeforeUnload: false });
      const { t, master } = await waiting;
      failover.push(t - t0);
      const info = await other.evaluate(() => window.redis.info('replication'));
      handoff.push(Number(/idb_leader_since:(\d+)/.exec(info)![1]) - t0);
      takeover.push(Number(/idb_takeover_ms:(-?\d+)/.exec(info)![1]));
      current = master ? other : next;
      other = current === other ? next : other;
    }

    const rows: Array<[string, string]> = [
      ['raw BroadcastChannel round trip between pages', `${median(rawRtt).toFixed(0)} µs`],
      ['GET from a follower page, awaited one by one', `${median(followerRtt).toFixed(0)} µs (${(median(followerRtt) / median(rawRtt)).toFixed(2)}× raw BC)`],
      ['GET from the leader page, awaited one by one', `${median(leaderRtt).toFixed(0)} µs`],
      ['SET from a follower, 20,000 pipelined', `${Math.round(median(pipelined)).toLocaleString('en')} ops/s`],
      ['raw BroadcastChannel one-way flood', `${Math.round(median(rawFlood)).toLocaleString('en')} msgs/s`],
      ['PUBLISH from a follower page to a subscriber page', `${Math.round(median(pubsub)).toLocaleString('en')} msgs/s (${(median(pubsub) / median(rawFlood)).toFixed(2)}× raw BC)`],
      ['leader page closed → first reply from the new leader', `${median(failover)} ms median (${failover.join(', ')})`],
      ['  of which: close → lock granted to the next tab', `${median(handoff)} ms median (${handoff.join(', ')})`],
      ['  of which: lock granted → store loaded (epoch, recovery)', `${median(takeover)} ms median (${takeover.join(', ')})`],
    ];
    console.log('\nChromium, several pages of one origin (medians)');
    for (const [name, value] of rows) console.log(`  ${name.padEnd(56)} ${value}`);
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
