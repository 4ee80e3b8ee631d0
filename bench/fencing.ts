/**
 * The per-write cost of fencing in real Chromium IndexedDB (on-disk profile):
 *
 *   node --import tsx bench/fencing.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { createServer } = await import('vite');
const { chromium } = await import('playwright-core');
const { CHROMIUM_ARGS, CHROMIUM_PATH } = await import('../vite.config.js');
const server = await createServer({
  configFile: false,
  root: join(import.meta.dirname, 'fencing-browser'),
  logLevel: 'error',
  server: { host: '127.0.0.1', port: 0, fs: { allow: [join(import.meta.dirname, '..')] } },
});
await server.listen();
const port = (server.httpServer!.address() as { port: number }).port;
const profile = mkdtempSync(join(tmpdir(), 'idb-redis-fencing-bench-'));
const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
try {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  page.on('console', (m) => console.log(m.text()));
  await page.goto(`http://127.0.0.1:${port}/index.html`);
  await page.waitForFunction(() => (window as unknown as { __done?: unknown }).__done !== undefined, null, { timeout: 600_000 });
  const error = await page.evaluate(() => (window as unknown as { __done: unknown }).__done);
  if (error !== true) throw new Error(String(error));
} finally {
  await context.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
