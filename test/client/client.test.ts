import { afterEach, describe, expect, it } from 'vitest';
import { ClientClosedError, ReplyError } from '../../src/index.js';
import { COMMANDS, CLIENT_COMMANDS, FAMILIES } from '../../src/client/commands/index.js';
import { RedisClient } from '../../src/client/client.js';
import { RedisMulti } from '../../src/client/multi.js';
import { engineHarness, type Harness } from './support.js';

let h: Harness;
afterEach(async () => {
  await h.close();
});

describe('auto-pipelining', () => {
  it('commands issued in one tick travel in one batch, replies in order', async () => {
    h = engineHarness();
    const replies = await Promise.all(Array.from({ length: 1000 }, (_, i) => h.client.echo(String(i))));
    expect(replies).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
    expect(h.batches).toBe(1);
    const stats = await h.client.hostStats();
    expect(stats).toEqual({ batches: 1, commands: 1000, rejected: 0 });
  });

  it('a very large tick goes out in messages of at most 4,096 commands, in order, MULTI kept whole', async () => {
    h = engineHarness();
    const incrs = Array.from({ length: 4095 }, () => h.client.incr('n'));
    // A transaction that straddles the 4,096 boundary travels whole in the next message.
    const tx = h.client.multi().incr('n').incr('n').exec();
    const more = Array.from({ length: 5000 }, () => h.client.incr('n'));
    expect(await Promise.all(incrs)).toEqual(Array.from({ length: 4095 }, (_, i) => i + 1));
    expect(await tx).toEqual([4096, 4097]);
    expect(await Promise.all(more)).toEqual(Array.from({ length: 5000 }, (_, i) => 4098 + i));
    expect(h.batches).toBe(3);
  });

  it('commands of later ticks travel in later batches', async () => {
    h = engineHarness();
    expect(await h.client.ping()).toBe('PONG');
    expect(await h.client.ping('x')).toBe('x');
    expect(h.batches).toBe(2);
  });

  it('an error reply rejects only its own command', async () => {
    h = engineHarness();
    const results = await Promise.allSettled([
      h.client.echo('a'),
      h.client.sendCommand(['NOSUCHCOMMAND', 'x']),
      h.client.echo('b'),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 'a' });
    expect(results[2]).toEqual({ status: 'fulfilled', value: 'b' });
    const failed = results[1] as PromiseRejectedResult;
    expect(failed.reason).toBeInstanceOf(ReplyError);
    expect(failed.reason.message).toBe("ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'x' ");
    expect(failed.reason.code).toBe('ERR');
    expect(h.batches).toBe(1);
  });
});

describe('sendCommand', () => {
  it('replies in the default form: text, integers, nil, arrays', async () => {
    h = engineHarness();
    expect(await h.client.sendCommand(['PING'])).toBe('PONG');
    expect(await h.client.sendCommand(['ECHO', 'héllo'])).toBe('héllo');
    expect(await h.client.sendCommand(['COMMAND', 'INFO', 'nosuch'])).toEqual([null]);
  });

  it('arity errors keep Redis text', async () => {
    h = engineHarness();
    await expect(h.client.sendCommand(['ECHO'])).rejects.toThrow("ERR wrong number of arguments for 'echo' command");
  });

  it('returnBuffers gives the exact bytes', async () => {
    h = engineHarness();
    const bytes = new Uint8Array([0, 1, 0xfe, 0xff, 0xc3, 0xa9, 0x80]);
    const reply = await h.client.sendCommand(['ECHO', bytes], { returnBuffers: true });
    expect(reply).toEqual(bytes);
    expect(await h.client.sendCommand(['PING'], { returnBuffers: true })).toEqual(new TextEncoder().encode('PONG'));
  });

  it('UTF-8 text round-trips as text', async () => {
    h = engineHarness();
    expect(await h.client.sendCommand(['ECHO', 'é😀'], { returnBuffers: true })).toEqual(
      new TextEncoder().encode('é😀'),
    );
    expect(await h.client.echo('é😀')).toBe('é😀');
  });

  it('resp gives the RESP type tree and errors as values', async () => {
    h = engineHarness();
    expect(await h.client.sendCommand(['PING'], { resp: true })).toEqual({ type: 'simple', value: 'PONG' });
    expect(await h.client.sendCommand(['ECHO', 'OK'], { resp: true })).toEqual({
      type: 'bulk',
      value: new TextEncoder().encode('OK'),
    });
    expect(await h.client.sendCommand(['COMMAND', 'COUNT'], { resp: true })).toMatchObject({ type: 'integer' });
    expect(await h.client.sendCommand(['COMMAND', 'INFO', 'nosuch'], { resp: true })).toEqual({
      type: 'array',
      items: [{ type: 'null' }],
    });
    const error = await h.client.sendCommand(['ECHO'], { resp: true });
    expect(error.type).toBe('error');
    if (error.type === 'error') expect(error.error).toBeInstanceOf(ReplyError);
  });

  it('rejects an empty or malformed argv without sending it', async () => {
    h = engineHarness();
    await expect(h.client.sendCommand([])).rejects.toBeInstanceOf(TypeError);
    await expect(h.client.sendCommand([42 as unknown as string])).rejects.toBeInstanceOf(TypeError);
    expect(h.batches).toBe(0);
  });

  it('copies argv: mutating it after the call changes nothing', async () => {
    h = engineHarness();
    const argv = ['ECHO', 'a'];
    const reply = h.client.sendCommand(argv);
    argv[1] = 'b';
    expect(await reply).toBe('a');
  });
});

describe('closing', () => {
  it('quit() answers OK after the commands issued before it', async () => {
    h = engineHarness();
    const before = h.client.echo('before');
    const quit = h.client.quit();
    expect(h.client.isOpen).toBe(false);
    expect(await before).toBe('before');
    expect(await quit).toBe('OK');
    await expect(h.client.ping()).rejects.toBeInstanceOf(ClientClosedError);
    await expect(h.client.multi().ping().exec()).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('quit() closes the engine connection: its WATCHes are dropped', async () => {
    h = engineHarness();
    await h.client.watch('k');
    const id = await h.client.clientId();
    await h.client.quit();
    expect(h.engine!.clients.has(id)).toBe(false);
  });

  it('close() is idempotent', async () => {
    h = engineHarness();
    await Promise.all([h.client.close(), h.client.close()]);
    expect(h.client.isOpen).toBe(false);
  });
});

describe('typed methods', () => {
  it('every method is defined once across the families', () => {
    const names = FAMILIES.flatMap((family) => Object.keys(family));
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(CLIENT_COMMANDS).length).toBe(names.length);
  });

  it('no command name shadows a client or builder method', () => {
    for (const name of Object.getOwnPropertyNames(RedisClient.prototype)) {
      if (!(name in CLIENT_COMMANDS)) continue;
      expect(typeof Object.getOwnPropertyDescriptor(RedisClient.prototype, name)!.value).toBe('function');
    }
    for (const core of ['sendCommand', 'multi', 'quit', 'close', 'scanIterator', 'hostStats', 'isOpen']) {
      expect(core in CLIENT_COMMANDS).toBe(false);
    }
    for (const core of ['exec', 'execAsPipeline', 'discard', 'addCommand', 'length']) {
      expect(core in COMMANDS).toBe(false);
    }
    expect(Object.keys(COMMANDS).every((name) => name in RedisMulti.prototype)).toBe(true);
  });

  it('an argument no encoder accepts rejects before sending', async () => {
    h = engineHarness();
    await expect(h.client.mSet(null as unknown as string[])).rejects.toBeInstanceOf(TypeError);
    expect(h.batches).toBe(0);
  });
});
