import { expect, it } from 'vitest';
import { createClientOver } from '../../src/client/client.js';
import { ClientClosedError } from '../../src/client/errors.js';
import { inProcessTransport } from '../../src/client/transport.js';
import { describeBackends } from './support.js';

describeBackends('list methods', (h, backend) => {
  it('lPush and rPush take one element or several; lRange, lLen', async () => {
    const { client } = h();
    expect(await client.lPush('l', 'a')).toBe(1);
    expect(h().lastSent()).toEqual(['LPUSH', 'l', 'a']);
    expect(await client.rPush('l', ['b', 'c'])).toBe(3);
    expect(await client.lPush('l', ['y', 'z'])).toBe(5);
    expect(await client.lRange('l', 0, -1)).toEqual(['z', 'y', 'a', 'b', 'c']);
    expect(await client.lLen('l')).toBe(5);
    expect(await client.lPushX('missing', 'x')).toBe(0);
    expect(await client.rPushX('l', ['d'])).toBe(6);
  });

  it('lPop, rPop and their count forms: null for a missing key', async () => {
    const { client } = h();
    expect(await client.lPop('missing')).toBeNull();
    expect(await client.lPopCount('missing', 2)).toBeNull();
    await client.rPush('l', ['a', 'b', 'c', 'd']);
    expect(await client.lPop('l')).toBe('a');
    expect(await client.rPop('l')).toBe('d');
    expect(await client.lPopCount('l', 0)).toEqual([]);
    expect(await client.rPopCount('l', 5)).toEqual(['c', 'b']);
    expect(h().lastSent()).toEqual(['RPOP', 'l', '5']);
  });

  it('lIndex, lSet, lInsert, lRem, lTrim', async () => {
    const { client } = h();
    await client.rPush('l', ['a', 'b', 'a', 'c']);
    expect(await client.lIndex('l', -1)).toBe('c');
    expect(await client.lIndex('l', 10)).toBeNull();
    expect(await client.lSet('l', 1, 'B')).toBe('OK');
    await expect(client.lSet('l', 9, 'x')).rejects.toThrow('ERR index out of range');
    expect(await client.lInsert('l', 'BEFORE', 'c', 'p')).toBe(5);
    expect(await client.lInsert('l', 'AFTER', 'nope', 'p')).toBe(-1);
    expect(await client.lRem('l', 0, 'a')).toBe(2);
    expect(await client.lTrim('l', 0, 1)).toBe('OK');
    expect(await client.lRange('l', 0, -1)).toEqual(['B', 'p']);
  });

  it('lPos with RANK and MAXLEN; lPosCount', async () => {
    const { client } = h();
    await client.rPush('l', ['a', 'b', 'a', 'c', 'a']);
    expect(await client.lPos('l', 'a')).toBe(0);
    expect(await client.lPos('l', 'a', { RANK: -1 })).toBe(4);
    expect(h().lastSent()).toEqual(['LPOS', 'l', 'a', 'RANK', '-1']);
    expect(await client.lPos('l', 'c', { MAXLEN: 2 })).toBeNull();
    expect(await client.lPosCount('l', 'a', 0)).toEqual([0, 2, 4]);
    expect(await client.lPosCount('l', 'a', 2, { RANK: 2 })).toEqual([2, 4]);
    expect(h().lastSent()).toEqual(['LPOS', 'l', 'a', 'RANK', '2', 'COUNT', '2']);
    await expect(client.lPos('l', 'a', { RANK: 0 })).rejects.toThrow(/^ERR RANK can't be zero/);
  });

  it('lMove, rPopLPush and lmPop', async () => {
    const { client } = h();
    await client.rPush('src', ['1', '2', '3']);
    expect(await client.lMove('src', 'dst', 'LEFT', 'RIGHT')).toBe('1');
    expect(await client.rPopLPush('src', 'dst')).toBe('3');
    expect(await client.lRange('dst', 0, -1)).toEqual(['3', '1']);
    expect(await client.lMove('missing', 'dst', 'LEFT', 'LEFT')).toBeNull();
    expect(await client.lmPop(['missing', 'dst'], 'RIGHT', { COUNT: 5 })).toEqual(['dst', ['1', '3']]);
    expect(h().lastSent()).toEqual(['LMPOP', '2', 'missing', 'dst', 'RIGHT', 'COUNT', '5']);
    expect(await client.lmPop('missing', 'LEFT')).toBeNull();
  });

  it('blPop, brPop, blMove, brPopLPush and blmPop with data at hand', async () => {
    const { client } = h();
    await client.rPush('l', ['a', 'b', 'c', 'd', 'e']);
    expect(await client.blPop(['missing', 'l'], 0)).toEqual({ key: 'l', element: 'a' });
    expect(h().lastSent()).toEqual(['BLPOP', 'missing', 'l', '0']);
    expect(await client.brPop('l', 1)).toEqual({ key: 'l', element: 'e' });
    expect(await client.blMove('l', 'd', 'LEFT', 'LEFT', 0)).toBe('b');
    expect(await client.brPopLPush('l', 'd', 0)).toBe('d');
    expect(await client.blmPop(0, ['l'], 'LEFT', { COUNT: 3 })).toEqual(['l', ['c']]);
    expect(h().lastSent()).toEqual(['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '3']);
  });

  it('a blocking method times out with null (fractional seconds)', async () => {
    const { client } = h();
    // On the fake clock: move it past the deadline once the command waits; the engine's
    // timer then finds it due.
    const pastDeadline = async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (backend.fakeClock) h().advance(100);
    };
    const reply = client.blPop('q', 0.05);
    const after = client.ping();
    await pastDeadline();
    expect(await reply).toBeNull();
    expect(await after).toBe('PONG');
    const moved = client.blMove('q', 'd', 'LEFT', 'RIGHT', 0.01);
    await pastDeadline();
    expect(await moved).toBeNull();
  });

  it('inside multi() a blocking command answers at once', async () => {
    const { client } = h();
    const replies = await client.multi().blPop('q', 0).rPush('q', 'v').brPop('q', 0).exec();
    expect(replies).toEqual([null, 1, { key: 'q', element: 'v' }]);
  });

  if (backend.name === 'engine') {
    it('a blocked client waits while another is served, then gets the pushed element', async () => {
      const { client, engine } = h();
      const other = createClientOver(inProcessTransport(engine!));
      try {
        const blocked = client.blPop('q', 0);
        const behind = client.get('k');
        expect(await other.set('k', 'v')).toBe('OK');
        expect(await other.rPush('q', 'x')).toBe(1);
        expect(await blocked).toEqual({ key: 'q', element: 'x' });
        expect(await behind).toBe('v');
      } finally {
        await other.close();
      }
    });

    it('disconnect() while blocked rejects the pending commands and frees the waiter', async () => {
      const { engine } = h();
      const client = createClientOver(inProcessTransport(engine!));
      const blocked = client.blPop('q', 0);
      const behind = client.ping();
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(engine!.blocking.blockedClients).toBe(1);
      await client.disconnect();
      await expect(blocked).rejects.toBeInstanceOf(ClientClosedError);
      await expect(behind).rejects.toBeInstanceOf(ClientClosedError);
      expect(engine!.blocking.blockedClients).toBe(0);
      expect(client.isOpen).toBe(false);
    });
  }
});
