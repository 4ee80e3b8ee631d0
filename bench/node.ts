/**
 * In-process benches (Node): the engine against ioredis-mock and a bare Map behind the
 * same awaited call path, on one SET/GET/INCR/MGET/EXPIRE mix; plus the engine's
 * batch path (one engine turn per 1,000 commands, as the worker runs pipelines). Timed
 * interleaved in CPU time (stats.ts), so a busy machine treats every contender alike.
 */
import RedisMock from 'ioredis-mock';
import { createEngine } from '../src/index.js';
import { interleaved, printTable, opsPerSec, type Measurement } from './stats.js';

const KEYS = 1000;
const ROUNDS = 20_000; // × 5 commands per round: long enough that each run pays for its own garbage
const keys = Array.from({ length: KEYS }, (_, i) => `key:${i}`);
const mgetKeys = keys.slice(0, 10);

/** The mix, written once against a minimal async surface every contender offers. */
interface Contender {
  set(k: string, v: string): Promise<unknown>;
  get(k: string): Promise<unknown>;
  incr(k: string): Promise<unknown>;
  mget(ks: string[]): Promise<unknown>;
  expire(k: string, s: number): Promise<unknown>;
}

async function mix(c: Contender): Promise<void> {
  for (let i = 0; i < ROUNDS; i++) {
    const k = keys[i % KEYS]!;
    await c.set(k, 'value');
    await c.get(k);
    await c.incr('counter');
    await c.mget(mgetKeys);
    await c.expire(k, 100);
  }
}

function bareMap(): Contender {
  const map = new Map<string, string>();
  return {
    set: async (k, v) => (map.set(k, v), 'OK'),
    get: async (k) => map.get(k) ?? null,
    incr: async (k) => {
      const n = Number(map.get(k) ?? 0) + 1;
      map.set(k, String(n));
      return n;
    },
    mget: async (ks) => ks.map((k) => map.get(k) ?? null),
    expire: async (k) => (map.has(k) ? 1 : 0),
  };
}

export async function runNodeBench(): Promise<Record<string, number>> {
  const engine = createEngine();
  const ours: Contender = {
    set: (k, v) => engine.call(['SET', k, v]),
    get: (k) => engine.call(['GET', k]),
    incr: (k) => engine.call(['INCR', k]),
    mget: (ks) => engine.call(['MGET', ...ks]),
    expire: (k, s) => engine.call(['EXPIRE', k, String(s)]),
  };
  const mock = new RedisMock();
  const theirs: Contender = {
    set: (k, v) => mock.set(k, v),
    get: (k) => mock.get(k),
    incr: (k) => mock.incr(k),
    mget: (ks) => mock.mget(ks),
    expire: (k, s) => mock.expire(k, s),
  };
  const ops = ROUNDS * 5;
  const map = bareMap();
  const rows: Measurement[] = await interleaved(ops, 7, [
    ['ioredis-mock (awaited)', () => mix(theirs)],
    ['bare Map, same async path (awaited)', () => mix(map)],
    ['idb-redis engine.call (awaited)', () => mix(ours)],
  ]);
  const [mockRow, mapRow, engineRow] = rows as [Measurement, Measurement, Measurement];

  const conn = engine.connect();
  const batch: string[][] = [];
  for (let i = 0; i < 1000; i++) {
    const k = keys[i % KEYS]!;
    batch.push(i % 2 === 0 ? ['SET', k, 'v'] : ['GET', k]);
  }
  const [batchRow] = await interleaved(200_000, 5, [
    ['idb-redis callBatch (1,000 SET/GET per turn)', async () => {
      for (let i = 0; i < 200; i++) await conn.callBatch(batch);
    }],
  ]);
  rows.push(batchRow!);
  printTable('In-process (Node): SET/GET/INCR/MGET(10)/EXPIRE mix', rows, mockRow);
  engine.close();
  mock.disconnect?.();
  return {
    engineVsMock: opsPerSec(engineRow) / opsPerSec(mockRow),
    mapVsMock: opsPerSec(mapRow) / opsPerSec(mockRow),
    batchOpsPerSec: opsPerSec(batchRow),
  };
}
