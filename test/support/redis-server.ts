/**
 * Starts a private real Redis 7 (Debian's redis-server) on a free loopback port for a
 * differential test file, and compares our engine against it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { RespClient } from './resp.js';
import type { Connection } from '../../src/engine/connection.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { ReplyError } from '../../src/engine/errors.js';
import type { Reply } from '../../src/engine/reply.js';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

/** True when redis-server can run here; CI installs it, so there it is always true. */
export const haveRedis = spawnSync(REDIS_SERVER, ['--version']).status === 0;

export interface RedisOracle {
  client: RespClient;
  port: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `extraArgs` override the defaults (redis-server keeps the last value of an option). */
export async function startRedis(extraArgs: readonly string[] = []): Promise<RedisOracle> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
  const client = await RespClient.connect(port);
  return {
    client,
    port,
    stop: async () => {
      client.close();
      child.kill('SIGKILL');
    },
  };
}

/** Our connection's answer in the oracle's shape: errors as ReplyError values. */
export async function engineReply(conn: Connection, argv: readonly (string | Uint8Array)[]): Promise<Reply> {
  try {
    return await conn.call(argv);
  } catch (e) {
    if (e instanceof ReplyError) return e;
    throw e;
  }
}

/** Comparable form: ReplyErrors become `{ error: message }` so toEqual compares texts. */
export function comparable(reply: Reply): unknown {
  if (reply instanceof ReplyError) return { error: reply.message };
  if (Array.isArray(reply)) return reply.map(comparable);
  return reply;
}

/**
 * Run each command against both and assert equal replies, command by command.
 * `normalize` may reorder unordered replies (SMEMBERS, KEYS …) before comparing.
 */
export async function expectSameReplies(
  conn: Connection,
  redis: RespClient,
  commands: readonly (readonly string[])[],
  normalize: (argv: readonly string[], reply: unknown) => unknown = (_a, r) => r,
): Promise<void> {
  for (const argv of commands) {
    const [ours, theirs] = await Promise.all([engineReply(conn, argv), redis.call(argv)]);
    expect(normalize(argv, comparable(ours)), argv.join(' ')).toEqual(normalize(argv, comparable(theirs)));
  }
}

/** Both sides of a differential test: the block's private Redis, a fresh engine, its connection. */
export interface DifferentialSides {
  redis: RedisOracle;
  engine: Engine;
  conn: Connection;
}

/**
 * The hooks every differential describe block needs: one private Redis for the block, and
 * before each test an empty Redis beside a fresh engine, handed to `assign`. Returns
 * `reset`, which does the same again inside a test (between random sequences).
 */
export function useDifferentialSides(assign: (sides: DifferentialSides) => void): () => Promise<void> {
  let redis: RedisOracle | undefined;
  const reset = async (): Promise<void> => {
    await redis!.client.call(['FLUSHALL']);
    const engine = createEngine();
    assign({ redis: redis!, engine, conn: engine.connect() });
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(reset);
  return reset;
}

/**
 * COMMAND INFO (whole) and COMMAND DOCS (summary, since, group, complexity) of each named
 * command must match real Redis. `normalizeInfo` may reorder unordered parts first.
 */
export async function expectSameCommandMetadata(
  conn: Connection,
  redis: RespClient,
  names: readonly string[],
  normalizeInfo: (info: unknown) => unknown = (info) => info,
): Promise<void> {
  const docs = async (reply: Promise<unknown>) => {
    const list = ((await reply) as unknown[])[1] as unknown[];
    const map = new Map<unknown, unknown>();
    for (let i = 0; i < list.length; i += 2) map.set(list[i], list[i + 1]);
    return ['summary', 'since', 'group', 'complexity'].map((field) => map.get(field));
  };
  for (const name of names) {
    const [theirs] = (await redis.call(['COMMAND', 'INFO', name])) as unknown[];
    const [ours] = (await engineReply(conn, ['COMMAND', 'INFO', name])) as unknown[];
    expect(normalizeInfo(ours), name).toEqual(normalizeInfo(theirs));
    expect(await docs(engineReply(conn, ['COMMAND', 'DOCS', name])), name).toEqual(await docs(redis.call(['COMMAND', 'DOCS', name])));
  }
}
