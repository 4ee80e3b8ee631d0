/** Shared helpers of the persistence tests: dataset dumps and reopening. */
import { createEngine, type Engine, type EngineOptions } from '../../src/engine/engine.js';
import type { Storage } from '../../src/persistence/storage.js';

/** Every key with its type, value and deadline, sorted: equal dumps mean equal datasets. */
export async function dump(engine: Engine): Promise<string[]> {
  const keys = ((await engine.call(['KEYS', '*'])) as string[]).sort();
  const out: string[] = [];
  for (const key of keys) {
    const type = (await engine.call(['TYPE', key])) as string;
    let value: unknown;
    switch (type) {
      case 'string': value = await engine.call(['GET', key]); break;
      case 'hash': value = ((await engine.call(['HGETALL', key])) as string[]).join(','); break;
      case 'set': value = ((await engine.call(['SMEMBERS', key])) as string[]).sort().join(','); break;
      case 'zset': value = ((await engine.call(['ZRANGE', key, '0', '-1', 'WITHSCORES'])) as string[]).join(','); break;
      case 'list': value = ((await engine.call(['LRANGE', key, '0', '-1'])) as string[]).join(','); break;
      default: value = '?';
    }
    out.push(`${key} ${type} ${String(value)} ${String(await engine.call(['PEXPIRETIME', key]))}`);
  }
  return out;
}

/** Open an engine on `storage` and wait for it to load. */
export async function open(storage: Storage, options: EngineOptions = {}): Promise<Engine> {
  const engine = createEngine({ ...options, storage });
  await engine.ready;
  return engine;
}

/** Close (flushing) and reopen on the same store. */
export async function reopen(engine: Engine, options: EngineOptions = {}): Promise<Engine> {
  const storage = engine.persistence!.storage;
  engine.close();
  await engine.persistence!.close();
  return open(storage, { clock: engine.clock, ...options });
}

/** Resolve after `ms` (waiting for a retry timer; never asserted on). */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
