/**
 * A connection's commands while its store loads: those flagged `loading` (MULTI, EXEC,
 * WATCH, INFO …) run at once, the others wait for the load, and a loading command waits too
 * when an earlier call of the same connection (or session) waits: pipelined MULTI / INCR /
 * EXEC must not run MULTI and an empty EXEC at once and INCR after the load, outside any
 * transaction (worker/leader.ts keeps the same per session).
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { createSession } from '../../src/client/session.js';
import { PROTOCOL_VERSION } from '../../src/client/protocol.js';
import { memoryStorage, type Storage } from '../../src/persistence/storage.js';

/** A store holding n = 1 whose snapshot read waits for `release()`. */
async function heldStore(): Promise<{ storage: Storage; release: () => void }> {
  const inner = memoryStorage();
  const writer = createEngine({ storage: inner });
  await writer.call(['SET', 'n', '1']);
  await writer.call(['SAVE']);
  writer.close();
  await writer.persistence!.close();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return { storage: { ...inner, readChunks: (...args) => gate.then(() => inner.readChunks(...args)) }, release };
}

describe('a connection whose store loads keeps its commands in order', () => {
  it('Connection.call pipelined MULTI / INCR / EXEC', async () => {
    const { storage, release } = await heldStore();
    const engine = createEngine({ storage });
    const conn = engine.connect();
    const replies = Promise.all([conn.call(['MULTI']), conn.call(['INCR', 'n']), conn.call(['EXEC'])]);
    release();
    expect(await replies).toEqual(['OK', 'QUEUED', [2]]);
    engine.close();
  });

  it('a session (the in-page client) sends INCR, then MULTI, INCR and EXEC as batches of their own', async () => {
    const { storage, release } = await heldStore();
    const engine = createEngine({ storage });
    const session = createSession(engine.connect());
    const batch = async (commands: string[][]) => {
      const response = await session.handle({ v: PROTOCOL_VERSION, type: 'batch', commands });
      return response.type === 'replies' ? response.replies[0] : response;
    };
    const replies = Promise.all([batch([['INCR', 'n']]), batch([['MULTI']]), batch([['INCR', 'n']]), batch([['EXEC']])]);
    release();
    expect(await replies).toEqual([2, { type: 'status', value: 'OK' }, { type: 'status', value: 'QUEUED' }, [3]]);
    engine.close();
  });

  // SUBSCRIBE, QUIT, CONFIG SET … are flagged loading too but change what the
  // connection's earlier waiting calls do: run first, a subscribed connection refused the
  // SET it sent before subscribing, QUIT closed the connection under its own SET.
  it('Connection.call SET then SUBSCRIBE: the SET runs first', async () => {
    const { storage, release } = await heldStore();
    const engine = createEngine({ storage });
    const conn = engine.connect();
    const replies = Promise.all([conn.call(['SET', 'k', 'v']), conn.call(['SUBSCRIBE', 'ch'])]);
    release();
    expect(await replies).toEqual(['OK', [['subscribe', 'ch', 1]]]);
    expect(await engine.call(['GET', 'k'])).toBe('v');
    engine.close();
  });

  it('Connection.call SET then QUIT: the SET runs, then the connection closes', async () => {
    const { storage, release } = await heldStore();
    const engine = createEngine({ storage });
    const conn = engine.connect();
    const replies = Promise.all([conn.call(['SET', 'k', 'v']), conn.call(['QUIT'])]);
    release();
    expect(await replies).toEqual(['OK', 'OK']);
    expect(conn.closed).toBe(true);
    expect(await engine.call(['GET', 'k'])).toBe('v');
    engine.close();
  });

  it('a session sends SET, then SUBSCRIBE, then INFO: SUBSCRIBE waits behind SET, and INFO behind SUBSCRIBE', async () => {
    const { storage, release } = await heldStore();
    const engine = createEngine({ storage });
    const session = createSession(engine.connect());
    const batch = async (commands: string[][]) => {
      const response = await session.handle({ v: PROTOCOL_VERSION, type: 'batch', commands });
      return response.type === 'replies' ? response.replies[0] : response;
    };
    const replies = Promise.all([batch([['SET', 'k', 'v']]), batch([['SUBSCRIBE', 'ch']]), batch([['INFO', 'persistence']])]);
    release();
    const [set, subscribe, info] = await replies;
    expect([set, subscribe]).toEqual([{ type: 'status', value: 'OK' }, [['subscribe', 'ch', 1]]]);
    // Subscribed by then: INFO is refused, as it is after SUBSCRIBE.
    expect(info).toMatchObject({ type: 'error', message: expect.stringMatching(/only \(P\|S\)SUBSCRIBE/) });
    engine.close();
  });
});

