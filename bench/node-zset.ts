/**
 * Sorted-set benches (Node). The mix on a 100k-member sorted set, the engine
 * against ioredis-mock in the same run: ZADD updating a random member's score, ZRANGE of
 * 10 members at a random rank, ZRANK of a random member, each awaited. ioredis-mock
 * sorts the whole set on these reads (tens of ms per call at 100k), so its side runs far
 * fewer rounds; the rates compare. Then the engine alone on 1M members: ZADD moving a
 * member to a new score, ZADD of a new member (removed again, untimed, after each run),
 * ZRANK and ZRANGE BYSCORE LIMIT 0 10, each measured on its own. Times are process CPU time.
 *
 * Run alone: `node --import tsx bench/node-zset.ts`.
 */
import RedisMock from 'ioredis-mock';
import { createEngine, type Engine } from '../src/index.js';
import { opsPerSec, printTable, type Measurement } from './stats.js';

const MEMBERS = 100_000;
const ENGINE_ROUNDS = 20_000; // × 3 commands
const MOCK_ROUNDS = 10; // × 3 commands: a few seconds for ioredis-mock at 100k
const BIG = 1_000_000;
const BIG_OPS = 100_000;
/** Timed runs per 1M-member row (median kept): a single run disturbed by the machine's other load moves a median of three. */
const BIG_RUNS = 5;

/**
 * Like stats.ts's `median`, timed in this process's CPU time (user + system): the machines
 * these run on are shared, and CPU time keeps other processes' load out of the figures.
 * `reset`, untimed, runs after each run (undoing what it added).
 */
async function median(name: string, ops: number, runs: number, fn: () => Promise<void>, reset?: () => Promise<void>): Promise<Measurement> {
  await fn();
  await reset?.();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
    await reset?.();
  }
  times.sort((a, b) => a - b);
  return { name, ops, ms: times[Math.floor(times.length / 2)]! };
}

/** A seeded generator, so both contenders see the same sequence. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Contender {
  zadd(key: string, score: number, member: string): Promise<unknown>;
  zrange(key: string, start: number, stop: number): Promise<unknown>;
  zrank(key: string, member: string): Promise<unknown>;
}

const member = (i: number): string => `member:${i}`;

async function mix(c: Contender, rounds: number, size: number, seed: number): Promise<void> {
  const random = lcg(seed);
  for (let i = 0; i < rounds; i++) {
    await c.zadd('z', Math.floor(random() * 1_000_000) / 4, member(Math.floor(random() * size)));
    const offset = Math.floor(random() * (size - 10));
    await c.zrange('z', offset, offset + 9);
    await c.zrank('z', member(Math.floor(random() * size)));
  }
}

/** Fill `key` with `size` members scored i / 2, 1,000 per ZADD. */
async function fill(add: (args: string[]) => Promise<unknown>, size: number): Promise<void> {
  for (let i = 0; i < size; i += 1000) {
    const args: string[] = [];
    for (let j = i; j < Math.min(size, i + 1000); j++) args.push(String(j / 2), member(j));
    await add(args);
  }
}

async function bigSetRows(engine: Engine): Promise<Measurement[]> {
  await fill((args) => engine.call(['ZADD', 'big', ...args]), BIG);
  const random = lcg(7);
  const picks = Array.from({ length: BIG_OPS }, () => member(Math.floor(random() * BIG)));
  const scores = Array.from({ length: BIG_OPS }, () => String(Math.floor(random() * BIG) / 2));
  const fresh = Array.from({ length: BIG_OPS }, (_, i) => `fresh:${i}`);
  // Each run gives the picked members other scores than the run before did (a run that
  // re-sent the same scores would time ZADDs that change nothing).
  let shift = 0;
  return [
    await median('1M members: ZADD (update a score)', BIG_OPS, BIG_RUNS, async () => {
      shift += 7919;
      for (let i = 0; i < BIG_OPS; i++) await engine.call(['ZADD', 'big', scores[(i + shift) % BIG_OPS]!, picks[i]!]);
    }),
    await median('1M members: ZRANK', BIG_OPS, BIG_RUNS, async () => {
      for (let i = 0; i < BIG_OPS; i++) await engine.call(['ZRANK', 'big', picks[i]!]);
    }),
    await median('1M members: ZRANGE BYSCORE LIMIT 0 10', BIG_OPS, BIG_RUNS, async () => {
      for (let i = 0; i < BIG_OPS; i++) await engine.call(['ZRANGE', 'big', scores[i]!, '+inf', 'BYSCORE', 'LIMIT', '0', '10']);
    }),
    await median(
      '1M members: ZADD (a new member)',
      BIG_OPS,
      BIG_RUNS,
      async () => {
        for (let i = 0; i < BIG_OPS; i++) await engine.call(['ZADD', 'big', scores[i]!, fresh[i]!]);
      },
      async () => {
        for (let i = 0; i < BIG_OPS; i += 1000) await engine.call(['ZREM', 'big', ...fresh.slice(i, i + 1000)]);
      },
    ),
  ];
}

export async function runZsetBench(): Promise<{ zsetVsMock: number }> {
  const engine = createEngine();
  await fill((args) => engine.call(['ZADD', 'z', ...args]), MEMBERS);
  const ours: Contender = {
    zadd: (key, score, m) => engine.call(['ZADD', key, String(score), m]),
    zrange: (key, start, stop) => engine.call(['ZRANGE', key, String(start), String(stop)]),
    zrank: (key, m) => engine.call(['ZRANK', key, m]),
  };
  const mock = new RedisMock();
  await fill((args) => mock.zadd('z', ...args), MEMBERS);
  const theirs: Contender = {
    zadd: (key, score, m) => mock.zadd(key, score, m),
    zrange: (key, start, stop) => mock.zrange(key, start, stop),
    zrank: (key, m) => mock.zrank(key, m),
  };
  const mockRow = await median('ioredis-mock: ZADD+ZRANGE+ZRANK, 100k (awaited)', MOCK_ROUNDS * 3, 1, () => mix(theirs, MOCK_ROUNDS, MEMBERS, 1));
  const engineRow = await median('idb-redis engine.call: same mix, 100k (awaited)', ENGINE_ROUNDS * 3, 5, () => mix(ours, ENGINE_ROUNDS, MEMBERS, 1));
  printTable('Sorted set, 100k members (Node, CPU time)', [mockRow, engineRow], mockRow);
  const big = await bigSetRows(engine);
  printTable('Sorted set, 1M members, engine.call awaited (Node, CPU time)', big);
  // Nothing (no timer) keeps the 1M-member set reachable once this returns.
  engine.close();
  mock.disconnect?.();
  return { zsetVsMock: opsPerSec(engineRow) / opsPerSec(mockRow) };
}

// Run directly: print the figures and the target.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { zsetVsMock } = await runZsetBench();
  console.log(`\n  target: sorted-set mix ≥ 20× ioredis-mock → ${zsetVsMock.toFixed(1)}×`);
}
