/**
 * MULTI / EXEC / DISCARD / WATCH / UNWATCH, named after Redis's tests/unit/multi.tcl.
 * Stale-key cases use a fake clock instead of `debug set-active-expire 0`.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, ReplyError, type Connection, type Engine } from '../../../src/index.js';

async function reply(conn: Connection, ...argv: string[]): Promise<unknown> {
  try {
    return await conn.call(argv);
  } catch (e) {
    if (e instanceof ReplyError) return e;
    throw e;
  }
}

/** An engine on a fake clock with the active expirer off, and two connections. */
function setup(): { engine: Engine; r: Connection; r2: Connection; clock: { t: number } } {
  const clock = { t: 1_000_000 };
  const engine = createEngine({ clock: () => clock.t, activeExpire: false });
  return { engine, r: engine.connect(), r2: engine.connect(), clock };
}

/** Run MULTI, the commands, EXEC; returns EXEC's reply. */
async function transaction(r: Connection, ...commands: string[][]): Promise<unknown> {
  expect(await r.call(['MULTI'])).toBe('OK');
  for (const argv of commands) expect(await reply(r, ...argv)).toBe('QUEUED');
  return reply(r, 'EXEC');
}

describe('MULTI / EXEC', () => {
  it('MULTI / EXEC basics', async () => {
    const { r } = setup();
    await r.call(['SET', 'k', 'v']);
    expect(await transaction(r, ['GET', 'k'], ['PING'])).toEqual(['v', 'PONG']);
  });

  it('DISCARD', async () => {
    const { r } = setup();
    await r.call(['SET', 'k', 'v']);
    await r.call(['MULTI']);
    expect(await r.call(['DEL', 'k'])).toBe('QUEUED');
    expect(await r.call(['DISCARD'])).toBe('OK');
    expect(await r.call(['GET', 'k'])).toBe('v');
  });

  it('Nested MULTI are not allowed', async () => {
    const { r } = setup();
    await r.call(['MULTI']);
    expect(String(await reply(r, 'MULTI'))).toMatch(/ERR MULTI calls can not be nested/);
    expect(await r.call(['EXEC'])).toEqual([]);
  });

  it('WATCH inside MULTI is not allowed', async () => {
    const { r } = setup();
    await r.call(['MULTI']);
    expect(String(await reply(r, 'WATCH', 'x'))).toMatch(/ERR WATCH inside MULTI is not allowed/);
    expect(await r.call(['EXEC'])).toEqual([]);
  });

  it('EXEC and DISCARD without MULTI', async () => {
    const { r } = setup();
    expect(String(await reply(r, 'EXEC'))).toMatch(/^ReplyError: ERR EXEC without MULTI$/);
    expect(String(await reply(r, 'DISCARD'))).toMatch(/^ReplyError: ERR DISCARD without MULTI$/);
  });

  it('EXEC fails if there are errors while queueing commands #1', async () => {
    const { r } = setup();
    await r.call(['MULTI']);
    await r.call(['SET', 'foo1', 'bar1']);
    expect(String(await reply(r, 'non-existing-command'))).toMatch(/ERR unknown command 'non-existing-command'/);
    await r.call(['SET', 'foo2', 'bar2']);
    const e = await reply(r, 'EXEC');
    expect(e).toBeInstanceOf(ReplyError);
    expect((e as ReplyError).message).toBe('EXECABORT Transaction discarded because of previous errors.');
    expect(await r.call(['GET', 'foo1'])).toBeNull();
    expect(await r.call(['GET', 'foo2'])).toBeNull();
  });

  it('EXEC fails if there are errors while queueing commands #2', async () => {
    const { r } = setup();
    await r.call(['MULTI']);
    await r.call(['SET', 'foo1', 'bar1']);
    expect(String(await reply(r, 'SET', 'foo2'))).toMatch(/wrong number of arguments for 'set' command/);
    expect(String(await reply(r, 'CONFIG', 'nosuch'))).toMatch(/unknown subcommand/);
    expect(String(await reply(r, 'EXEC'))).toMatch(/^ReplyError: EXECABORT/);
    expect(await r.call(['GET', 'foo1'])).toBeNull();
  });

  it('If EXEC aborts, the client MULTI state is cleared', async () => {
    const { r } = setup();
    await r.call(['MULTI']);
    await reply(r, 'non-existing-command');
    await reply(r, 'EXEC');
    expect(r.multi).toBeNull();
    expect(await r.call(['PING'])).toBe('PONG');
  });

  it('Runtime errors inside EXEC do not roll back the other commands', async () => {
    const { r } = setup();
    await r.call(['SET', 'a', 'not-a-number']);
    const res = (await transaction(r, ['SET', 'b', '1'], ['INCR', 'a'], ['INCR', 'b'])) as unknown[];
    expect(res[0]).toBe('OK');
    expect(res[1]).toBeInstanceOf(ReplyError);
    expect((res[1] as ReplyError).message).toBe('ERR value is not an integer or out of range');
    expect(res[2]).toBe(2);
    expect(await r.call(['GET', 'a'])).toBe('not-a-number');
  });

  it('MULTI with config error', async () => {
    const { r } = setup();
    const res = (await transaction(r, ['SET', 'foo', 'bar'], ['CONFIG', 'SET', 'maxmemory', 'bla'])) as unknown[];
    expect(res[0]).toBe('OK');
    expect(String(res[1])).toMatch(/CONFIG SET failed/);
  });

  it('MULTI state belongs to one connection', async () => {
    const { r, r2 } = setup();
    await r.call(['MULTI']);
    expect(await r2.call(['PING'])).toBe('PONG');
    expect(await r.call(['PING'])).toBe('QUEUED');
    expect(await r.call(['EXEC'])).toEqual(['PONG']);
  });

  it('Keys do not expire in the middle of EXEC', async () => {
    const clock = { t: 1_000_000 };
    const engine = createEngine({ clock: () => clock.t++, activeExpire: false });
    const r = engine.connect();
    await r.call(['SET', 'k', 'v', 'PX', '3']);
    await r.call(['MULTI']);
    for (let i = 0; i < 5; i++) await r.call(['GET', 'k']);
    expect(await r.call(['EXEC'])).toEqual(['v', 'v', 'v', 'v', 'v']);
  });
});

