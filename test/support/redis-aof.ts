/**
 * Effects against Redis's AOF: a private Redis 7 that appends every propagated command to
 * its AOF before replying (appendfsync always), beside a fresh engine whose effect log is
 * collected. Comparing the two checks what a family logs (rewrites, alsoPropagate,
 * MULTI/EXEC wrapping) against what Redis propagates.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { fromByteString } from '../../src/engine/bytes.js';
import type { Connection } from '../../src/engine/connection.js';
import { startRedis, type RedisOracle } from './redis-server.js';
import { parseReply, publicReplies } from './resp.js';

export interface AofSides {
  redis: RedisOracle;
  engine: Engine;
  conn: Connection;
  /** The engine's effects since `fresh()`, as logged (byte strings). */
  effects: string[][];
  /** Redis's AOF since `fresh()`, SELECTs left out, decoded as UTF-8. */
  aofCommands(): string[][];
  /** Our effects equal Redis's AOF, command names compared case-insensitively. */
  expectSameEffects(): void;
}

const upper = (argv: readonly string[]): string[] => [argv[0]!.toUpperCase(), ...argv.slice(1)];

/**
 * The hooks of a describe block: one Redis with an AOF for the block; `fresh()` empties it,
 * starts reading its AOF from there and makes a new engine, whose sides it returns.
 */
export function useAofSides(): () => Promise<AofSides> {
  let redis: RedisOracle | undefined;
  let dir = '';
  const aofPath = () => {
    const sub = join(dir, 'appendonlydir');
    return join(sub, readdirSync(sub).find((name) => name.endsWith('.incr.aof'))!);
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idb-redis-aof-'));
    redis = await startRedis(['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir]);
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return async () => {
    await redis!.client.call(['FLUSHALL']);
    const start = readFileSync(aofPath()).length;
    const engine = createEngine();
    const effects: string[][] = [];
    engine.onEffects((batch) => effects.push(...batch));
    const aofCommands = (): string[][] => {
      const buf = readFileSync(aofPath());
      const out: string[][] = [];
      for (let at = start; at < buf.length; ) {
        const parsed = parseReply(buf, at, publicReplies)!;
        const argv = parsed.value as string[];
        if (argv[0]!.toUpperCase() !== 'SELECT') out.push(argv);
        at = parsed.end;
      }
      return out;
    };
    return {
      redis: redis!,
      engine,
      conn: engine.connect(),
      effects,
      aofCommands,
      expectSameEffects: () => expect(effects.map((argv) => upper(argv.map(fromByteString)))).toEqual(aofCommands().map(upper)),
    };
  };
}
