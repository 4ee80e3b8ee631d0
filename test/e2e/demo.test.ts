/**
 * The demo driven in headless Chromium: served by Vite's dev server and, built, by Vite's
 * static preview server, each on a free 127.0.0.1 port. Skipped when Debian's chromium is
 * not installed (CI installs it).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { build, createServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../vite.config.js';

const haveChromium = existsSync(CHROMIUM_PATH);
const configFile = fileURLToPath(new URL('../../demo/vite.config.ts', import.meta.url));
/** Screenshots for people to look at (not committed; CI may keep them). */
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

interface Served {
  url: string;
  close(): Promise<void>;
}

function urlOf(server: { httpServer: { address(): unknown } | null }): string {
  const address = server.httpServer?.address();
  if (typeof address !== 'object' || address === null || !('port' in address)) throw new Error('server not listening');
  return `http://127.0.0.1:${String(address.port)}/`;
}

async function serveDev(): Promise<Served> {
  const server = await createServer({ configFile, logLevel: 'error', server: { port: 0, strictPort: true } });
  await server.listen();
  return { url: urlOf(server), close: () => server.close() };
}

async function serveBuilt(): Promise<Served> {
  const outDir = mkdtempSync(join(tmpdir(), 'idb-redis-demo-'));
  await build({ configFile, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const server = await preview({ configFile, logLevel: 'error', build: { outDir }, preview: { port: 0, strictPort: true } });
  return {
    url: urlOf(server),
    close: async () => {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

async function type(page: Page, line: string): Promise<void> {
  const entries = await page.locator('#output .entry').count();
  await page.fill('#command', line);
  await page.press('#command', 'Enter');
  // Wait for this command's reply to be printed.
  await page.locator('#output .entry .reply').nth(entries).locator('span').first().waitFor();
}

async function lastReply(page: Page): Promise<string> {
  return page.locator('#output .entry .reply').last().innerText();
}

interface DemoSession {
  context: BrowserContext;
  /** A new page on the demo, its console ready for input. */
  open(): Promise<Page>;
}

/**
 * The built demo served statically, in a fresh browser context: `body` opens pages on it.
 * No page may throw; everything is closed afterwards.
 */
async function withBuiltDemo(browser: Browser, body: (demo: DemoSession) => Promise<void>, options: BrowserContextOptions = {}): Promise<void> {
  const served = await serveBuilt();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, ...options });
  const errors: string[] = [];
  // Every page of the context, those the demo opens itself included.
  context.on('page', (page) => page.on('pageerror', (e) => errors.push(String(e))));
  try {
    await body({
      context,
      async open() {
        const page = await context.newPage();
        page.setDefaultTimeout(20_000);
        await page.goto(served.url);
        await page.locator('#command:not([disabled])').waitFor();
        return page;
      },
    });
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    await served.close();
  }
}

describe.skipIf(!haveChromium)('demo console', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const [mode, serve] of [
    ['dev server', serveDev],
    ['static build', serveBuilt],
  ] as const) {
    it(`runs commands like redis-cli (${mode})`, async () => {
      const served = await serve();
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(served.url);
        await page.locator('#command:not([disabled])').waitFor();

        await type(page, 'SET foo bar');
        expect(await lastReply(page)).toBe('OK');
        await type(page, 'GET foo');
        expect(await lastReply(page)).toBe('"bar"');
        await type(page, 'SET "two words" \'it\\\'s\'');
        await type(page, 'MGET foo "two words" missing');
        expect(await lastReply(page)).toBe('1) "bar"\n2) "it\'s"\n3) (nil)');
        await type(page, 'INCR foo');
        expect(await lastReply(page)).toBe('(error) ERR value is not an integer or out of range');
        expect(await page.locator('#output .entry .reply').last().locator('.error').count()).toBe(1);
        await type(page, 'APPEND foo "\\xff"');
        expect(await lastReply(page)).toBe('(integer) 4');
        await type(page, 'GET foo');
        expect(await lastReply(page)).toBe('"bar\\xff"');

        await page.press('#command', 'ArrowUp');
        expect(await page.inputValue('#command')).toBe('GET foo');
        await page.press('#command', 'ArrowUp');
        expect(await page.inputValue('#command')).toBe('APPEND foo "\\xff"');
        await page.press('#command', 'ArrowDown');
        await page.press('#command', 'ArrowDown');
        expect(await page.inputValue('#command')).toBe('');
        expect(errors).toEqual([]);
      } finally {
        await context.close();
        await served.close();
      }
    }, 120_000);
  }

  it('key browser, offline cache and stats work, and the built page loads offline', async () => {
    await withBuiltDemo(browser, async ({ context, open }) => {
      const page = await open();

      // Inline help and completion come from COMMAND DOCS.
      await page.fill('#command', 'INCRB');
      await page.press('#command', 'Tab');
      expect(await page.inputValue('#command')).toBe('INCRBY');
      await page.fill('#command', 'GETRANGE k');
      await page.dispatchEvent('#command', 'input');
      expect(await page.locator('#hint').innerText()).toContain('GETRANGE: Get a substring of the string stored at a key');
      await type(page, 'help TTL');
      expect(await lastReply(page)).toContain('summary: Get the time to live for a key in seconds');

      // Keys written in the console show up with type, size and a TTL that counts down.
      await type(page, 'SET session:1 alice EX 100');
      await type(page, 'SET counter 10');
      const row = page.locator('#keys-panel tr[data-key="session:1"]');
      await row.waitFor();
      expect(await row.locator('td').nth(1).innerText()).toBe('string');
      expect(await row.locator('td').nth(2).innerText()).toBe('5');
      expect(await row.locator('.ttl').innerText()).toMatch(/^(99|100) s$/);
      await row.click();
      await page.locator('.key-detail textarea').fill('bob');
      await page.locator('.key-detail button', { hasText: 'Save' }).click();
      await type(page, 'GET session:1');
      expect(await lastReply(page)).toBe('"bob"');
      await type(page, 'TTL session:1');
      expect(Number((await lastReply(page)).replace('(integer) ', ''))).toBeGreaterThan(90);

      // cachedFetch: a miss fetches and stores with a TTL, the next call is a hit.
      await page.fill('#cache-ttl', '60');
      await page.click('#cache-fetch');
      await expect.poll(() => page.locator('#cache-log li').first().innerText()).toMatch(/^MISS data\/forecast.json/);
      await page.click('#cache-fetch');
      await expect.poll(() => page.locator('#cache-log li').first().innerText()).toMatch(/^HIT data\/forecast.json .* TTL (59|60) s/);
      await page.locator('#keys-panel tr[data-key="cache:data/forecast.json"]').waitFor();

      // Stats: INFO once a second.
      await expect.poll(() => page.locator('[data-stat="keys"]').innerText()).toBe('3');
      await screenshot(page, 'demo-panels');

      // Offline after one visit: the service worker keeps the page, its worker and data.
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      // The page, its script and the engine's worker script must all be kept.
      const cached = () => page.evaluate(async () => (await (await caches.open('idb-redis-demo-v1')).keys()).map((r) => new URL(r.url).pathname));
      await expect.poll(async () => (await cached()).some((path) => /\/assets\/worker-[^/]*\.js$/.test(path)), { timeout: 30_000 }).toBe(true);
      await expect.poll(async () => (await cached()).some((path) => /\/assets\/index-[^/]*\.js$/.test(path)), { timeout: 30_000 }).toBe(true);
      await context.setOffline(true);
      await page.reload();
      await page.locator('#command:not([disabled])').waitFor();
      await page.click('#cache-fetch');
      await expect.poll(() => page.locator('#cache-log li').first().innerText()).toMatch(/^(HIT|MISS) /);
      await screenshot(page, 'demo-offline');
    });
  }, 120_000);

  it('two tabs: one leader, chat over pub/sub, live key browser, and the hand-over when the leader closes', async () => {
    await withBuiltDemo(browser, async ({ context, open }) => {
      const first = await open();
      await expect.poll(() => first.locator('#role').getAttribute('data-role'), { timeout: 10_000 }).toBe('leader');
      // The tabs panel's button opens the second tab.
      const [second] = await Promise.all([context.waitForEvent('page'), first.click('#open-tab')]);
      second.setDefaultTimeout(20_000);
      await second.locator('#command:not([disabled])').waitFor();
      await expect.poll(() => second.locator('#role').getAttribute('data-role'), { timeout: 10_000 }).toBe('follower');

      // A key written in one tab appears in the other's key browser (keyspace events).
      await type(second, 'HSET profile name ada lang en');
      await first.locator('#keys-panel tr[data-key="profile"]').waitFor();
      expect(await first.locator('#keys-panel tr[data-key="profile"] td').nth(1).innerText()).toBe('hash');

      // Chat: published in the follower, heard in both.
      await second.fill('#chat-input', 'hello from the second tab');
      await second.press('#chat-input', 'Enter');
      await expect.poll(() => first.locator('#chat-log li').last().innerText()).toMatch(/: hello from the second tab$/);
      await expect.poll(() => second.locator('#chat-log li').last().innerText()).toBe('me: hello from the second tab');
      await screenshot(first, 'demo-tabs-leader');

      // The leader tab closes: the follower takes over, with the data intact.
      await first.close();
      await expect.poll(() => second.locator('#role').getAttribute('data-role'), { timeout: 15_000 }).toBe('leader');
      expect(await second.locator('#role').innerText()).toMatch(/leader, epoch \d+/);
      await type(second, 'HGET profile name');
      expect(await lastReply(second)).toBe('"ada"');
      await screenshot(second, 'demo-tabs-took-over');
    });
  }, 120_000);

  it('persistence: data survives a reload; export downloads RESP that imports back', async () => {
    await withBuiltDemo(browser, async ({ open }) => {
      const page = await open();
      await type(page, 'RPUSH todo "buy milk" "call mum"');
      await type(page, 'ZADD scores 10 ann 20 bob');

      await page.click('#reload');
      await page.locator('#command:not([disabled])').waitFor();
      await type(page, 'LRANGE todo 0 -1');
      expect(await lastReply(page)).toBe('1) "buy milk"\n2) "call mum"');
      await expect.poll(() => page.locator('#persistence-summary').innerText()).toMatch(/^appendonly on, log \d+ bytes/);

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
      const path = join(mkdtempSync(join(tmpdir(), 'idb-redis-export-')), 'dump.resp');
      await download.saveAs(path);
      expect(await page.locator('#persistence-result').innerText()).toMatch(/^exported \d+ bytes/);

      await type(page, 'FLUSHALL');
      await page.setInputFiles('#import-file', path);
      await expect.poll(() => page.locator('#persistence-result').innerText()).toMatch(/^imported \d+ commands$/);
      await type(page, 'ZRANGE scores 0 -1 WITHSCORES');
      expect(await lastReply(page)).toBe('1) "ann"\n2) "10"\n3) "bob"\n4) "20"');
      await page.locator('#keys-panel tr[data-key="todo"]').waitFor();
      await screenshot(page, 'demo-persistence');
    }, { acceptDownloads: true });
  }, 120_000);
});