describe('WATCH', () => {
  it('EXEC works on WATCHed key not modified', async () => {
    const { r } = setup();
    await r.call(['WATCH', 'x', 'y', 'z']);
    await r.call(['WATCH', 'k']);
    expect(await transaction(r, ['PING'])).toEqual(['PONG']);
  });

  it('EXEC fail on WATCHed key modified (1 key of 1 watched)', async () => {
    const { r, r2 } = setup();
    await r.call(['SET', 'x', '30']);
    await r.call(['WATCH', 'x']);
    await r2.call(['SET', 'x', '40']);
    expect(await transaction(r, ['PING'])).toBeNull();
  });

  it('EXEC fail on WATCHed key modified (1 key of 5 watched)', async () => {
    const { r, r2 } = setup();
    await r.call(['SET', 'x', '30']);
    await r.call(['WATCH', 'a', 'b', 'x', 'k', 'z']);
    await r2.call(['SET', 'x', '40']);
    expect(await transaction(r, ['PING'])).toBeNull();
  });

  it('A modification by the watching connection itself also fails EXEC', async () => {
    const { r } = setup();
    await r.call(['WATCH', 'x']);
    await r.call(['SET', 'x', '1']);
    expect(await transaction(r, ['PING'])).toBeNull();
  });

  it('EXEC fail on lazy expired WATCHed key', async () => {
    const { r, clock } = setup();
    await r.call(['SET', 'key', '1', 'PX', '100']);
    await r.call(['WATCH', 'key']);
    clock.t += 101;
    expect(await transaction(r, ['INCR', 'key'])).toBeNull();
  });

  it('WATCH stale keys should not fail EXEC', async () => {
    const { r, clock } = setup();
    await r.call(['SET', 'x', 'foo', 'PX', '1']);
    clock.t += 2;
    await r.call(['WATCH', 'x']);
    expect(await transaction(r, ['PING'])).toEqual(['PONG']);
  });

  it('Delete WATCHed stale keys should not fail EXEC', async () => {
    const { r, clock } = setup();
    await r.call(['SET', 'x', 'foo', 'PX', '1']);
    clock.t += 2;
    await r.call(['WATCH', 'x']);
    // GET triggers the lazy expiry and deletion.
    expect(await r.call(['GET', 'x'])).toBeNull();
    expect(await transaction(r, ['PING'])).toEqual(['PONG']);
  });

  it('FLUSHDB while watching stale keys should not fail EXEC', async () => {
    const { r, clock } = setup();
    await r.call(['SET', 'x', 'foo', 'PX', '1']);
    clock.t += 2;
    await r.call(['WATCH', 'x']);
    await r.call(['FLUSHDB']);
    expect(await transaction(r, ['PING'])).toEqual(['PONG']);
  });

  it('Overwriting a WATCHed stale key fails EXEC', async () => {
    const { r, r2, clock } = setup();
    await r.call(['SET', 'x', 'foo', 'PX', '1']);
    clock.t += 2;
    await r.call(['WATCH', 'x']);
    await r2.call(['SET', 'x', 'bar']);
    expect(await transaction(r, ['PING'])).toBeNull();
  });

  it('After successful EXEC key is no longer watched', async () => {
    const { r } = setup();
    await r.call(['SET', 'x', '30']);
    await r.call(['WATCH', 'x']);
    await transaction(r, ['PING']);
    await r.call(['SET', 'x', '40']);
    expect(await transaction(r, ['PING'])).toEqual(['PONG']);
  });

  it('After failed EXEC key is no longer watched', async () => {
    const { r } = setup();
    await r.call(['SET', 'x', '30']);
    await r.call(['WATCH', 'x']);
    await r.call(['SET', 'x', '40']);
    expect(await transaction(r, ['PING'])).toBeNull();
    await r.call(['SET', 'x', '40']);
    expect(await transaction(r, ['PING'])).toEqual(['PONG']);
  });

  it('It is possible to UNWATCH', async () => {
    const { r } = setup();
    await r.call(['SET', 'x', '30']);
    await r.call(['WATCH', 'x']);
    await r.call(['SET', 'x', '40']);
    await r.call(['UNWATCH']);
    expect(await transaction(r, ['PING'])).toEqual(['PONG']);
  });

  it('UNWATCH when there is nothing watched works as expected', async () => {
    const { r } = setup();
    expect(await r.call(['UNWATCH'])).toBe('OK');
  });

  it('FLUSHALL is able to touch the watched keys', async () => {
    const { r } = setup();
    await r.call(['SET', 'x', '30']);
    await r.call(['WATCH', 'x']);
    await r.call(['FLUSHALL']);
    expect(await transaction(r, ['PING'])).toBeNull();
  });

  it('FLUSHALL does not touch non affected keys', async () => {
    const { r } = setup();
    await r.call(['DEL', 'x']);
    await r.call(['WATCH', 'x']);
    await r.call(['FLUSHALL']);
    expect(await transaction(r, ['PING'])).toEqual(['PONG']);
  });

  it('FLUSHDB is able to touch the watched keys', async () => {
    const { r } = setup();
    await r.call(['SET', 'x', '30']);
    await r.call(['WATCH', 'x']);
    await r.call(['FLUSHDB']);
    expect(await transaction(r, ['PING'])).toBeNull();
  });

  it('FLUSHDB does not touch non affected keys', async () => {
    const { r } = setup();
    await r.call(['DEL', 'x']);
    await r.call(['WATCH', 'x']);
    await r.call(['FLUSHDB']);
    expect(await transaction(r, ['PING'])).toEqual(['PONG']);
  });

  it('WATCH will consider touched keys target of EXPIRE', async () => {
    const { r } = setup();
    await r.call(['SET', 'x', 'foo']);
    await r.call(['WATCH', 'x']);
    await r.call(['EXPIRE', 'x', '10']);
    expect(await transaction(r, ['PING'])).toBeNull();
  });

  it('WATCH will consider touched expired keys', async () => {
    const { engine, r, clock } = setup();
    await r.call(['SET', 'x', 'foo']);
    await r.call(['EXPIRE', 'x', '1']);
    await r.call(['WATCH', 'x']);
    clock.t += 1001;
    expect(engine.runActiveExpire()).toBe(1);
    expect(await transaction(r, ['PING'])).toBeNull();
  });

  it('DISCARD should clear the WATCH dirty flag on the client', async () => {
    const { r } = setup();
    await r.call(['WATCH', 'x']);
    await r.call(['SET', 'x', '10']);
    await r.call(['MULTI']);
    await r.call(['DISCARD']);
    expect(await transaction(r, ['INCR', 'x'])).toEqual([11]);
  });

  it('DISCARD should UNWATCH all the keys', async () => {
    const { r } = setup();
    await r.call(['WATCH', 'x']);
    await r.call(['SET', 'x', '10']);
    await r.call(['MULTI']);
    await r.call(['DISCARD']);
    await r.call(['SET', 'x', '10']);
    expect(await transaction(r, ['INCR', 'x'])).toEqual([11]);
  });

  it('Flushall while watching several keys by one client', async () => {
    const { r } = setup();
    await r.call(['SET', 'a', 'a']);
    await r.call(['SET', 'b', 'b']);
    await r.call(['WATCH', 'b', 'a']);
    await r.call(['FLUSHALL']);
    expect(await r.call(['PING'])).toBe('PONG');
  });

  it('Closing a connection drops its WATCHes', async () => {
    const { engine, r, r2 } = setup();
    await r.call(['WATCH', 'x']);
    r.close();
    await r2.call(['SET', 'x', '1']);
    expect(engine.clients.has(r.id)).toBe(false);
    expect(r.watched.size).toBe(0);
  });
});

