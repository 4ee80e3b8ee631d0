/**
 * Export / import: the dataset as RESP commands. An export piped into a real Redis 7 with
 * `redis-cli --pipe` holds every key with the same type, value and TTL class; an export
 * imported into a fresh engine gives the same dataset; an export runs beside writes.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { exportResp, exportRespBytes, importResp } from '../../src/persistence/export.js';
import { memoryStorage } from '../../src/persistence/storage.js';
import { haveRedis, startRedis } from '../support/redis-server.js';
import type { RespClient } from '../support/resp.js';
import { dump } from './support.js';

/** Strings (binary, large, with TTLs) and every collection type the engine has. */
async function sampleDataset(engine: Engine): Promise<void> {
  const conn = engine.connect();
  const commands: (string | Uint8Array)[][] = [
    ['SET', 'plain', 'value'],
    ['SET', 'empty', ''],
    ['SET', 'int', '12345'],
    ['SET', 'unicode', 'héllo wörld ✓'],
    ['SET', 'binary', new Uint8Array([0, 1, 2, 255, 13, 10, 0])],
    ['SET', 'big', 'x'.repeat(100_000)],
    ['SET', 'ttl', 'soon', 'EX', '5000'],
    ['SET', '__proto__', 'proto'],
    ['HSET', 'hash', 'f1', 'v1', 'f2', '', 'ünï', 'cödé'],
    ['SADD', 'set', 'a', 'b', 'c', '1', '2'],
    ['SADD', 'intset', '1', '2', '3'],
    ['ZADD', 'zset', '1', 'one', '2.5', 'two', '-inf', 'low', '1e300', 'high'],
  ];
  for (let i = 0; i < 200; i++) commands.push(['HSET', 'bighash', `field${i}`, String(i)], ['ZADD', 'bigzset', String(i / 3), `m${i}`], ['SADD', 'bigset', `s${i}`]);
  commands.push(['EXPIRE', 'hash', '10000']);
  for (let i = 0; i < 500; i++) commands.push(['SET', `key:${i}`, String(i * 7)]);
  const hasLists = engine.commands.lookup('rpush') !== undefined;
  if (hasLists) {
    commands.push(['RPUSH', 'list', 'a', 'b', '', 'c']);
    for (let i = 0; i < 150; i++) commands.push(['RPUSH', 'biglist', `item${i}`]);
  }
  const replies = await conn.callBatch(commands);
  for (const reply of replies) expect(reply).not.toBeInstanceOf(Error);
}

/** Each key as Redis shows it: type, value (order-free where Redis's is), TTL class. */
async function describeKeys(call: (argv: string[]) => Promise<unknown>): Promise<string[]> {
  const keys = ((await call(['KEYS', '*'])) as string[]).sort();
  const out: string[] = [];
  for (const key of keys) {
    const type = String(await call(['TYPE', key]));
    let value: unknown;
    switch (type) {
      case 'string': value = await call(['GET', key]); break;
      case 'hash': {
        const flat = (await call(['HGETALL', key])) as string[];
        const pairs: string[] = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i]}=${flat[i + 1]}`);
        value = pairs.sort();
        break;
      }
      case 'set': value = ((await call(['SMEMBERS', key])) as string[]).sort(); break;
      case 'zset': value = await call(['ZRANGE', key, '0', '-1', 'WITHSCORES']); break;
      case 'list': value = await call(['LRANGE', key, '0', '-1']); break;
      default: value = '?';
    }
    const ttl = Number(await call(['PTTL', key]));
    out.push(JSON.stringify([key, type, value, ttl === -1 ? 'persistent' : ttl > 0 ? 'volatile' : ttl]));
  }
  return out;
}

function pipeInto(port: number, data: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', ['-p', String(port), '--pipe'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`redis-cli --pipe exited ${code}: ${out}`))));
    child.stdin.end(Buffer.from(data));
  });
}

describe('export', () => {
  it.skipIf(!haveRedis)('an export piped into redis-server (redis-cli --pipe) holds every key alike', async () => {
    const engine = createEngine();
    await sampleDataset(engine);
    const bytes = await exportRespBytes(engine, { chunkBytes: 4096 });
    const redis = await startRedis();
    try {
      const report = await pipeInto(redis.port, bytes);
      expect(report).toMatch(/errors: 0, replies: \d+/);
      const client: RespClient = redis.client;
      const theirs = await describeKeys((argv) => client.call(argv));
      const ours = await describeKeys((argv) => engine.call(argv));
      expect(theirs.length).toBeGreaterThan(500);
      expect(theirs).toEqual(ours);
    } finally {
      await redis.stop();
    }
  });

  it('import of an export rebuilds the same dataset, deadlines included', async () => {
    const clock = () => 1_800_000_000_000;
    const engine = createEngine({ clock });
    await sampleDataset(engine);
    const chunks: Uint8Array[] = [];
    for await (const chunk of exportResp(engine, { chunkBytes: 1000 })) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(5);
    const target = createEngine({ clock, storage: memoryStorage() });
    // Chunks split anywhere: re-slice into odd sizes to cross command boundaries.
    const all = Buffer.concat(chunks);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < all.length; i += 777) parts.push(all.subarray(i, i + 777));
    const result = await importResp(target, parts);
    expect(result.errors).toBe(0);
    expect(await dump(target)).toEqual(await dump(engine));
    target.close();
  });

  it('an export is a point in time: writes made while it streams do not show', async () => {
    const engine = createEngine();
    const conn = engine.connect();
    await conn.callBatch(Array.from({ length: 3000 }, (_, i) => ['SET', `k${i}`, 'before']));
    const before = await dump(engine);
    const chunks: Uint8Array[] = [];
    let i = 0;
    for await (const chunk of exportResp(engine, { chunkBytes: 512 })) {
      chunks.push(chunk);
      await conn.callBatch([['SET', `k${i}`, 'after'], ['DEL', `k${2999 - i}`], ['SET', `new${i}`, 'x'], ['APPEND', `k${i + 1}`, '!']]);
      i++;
    }
    expect(i).toBeGreaterThan(10);
    const copy = createEngine();
    await importResp(copy, chunks);
    expect(await dump(copy)).toEqual(before);
  });

  it('import rejects what is not RESP, after running what came before', async () => {
    const engine = createEngine();
    await expect(importResp(engine, '*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\nGARBAGE')).rejects.toThrow(/^ERR import: not RESP after command 1/);
    expect(await engine.call(['GET', 'a'])).toBe('1');
    await expect(importResp(engine, '*2\r\n$3\r\nGET\r\n$1\r')).rejects.toThrow(/ends inside a command/);
  });
});

describe('read-only engines', () => {
  it('a read-only engine loads a store another engine owns, exports it and never writes', async () => {
    const storage = memoryStorage();
    const owner = createEngine({ storage });
    await sampleDataset(owner);
    const before = storage.inspect();
    const reader = createEngine({ storage, persistence: { readOnly: true } });
    await reader.ready;
    await expect(reader.call(['SET', 'x', '1'])).rejects.toThrow("READONLY You can't write against a read only replica.");
    await expect(reader.call(['SAVE'])).rejects.toThrow(/^READONLY/);
    expect(await reader.call(['GET', 'plain'])).toBe('value');
    const copy = createEngine();
    await importResp(copy, exportResp(reader));
    expect(await dump(copy)).toEqual(await dump(owner));
    await reader.flush();
    reader.close();
    expect(storage.inspect()).toEqual(before);
    owner.close();
  });
});
