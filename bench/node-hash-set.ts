/**
 * In-process benches (Node) for the hash and set families: the engine against
 * ioredis-mock behind the same awaited call path, in the same run.
 * - hash mix: HSET of one field into one of 1,000 hashes, then HGETALL of a 20-field hash;
 * - set mix: SADD of one member into one of 1,000 sets, then SINTER of two ~100-member sets.
 * Each hash command is also timed alone (plus HSET of a whole 20-field record, as
 * `hSet(key, object)` sends it) so the mix's parts can be read apart.
 */
import RedisMock from 'ioredis-mock';
import { createEngine } from '../src/index.js';
import { interleaved, opsPerSec, printTable, type Measurement } from './stats.js';

/**
 * Rounds per timed run (× 2 commands in a mix). Each run must be long enough to pay for
 * its own garbage: with 5,000 rounds the engine's run lasted ~5 ms, and a collection made
 * necessary by the ioredis-mock run before it (which allocates ~10× more per command)
 * often fell inside it, so the engine's figure swung 2-3× between runs.
 */
const HASH_ROUNDS = 20_000;
const SET_ROUNDS = 5000;
/** Timed runs per contender, interleaved; each keeps its median. */
const RUNS = 11;
const hashKeys = Array.from({ length: 1000 }, (_, i) => `hash:${i}`);
const setKeys = Array.from({ length: 1000 }, (_, i) => `set:${i}`);
const fields = Array.from({ length: 20 }, (_, i) => `field:${i}`);
const readKeys = Array.from({ length: 10 }, (_, i) => `wide:${i}`);

/** The mixes, written once against the async surface both contenders offer. */
interface Contender {
  hset(key: string, field: string, value: string): Promise<unknown>;
  /** HSET of a whole record: record `r` of `records` into hash `k` of `hashKeys`. */
  hsetRecord(k: number, r: number): Promise<unknown>;
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

/**
 * Ten records of 20 fields each, prepared outside the timed loops in each contender's own
 * call form: an object for ioredis-mock's `hset(key, object)`, the argv for `engine.call`.
 */
const records = Array.from({ length: 10 }, (_, r) => Object.fromEntries(fields.map((field) => [field, `value ${r} of ${field}`])));
const recordArgv = hashKeys.map((key, k) => ['HSET', key, ...Object.entries(records[k % records.length]!).flat()]);

async function hashMix(c: Contender): Promise<void> {
  for (let i = 0; i < HASH_ROUNDS; i++) {
    await c.hset(hashKeys[i % hashKeys.length]!, fields[i % fields.length]!, 'value');
    await c.hgetall(readKeys[i % readKeys.length]!);
  }
}

async function hsetRecordOnly(c: Contender): Promise<void> {
  for (let i = 0; i < HASH_ROUNDS; i++) await c.hsetRecord(i % hashKeys.length, i % records.length);
}

async function hsetFieldOnly(c: Contender): Promise<void> {
  for (let i = 0; i < HASH_ROUNDS; i++) await c.hset(hashKeys[i % hashKeys.length]!, fields[i % fields.length]!, 'value');
}

async function hgetallOnly(c: Contender): Promise<void> {
  for (let i = 0; i < HASH_ROUNDS; i++) await c.hgetall(readKeys[i % readKeys.length]!);
}

async function setMix(c: Contender): Promise<void> {
  for (let i = 0; i < SET_ROUNDS; i++) {
    await c.sadd(setKeys[i % setKeys.length]!, `member:${i % 500}`);
    await c.sinter('inter:a', 'inter:b');
  }
}

export async function runHashSetBench(): Promise<{ hashVsMock: number; setVsMock: number }> {
  const engine = createEngine();
  const ours: Contender = {
    hset: (k, f, v) => engine.call(['HSET', k, f, v]),
    // The prepared argv holds record k % 10, which is what the loops ask for.
    hsetRecord: (k) => engine.call(recordArgv[k]!),
    hgetall: (k) => engine.call(['HGETALL', k]),
    sadd: (k, m) => engine.call(['SADD', k, m]),
    sinter: (a, b) => engine.call(['SINTER', a, b]),
  };
  const mock = new RedisMock();
  const theirs: Contender = {
    hset: (k, f, v) => mock.hset(k, f, v),
    hsetRecord: (k, r) => mock.hset(hashKeys[k]!, records[r]!),
    hgetall: (k) => mock.hgetall(k),
    sadd: (k, m) => mock.sadd(k, m),
    sinter: (a, b) => mock.sinter(a, b),
  };
  await seed(ours);
  await seed(theirs);
  const pair = (n: number, run: (c: Contender) => Promise<void>) =>
    interleaved(n, RUNS, [
      ['ioredis-mock (awaited)', () => run(theirs)],
      ['idb-redis engine.call (awaited)', () => run(ours)],
    ]) as Promise<[Measurement, Measurement]>;
  const [mockHash, engineHash] = await pair(HASH_ROUNDS * 2, hashMix);
  printTable('In-process (Node): HSET + HGETALL(20 fields) mix', [mockHash, engineHash], mockHash);
  const parts: Array<[string, (c: Contender) => Promise<void>]> = [
    ['HSET, 20 fields in one command', hsetRecordOnly],
    ['HSET, one field', hsetFieldOnly],
    ['HGETALL of a 20-field hash', hgetallOnly],
  ];
  for (const [label, part] of parts) {
    const [mockPart, enginePart] = await pair(HASH_ROUNDS, part);
    printTable(`  alone: ${label}`, [mockPart, enginePart], mockPart);
  }
  const [mockSet, engineSet] = await pair(SET_ROUNDS * 2, setMix);
  printTable('In-process (Node): SADD + SINTER(100 ∩ 100) mix', [mockSet, engineSet], mockSet);
  engine.close();
  mock.disconnect?.();
  return {
    hashVsMock: opsPerSec(engineHash) / opsPerSec(mockHash),
    setVsMock: opsPerSec(engineSet) / opsPerSec(mockSet),
  };
}
