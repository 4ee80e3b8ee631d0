/**
 * Browser bench page: each contender measured in the same page and run, results left
 * on `window.__bench` for the Node driver (bench/browser.ts) to print.
 */
import * as Comlink from 'comlink';
import { createClient, type RedisClient } from '../../src/index.js';
import { interleaved, median, wallMs, type Measurement } from '../stats.js';
import { echoWorker } from './echo.js';

const results: Measurement[] = [];
const out = document.getElementById('out')!;

async function rawPostMessage(): Promise<void> {
  const echo = echoWorker();
  const command = ['GET', 'key:1'];
  results.push(await median('raw postMessage echo, awaited one by one', 5000, 5, async () => {
    for (let i = 0; i < 5000; i++) await echo.send(command);
  }));
  results.push(await median('raw postMessage echo, all fired then awaited', 20000, 5, async () => {
    const all: Promise<unknown>[] = [];
    for (let i = 0; i < 20000; i++) all.push(echo.send(command));
    await Promise.all(all);
  }));
  echo.worker.terminate();
}

/**
 * Pipelined throughput, the ceiling and the clients in turn, five rounds (the machine's load
 * drifts; interleaving gives each the same drift): a raw echo of 1,000 commands per message,
 * and 200,000 SETs issued in one tick through a client without persistence and through one
 * with it (the default: appendfsync always, so replies also wait for IndexedDB commits).
 */
async function pipelined(): Promise<void> {
  const echo = echoWorker();
  // Distinct arrays, as real commands are: structured clone sends a repeated reference once,
  // so one array repeated 1,000 times would flatter the ceiling.
  const batch = Array.from({ length: 1000 }, (_, i) => ['SET', `key:${i}`, 'value']);
  const memory = createClient({ name: `bench-${Date.now()}`, persistence: false });
  const durable = createClient({ name: `bench-${Date.now()}` });
  const sets = (redis: RedisClient) => async () => {
    const all: Promise<unknown>[] = [];
    for (let i = 0; i < 200_000; i++) all.push(redis.set(`key:${i % 1000}`, 'value'));
    await Promise.all(all);
  };
  results.push(
    ...(await interleaved(
      200_000,
      5,
      [
        ['raw postMessage echo, 1,000 ops per message', async () => {
          for (let i = 0; i < 200; i++) await echo.send(batch);
        }],
        ['idb-redis client SET, auto-pipelined, persistence: false', sets(memory)],
        ['idb-redis client SET, auto-pipelined, persisted (always)', sets(durable)],
      ],
      wallMs,
    )),
  );
  echo.worker.terminate();
  await memory.quit();
  await durable.quit();
}

/** The same round trip through Comlink alone: what the RPC layer costs over raw messages. */
async function comlinkEcho(): Promise<void> {
  const worker = new Worker(new URL('./comlink-echo-worker.ts', import.meta.url), { type: 'module' });
  const remote = Comlink.wrap<{ handle(request: unknown): unknown }>(worker);
  const request = { v: 1, type: 'batch', commands: [['GET', 'key:1']] };
  results.push(await median('Comlink echo, awaited one by one', 5000, 5, async () => {
    for (let i = 0; i < 5000; i++) await remote.handle(request);
  }));
  worker.terminate();
}

async function client(): Promise<void> {
  const redis = createClient({ name: `bench-${Date.now()}` });
  await redis.set('key:1', 'value');
  results.push(await median('idb-redis client GET, awaited one by one', 5000, 5, async () => {
    for (let i = 0; i < 5000; i++) await redis.get('key:1');
  }));
  await redis.quit();
}

try {
  await rawPostMessage();
  await comlinkEcho();
  await client();
  await pipelined();
  (window as unknown as { __bench: unknown }).__bench = { ok: true, results };
  out.textContent = JSON.stringify(results, null, 2);
} catch (e) {
  (window as unknown as { __bench: unknown }).__bench = { ok: false, error: String((e as Error).stack ?? e) };
  out.textContent = String(e);
}
