/**
 * Chromium persistence bench page (driven by bench/persistence.ts --browser): durable SET
 * throughput through the Worker client in each appendfsync mode, against idb-keyval on the
 * same data; writes awaited one at a time, interleaved with idb-keyval and a raw echo; cold
 * start from a snapshot (against raw getAll in the page and in a new worker). Lines go to console.log; `__done` ends it. `?awaited-only`,
 * `?cold-only` and `?1m-only` run parts.
 */
import { set as kvSet, get as kvGet, getMany as kvGetMany, setMany as kvSetMany, createStore } from 'idb-keyval';
import { openDB } from 'idb';
import { createClient, type RedisClient } from '../../src/index.js';
import { createEngine } from '../../src/engine/engine.js';
import { indexedDBStorage } from '../../src/persistence/indexeddb.js';
import { echoWorker } from '../browser/echo.js';

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

/** Ops per second of `n` calls of `op`, each awaited before the next. */
async function awaitedRate(n: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const ms = await timed(async () => {
    for (let i = 0; i < n; i++) await op(i);
  });
  return (n / ms) * 1000;
}

/**
 * Writes awaited one at a time, each contender in turn, five rounds (the machine's load
 * drifts; interleaving gives every contender the same drift): idb-keyval `set`, the Worker
 * client in `always` and `everysec`, two raw ceilings of any design that writes through a
 * worker (a postMessage echo: one awaited round trip and nothing else; a worker committing
 * one transaction shaped as the log's append per message, answered on completion), and an
 * engine in this page with the same IndexedDB storage (`createEngine`, as in a single-page
 * app, a service worker or the app's own worker: no round trip).
 */
