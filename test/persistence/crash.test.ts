/**
 * Crash model check: random writes (plus compactions) on a store that dies after its k-th
 * write operation, for every k. The reopened data must equal the in-memory model after
 * some prefix of the issued commands that holds every acknowledged one.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { faultyStorage, WRITE_OPS } from '../../src/persistence/faults.js';
import { indexedDBStorage } from '../../src/persistence/indexeddb.js';
import { memoryStorage, type Storage } from '../../src/persistence/storage.js';
import { pick, rng, type Rand } from '../support/random.js';
import { dump, open } from './support.js';

const NOW = 1_800_000_000_000;
const clock = () => NOW;
const KEYS = ['a', 'b', 'c', 'd', 'counter', '__proto__'];

function randomCommand(r: Rand): string[] {
  const key = pick(r, KEYS);
  switch (Math.floor(r() * 10)) {
    case 0: case 1: return ['SET', key, String(Math.floor(r() * 1000))];
    case 2: return ['INCR', 'counter'];
    case 3: return ['APPEND', key, pick(r, ['x', 'yz', ''])];
    case 4: return ['DEL', key];
    case 5: return ['EXPIRE', key, String(100 + Math.floor(r() * 1000))];
    case 6: return ['PERSIST', key];
    case 7: return r() < 0.1 ? ['FLUSHALL'] : ['SETNX', key, 'nx'];
    case 8: return ['BGREWRITEAOF'];
    default: return ['MSET', key, 'm', pick(r, KEYS), 'n'];
  }
}

/**
 * The shortest prefix of `commands`, holding at least the `acked` first, whose model equals
 * `actual` (a reopened store's dump); -1 when none does.
 */
async function matchingPrefix(commands: readonly string[][], acked: number, actual: unknown): Promise<number> {
  const want = JSON.stringify(actual);
  for (let n = acked; n <= commands.length; n++) {
    if (JSON.stringify(await modelAfter(commands, n)) === want) return n;
  }
  return -1;
}

/** Model: the first `n` commands on an engine without a store. */
async function modelAfter(commands: readonly string[][], n: number): Promise<string[]> {
  const engine = createEngine({ clock });
  for (const argv of commands.slice(0, n)) {
    if (argv[0] === 'BGREWRITEAOF') continue;
    await engine.call(argv).catch(() => {});
  }
  const out = await dump(engine);
  engine.close();
  return out;
}

let dbs = 0;

async function runUntilCrash(
  seed: number,
  crashAfter: number,
  make: () => Storage = () => memoryStorage(),
  bucketKeys?: number,
): Promise<{ commands: string[][]; acked: number; inner: Storage }> {
  const r = rng(seed);
  const inner = make();
  let crash!: () => void;
  const crashed = new Promise<void>((resolve) => (crash = resolve));
  const storage = faultyStorage(inner, {
    before(op, writes) {
      if (WRITE_OPS.has(op) && writes >= crashAfter) {
        crash();
        return 'hang';
      }
    },
  });
  const engine: Engine = createEngine({ storage, clock, persistence: { chunkBytes: 64, bucketKeys } });
  const commands: string[][] = [];
  let acked = 0;
  let dead = false;
  void crashed.then(() => (dead = true));
  for (let burst = 0; burst < 40 && !dead; burst++) {
    // A burst: several commands in one tick, committed together.
    const size = 1 + Math.floor(r() * 4);
    const replies: Promise<unknown>[] = [];
    for (let i = 0; i < size; i++) {
      const argv = randomCommand(r);
      const index = commands.push(argv);
      replies.push(
        engine.call(argv).then(
          () => (acked = Math.max(acked, index)),
          (e: unknown) => {
            // Error replies (WRONGTYPE…) are acknowledged too: they changed nothing.
            if ((e as Error).message.startsWith('ERR') || (e as Error).message.startsWith('WRONGTYPE')) acked = Math.max(acked, index);
          },
        ),
      );
    }
    await Promise.race([Promise.all(replies), crashed]);
  }
  return { commands, acked, inner };
}

describe('crash at every write operation', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: the reopened store holds every acknowledged write and nothing half-applied`, async () => {
      // Count write operations of an uninterrupted run first.
      const full = await runUntilCrash(seed, Infinity);
      const total = ((full.inner as ReturnType<typeof memoryStorage>).inspect().seqs.length + 1) * 4;
      for (let k = 0; k <= Math.min(total, 60); k++) {
        const { commands, acked, inner } = await runUntilCrash(seed, k);
        const reopened = await open(inner, { clock });
        const actual = await dump(reopened);
        reopened.close();
        const matched = await matchingPrefix(commands, acked, actual);
        expect(matched, `crash after ${k} writes: acked ${acked} of ${commands.length}`).toBeGreaterThanOrEqual(acked);
      }
    });
  }
});

describe('crash at every write operation, on IndexedDB (fake-indexeddb)', () => {
  it('seed 4: every acknowledged write survives, nothing half-applied', async () => {
    for (let k = 0; k <= 24; k++) {
      const name = `crash-${dbs++}`;
      const { commands, acked } = await runUntilCrash(4, k, () => indexedDBStorage(name));
      // A new connection to the same database, as the next page load would open.
      const reopened = await open(indexedDBStorage(name), { clock });
      const actual = await dump(reopened);
      reopened.close();
      const matched = await matchingPrefix(commands, acked, actual);
      expect(matched, `crash after ${k} writes: acked ${acked} of ${commands.length}`).toBeGreaterThanOrEqual(acked);
    }
  });
});

/**
 * The same data read key by key first (each read builds only that key's bucket of a lazily
 * loaded store), then whole: both must agree.
 */
async function dumpKeyByKey(engine: Engine): Promise<string[]> {
  const out: string[] = [];
  for (const key of [...KEYS].sort()) {
    const type = (await engine.call(['TYPE', key])) as string;
    if (type === 'none') continue;
    const value = type === 'string' ? await engine.call(['GET', key]) : '?';
    out.push(`${key} ${type} ${String(value)} ${String(await engine.call(['PEXPIRETIME', key]))}`);
  }
  return out;
}

describe('crash at every write operation, snapshots in hash buckets (served before built)', () => {
  for (const seed of [5, 6]) {
    it(`seed ${seed}: the reopened store holds every acknowledged write and nothing half-applied`, async () => {
      const full = await runUntilCrash(seed, Infinity, undefined, 1);
      const total = ((full.inner as ReturnType<typeof memoryStorage>).inspect().seqs.length + 1) * 4;
      for (let k = 0; k <= Math.min(total, 60); k++) {
        const { commands, acked, inner } = await runUntilCrash(seed, k, undefined, 1);
        const reopened = await open(inner, { clock });
        const keyByKey = await dumpKeyByKey(reopened);
        const actual = await dump(reopened);
        reopened.close();
        // Only strings are compared key by key (collections: type and deadline).
        expect(keyByKey, `crash after ${k} writes: read key by key`).toEqual(actual.map((line) => (line.split(' ')[1] === 'string' ? line : line.replace(/^(\S+ \S+) .* (\S+)$/, '$1 ? $2'))));
        const matched = await matchingPrefix(commands, acked, actual);
        expect(matched, `crash after ${k} writes: acked ${acked} of ${commands.length}`).toBeGreaterThanOrEqual(acked);
      }
    });
  }
});
