/**
 * In-process bench (Node) for the list family: the engine against ioredis-mock behind the
 * same awaited call path, in the same run. The mix, per round over 100 lists of ~200
 * elements: LPUSH of one element, LPOP, then LRANGE 0 99 (a 100-element reply). Each part
 * is also timed alone.
 *
 * The two contenders run interleaved (one run each, in turn) and each run is timed in
 * process CPU time: on a loaded machine wall time mostly measures the wait for a core, and
 * interleaving exposes both to the same conditions.
 */
import RedisMock from 'ioredis-mock';
import { createEngine } from '../src/index.js';
import { opsPerSec, printTable, type Measurement } from './stats.js';

const ROUNDS = 5000; // × 3 commands per round
const RUNS = 7;
const keys = Array.from({ length: 100 }, (_, i) => `list:${i}`);
const seedValues = Array.from({ length: 200 }, (_, i) => `element number ${i}`);

interface Contender {
  lpush(key: string, value: string): Promise<unknown>;
  lpop(key: string): Promise<unknown>;
  lrange(key: string, start: number, stop: number): Promise<unknown>;
  rpushAll(key: string, values: string[]): Promise<unknown>;
}

async function seed(c: Contender): Promise<void> {
  for (const key of keys) await c.rpushAll(key, seedValues);
}

async function mix(c: Contender): Promise<void> {
  for (let i = 0; i < ROUNDS; i++) {
    const key = keys[i % keys.length]!;
    await c.lpush(key, 'pushed value');
    await c.lpop(key);
    await c.lrange(key, 0, 99);
  }
}

async function lpushLpop(c: Contender): Promise<void> {
  for (let i = 0; i < ROUNDS; i++) {
    const key = keys[i % keys.length]!;
    await c.lpush(key, 'pushed value');
    await c.lpop(key);
  }
}

async function lrangeOnly(c: Contender): Promise<void> {
  for (let i = 0; i < ROUNDS; i++) await c.lrange(keys[i % keys.length]!, 0, 99);
}

/** CPU milliseconds spent by this process in `fn`. */
async function cpuMs(fn: () => Promise<void>): Promise<number> {
  const start = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Median CPU time of `runs` interleaved runs of each contender, after one warm-up each. */
async function pair(ops: number, theirs: () => Promise<void>, ours: () => Promise<void>): Promise<[Measurement, Measurement]> {
  await theirs();
  await ours();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(await cpuMs(theirs));
    b.push(await cpuMs(ours));
  }
  const mid = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return [
    { name: 'ioredis-mock (awaited)', ops, ms: mid(a) },
    { name: 'idb-redis engine.call (awaited)', ops, ms: mid(b) },
  ];
}

export async function runListBench(): Promise<{ listVsMock: number }> {
  const engine = createEngine();
  const ours: Contender = {
    lpush: (k, v) => engine.call(['LPUSH', k, v]),
    lpop: (k) => engine.call(['LPOP', k]),
    lrange: (k, a, b) => engine.call(['LRANGE', k, String(a), String(b)]),
    rpushAll: (k, values) => engine.call(['RPUSH', k, ...values]),
  };
  const mock = new RedisMock();
  const theirs: Contender = {
    lpush: (k, v) => mock.lpush(k, v),
    lpop: (k) => mock.lpop(k),
    lrange: (k, a, b) => mock.lrange(k, a, b),
    rpushAll: (k, values) => mock.rpush(k, ...values),
  };
  await seed(ours);
  await seed(theirs);
  const [mockMix, engineMix] = await pair(ROUNDS * 3, () => mix(theirs), () => mix(ours));
  printTable('In-process (Node): LPUSH + LPOP + LRANGE(0, 99) mix', [mockMix, engineMix], mockMix);
  const parts: Array<[string, number, (c: Contender) => Promise<void>]> = [
    ['LPUSH + LPOP', ROUNDS * 2, lpushLpop],
    ['LRANGE 0 99', ROUNDS, lrangeOnly],
  ];
  for (const [label, ops, part] of parts) {
    const [mockPart, enginePart] = await pair(ops, () => part(theirs), () => part(ours));
    printTable(`  alone: ${label}`, [mockPart, enginePart], mockPart);
  }
  engine.close();
  mock.disconnect?.();
  return { listVsMock: opsPerSec(engineMix) / opsPerSec(mockMix) };
}
