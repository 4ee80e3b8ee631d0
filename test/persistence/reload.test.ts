/**
 * The real restart tests, in headless Chromium on an on-disk profile: write through a page's
 * client, then reload the page, and close the whole browser and start a new one on the same
 * profile; the data is read back each time. Skipped without Debian's chromium.
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
const root = fileURLToPath(new URL('./page/', import.meta.url));

type Call = [string, ...string[]];

async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, null, { timeout: 30_000 });
  return page;
}

/** Run commands through the page's client; replies in order. */
function run(page: Page, commands: Call[]): Promise<unknown[]> {
  return page.evaluate(
    (cmds) => Promise.all(cmds.map((argv) => (window as unknown as { redis: { sendCommand(a: string[]): Promise<unknown> } }).redis.sendCommand(argv))),
    commands,
  );
}

describe.skipIf(!haveChromium)('restart in Chromium', () => {
  let server: ViteDevServer;
  let url: string;
  let profile: string;

  beforeAll(async () => {
    server = await createServer({
      configFile: false,
      root,
      logLevel: 'error',
      server: { host: '127.0.0.1', port: 0, fs: { allow: [fileURLToPath(new URL('../../', import.meta.url))] } },
      worker: { format: 'es' },
      optimizeDeps: { include: ['comlink', 'idb'] },
    });
    await server.listen();
    url = `http://127.0.0.1:${(server.httpServer!.address() as { port: number }).port}/index.html`;
    profile = mkdtempSync(join(tmpdir(), 'idb-redis-reload-'));
  });

  afterAll(async () => {
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const launch = () => chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });

  it('write, reload the page, read back; close the browser, start a new one on the profile, read back', async () => {
    let context = await launch();
    try {
      let page = await openPage(context, url);
      const writes: Call[] = [['SET', 'greeting', 'hello'], ['HSET', 'user:1', 'name', 'ada', 'lang', 'en'], ['SET', 'ttl', 'x', 'EX', '1000']];
      for (let i = 0; i < 1000; i++) writes.push(['SET', `k${i}`, String(i)]);
      writes.push(['INCR', 'counter']);
      await run(page, writes);
      await page.reload();
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, null, { timeout: 30_000 });
      expect(await run(page, [['GET', 'greeting'], ['HGET', 'user:1', 'name'], ['DBSIZE'], ['INCR', 'counter']])).toEqual(['hello', 'ada', 1004, 2]);
      // A snapshot, then more log on top of it.
      expect(await run(page, [['SAVE'], ['SET', 'after-save', '1']])).toEqual(['OK', 'OK']);
      await context.close();
      context = await launch();
      page = await openPage(context, url);
      const [ttl, ...rest] = await run(page, [['TTL', 'ttl'], ['GET', 'after-save'], ['GET', 'k999'], ['GET', 'counter'], ['DBSIZE']]);
      expect(ttl).toBeGreaterThan(900);
      expect(rest).toEqual(['1', '999', '2', 1005]);
    } finally {
      await context.close();
    }
  });

  it('a snapshot of 40,000 keys is written in hash buckets; after a reload keys answer, then all are built', async () => {
    const context = await launch();
    try {
      const page = await openPage(context, url);
      const [before] = (await run(page, [['DBSIZE']])) as [number];
      const writes: Call[] = [];
      for (let i = 0; i < 40_000; i++) writes.push(['SET', `lazy:${i}`, `v${i}`]);
      writes.push(['SET', 'lazy:utf8', 'héllo'], ['SET', 'lazy:ttl', 'x', 'EX', '1000']);
      await run(page, writes);
      expect(await run(page, [['SAVE'], ['SET', 'lazy:0', 'after'], ['DEL', 'lazy:1']])).toEqual(['OK', 'OK', 1]);
      // The snapshot's strings are grouped by hash bucket (the chunks say so).
      const buckets = await page.evaluate(
        () =>
          new Promise<number[]>((resolve, reject) => {
            const open = indexedDB.open('idb-redis:reload-test');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const get = open.result.transaction('chunks').objectStore('chunks').getAll();
              get.onsuccess = () => {
                resolve([...new Set((get.result as Array<{ buckets?: number }>).map((c) => c.buckets ?? 0))]);
                open.result.close();
              };
            };
          }),
      );
      expect(Math.max(...buckets)).toBeGreaterThanOrEqual(4);
      await page.reload();
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, null, { timeout: 30_000 });
      const [ttl, ...rest] = await run(page, [['TTL', 'lazy:ttl'], ['GET', 'lazy:12345'], ['GET', 'lazy:0'], ['GET', 'lazy:1'], ['GET', 'lazy:utf8'], ['GET', 'lazy:39999']]);
      expect(ttl).toBeGreaterThan(900);
      expect(rest).toEqual(['v12345', 'after', null, 'héllo', 'v39999']);
      expect(await run(page, [['DBSIZE']])).toEqual([before + 40_001]);
      expect(String((await run(page, [['INFO', 'persistence']]))[0])).toMatch(/idb_keys_unbuilt:0\r\n/);
    } finally {
      await context.close();
    }
  });
});