async function awaitedWrites(): Promise<void> {
  const store = createStore(`kv-awaited-${run}`, 'kv');
  const clients = await Promise.all(
    (['always', 'everysec'] as const).map(async (mode) => {
      const client = createClient({ name: `bench-${run}-awaited-${mode}` });
      await client.sendCommand(['CONFIG', 'SET', 'appendfsync', mode]);
      return client;
    }),
  );
  const engines = (['always', 'everysec'] as const).map((appendfsync) =>
    createEngine({ storage: indexedDBStorage(`bench-${run}-awaited-page-${appendfsync}`), persistence: { appendfsync } }),
  );
  for (const engine of engines) await engine.call(['PING']);
  const echo = echoWorker();
  const tx = echoWorker(new Worker(new URL('./tx-worker.ts', import.meta.url), { type: 'module' }));
  const record = '*3\r\n$3\r\nSET\r\n$5\r\none:1\r\n$5\r\nvalue\r\n';
  const contenders: Array<[string, number, (i: number) => Promise<unknown>]> = [
    ['idb-keyval set', 300, (i) => kvSet(`one:${i}`, 'value', store)],
    ['Worker client SET, always', 300, (i) => clients[0]!.set(`one:${i}`, 'value')],
    ['raw worker transaction per message', 300, () => tx.send(record)],
    ['Worker client SET, everysec', 3000, (i) => clients[1]!.set(`one:${i}`, 'value')],
    ['raw postMessage echo', 3000, () => echo.send(['SET', 'one', 'value'])],
    ['engine in the page SET, always', 300, (i) => engines[0]!.call(['SET', `one:${i}`, 'value'])],
    ['engine in the page SET, everysec', 20_000, (i) => engines[1]!.call(['SET', `one:${i}`, 'value'])],
  ];
  const rates = contenders.map(() => [] as number[]);
  for (let round = 0; round < 5; round++) {
    for (const [c, [, n, op]] of contenders.entries()) rates[c]!.push(await awaitedRate(n, op));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const kv = rates[0]!;
  log('writes awaited one at a time, five interleaved rounds (median; range; ÷ idb-keyval of the same round):');
  for (const [c, [name]] of contenders.entries()) {
    const own = rates[c]!;
    const ratios = own.map((r, i) => r / kv[i]!);
    const fmt = (r: number) => Math.round(r).toLocaleString('en-US');
    log(`  ${name.padEnd(34)} ${fmt(median(own)).padStart(9)} ops/s (${fmt(Math.min(...own))}–${fmt(Math.max(...own))})` + (c === 0 ? '' : `  ${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`));
  }
  const ofCeiling = (c: number, ceiling: number) => {
    const ratios = rates[c]!.map((r, i) => r / rates[ceiling]![i]!);
    return `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
  };
  log(`  the Worker client ÷ its ceiling of the same round: always ÷ raw worker transaction ${ofCeiling(1, 2)}; everysec ÷ echo ${ofCeiling(3, 4)}`);
  echo.worker.terminate();
  tx.worker.terminate();
  for (const client of clients) await client.quit();
  for (const engine of engines) {
    engine.close();
    await engine.persistence?.close();
  }
}

async function modes(): Promise<void> {
  for (const mode of ['memory', 'always', 'everysec', 'no'] as const) {
    const redis = createClient({ name: `bench-${run}-${mode}`, persistence: mode !== 'memory' });
    await redis.ping();
    if (mode !== 'memory') await redis.sendCommand(['CONFIG', 'SET', 'appendfsync', mode]);
    await pipelined(redis, 20_000); // warm-up
    const p = await pipelined(redis, 100_000);
    log(`idb-redis SET ${mode === 'memory' ? 'persistence: false' : `appendfsync ${mode}`}: pipelined ${rate(100_000, p)}`);
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
  const g = await timed(() => Promise.all(Array.from({ length: n }, (_, i) => kvGet(`key:${i}`, store))));
  log(`idb-keyval set: all fired ${rate(n, p)}; get all fired ${rate(n, g)}`);
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
  // The same data in a snapshot without hash buckets (what earlier builds wrote): it loads
  // every key before serving. Written by an engine in this page.
  const eagerName = `${name}-eager`;
  {
    const storage = indexedDBStorage(eagerName);
    const engine = createEngine({ storage, persistence: { appendfsync: 'no', bucketKeys: 0 } });
    const conn = engine.connect();
    for (let i = 0; i < keys; i += 10_000) {
      await conn.callBatch(Array.from({ length: Math.min(10_000, keys - i) }, (_, j) => ['SET', `key:${i + j}`, value]));
    }
    await engine.call(['SAVE']);
    engine.close();
    await engine.persistence?.close();
  }
  /** A raw read of every chunk: getAll alone, and from opening the database (a cold start's share). */
  const rawOpens: number[] = [];
  const rawGetAll = async (store: string) => {
    const start = performance.now();
    const raw = await openDB(`idb-redis:${store}`);
    const ms = await timed(() => raw.getAll('chunks'));
    if (store === name) rawOpens.push(performance.now() - start);
    raw.close();
    return ms;
  };
  const n = keys.toLocaleString('en-US');
  const randomKey = () => `key:${Math.floor(Math.random() * keys)}`;
  // The same loads in this page's own engine (no worker start, no leadership), three
  // rounds interleaved with the raw reads: ranges, not one run.
  const inPage = async (store: string) => {
    const storage = indexedDBStorage(store);
    const start = performance.now();
    const engine = createEngine({ storage, persistence: { readOnly: true } });
    await engine.call(['GET', randomKey()]);
    const first = performance.now() - start;
    await engine.call(['DBSIZE']);
    const full = performance.now() - start;
    engine.close();
    storage.close();
    return { first, full };
  };
  const raws: number[] = [];
  const rawsEager: number[] = [];
  const lazyRuns: Array<{ first: number; full: number }> = [];
  const eagerRuns: Array<{ first: number; full: number }> = [];
  for (let round = 0; round < 3; round++) {
    raws.push(await rawGetAll(name));
    lazyRuns.push(await inPage(name));
    rawsEager.push(await rawGetAll(eagerName));
    eagerRuns.push(await inPage(eagerName));
  }
  const range = (values: number[]) => `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}`;
  const rawMs = raws[raws.length - 1]!;
  const rawEagerMs = rawsEager[rawsEager.length - 1]!;
  const ratios = lazyRuns.map((r, i) => (r.first / raws[i]!).toFixed(2)).join(', ');
  const openRatios = lazyRuns.map((r, i) => (r.first / rawOpens[i]!).toFixed(2)).join(', ');
  log(`  in the page (no worker), 3 rounds: raw getAll of the chunks ${range(raws)} ms (opening the database first: ${range(rawOpens)} ms); first GET of a random key ${range(lazyRuns.map((r) => r.first))} ms (÷ that round's getAll: ${ratios}; ÷ open + getAll: ${openRatios}), every key built ${range(lazyRuns.map((r) => r.full))} ms`);
  log(`  in the page, unbucketed snapshot: raw getAll ${range(rawsEager)} ms; first GET (every key built first) ${range(eagerRuns.map((r) => r.first))} ms`);
  /**
   * A worker opening the store, timed from its creation: the first GET of a random key
   * answered, the slowest of 100 random GETs awaited one by one after it (while the rest is
   * built in the background), and DBSIZE answered (which builds whatever is left).
   */
  const start = async (store: string) => {
    const t0 = performance.now();
    const worker = spawn();
    const client = createClient({ name: store, worker });
    await client.get(randomKey());
    const first = performance.now() - t0;
    let slowest = 0;
    for (let i = 0; i < 100; i++) {
      const t = performance.now();
      await client.get(randomKey());
      slowest = Math.max(slowest, performance.now() - t);
    }
    // Built by the background alone: INFO persistence's idb_keys_unbuilt reaches 0 (read
    // every 10 ms; reading it builds nothing).
    let background = NaN;
    for (let i = 0; i < 6000; i++) {
      if (/idb_keys_unbuilt:0\r\n/.test(String(await client.sendCommand(['INFO', 'persistence'])))) {
        background = performance.now() - t0;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const size = await client.dbSize();
    const full = performance.now() - t0;
    if (size !== keys) throw new Error(`DBSIZE ${size}, expected ${keys}`);
    return { worker, client, first, full, slowest, background };
  };
  // The fixed part, measured here with the worker's modules cached as for the starts below.
  await emptyStart('  ');
  const eager = await start(eagerName);
  log(`cold start, ${n} keys, unbucketed snapshot (loads every key first): first GET ${eager.first.toFixed(0)} ms, every key built ${eager.full.toFixed(0)} ms (raw IndexedDB getAll of its chunks: ${rawEagerMs.toFixed(0)} ms)`);
  await eager.client.quit();
  eager.worker.terminate();
  // The ceiling of any worker design, in three rounds beside three starts of ours: a new
  // worker that opens the database and reads every chunk, timed to its answer.
  const rawWorkers: number[] = [];
  const firsts: number[] = [];
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    const raw = new Worker(new URL('./raw-worker.ts', import.meta.url), { type: 'module' });
    await new Promise((resolve) => {
      raw.onmessage = resolve;
      raw.postMessage(`idb-redis:${name}`);
    });
    rawWorkers.push(performance.now() - t0);
    raw.terminate();
    if (round === 2) break;
    const started = performance.now();
    const worker = spawn();
    const client = createClient({ name, worker });
    await client.get(randomKey());
    firsts.push(performance.now() - started);
    await client.quit();
    worker.terminate();
  }
  const lazy = await start(name);
  firsts.push(lazy.first);
  log(`cold start, ${n} keys from a snapshot: first GET of a random key ${lazy.first.toFixed(0)} ms, every key built in the background ${lazy.background.toFixed(0)} ms, slowest of 100 GETs meanwhile ${lazy.slowest.toFixed(1)} ms (raw IndexedDB getAll of the same chunks: ${rawMs.toFixed(0)} ms, with the database's open ${rawOpens[rawOpens.length - 1]!.toFixed(0)} ms)`);
  const workerRatios = firsts.map((ms, i) => (ms / rawWorkers[i]!).toFixed(2)).join(', ');
  log(`  3 rounds: a new worker's first GET ${range(firsts)} ms; a new worker opening the database and reading every chunk (the ceiling of a worker's cold start) ${range(rawWorkers)} ms; ÷ it: ${workerRatios}`);
  const second = lazy.client;
  const worker = lazy.worker;
  await compaction(second, keys);
  await second.quit();
  worker.terminate();
}

/**
 * Compaction beside traffic: GETs awaited one by one while BGREWRITEAOF rewrites the
 * snapshot; each GET's time is what a command waits (the worker's longest stretch without
 * serving one); p99 and the slowest are printed.
 */
async function compaction(client: RedisClient, keys: number): Promise<void> {
  // From a worker in use, as a rewrite runs in practice: 200,000 GETs first, then an idle
  // second. The cold start's tail (its last built keys, which the next scavenges copy and
  // promote, and the major collection marking the million keys) is then behind the timed part.
  for (let i = 0; i < 20; i++) await Promise.all(Array.from({ length: 10_000 }, (_, j) => client.get(`key:${(i * 10_000 + j) % keys}`)));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const started = performance.now();
  await client.sendCommand(['BGREWRITEAOF']);
  const times: number[] = [];
  for (;;) {
    const t = performance.now();
    await client.get(`key:${times.length % keys}`);
    times.push(performance.now() - t);
    if (times.length % 50 === 0 && /aof_rewrite_in_progress:0/.test(String(await client.sendCommand(['INFO', 'persistence'])))) break;
  }
  const total = performance.now() - started;
  times.sort((a, b) => a - b);
  const p99 = times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!;
  log(`BGREWRITEAOF of ${keys.toLocaleString('en-US')} keys: ${total.toFixed(0)} ms, ${times.length} GETs served meanwhile, p99 ${p99.toFixed(1)} ms, slowest ${times[times.length - 1]!.toFixed(1)} ms`);
}

/** A worker opening an empty store: the fixed part of a cold start (module load, open). */
let empties = 0;
async function emptyStart(indent = ''): Promise<void> {
  const worker = spawn();
  const client = createClient({ name: `bench-${run}-empty-${empties++}`, worker });
  const ms = await timed(() => client.dbSize());
  log(`${indent}cold start of an empty store (worker start, modules, IndexedDB open): ${ms.toFixed(0)} ms`);
  await client.quit();
  worker.terminate();
}

async function main(): Promise<void> {
  const only = (part: string) => location.search.includes(`${part}-only`);
  if (only('awaited')) return awaitedWrites();
  if (!only('cold')) {
    await modes();
    await idbKeyval();
    await awaitedWrites();
  }
  if (!only('1m')) {
    await emptyStart();
    await coldStart(100_000);
  }
  await coldStart(1_000_000);
}

try {
  await main();
  (window as unknown as { __done: unknown }).__done = true;
} catch (e) {
  (window as unknown as { __done: unknown }).__done = String((e as Error).stack ?? e);
}
