/**
 * Runs a bench page in headless Chromium on an on-disk profile (real IndexedDB): serves
 * `bench/<dir>/index.html` with Vite, prints the page's console, and waits until the page
 * sets `window.__done` (true, or an error text). `built`: the page is a production build
 * (bundled, as an app ships it) served by Vite's preview server, instead of the dev server's
 * one request per module (which makes a worker's start several times slower).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function runBenchPage(dir: string, options: { query?: string; timeoutMs?: number; indent?: string; built?: boolean } = {}): Promise<void> {
  const vite = await import('vite');
  const { chromium } = await import('playwright-core');
  const { CHROMIUM_ARGS, CHROMIUM_PATH } = await import('../vite.config.js');
  const root = join(import.meta.dirname, dir);
  let server: { close(): Promise<void>; port: number };
  if (options.built === true) {
    const outDir = mkdtempSync(join(tmpdir(), `idb-redis-build-${dir}-`));
    // Top-level await in the pages and the worker: no down-levelling.
    await vite.build({ configFile: false, root, logLevel: 'error', base: './', build: { outDir, emptyOutDir: true, target: 'esnext' }, worker: { format: 'es' } });
    const preview = await vite.preview({ configFile: false, root, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
    const port = (preview.httpServer.address() as { port: number }).port;
    server = {
      port,
      close: async () => {
        await preview.close();
        rmSync(outDir, { recursive: true, force: true });
      },
    };
  } else {
    const dev = await vite.createServer({
      configFile: false,
      root,
      logLevel: 'error',
      // No HMR: an edit elsewhere in the tree must not reload the page mid-run.
      server: { host: '127.0.0.1', port: 0, fs: { allow: [join(import.meta.dirname, '..')] }, hmr: false },
      worker: { format: 'es' },
    });
    await dev.listen();
    server = { port: (dev.httpServer!.address() as { port: number }).port, close: () => dev.close() };
  }
  const port = server.port;
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
