import { describe, expect, it } from 'vitest';
import { createEngine, exportResp, importResp, memoryStorage } from '../../src/index.js';

/**
 * Engine.asciiOnly lets public replies skip UTF-8 decoding while nothing but ASCII has
 * entered the engine. Every way bytes ≥ 0x80 can enter must turn it off for good.
 */
describe('ASCII-only replies', () => {
  it('stays on for ASCII traffic and turns off at the first non-ASCII argument', async () => {
    const engine = createEngine();
    await engine.call(['SET', 'k', 'plain']);
    expect(await engine.call(['GET', 'k'])).toBe('plain');
    expect(engine.asciiOnly).toBe(true);
    await engine.call(['SET', 'é', 'ünïcode ✓']);
    expect(engine.asciiOnly).toBe(false);
    expect(await engine.call(['GET', 'é'])).toBe('ünïcode ✓');
    expect(await engine.call(['KEYS', '*'])).toEqual(expect.arrayContaining(['k', 'é']));
    expect(await engine.call(['HSET', 'h', 'ß', 'ø'])).toBe(1);
    expect(await engine.call(['HGETALL', 'h'])).toEqual(['ß', 'ø']);
  });

  it('a command name is matched as its bytes, whether spelled before or not', async () => {
    const engine = createEngine();
    await engine.call(['SET', 'k', 'v']);
    // 'KEYS' with a Kelvin sign (U+212A) lower-cases to 'keys' in JS, never as bytes.
    for (let i = 0; i < 2; i++) await expect(engine.call(['\u212AEYS', '*'])).rejects.toThrow(/unknown command '\u212AEYS'/);
    expect(engine.asciiOnly).toBe(false);
    expect(await engine.call([new Uint8Array([0x47, 0x45, 0x54]), 'k'])).toBe('v');
    expect(await engine.call(['get', 'k'])).toBe('v');
    await expect(engine.call(['GET', 'k', 'extra'])).rejects.toThrow(/wrong number of arguments for 'get'/);
    await expect(engine.call(['MULTI'])).resolves.toBe('OK');
    await expect(engine.call(['GET'])).rejects.toThrow(/wrong number of arguments/);
    await expect(engine.call(['EXEC'])).rejects.toThrow(/EXECABORT/);
  });

  it('keys only looked up (GET, MGET, EXISTS) match by their bytes, checked or not', async () => {
    const engine = createEngine();
    await engine.call(['SET', 'k', 'v']);
    // Spelled once before: the names are known ASCII, the keys may then pass unchecked.
    for (const name of ['MGET', 'GET', 'EXISTS']) await engine.call([name, 'k']);
    // 'é' is C3 A9 in UTF-8; 'Ã©' is those two bytes as JS chars, so C3 83 C2 A9.
    expect(await engine.call(['MGET', 'k', 'é', 'Ã©'])).toEqual(['v', null, null]);
    expect(await engine.call(['GET', 'é'])).toBe(null);
    expect(await engine.call(['EXISTS', 'é', 'k', 'Ã©'])).toBe(1);
    expect(engine.asciiOnly).toBe(true);
    // Queued, a lookup runs after other clients' writes, which may store such a key.
    const queued = engine.connect();
    for (const name of ['MGET', 'EXISTS']) await queued.call([name, 'k']);
    expect(await queued.call(['MULTI'])).toBe('OK');
    await queued.call(['MGET', 'Ã©', 'é']);
    await queued.call(['EXISTS', 'Ã©', 'é']);
    await engine.call(['SET', 'é', 'x']);
    expect(await queued.call(['EXEC'])).toEqual([[null, 'x'], 1]);
    expect(await engine.call(['MGET', 'é', 'Ã©', 'k'])).toEqual(['x', null, 'v']);
    expect(await engine.call(['GET', 'Ã©'])).toBe(null);
  });

  it('keys only looked up still show as their bytes to MONITOR and keymiss events', async () => {
    const engine = createEngine();
    await engine.call(['GET', 'k']);
    await engine.call(['MGET', 'k']);
    const monitor = engine.connect();
    const lines: unknown[] = [];
    monitor.onPush((line) => lines.push(line));
    await monitor.call(['MONITOR']);
    await engine.call(['GET', 'é']);
    expect(String(lines.at(-1))).toMatch(/"GET" "\\xc3\\xa9"$/);
    monitor.close();
    const events: string[] = [];
    engine.onKeyspaceEvent((event) => events.push(event.channel));
    await engine.call(['CONFIG', 'SET', 'notify-keyspace-events', 'Km']);
    await engine.call(['MGET', 'é']);
    expect(events).toEqual(['__keyspace@0__:\xc3\xa9']);
    expect(engine.asciiOnly).toBe(false);
  });

  it('raw bytes turn it off only when a byte is ≥ 0x80', async () => {
    const engine = createEngine();
    await engine.call(['SET', 'k', new Uint8Array([0x61, 0x62])]);
    expect(engine.asciiOnly).toBe(true);
    await engine.call(['SET', 'k', new Uint8Array([0xc3, 0xa9])]);
    expect(engine.asciiOnly).toBe(false);
    expect(await engine.call(['GET', 'k'])).toBe('é');
  });

  it('a store loaded with non-ASCII data, and an import, turn it off', async () => {
    const storage = memoryStorage();
    const first = createEngine({ storage });
    await first.call(['SET', 'café', 'crème']);
    await first.call(['RPUSH', 'l', 'naïve']);
    await first.call(['SAVE']);
    await first.call(['SET', 'later', 'añadido']);
    first.close();
    const second = createEngine({ storage });
    await second.ready;
    expect(second.asciiOnly).toBe(false);
    expect(await second.call(['GET', 'café'])).toBe('crème');
    expect(await second.call(['LRANGE', 'l', '0', '-1'])).toEqual(['naïve']);
    expect(await second.call(['GET', 'later'])).toBe('añadido');
    second.close();

    const source = createEngine();
    await source.call(['SET', 'ключ', 'значение']);
    const target = createEngine();
    const chunks: Uint8Array[] = [];
    for await (const chunk of exportResp(source)) chunks.push(chunk);
    await importResp(target, chunks);
    expect(target.asciiOnly).toBe(false);
    expect(await target.call(['GET', 'ключ'])).toBe('значение');
  });
});
