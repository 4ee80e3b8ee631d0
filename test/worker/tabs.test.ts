/**
 * The tab coordination pieces that need no browser: the channel protocol's shape checks
 * and the follower's forwarding table across leader changes. The election, Web Locks and
 * BroadcastChannel themselves are tested in Chromium (test/e2e/tabs.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { CHANNEL_VERSION, parseChannelMessage } from '../../worker/channel-protocol.js';
import { Forwarder, LEADER_LOST, isRepeatableBatch } from '../../worker/forward.js';
import type { ChannelBody } from '../../worker/channel-protocol.js';

const v = CHANNEL_VERSION;

describe('channel protocol', () => {
  it('accepts well-formed messages of this version', () => {
    for (const message of [
      { v, from: 'a', type: 'who' },
      { v, from: 'a', type: 'leader', epoch: 3 },
      { v, from: 'a', type: 'resigned', epoch: 3 },
      { v, from: 'a', type: 'request', to: 'b', id: 1, session: 2, commands: [['GET', 'k'], ['SET', 'k', new Uint8Array([1])]] },
      { v, from: 'a', type: 'reply', to: 'b', id: 1, replies: ['x', null, 1] },
      { v, from: 'a', type: 'failed', to: 'b', id: 1, message: 'ERR x' },
      { v, from: 'a', type: 'pushes', to: 'b', pushes: [[1, ['message', 'c', 'm']], [2, 'MONITOR line']] },
      { v, from: 'a', type: 'close', to: 'b', session: 1 },
    ]) expect(parseChannelMessage(message), JSON.stringify(message)).toBe(message);
  });

  it('drops malformed, foreign and other-version messages', () => {
    for (const junk of [
      null, undefined, 42, 'who', [], {},
      { v: 2, from: 'a', type: 'who' },
      { v, type: 'who' },
      { v, from: '', type: 'who' },
      { v, from: 'x'.repeat(65), type: 'who' },
      { v, from: 'a', type: 'leader', epoch: -1 },
      { v, from: 'a', type: 'leader', epoch: 1.5 },
      { v, from: 'a', type: 'request', to: 'b', id: 1, session: 2, commands: [] },
      { v, from: 'a', type: 'request', to: 'b', id: 1, session: 2, commands: [[]] },
      { v, from: 'a', type: 'request', to: 'b', id: 1, session: 2, commands: [[1]] },
      { v, from: 'a', type: 'request', id: 1, session: 2, commands: [['GET']] },
      { v, from: 'a', type: 'reply', to: 'b', id: 1, replies: 'x' },
      { v, from: 'a', type: 'failed', to: 'b', id: 1 },
      { v, from: 'a', type: 'pushes', to: 'b', pushes: [[1]] },
      { v, from: 'a', type: 'pushes', to: 'b', pushes: [[-1, 'x']] },
      { v, from: 'a', type: 'close', to: 'b' },
      { v, from: 'a', type: '__proto__' },
    ]) expect(parseChannelMessage(junk), JSON.stringify(junk)).toBeNull();
  });
});

describe('forwarding', () => {
  function forwarder() {
    const sent: ChannelBody[] = [];
    return { f: new Forwarder((body) => sent.push(body)), sent };
  }

  it('isRepeatableBatch: only batches that change nothing may run twice', () => {
    expect(isRepeatableBatch([['GET', 'k'], ['MGET', 'a', 'b'], ['EXISTS', 'k'], ['PING'], ['INFO']])).toBe(true);
    expect(isRepeatableBatch([['GET', new Uint8Array([1])], ['nosuch']])).toBe(true);
    expect(isRepeatableBatch([['GET', 'k'], ['INCR', 'k']])).toBe(false);
    expect(isRepeatableBatch([['PUBLISH', 'c', 'm']])).toBe(false);
    expect(isRepeatableBatch([['EXEC']])).toBe(false);
    expect(isRepeatableBatch([['MULTI'], ['SET', 'k', 'v'], ['EXEC']])).toBe(false);
    expect(isRepeatableBatch([[new Uint8Array([71])]])).toBe(false);
  });

  it('requests wait for a leader, then go with ids; replies settle them', async () => {
    const { f, sent } = forwarder();
    const reply = f.send(1, [['GET', 'k']]);
    expect(sent).toEqual([]);
    f.leaderChanged('L1');
    expect(sent).toEqual([{ type: 'request', to: 'L1', id: 1, session: 1, commands: [['GET', 'k']] }]);
    f.settle(1, ['v']);
    expect(await reply).toEqual(['v']);
    f.settle(1, ['late']); // a duplicate reply is ignored
  });

  it('on a new leader: batches that change nothing are sent again, writes fail clearly, never hang', async () => {
    const { f, sent } = forwarder();
    f.leaderChanged('L1');
    const read = f.send(1, [['GET', 'k']]);
    const write = f.send(1, [['INCR', 'k']]);
    f.leaderChanged('L2');
    await expect(write).rejects.toThrow(LEADER_LOST);
    expect(sent.at(-1)).toEqual({ type: 'request', to: 'L2', id: 1, session: 1, commands: [['GET', 'k']] });
    f.settle(1, ['v']);
    expect(await read).toEqual(['v']);
    expect(f.stats).toEqual({ forwarded: 3, retried: 1, failed: 1 });
  });

  it('taking the lead: unsent and repeatable batches run here, writes sent to the old leader fail', async () => {
    const { f } = forwarder();
    f.leaderChanged('L1');
    const write = f.send(1, [['SET', 'k', 'v']]);
    const read = f.send(2, [['GET', 'k']]);
    const jobs = f.takeOver();
    await expect(write).rejects.toThrow(LEADER_LOST);
    expect(jobs.map((j) => j.commands)).toEqual([[['GET', 'k']]]);
    jobs[0]!.resolve(['here']);
    expect(await read).toEqual(['here']);
    expect(f.inFlight).toBe(0);
  });

  it('no leader answering: waiting requests fail clearly, and new ones at once, until one is heard', async () => {
    const { f, sent } = forwarder();
    const waiting = f.send(1, [['GET', 'k']]);
    f.noLeader('ERR no leader');
    await expect(waiting).rejects.toThrow('ERR no leader');
    await expect(f.send(1, [['GET', 'k']])).rejects.toThrow('ERR no leader');
    f.leaderChanged('L');
    const later = f.send(1, [['GET', 'k']]);
    expect(sent).toEqual([{ type: 'request', to: 'L', id: 2, session: 1, commands: [['GET', 'k']] }]);
    f.settle(2, ['v']);
    expect(await later).toEqual(['v']);
  });

  it('a leader that resigned answered all it took: its unanswered batches go to the next leader, writes too', async () => {
    const { f, sent } = forwarder();
    f.leaderChanged('L1');
    const write = f.send(1, [['INCR', 'k']]);
    f.leaderResigned('L1');
    const queued = f.send(1, [['INCR', 'k']]);
    expect(sent).toHaveLength(1);
    f.leaderChanged('L2');
    expect(sent.slice(1)).toEqual([
      { type: 'request', to: 'L2', id: 1, session: 1, commands: [['INCR', 'k']] },
      { type: 'request', to: 'L2', id: 2, session: 1, commands: [['INCR', 'k']] },
    ]);
    f.settle(1, [1]);
    f.settle(2, [2]);
    expect([await write, await queued]).toEqual([[1], [2]]);
    expect(f.stats.failed).toBe(0);
  });
});
