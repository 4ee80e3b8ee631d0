/**
 * Persistence benches (not wired into bench/run.ts; run on their own):
 *
 *   node --import tsx bench/persistence.ts            # Node: memory store, fake-indexeddb, 1M-key compaction
 *   node --import tsx bench/persistence.ts --browser  # plus Chromium: real IndexedDB, on-disk profile
 *   node --import tsx bench/persistence.ts --browser-only --cold-only  # Chromium cold start only
 *   node --import tsx bench/persistence.ts --browser-only --awaited-only  # Chromium awaited writes only
 *
 * The Chromium page is a production build (bundled, as an app ships it); `--dev-server`
 * serves it from Vite's dev server instead (one request per module: slower worker starts).
 *
 * Node's IndexedDB is fake-indexeddb (a JS model, not representative of a browser); the
 * Chromium figures are the ones to quote.
 */
import 'fake-indexeddb/auto';
import { createEngine, type Engine } from '../src/engine/engine.js';
import { indexedDBStorage } from '../src/persistence/indexeddb.js';
import { memoryStorage, type Storage } from '../src/persistence/storage.js';
import { runBenchPage } from './page-runner.js';

const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en-US')} ops/s`;

async function pipelined(engine: Engine, n: number): Promise<number> {
  await engine.ready;
  const conn = engine.connect();
  const start = performance.now();
  const batches: Promise<unknown>[] = [];
  for (let i = 0; i < n; i += 1000) {
    const batch: string[][] = [];
    for (let j = i; j < Math.min(n, i + 1000); j++) batch.push(['SET', `key:${j % 50_000}`, 'value-of-some-length']);
    batches.push(conn.callBatch(batch));
  }
  await Promise.all(batches);
  return performance.now() - start;
}

async function awaited(engine: Engine, n: number): Promise<number> {
  await engine.ready;
  const start = performance.now();
  for (let i = 0; i < n; i++) await engine.call(['SET', `one:${i}`, 'value']);
  return performance.now() - start;
}

async function nodeThroughput(): Promise<void> {
  console.log('\nNode, SET throughput (appendfsync always unless noted)');
  let db = 0;
  const stores: Array<[string, () => Storage | undefined, string?]> = [
    ['no persistence', () => undefined],
    ['memoryStorage', () => memoryStorage()],
    ['fake-indexeddb', () => indexedDBStorage(`bench-${db++}`)],
    ['fake-indexeddb, everysec', () => indexedDBStorage(`bench-${db++}`), 'everysec'],
  ];
  for (const [label, make, mode] of stores) {
    const storage = make();
    const engine = createEngine(storage ? { storage, persistence: { appendfsync: (mode ?? 'always') as 'always' } } : {});
    const p = await pipelined(engine, 200_000);
    const a = await awaited(engine, label.startsWith('fake') ? 2000 : 20_000);
    console.log(`  ${label.padEnd(28)} pipelined (1,000/turn): ${rate(200_000, p).padStart(16)}   awaited one by one: ${rate(label.startsWith('fake') ? 2000 : 20_000, a).padStart(14)}`);
    engine.close();
    await engine.persistence?.close();
  }
}

/** Longest gap between consecutive timer ticks while `work` runs: what a command would wait. */
async function maxPause(work: Promise<unknown>, engine: Engine): Promise<{ max: number; ticks: number }> {
  let done = false;
  void work.finally(() => (done = true));
  let last = performance.now();
  let max = 0;
  let ticks = 0;
  while (!done) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await engine.call(['GET', 'key:1']);
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
    ticks++;
  }
  return { max, ticks };
}

async function compaction(keys: number): Promise<void> {
  console.log(`\nNode, ${keys.toLocaleString('en-US')} keys, memoryStorage`);
  const storage = memoryStorage();
  const engine = createEngine({ storage, persistence: { appendfsync: 'everysec' } });
  await engine.ready;
  const conn = engine.connect();
  for (let i = 0; i < keys; i += 10_000) {
    const batch: string[][] = [];
    for (let j = i; j < i + 10_000; j++) batch.push(['SET', `key:${j}`, `value:${j}`]);
    conn.callBatchRaw(batch);
  }
  await engine.flush();
  let start = performance.now();
  const bg = engine.persistence!.startSnapshot('rewrite');
  const { max, ticks } = await maxPause(bg, engine);
  console.log(`  BGREWRITEAOF: ${(performance.now() - start).toFixed(0)} ms total, longest pause for commands ${max.toFixed(1)} ms over ${ticks} ticks`);
  start = performance.now();
  await engine.call(['SAVE']);
  console.log(`  SAVE (blocking by design): ${(performance.now() - start).toFixed(0)} ms`);
  engine.close();
  await engine.persistence!.close();
  start = performance.now();
  const again = createEngine({ storage });
  await again.ready;
  console.log(`  cold start (load ${String(await again.call(['DBSIZE']))} keys): ${(performance.now() - start).toFixed(0)} ms`);
  again.close();
}

async function browser(): Promise<void> {
  await runBenchPage('persistence-browser', { query: ['cold-only', 'awaited-only', '1m-only'].find((part) => process.argv.includes(`--${part}`)), timeoutMs: 900_000, indent: '  ', built: !process.argv.includes('--dev-server') });
}

/** Bytes stored per byte of user data (key + value), log only and after a snapshot. */
async function amplification(): Promise<void> {
  const storage = memoryStorage();
  const engine = createEngine({ storage });
  const conn = engine.connect();
  let user = 0;
  for (let i = 0; i < 100_000; i += 1000) {
    const batch: string[][] = [];
    for (let j = i; j < i + 1000; j++) {
      const key = `user:${j}`;
      const value = 'x'.repeat(100);
      user += key.length + value.length;
      batch.push(['SET', key, value]);
    }
    await conn.callBatch(batch);
  }
  const log = storage.inspect().bytes;
  await engine.call(['SAVE']);
  const snap = storage.inspect().bytes;
  console.log(`\nWrite amplification (100k SETs of 100-byte values): log ${(log / user).toFixed(2)} bytes stored per user byte, snapshot ${(snap / user).toFixed(2)}`);
  engine.close();
}

if (!process.argv.includes('--browser-only')) {
  await amplification();
  await nodeThroughput();
  await compaction(Number(process.env.KEYS ?? 1_000_000));
}
if (process.argv.includes('--browser') || process.argv.includes('--browser-only')) {
  console.log('\nChromium (real IndexedDB, on-disk profile)');
  await browser();
}
