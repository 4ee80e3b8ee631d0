/**
 * Export and import through the page client in real Chromium: the export reads the store's
 * IndexedDB database in the page while the worker keeps serving; the import runs the
 * commands through the client into another store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type RedisClient } from '../../src/index.js';

const open: RedisClient[] = [];
const run = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

function client(name: string, persistence = true): RedisClient {
  const redis = createClient({ name: `transfer-${run}-${name}`, persistence });
  open.push(redis);
  return redis;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close().catch(() => undefined)));
});

describe('exportResp / importResp', () => {
  it('a store exported in the page imports into another store with every type, value and TTL', async () => {
    const source = client('source');
    await source.set('greeting', 'héllo wörld');
    await source.set('session', 'x', { PX: 600_000 });
    await source.hSet('user:1', { name: 'ada', lang: 'en' });
    await source.rPush('queue', ['a', 'b', 'c']);
    await source.sAdd('tags', ['red', 'green']);
    await source.zAdd('board', [{ score: 1.5, value: 'ann' }, { score: -2, value: 'bob' }]);
    await source.set('bytes', new Uint8Array([0, 255, 10]));

    const exported = await source.exportResp();
    expect(new TextDecoder().decode(exported.subarray(0, 1))).toBe('*');

    const target = client('target');
    const result = await target.importResp(exported);
    expect(result).toEqual({ commands: expect.any(Number), errors: 0, firstError: null });
    expect(await target.get('greeting')).toBe('héllo wörld');
    expect(await target.pTTL('session')).toBeGreaterThan(500_000);
    expect(await target.hGetAll('user:1')).toEqual({ name: 'ada', lang: 'en' });
    expect(await target.lRange('queue', 0, -1)).toEqual(['a', 'b', 'c']);
    expect((await target.sMembers('tags')).sort()).toEqual(['green', 'red']);
    expect(await target.zRangeWithScores('board', 0, -1)).toEqual([{ value: 'bob', score: -2 }, { value: 'ann', score: 1.5 }]);
    expect(await target.sendCommand(['GET', 'bytes'], { returnBuffers: true })).toEqual(new Uint8Array([0, 255, 10]));
    expect(await target.dbSize()).toBe(7);
  });

  it('a bad stream rejects after the commands before it; a memory-only client cannot export', async () => {
    const target = client('bad');
    const text = '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$4\r\nINCR\r\n$1\r\nk\r\nnot resp';
    await expect(target.importResp(text)).rejects.toThrow(/^ERR import: not RESP after command 2/);
    expect(await target.get('k')).toBe('v');
    await expect(client('memory', false).exportResp()).rejects.toThrow(/persistence: false/);
  });
});
