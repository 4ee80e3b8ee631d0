/**
 * Chromium persistence bench page (driven by bench/persistence.ts --browser): durable SET
 * throughput through the Worker client in each appendfsync mode, against idb-keyval on the
 * same data, and cold start from a snapshot. Lines go to console.log; `__done` ends it.
 */
import { set as kvSet, get as kvGet, getMany as kvGetMany, setMany as kvSetMany, createStore } from 'idb-keyval';
import { openDB } from 'idb';
import { createClient, type RedisClient } from '../../src/index.js';
import { createEngine } from '../../src/engine/engine.js';
import { indexedDBStorage } from '../../src/persistence/indexeddb.js';

const run = Date.now();
const log = (line: string) => console.log(line);
const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en-US')} ops/s`;

function spawn(): Worker {
  return new Worker(new URL('../../worker/worker.ts', import.meta.url), { type: 'module' });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function pipelined(redis: RedisClient, n: number): Promise<number> {
  return timed(() => Promise.all(Array.from({ length: n }, (_, i) => redis.set(`key:${i}`, 'value-of-some-length'))));
}

async function oneByOne(redis: RedisClient, n: number): Promise<number> {
  return timed(async () => {
    for (let i = 0; i < n; i++) await redis.set(`one:${i}`, 'value');
  });
}

async function modes(): Promise<void> {
  for (const mode of ['memory', 'always', 'everysec', 'no'] as const) {
    const redis = createClient({ name: `bench-${run}-${mode}`, persistence: mode !== 'memory' });
    await redis.ping();
    if (mode !== 'memory') await redis.sendCommand(['CONFIG', 'SET', 'appendfsync', mode]);
    await pipelined(redis, 20_000); // warm-up
    const p = await pipelined(redis, 100_000);
    const a = await oneByOne(redis, mode === 'always' ? 500 : 2000);
    log(`idb-redis SET ${mode === 'memory' ? 'persistence: false' : `appendfsync ${mode}`}: pipelined ${rate(100_000, p)}, awaited one by one ${rate(mode === 'always' ? 500 : 2000, a)}`);
    if (mode === 'always') {
      const g = await timed(() => Promise.all(Array.from({ length: 20_000 }, (_, i) => redis.get(`key:${i}`))));
      log(`idb-redis GET of persisted keys, pipelined: ${rate(20_000, g)}`);
      const keys = Array.from({ length: 1000 }, (_, i) => `key:${i}`);
      const m = await timed(async () => {
        for (let r = 0; r < 20; r++) await redis.mGet(keys);
      });
      log(`idb-redis MGET of 1,000 persisted keys: ${(m / 20).toFixed(2)} ms each`);
    }
    await redis.quit();
  }
}

async function idbKeyval(): Promise<void> {
  const store = createStore(`kv-${run}`, 'kv');
  const n = 2000;
  const p = await timed(() => Promise.all(Array.from({ length: n }, (_, i) => kvSet(`key:${i}`, 'value-of-some-length', store))));
  const a = await timed(async () => {
    for (let i = 0; i < 300; i++) await kvSet(`one:${i}`, 'value', store);
  });
  const g = await timed(() => Promise.all(Array.from({ length: n }, (_, i) => kvGet(`key:${i}`, store))));
  log(`idb-keyval set: all fired ${rate(n, p)}, awaited one by one ${rate(300, a)}; get all fired ${rate(n, g)}`);
  const keys = Array.from({ length: 1000 }, (_, i) => `key:${i}`);
  await kvSetMany(keys.map((k) => [k, 'value-of-some-length']), store);
  const m = await timed(async () => {
    for (let r = 0; r < 20; r++) await kvGetMany(keys, store);
  });
  log(`idb-keyval getMany of 1,000 keys: ${(m / 20).toFixed(2)} ms each`);
}

async function coldStart(keys: number): Promise<void> {
  const name = `bench-${run}-cold-${keys}`;
  const first = createClient({ name });
  const value = 'v'.repeat(20);
  for (let i = 0; i < keys; i += 50_000) {
    await Promise.all(Array.from({ length: Math.min(50_000, keys - i) }, (_, j) => first.set(`key:${i + j}`, value)));
  }
  await first.sendCommand(['SAVE']);
  await first.quit();
  const raw = await openDB(`idb-redis:${name}`);
  const rawMs = await timed(() => raw.getAll('chunks'));
  raw.close();
  // The same load in this page's own engine: no worker start, no leadership.
  {
    const storage = indexedDBStorage(name);
    const engine = createEngine({ storage, persistence: { readOnly: true } });
    const inPage = await timed(() => engine.ready);
    log(`  the same load by an engine in the page (no worker): ${inPage.toFixed(0)} ms`);
    engine.close();
    storage.close();
  }
  const worker = spawn();
  const second = createClient({ name, worker });
  const ms = await timed(() => second.dbSize());
  log(`cold start, ${keys.toLocaleString('en-US')} keys from a snapshot: ${ms.toFixed(0)} ms (raw IndexedDB getAll of the same chunks: ${rawMs.toFixed(0)} ms)`);
  // Compaction beside traffic: the longest a GET waits while the snapshot is rewritten.
  const started = performance.now();
  await second.sendCommand(['BGREWRITEAOF']);
  let worst = 0;
  let gets = 0;
  for (;;) {
    const t = performance.now();
    await second.get(`key:${gets % keys}`);
    worst = Math.max(worst, performance.now() - t);
    gets++;
    if (gets % 50 === 0 && /aof_rewrite_in_progress:0/.test(String(await second.sendCommand(['INFO', 'persistence'])))) break;
  }
  log(`BGREWRITEAOF of ${keys.toLocaleString('en-US')} keys: ${(performance.now() - started).toFixed(0)} ms, ${gets} GETs served meanwhile, slowest ${worst.toFixed(1)} ms`);
  await second.quit();
  worker.terminate();
}

/** A worker opening an empty store: the fixed part of a cold start (module load, open). */
async function emptyStart(): Promise<void> {
  const worker = spawn();
  const client = createClient({ name: `bench-${run}-empty`, worker });
  const ms = await timed(() => client.dbSize());
  log(`cold start of an empty store (worker start, modules, IndexedDB open): ${ms.toFixed(0)} ms`);
  await client.quit();
  worker.terminate();
}

try {
  if (!location.search.includes('cold-only')) {
    await modes();
    await idbKeyval();
  }
  await emptyStart();
  await coldStart(100_000);
  await coldStart(1_000_000);
  (window as unknown as { __done: unknown }).__done = true;
} catch (e) {
  (window as unknown as { __done: unknown }).__done = String((e as Error).stack ?? e);
}
