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
});
