/**
 * The demo driven in headless Chromium: served by Vite's dev server and, built, by Vite's
 * static preview server, each on a free 127.0.0.1 port. Skipped when Debian's chromium is
 * not installed (CI installs it).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, createServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../vite.config.js';

const haveChromium = existsSync(CHROMIUM_PATH);
const configFile = fileURLToPath(new URL('../../demo/vite.config.ts', import.meta.url));

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
});