describe('MULTI / EXEC propagation', () => {
  function effectsOf(engine: Engine): string[][] {
    const effects: string[][] = [];
    engine.onEffects((batch) => effects.push(...batch));
    return effects;
  }

  it('MULTI / EXEC is not propagated (single write command)', async () => {
    const { engine, r } = setup();
    const effects = effectsOf(engine);
    await transaction(r, ['SET', 'foo', 'bar']);
    await r.call(['SET', 'foo2', 'bar']);
    expect(effects).toEqual([['SET', 'foo', 'bar'], ['SET', 'foo2', 'bar']]);
  });

  it('MULTI / EXEC is propagated correctly (multiple commands)', async () => {
    const { engine, r } = setup();
    const effects = effectsOf(engine);
    await transaction(r, ['SET', 'foo', 'bar'], ['GET', 'foo'], ['SET', 'foo2', 'bar2'], ['GET', 'foo2'], ['SET', 'foo3', 'bar3']);
    expect(effects).toEqual([['multi'], ['SET', 'foo', 'bar'], ['SET', 'foo2', 'bar2'], ['SET', 'foo3', 'bar3'], ['exec']]);
  });

  it('MULTI / EXEC is propagated correctly (empty transaction)', async () => {
    const { engine, r } = setup();
    const effects = effectsOf(engine);
    await transaction(r);
    await r.call(['SET', 'foo', 'bar']);
    expect(effects).toEqual([['SET', 'foo', 'bar']]);
  });

  it('MULTI / EXEC is propagated correctly (read-only commands)', async () => {
    const { engine, r } = setup();
    await r.call(['SET', 'foo', 'value1']);
    const effects = effectsOf(engine);
    await transaction(r, ['GET', 'foo']);
    await r.call(['SET', 'foo', 'value2']);
    expect(effects).toEqual([['SET', 'foo', 'value2']]);
  });

  it('MULTI / EXEC is propagated correctly (write command, no effect)', async () => {
    const { engine, r } = setup();
    const effects = effectsOf(engine);
    await transaction(r, ['DEL', 'foo']);
    await r.call(['INCR', 'foo']);
    expect(effects).toEqual([['INCR', 'foo']]);
  });

  it('MULTI with FLUSHALL is logged as one unit', async () => {
    const { engine, r } = setup();
    const effects = effectsOf(engine);
    await transaction(r, ['SET', 'foo', 'bar'], ['FLUSHALL']);
    expect(effects).toEqual([['multi'], ['SET', 'foo', 'bar'], ['FLUSHALL'], ['exec']]);
    expect(await r.call(['GET', 'foo'])).toBeNull();
  });

  it('Keys expired inside EXEC are deleted inside the unit', async () => {
    const { engine, r, clock } = setup();
    await r.call(['SET', 'old', 'v', 'PX', '10']);
    clock.t += 20;
    const effects = effectsOf(engine);
    await transaction(r, ['GET', 'old'], ['SET', 'new', 'v']);
    expect(effects).toEqual([['multi'], ['del', 'old'], ['SET', 'new', 'v'], ['exec']]);
  });

  it('An aborted EXEC logs nothing', async () => {
    const { engine, r, r2 } = setup();
    await r.call(['WATCH', 'x']);
    await r2.call(['SET', 'x', '1']);
    const effects = effectsOf(engine);
    expect(await transaction(r, ['SET', 'y', '1'], ['SET', 'z', '1'])).toBeNull();
    await r.call(['MULTI']);
    await r.call(['SET', 'y', '1']);
    await reply(r, 'SET');
    await reply(r, 'EXEC');
    expect(effects).toEqual([]);
  });
});
