/**
 * Runs a bench page in headless Chromium on an on-disk profile (real IndexedDB): serves
 * `bench/<dir>/index.html` with Vite, prints the page's console, and waits until the page
 * sets `window.__done` (true, or an error text).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function runBenchPage(dir: string, options: { query?: string; timeoutMs?: number; indent?: string } = {}): Promise<void> {
  const { createServer } = await import('vite');
  const { chromium } = await import('playwright-core');
  const { CHROMIUM_ARGS, CHROMIUM_PATH } = await import('../vite.config.js');
  const server = await createServer({
    configFile: false,
    root: join(import.meta.dirname, dir),
    logLevel: 'error',
    // No HMR: an edit elsewhere in the tree must not reload the page mid-run.
    server: { host: '127.0.0.1', port: 0, fs: { allow: [join(import.meta.dirname, '..')] }, hmr: false },
    worker: { format: 'es' },
  });
  await server.listen();
  const port = (server.httpServer!.address() as { port: number }).port;
  const profile = mkdtempSync(join(tmpdir(), `idb-redis-${dir}-`));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    page.on('console', (m) => console.log((options.indent ?? '') + m.text()));
    await page.goto(`http://127.0.0.1:${port}/index.html${options.query === undefined ? '' : `?${options.query}`}`);
    await page.waitForFunction(() => (window as unknown as { __done?: unknown }).__done !== undefined, null, { timeout: options.timeoutMs ?? 600_000 });
    const error = await page.evaluate(() => (window as unknown as { __done: unknown }).__done);
    if (error !== true) throw new Error(String(error));
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
