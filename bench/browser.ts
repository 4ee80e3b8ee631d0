/**
 * Drives the browser benches: serves bench/browser with Vite on 127.0.0.1 (cross-origin
 * isolated, for 5 µs timers), opens it in Debian's headless Chromium with an on-disk
 * profile (incognito IndexedDB lives in memory and flatters), and prints the page's results.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../vite.config.js';
import { printTable, type Measurement } from './stats.js';

export interface BrowserBenchResult {
  rows: Measurement[];
}

export async function runBrowserBench(): Promise<Measurement[]> {
  const server = await createServer({
    configFile: false,
    root: join(import.meta.dirname, 'browser'),
    logLevel: 'error',
    server: {
      host: '127.0.0.1',
      port: 0,
      fs: { allow: [join(import.meta.dirname, '..')] },
      headers: {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      },
    },
    worker: { format: 'es' },
  });
  await server.listen();
  const address = server.httpServer!.address() as { port: number };
  const profile = mkdtempSync(join(tmpdir(), 'idb-redis-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(`http://127.0.0.1:${address.port}/index.html`);
    await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench !== undefined, null, {
      timeout: 600_000,
    });
    const outcome = (await page.evaluate(() => (window as unknown as { __bench: unknown }).__bench)) as
      | { ok: true; results: Measurement[] }
      | { ok: false; error: string };
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome.results;
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

export function printBrowserBench(rows: Measurement[]): void {
  const byName = (prefix: string) => rows.find((r) => r.name.startsWith(prefix))!;
  printTable(
    'Chromium: client → worker round trips',
    [byName('raw postMessage echo, awaited'), byName('Comlink echo'), byName('idb-redis client GET')],
    byName('raw postMessage echo, awaited'),
  );
  printTable(
    'Chromium: pipelined throughput',
    [byName('raw postMessage echo, all fired'), byName('raw postMessage echo, 1,000'), byName('idb-redis client SET, auto-pipelined, persistence'), byName('idb-redis client SET, auto-pipelined, persisted')],
    byName('raw postMessage echo, 1,000'),
  );
}
