/**
 * In-process benches (Node) for the hash and set families: the engine against
 * ioredis-mock behind the same awaited call path, in the same run.
 * - hash mix: a record written field by field then read whole: 20 HSETs into one of 1,000
 *   hashes, then HGETALL of that 20-field hash;
 * - set mix: SADD of one member into one of 1,000 sets, then SINTER of two ~100-member sets.
 * Each command is also timed alone (HSET, HGETALL) so the mix's parts can be read apart.
 */
import RedisMock from 'ioredis-mock';
import { createEngine } from '../src/index.js';
import { median, opsPerSec, printTable } from './stats.js';

const ROUNDS = 5000; // × 2 commands per round (set mix)
const HASH_ROUNDS = 500; // × 21 commands per round (hash mix)
const RUNS = 5;
const hashKeys = Array.from({ length: 1000 }, (_, i) => `hash:${i}`);
const setKeys = Array.from({ length: 1000 }, (_, i) => `set:${i}`);
const fields = Array.from({ length: 20 }, (_, i) => `field:${i}`);
const readKeys = Array.from({ length: 10 }, (_, i) => `wide:${i}`);

/** The mixes, written once against the async surface both contenders offer. */
interface Contender {
  hset(key: string, field: string, value: string): Promise<unknown>;
  hgetall(key: string): Promise<unknown>;
  sadd(key: string, member: string): Promise<unknown>;
  sinter(a: string, b: string): Promise<unknown>;
}

async function seed(c: Contender): Promise<void> {
  for (const key of readKeys) for (const field of fields) await c.hset(key, field, `value of ${field}`);
  for (const key of hashKeys) for (const field of fields) await c.hset(key, field, 'value');
  for (let i = 0; i < 100; i++) {
    await c.sadd('inter:a', `member:${i}`);
    await c.sadd('inter:b', `member:${i + 30}`);
  }
}

async function hashMix(c: Contender): Promise<void> {
  for (let i = 0; i < HASH_ROUNDS; i++) {
    const key = hashKeys[i % hashKeys.length]!;
    for (const field of fields) await c.hset(key, field, `value ${i}`);
    await c.hgetall(key);
  }
}

async function hsetOnly(c: Contender): Promise<void> {
  for (let i = 0; i < ROUNDS; i++) await c.hset(hashKeys[i % hashKeys.length]!, fields[i % fields.length]!, 'value');
}

async function hgetallOnly(c: Contender): Promise<void> {
  for (let i = 0; i < ROUNDS; i++) await c.hgetall(readKeys[i % readKeys.length]!);
}

async function setMix(c: Contender): Promise<void> {
  for (let i = 0; i < ROUNDS; i++) {
    await c.sadd(setKeys[i % setKeys.length]!, `member:${i % 500}`);
    await c.sinter('inter:a', 'inter:b');
  }
}

export async function runHashSetBench(): Promise<{ hashVsMock: number; setVsMock: number }> {
  const engine = createEngine();
  const ours: Contender = {
    hset: (k, f, v) => engine.call(['HSET', k, f, v]),
    hgetall: (k) => engine.call(['HGETALL', k]),
    sadd: (k, m) => engine.call(['SADD', k, m]),
    sinter: (a, b) => engine.call(['SINTER', a, b]),
  };
  const mock = new RedisMock();
  const theirs: Contender = {
    hset: (k, f, v) => mock.hset(k, f, v),
    hgetall: (k) => mock.hgetall(k),
    sadd: (k, m) => mock.sadd(k, m),
    sinter: (a, b) => mock.sinter(a, b),
  };
  await seed(ours);
  await seed(theirs);
  const ops = ROUNDS * 2;
  const mockHash = await median('ioredis-mock (awaited)', HASH_ROUNDS * 21, RUNS, () => hashMix(theirs));
  const engineHash = await median('idb-redis engine.call (awaited)', HASH_ROUNDS * 21, RUNS, () => hashMix(ours));
  printTable('In-process (Node): 20 × HSET then HGETALL of the 20-field hash', [mockHash, engineHash], mockHash);
  const mockHset = await median('ioredis-mock HSET (awaited)', ROUNDS, RUNS, () => hsetOnly(theirs));
  const engineHset = await median('idb-redis HSET (awaited)', ROUNDS, RUNS, () => hsetOnly(ours));
  const mockHgetall = await median('ioredis-mock HGETALL (awaited)', ROUNDS, RUNS, () => hgetallOnly(theirs));
  const engineHgetall = await median('idb-redis HGETALL (awaited)', ROUNDS, RUNS, () => hgetallOnly(ours));
  printTable('  the parts: HSET alone', [mockHset, engineHset], mockHset);
  printTable('  the parts: HGETALL of a 20-field hash alone', [mockHgetall, engineHgetall], mockHgetall);
  const mockSet = await median('ioredis-mock (awaited)', ops, RUNS, () => setMix(theirs));
  const engineSet = await median('idb-redis engine.call (awaited)', ops, RUNS, () => setMix(ours));
  printTable('In-process (Node): SADD + SINTER(100 ∩ 100) mix', [mockSet, engineSet], mockSet);
  engine.close();
  mock.disconnect?.();
  return {
    hashVsMock: opsPerSec(engineHash) / opsPerSec(mockHash),
    setVsMock: opsPerSec(engineSet) / opsPerSec(mockSet),
  };
}
